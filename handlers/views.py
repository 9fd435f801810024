"""Message texts composed from the catalog: what the bot says, in the asker's language."""

from __future__ import annotations

from datetime import date

from bot.core.domain import NOTHING_TO_REPORT, Language, Role
from bot.core.plan import Indicator
from bot.core.records import Member, Report
from bot.core.reporting import ReportInputError
from bot.core.screening import PersonalData
from bot.rendering.i18n import Markup
from handlers.context import BotContext
from handlers.keyboards import indicator_label


def full_day(context: BotContext, day: date) -> str:
    """A date as read in a message: 2026-11-27（週五）."""
    weekday = context.label(f"common.weekday_{day.weekday()}")
    return context.label("common.day", date=day.isoformat(), weekday=weekday)


def year_label(context: BotContext, year: int) -> str:
    """A year with the ROC year beside it: 民國115年（2026）."""
    return context.label("common.year", roc=year - 1911, year=year)


def unit_name(context: BotContext, unit_code: str, language: Language | None = None) -> str:
    """A unit's name in the asker's language (or in `language`)."""
    unit = context.services.plan.unit(unit_code)
    return unit.name.get((language or context.language).value) if unit else unit_code


def role_name(context: BotContext, role: Role, language: Language | None = None) -> str:
    """A role's name in the asker's language (or in `language`)."""
    return context.services.catalog.plain(language or context.language, f"common.role_{role.value}")


def count_unit(indicator: Indicator) -> str:
    """The unit of one daily count (場, 件)."""
    return indicator.count_unit or indicator.unit


def input_problem(context: BotContext, error: ReportInputError) -> str:
    """Explain what was wrong and what is accepted."""
    values = {
        name: full_day(context, value) if isinstance(value, date) else value
        for name, value in error.details.items()
    }
    for name, value in error.details.items():
        if isinstance(value, PersonalData):
            values[name] = context.label(f"problem.found_{value.value}")
    if error.problem.value == "unknown_indicator" or error.problem.value == "usage":
        values["indicators"] = Markup(indicator_list(context))
    return context.t(f"problem.{error.problem.value}", **values)


def indicator_list(context: BotContext) -> str:
    """Every officer-reported indicator with what may be typed for it."""
    lines = []
    for indicator in context.services.plan.officer_indicators():
        lines.append(
            context.t(
                "report.indicator_line",
                name=indicator_label(context, indicator),
                id=indicator.id,
                maximum=indicator.max_daily_count,
            )
        )
    return "\n".join(lines)


def report_saved(context: BotContext, report: Report, indicator: Indicator, year_total: int) -> str:
    """The confirmation after a report is stored."""
    note = context.t("report.note_line", note=report.note) if report.note else ""
    return context.t(
        "report.saved",
        indicator=indicator_label(context, indicator),
        count=report.count,
        unit=count_unit(indicator),
        day=full_day(context, report.report_date),
        note=Markup(note),
        year=year_label(context, report.report_date.year),
        year_total=year_total,
    )


def nothing_saved(context: BotContext, day: date) -> str:
    """The confirmation after 'nothing to report'."""
    return context.t("report.nothing_saved", day=full_day(context, day))


def ask_count(context: BotContext, indicator: Indicator) -> str:
    """Ask how many."""
    return context.t(
        "report.ask_count",
        indicator=indicator_label(context, indicator),
        unit=count_unit(indicator),
        maximum=indicator.max_daily_count,
    )


def ask_day(context: BotContext, indicator: Indicator, count: int) -> str:
    """Ask which day."""
    return context.t(
        "report.ask_day",
        indicator=indicator_label(context, indicator),
        count=count,
        unit=count_unit(indicator),
    )


def ask_any_day(context: BotContext, indicator: Indicator, count: int) -> str:
    """Ask which of the accepted days."""
    window = context.report_window()
    return context.t(
        "report.ask_any_day",
        indicator=indicator_label(context, indicator),
        count=count,
        unit=count_unit(indicator),
        earliest=full_day(context, window.earliest),
    )


def confirm_report(context: BotContext, indicator: Indicator, count: int, day: date) -> str:
    """Ask to confirm what is about to be stored."""
    return context.t(
        "report.confirm",
        indicator=indicator_label(context, indicator),
        count=count,
        unit=count_unit(indicator),
        day=full_day(context, day),
    )


def report_line(context: BotContext, report: Report) -> str:
    """One report in a list."""
    if report.indicator == NOTHING_TO_REPORT:
        text = context.t("report.line_nothing")
    else:
        indicator = next(
            (i for i in context.services.plan.officer_indicators() if i.id == report.indicator), None
        )
        name = indicator_label(context, indicator) if indicator else report.indicator
        unit = count_unit(indicator) if indicator else ""
        text = context.t("report.line", indicator=name, count=report.count, unit=unit)
    if report.note:
        text = context.t("report.line_note", line=Markup(text), note=report.note)
    if report.voided_at is not None:
        return context.t("report.line_voided", line=Markup(text))
    return text


def today_list(context: BotContext, day: date, reports: list[Report]) -> str:
    """What the officer reported today."""
    if not reports:
        return context.t("review.today_empty", day=full_day(context, day))
    lines = "\n".join(report_line(context, report) for report in reports)
    return context.t("review.today", day=full_day(context, day), lines=Markup(lines))


def totals(
    context: BotContext, week: dict[str, int], year: dict[str, int], week_start: date, year_no: int
) -> str:
    """This week's and this year's totals per indicator."""
    lines = [
        context.t(
            "review.mine_line",
            indicator=indicator_label(context, indicator),
            week=week.get(indicator.id, 0),
            year=year.get(indicator.id, 0),
            unit=count_unit(indicator),
        )
        for indicator in context.services.plan.officer_indicators()
    ]
    return context.t(
        "review.mine",
        since=full_day(context, week_start),
        year=year_label(context, year_no),
        lines=Markup("\n".join(lines)),
    )


def greeting(context: BotContext, member: Member) -> str:
    """Welcome a member and say what they can do."""
    return context.t(
        "start.welcome",
        name=member.full_name or str(member.telegram_id),
        unit=unit_name(context, member.unit_code),
        role=role_name(context, member.role),
        help=Markup(help_text(context, member.role)),
    )


def help_text(context: BotContext, role: Role) -> str:
    """The commands a role may use."""
    keys = ["help.officer"]
    if role is Role.OFFICER:
        keys.append("help.away")
    if role in (Role.CHIEF, Role.ADMIN):
        keys.append("help.progress")
        keys.append("help.export")
    if role is Role.ADMIN:
        keys.extend(
            (
                "help.admin",
                "help.admin_tools",
                "help.admin_targets",
                "help.admin_redact",
                "annual.help",
                "help.admin_status",
            )
        )
    return "\n".join(context.t(key) for key in keys)
