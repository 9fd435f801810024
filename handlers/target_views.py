"""Message texts and buttons for targets: /target, /targets, carry and allocation proposals."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core import callbacks as cb
from bot.core.numbers import number
from bot.core.plan import Indicator, Plan
from bot.core.targets import Amendment, Target, YearTargets, plan_spans
from bot.core.targets_input import TargetInputError, TargetProblem
from bot.core.targets_proposals import AllocationProposal, CarryProposal, Proposed
from handlers import figure_views, views
from handlers.context import BotContext

Authors = dict[int, str]
"""Telegram id -> the name shown for who amended a target."""


def value(indicator: Indicator, amount: Decimal | None) -> str:
    """A target as people write it: 85%, 50 場."""
    if amount is None:
        return "–"
    shown = number(amount, 2)
    return f"{shown}%" if indicator.unit == "%" else f"{shown} {indicator.unit}"


def scope_name(context: BotContext, unit_code: str | None) -> str:
    """The bureau, or a unit's name."""
    return context.label("figure.bureau") if unit_code is None else views.unit_name(context, unit_code)


async def authors(context: BotContext, amendments: Iterable[Amendment | None]) -> Authors:
    """The names of the admins who made the amendments."""
    names: Authors = {}
    for amendment in amendments:
        if amendment is None or amendment.entered_by is None or amendment.entered_by in names:
            continue
        member = await context.repos.users.get(telegram_id=amendment.entered_by)
        names[amendment.entered_by] = (
            member.full_name if member and member.full_name else str(amendment.entered_by)
        )
    return names


def source(context: BotContext, target: Target, names: Authors) -> str:
    """Where a target comes from: the plan file, or who amended it, when and how."""
    amendment = target.amendment
    if amendment is None:
        return context.label("targets.source_plan")
    when = amendment.entered_at.astimezone(context.services.settings.tz)
    who = (
        names.get(amendment.entered_by, str(amendment.entered_by))
        if amendment.entered_by is not None
        else context.label("targets.who_cli")
    )
    how = context.label(f"targets.how_{amendment.change.value}")
    return context.label("targets.source_amendment", who=who, when=f"{when:%Y-%m-%d %H:%M}", how=how)


def problem(context: BotContext, error: TargetInputError) -> str:
    """Explain what was wrong with a carry or an allocation."""
    values = dict(error.details)
    if error.problem in (TargetProblem.NOT_SPLITTABLE, TargetProblem.NOT_IN_YEAR):
        indicator = context.services.plan.indicator(str(values.pop("indicator")))
        values["name"] = figure_views.indicator_name(context, indicator)
    if error.problem in (TargetProblem.SAME_YEAR, TargetProblem.NOT_IN_YEAR):
        values["year"] = views.year_label(context, int(str(values["year"])))
    return context.t(f"targets.problem_{error.problem.value}", **values)


def outside_plan(context: BotContext, year: int) -> str:
    """The note for a year the plan file has no period for."""
    return context.t(
        "targets.outside_plan", year=views.year_label(context, year), known=plan_spans(context.services.plan)
    )


def saved(
    context: BotContext,
    indicator: Indicator,
    unit_code: str | None,
    year: int,
    previous: Target | None,
    names: Authors,
) -> str:
    """The first lines of the /target answer: what was set, what it replaced."""
    lines = [
        context.t(
            "targets.saved",
            name=figure_views.indicator_name(context, indicator),
            scope=scope_name(context, unit_code),
            year=views.year_label(context, year),
        )
    ]
    if previous is None:
        lines.append(context.t("targets.saved_first"))
    else:
        lines.append(
            context.t(
                "targets.saved_replaces",
                old=value(indicator, previous.value),
                source=source(context, previous, names),
            )
        )
    if context.services.plan.period_for(year) is None:
        lines.append(outside_plan(context, year))
    return "\n".join(lines)


