"""/target, /targets and /allocate: admins set, carry, list and split the year's targets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler

from bot.core import callbacks as cb
from bot.core.dates import command_year
from bot.core.figures import FigureInputError, FigureProblem, year_and_unit
from bot.core.idempotency import message_key
from bot.core.targets import Change
from bot.core.targets_input import TargetInputError, parse_allocation, parse_carry, parse_target_command
from bot.core.targets_proposals import (
    AllocationProposal,
    Proposed,
    allocation_of,
    can_auto_allocate,
    fingerprint,
    propose_allocation,
    propose_carry,
)
from bot.core.text_input import clean
from handlers import figure_views, target_views
from handlers.access import pressed, refuse
from handlers.context import AnyHandler, BotContext
from handlers.filters import PRIVATE, commands
from handlers.roles import admins_only
from storage.targets import NewTarget, TargetsSaved


def _words(context: BotContext) -> list[str]:
    return [clean(arg) for arg in context.args or []]


async def _refused(message: Message, context: BotContext, error: FigureInputError | TargetInputError) -> None:
    """Answer input that cannot become a target; nothing is stored."""
    if isinstance(error, TargetInputError):
        await message.reply_text(target_views.problem(context, error))
    elif error.problem is FigureProblem.USAGE:
        await message.reply_text(context.t("targets.usage"))
    else:
        await message.reply_text(figure_views.problem(context, error))


async def _save(
    context: BotContext, items: Sequence[Proposed], *, year: int, change: Change, key: str, label: str = ""
) -> TargetsSaved:
    """Store proposed or typed targets as one audited change."""
    return await context.repos.targets.save(
        [NewTarget(item.indicator, year, item.unit_code, item.value) for item in items],
        change=change,
        entered_by=context.member.telegram_id,
        idempotency_key=key,
        now=context.services.clock.now(),
        label=label,
    )


@admins_only
async def target(update: Update, context: BotContext) -> None:
    """Set or amend a target (`/target <indicator> <value> [year] [unit code]`) or carry a year's."""
    message = update.message
    assert message is not None
    words = _words(context)
    if not words:
        await message.reply_text(context.t("targets.usage"))
        return
    if words[0].lower() == "carry":
        await _propose_carry(message, context, words[1:])
        return
    try:
        request = parse_target_command(words, plan=context.services.plan, today=context.today())
    except (FigureInputError, TargetInputError) as error:
        await _refused(message, context, error)
        return
    data = context.services.progress()
    before = (await data.targets(request.year)).target(request.indicator.id, request.unit_code)
    item = Proposed(request.indicator.id, request.unit_code, request.value, None)
    key = message_key(message.chat_id, message.message_id)
    await _save(context, [item], year=request.year, change=Change.SET, key=key)
    names = await target_views.authors(context, [before.amendment if before else None])
    head = target_views.saved(context, request.indicator, request.unit_code, request.year, before, names)
    standing = await data.standing(unit_code=request.unit_code, year=request.year, today=context.today())
    line = figure_views.progress_line(context, standing.row(request.indicator.id), request.unit_code)
    await message.reply_text(head + "\n\n" + line)


async def _propose_carry(message: Message, context: BotContext, words: list[str]) -> None:
    """Show every target of one year proposed for another, with confirm and cancel buttons."""
    try:
        source_year, goal_year = parse_carry(words, today=context.today())
    except (FigureInputError, TargetInputError) as error:
        await _refused(message, context, error)
        return
    data = context.services.progress()
    proposal = propose_carry(await data.targets(source_year), await data.targets(goal_year))
    markup = None
    if proposal.items:
        confirm = cb.ConfirmCarry(source_year, goal_year, fingerprint(proposal.items))
        markup = target_views.confirm_buttons(context, confirm)
    await message.reply_text(target_views.carry(context, proposal), reply_markup=markup)


def _proposal_key(message: Message) -> str:
    """One stored change per proposal message, however often its confirm button is pressed."""
    return "t" + message_key(message.chat_id, message.message_id)


def _valid_year(year: int, today: date) -> bool:
    return command_year(str(year), today) == year


async def _settle(
    update: Update,
    context: BotContext,
    items: Sequence[Proposed],
    nonce: str,
    *,
    year: int,
    change: Change,
    label: str = "",
) -> TargetsSaved | None:
    """Store a confirmed proposal when it still reads as shown; otherwise say why nothing is stored."""
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    key = _proposal_key(query.message)
    if await context.repos.targets.stored(idempotency_key=key):
        await query.answer(context.label("targets.proposal_done"), show_alert=True)
        return None
    if not items or fingerprint(items) != nonce:
        await query.answer()
        await query.edit_message_text(context.t("targets.proposal_stale"))
        return None
    saved = await _save(context, items, year=year, change=change, key=key, label=label)
    await query.answer()
    return saved


@admins_only
async def confirm_carry(update: Update, context: BotContext) -> None:
    """Store the carried targets after the confirm button."""
    data = await pressed(update, context, cb.ConfirmCarry)
    query = update.callback_query
    if data is None or query is None:
        return
    if not (_valid_year(data.from_year, context.today()) and _valid_year(data.to_year, context.today())):
        await refuse(update, context)
        return
    progress = context.services.progress()
    proposal = propose_carry(await progress.targets(data.from_year), await progress.targets(data.to_year))
    label = f"carry:{data.from_year}:{data.to_year}"
    saved = await _settle(
        update, context, proposal.items, data.nonce, year=data.to_year, change=Change.CARRY, label=label
    )
    if saved is not None:
        text = target_views.carry(context, proposal).rsplit("\n", 1)[0]
        done = context.t("targets.carry_saved", count=len(saved.entries))
        await query.edit_message_text(text + "\n\n" + done)


async def _auto_allocation(context: BotContext, indicator_id: str, year: int) -> AllocationProposal | None:
    """The split of the bureau target by last year's counts (or officers), or None without a bureau target."""
    data = context.services.progress()
    targets = await data.targets(year)
    indicator = context.services.plan.indicator(indicator_id)
    bureau = targets.value(indicator_id)
    if bureau is None:
        return None
    counts = await data.year_counts(year=year - 1, today=date(year - 1, 12, 31))
    last_year = {code: per_unit.get(indicator_id, 0) for code, per_unit in counts.items()}
    officers = await context.repos.progress.officer_counts()
    return propose_allocation(targets, indicator, bureau=bureau, last_year=last_year, officers=officers)


@admins_only
async def allocate(update: Update, context: BotContext) -> None:
    """Split a bureau target among units: `/allocate <indicator> <year> p1=12 p2=10 …` or `… auto`."""
    message = update.message
    assert message is not None
    try:
        request = parse_allocation(_words(context), plan=context.services.plan, today=context.today())
    except (FigureInputError, TargetInputError) as error:
        if isinstance(error, FigureInputError) and error.problem is FigureProblem.USAGE:
            await message.reply_text(context.t("targets.problem_allocate_usage"))
            return
        await _refused(message, context, error)
        return
    if request.shares is None:
        proposal = await _auto_allocation(context, request.indicator.id, request.year)
        if proposal is None or not proposal.items:
            await message.reply_text(
                context.t("targets.problem_no_bureau_target", year=request.year, id=request.indicator.id)
            )
            return
        confirm = cb.ConfirmAllocation(request.indicator.id, request.year, fingerprint(proposal.items))
        markup = target_views.confirm_buttons(context, confirm)
        await message.reply_text(
            target_views.allocation(context, proposal, proposed=True), reply_markup=markup
        )
        return
    targets = await context.services.progress().targets(request.year)
    typed = allocation_of(targets, request.indicator, request.shares)
    key = message_key(message.chat_id, message.message_id)
    await _save(context, typed.items, year=request.year, change=Change.ALLOCATE, key=key, label=_label(typed))
    done = context.t("targets.allocate_saved", count=len(typed.items))
    await message.reply_text(target_views.allocation(context, typed, proposed=False) + "\n\n" + done)


def _label(proposal: AllocationProposal) -> str:
    """The audit subject of an allocation: allocate:<indicator>:<year>."""
    return f"allocate:{proposal.indicator.id}:{proposal.year}"


@admins_only
async def confirm_allocation(update: Update, context: BotContext) -> None:
    """Store the proposed split after the confirm button."""
    data = await pressed(update, context, cb.ConfirmAllocation)
    query = update.callback_query
    if data is None or query is None:
        return
    indicator = next((i for i in context.services.plan.indicators if i.id == data.indicator), None)
    if indicator is None or not can_auto_allocate(indicator) or not _valid_year(data.year, context.today()):
        await refuse(update, context)
        return
    proposal = await _auto_allocation(context, data.indicator, data.year)
    items = proposal.items if proposal is not None else ()
    label = _label(proposal) if proposal is not None else ""
    saved = await _settle(
        update, context, items, data.nonce, year=data.year, change=Change.ALLOCATE, label=label
    )
    if saved is not None and proposal is not None:
        text = target_views.allocation(context, proposal, proposed=False)
        done = context.t("targets.allocate_saved", count=len(saved.entries))
        await query.edit_message_text(text + "\n\n" + done)


@admins_only
async def drop_proposal(update: Update, context: BotContext) -> None:
    """Store nothing: the admin cancelled a carry or an allocation."""
    query = update.callback_query
    if await pressed(update, context, cb.DropProposal) is None or query is None:
        return
    await query.answer()
    await query.edit_message_text(context.t("targets.proposal_cancelled"))


@admins_only
async def list_targets(update: Update, context: BotContext) -> None:
    """List a year's targets and where each comes from: `/targets [year] [unit code]`."""
    message = update.message
    assert message is not None
    try:
        year, unit_code = year_and_unit(_words(context), plan=context.services.plan, today=context.today())
    except FigureInputError as error:
        if error.problem is FigureProblem.USAGE:
            await message.reply_text(context.t("targets.usage"))
            return
        await _refused(message, context, error)
        return
    targets = await context.services.progress().targets(year)
    names = await target_views.authors(context, [target.amendment for _, _, target in targets.every()])
    await message.reply_text(target_views.listing(context, targets, unit_code, names))


def handlers() -> list[AnyHandler]:
    """Target handlers: commands in private chats, proposal buttons."""
    return [
        *commands(PRIVATE, target=target, targets=list_targets, allocate=allocate),
        CallbackQueryHandler(confirm_carry, pattern=cb.pattern(cb.ConfirmCarry)),
        CallbackQueryHandler(confirm_allocation, pattern=cb.pattern(cb.ConfirmAllocation)),
        CallbackQueryHandler(drop_proposal, pattern=cb.pattern(cb.DropProposal)),
    ]