def listing(context: BotContext, targets: YearTargets, unit_code: str | None, names: Authors) -> str:
    """/targets: every indicator of the year with its target and where it comes from."""
    year = views.year_label(context, targets.year)
    lines = [context.t("targets.list_title", year=year, scope=scope_name(context, unit_code))]
    period = targets.period
    if period is None:
        lines.append(outside_plan(context, targets.year))
    else:
        lines.append(
            context.t(
                "targets.list_period", period=period.span(), title=period.title.get(context.language.value)
            )
        )
    lines.append("")
    for indicator in targets.indicators():
        name = figure_views.indicator_name(context, indicator)
        target = targets.target(indicator.id, unit_code)
        if target is None:
            lines.append(context.t("targets.list_none", name=name))
        else:
            lines.append(
                context.t(
                    "targets.list_line",
                    name=name,
                    value=value(indicator, target.value),
                    source=source(context, target, names),
                )
            )
        shares = targets.allocations(indicator.id) if unit_code is None else {}
        if shares:
            lines.append(_shares_line(context, indicator, shares))
    return "\n".join(lines)


def _shares_line(context: BotContext, indicator: Indicator, shares: dict[str, Target]) -> str:
    parts = context.label("digest.separator").join(
        f"{code} {number(target.value, 2)}" for code, target in shares.items()
    )
    total = sum((target.value for target in shares.values()), Decimal(0))
    return context.t("targets.list_shares", shares=parts, total=value(indicator, total))


def _proposed_lines(context: BotContext, plan: Plan, year: int, items: Sequence[Proposed]) -> list[str]:
    """One line per proposed target, the indicator named as the year's period names it."""
    named = {indicator.id: indicator for indicator in plan.indicators_for(year)}
    lines = []
    for item in items:
        indicator = named.get(item.indicator) or plan.indicator(item.indicator)
        was = "" if item.current is None else context.label("targets.was", old=value(indicator, item.current))
        lines.append(
            context.t(
                "targets.proposed_line",
                name=figure_views.indicator_name(context, indicator),
                scope=scope_name(context, item.unit_code),
                value=value(indicator, item.value),
                was=was,
            )
        )
    return lines


def carry(context: BotContext, proposal: CarryProposal) -> str:
    """The carry proposal: every target to store, and the indicators the new year no longer has."""
    source_year = views.year_label(context, proposal.source.year)
    goal_year = views.year_label(context, proposal.goal.year)
    if proposal.items:
        lines = [
            context.t("targets.carry_title", source=source_year, goal=goal_year, count=len(proposal.items))
        ]
        lines += _proposed_lines(context, proposal.source.plan, proposal.goal.year, proposal.items)
    else:
        lines = [context.t("targets.carry_nothing", source=source_year, goal=goal_year)]
    if proposal.dropped:
        dropped = context.label("digest.separator").join(
            figure_views.indicator_name(context, indicator) for indicator in proposal.dropped
        )
        lines.append(context.t("targets.carry_dropped", goal=goal_year, names=dropped))
    if proposal.goal.period is None:
        lines.append(outside_plan(context, proposal.goal.year))
    if proposal.items:
        lines.append(context.t("targets.confirm_hint"))
    return "\n".join(lines)


def allocation(context: BotContext, proposal: AllocationProposal, *, proposed: bool) -> str:
    """An allocation (proposed, or stored): each unit's share, and the sum against the bureau target."""
    indicator = proposal.indicator
    lines = [
        context.t(
            "targets.allocate_title",
            name=figure_views.indicator_name(context, indicator),
            year=views.year_label(context, proposal.year),
        )
    ]
    if proposed:
        basis = "targets.allocate_by_officers" if proposal.by_officers else "targets.allocate_by_history"
        lines.append(context.t(basis, last=views.year_label(context, proposal.year - 1)))
    lines += _proposed_lines(context, context.services.plan, proposal.year, proposal.items)
    lines.append(
        context.t(
            "targets.allocate_sum",
            total=value(indicator, proposal.total),
            bureau=value(indicator, proposal.bureau),
        )
    )
    if proposed:
        lines.append(context.t("targets.confirm_hint"))
    return "\n".join(lines)


def confirm_buttons(context: BotContext, confirm: cb.CallbackData) -> InlineKeyboardMarkup:
    """Confirm and cancel under a proposal."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    context.label("targets.button_confirm"), callback_data=cb.encode(confirm)
                ),
                InlineKeyboardButton(
                    context.label("targets.button_cancel"), callback_data=cb.encode(cb.DropProposal())
                ),
            ]
        ]
    )
