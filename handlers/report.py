"""Reporting: the one-line /report, the guided flow and 'nothing to report'."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.core import callbacks as cb
from bot.core.domain import NOTHING_TO_REPORT
from bot.core.idempotency import flow_key, message_key, nothing_key
from bot.core.plan import Indicator
from bot.core.records import NewReport
from bot.core.reporting import (
    ReportInputError,
    ReportRequest,
    default_day,
    parse_count,
    parse_day,
    parse_report_line,
)
from handlers import keyboards, views
from handlers.access import pressed, refuse
from handlers.context import AnyHandler, BotContext
from handlers.filters import PRIVATE

CHOOSE_INDICATOR, CHOOSE_COUNT, CHOOSE_DAY, CONFIRM = range(4)
_FLOW = "report_flow"


@dataclass
class Flow:
    """Where an officer is in the guided report."""

    nonce: str
    indicator: str | None = None
    count: int | None = None
    day: date | None = None


async def save(context: BotContext, update: Update, request: ReportRequest, key: str) -> str:
    """Append the report (once per idempotency key) and return the confirmation text."""
    member = context.member
    message = update.effective_message
    saved = await context.repos.reports.add_counting(
        report=NewReport(
            officer_id=member.telegram_id,
            unit_code=member.unit_code,
            indicator=request.indicator.id,
            report_date=request.day,
            count=request.count,
            note=request.note,
            chat_id=message.chat_id if message else None,
            message_id=message.message_id if message else None,
            update_id=update.update_id,
            idempotency_key=key,
        ),
        now=context.services.clock.now(),
    )
    return views.report_saved(context, saved.report, request.indicator, saved.year_total)


async def one_line(update: Update, context: BotContext) -> None:
    """Store `/report <indicator> <count> [date] [note]` in one go."""
    message = update.message
    assert message is not None and message.text is not None
    text = message.text.split(maxsplit=1)[1] if len(message.text.split(maxsplit=1)) > 1 else ""
    try:
        request = parse_report_line(text, plan=context.services.plan, window=context.report_window())
    except ReportInputError as error:
        await message.reply_text(views.input_problem(context, error))
        return
    key = message_key(message.chat_id, message.message_id)
    await message.reply_text(await save(context, update, request, key))


def _flow(context: BotContext) -> Flow | None:
    flow = context.user_data.get(_FLOW) if context.user_data is not None else None
    return flow if isinstance(flow, Flow) else None


async def guided_start(update: Update, context: BotContext) -> int:
    """Open the guided report: what to report."""
    flow = Flow(nonce=secrets.token_hex(4))
    if context.user_data is not None:
        context.user_data[_FLOW] = flow
    nothing_day = default_day(context.now(), context.services.settings.night_shift_until)
    markup = keyboards.choose_indicator(context, flow.nonce, nothing_day)
    text = context.t("report.choose_indicator")
    if update.callback_query is not None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_reply_markup(None)
        await context.bot.send_message(update.callback_query.from_user.id, text, reply_markup=markup)
    elif update.message is not None:
        await update.message.reply_text(text, reply_markup=markup)
    return CHOOSE_INDICATOR


def _indicator(context: BotContext, indicator_id: str) -> Indicator | None:
    return next((i for i in context.services.plan.officer_indicators() if i.id == indicator_id), None)


_Step = TypeVar("_Step", cb.PickIndicator, cb.PickCount, cb.OtherDay, cb.PickDay)


async def _pressed(
    update: Update, context: BotContext, kind: type[_Step]
) -> tuple[_Step, Flow, Indicator] | None:
    """The button of this step of the officer's current flow; refused (None) if forged, stale or foreign."""
    data = await pressed(update, context, kind)
    if data is None:
        return None
    flow = _flow(context)
    indicator = _indicator(context, data.indicator)
    if flow is None or data.nonce != flow.nonce or indicator is None:
        await refuse(update, context)
        return None
    return data, flow, indicator


async def _input_problem(update: Update, context: BotContext, error: ReportInputError) -> int:
    """A pressed button whose values no longer fit (a date out of the window): say why, end the flow."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(views.input_problem(context, error))
    return ConversationHandler.END


async def picked_indicator(update: Update, context: BotContext) -> int:
    """Remember the indicator and ask for the count."""
    step = await _pressed(update, context, cb.PickIndicator)
    if step is None:
        return ConversationHandler.END
    _, flow, indicator = step
    flow.indicator, flow.count = indicator.id, None
    markup = keyboards.choose_count(context, indicator, flow.nonce)
    await _show_step(update, views.ask_count(context, indicator), markup)
    return CHOOSE_COUNT


async def _ask_day(update: Update, context: BotContext, indicator: Indicator, count: int, flow: Flow) -> int:
    first = default_day(context.now(), context.services.settings.night_shift_until)
    text = views.ask_day(context, indicator, count)
    await _show_step(update, text, keyboards.choose_day(context, indicator, count, flow.nonce, first))
    return CHOOSE_DAY


async def _show_step(update: Update, text: str, markup: InlineKeyboardMarkup) -> None:
    """Show the next step: edit the message whose button was pressed, or answer typed input."""
    if update.callback_query is not None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(text, reply_markup=markup)
    elif update.message is not None:
        await update.message.reply_text(text, reply_markup=markup)


async def picked_count(update: Update, context: BotContext) -> int:
    """Take a quick-count button and ask for the date."""
    step = await _pressed(update, context, cb.PickCount)
    if step is None:
        return ConversationHandler.END
    data, flow, indicator = step
    try:
        count = parse_count(str(data.count), indicator)
    except ReportInputError:
        await refuse(update, context)
        return ConversationHandler.END
    flow.indicator, flow.count = indicator.id, count
    return await _ask_day(update, context, indicator, count, flow)


async def typed_count(update: Update, context: BotContext) -> int:
    """Take a count typed as digits and ask for the date."""
    message = update.message
    flow = _flow(context)
    indicator = _indicator(context, flow.indicator) if flow and flow.indicator else None
    assert message is not None
    if flow is None or indicator is None:
        return ConversationHandler.END
    try:
        count = parse_count(message.text or "", indicator)
    except ReportInputError as error:
        await message.reply_text(views.input_problem(context, error))
        return CHOOSE_COUNT
    flow.count = count
    return await _ask_day(update, context, indicator, count, flow)


async def other_day(update: Update, context: BotContext) -> int:
    """Show every date the window accepts."""
    step = await _pressed(update, context, cb.OtherDay)
    if step is None:
        return ConversationHandler.END
    data, flow, indicator = step
    markup = keyboards.choose_any_day(context, indicator, data.count, flow.nonce)
    await _show_step(update, views.ask_any_day(context, indicator, data.count), markup)
    return CHOOSE_DAY


async def _ask_confirm(
    update: Update, context: BotContext, indicator: Indicator, count: int, day: date
) -> int:
    flow = _flow(context)
    assert flow is not None
    flow.day = day
    text = views.confirm_report(context, indicator, count, day)
    await _show_step(update, text, keyboards.confirm_report(context, indicator, count, day, flow.nonce))
    return CONFIRM


async def picked_day(update: Update, context: BotContext) -> int:
    """Take a date button and ask for confirmation."""
    step = await _pressed(update, context, cb.PickDay)
    if step is None:
        return ConversationHandler.END
    data, _, indicator = step
    try:
        count = parse_count(str(data.count), indicator)
        day = context.report_window().check(data.day)
    except ReportInputError as error:
        return await _input_problem(update, context, error)
    return await _ask_confirm(update, context, indicator, count, day)


async def typed_day(update: Update, context: BotContext) -> int:
    """Take a date typed as YYYY-MM-DD (or today/yesterday) and ask for confirmation."""
    message = update.message
    flow = _flow(context)
    assert message is not None
    indicator = _indicator(context, flow.indicator) if flow and flow.indicator else None
    if flow is None or indicator is None or flow.count is None:
        return ConversationHandler.END
    try:
        day = parse_day(message.text or "", context.report_window())
    except ReportInputError as error:
        await message.reply_text(views.input_problem(context, error))
        return CHOOSE_DAY
    return await _ask_confirm(update, context, indicator, flow.count, day)


async def confirmed(update: Update, context: BotContext) -> int:
    """Store the guided report and show the confirmation."""
    query = update.callback_query
    data = await pressed(update, context, cb.ConfirmReport)
    if query is None or data is None:
        return ConversationHandler.END
    indicator = _indicator(context, data.indicator)
    key = flow_key(context.member.telegram_id, data.nonce)
    if indicator is None or not (
        _shown(context, data) or await context.repos.reports.by_key(idempotency_key=key)
    ):
        await refuse(update, context)  # forged, or a stale button of a flow that stored nothing
        return ConversationHandler.END
    try:
        request = ReportRequest(
            indicator=indicator,
            count=parse_count(str(data.count), indicator),
            day=context.report_window().check(data.day),
            note=None,
        )
    except ReportInputError as error:
        return await _input_problem(update, context, error)
    text = await save(context, update, request, key)
    await query.answer()
    await query.edit_message_text(text)
    _end_flow(context)
    return ConversationHandler.END


def _shown(context: BotContext, data: cb.ConfirmReport) -> bool:
    """Whether the button confirms what the officer's current flow asked them to confirm."""
    flow = _flow(context)
    return flow is not None and (flow.nonce, flow.indicator, flow.count, flow.day) == (
        data.nonce,
        data.indicator,
        data.count,
        data.day,
    )


def _end_flow(context: BotContext) -> None:
    if context.user_data is not None:
        context.user_data.pop(_FLOW, None)


async def cancel(update: Update, context: BotContext) -> int:
    """Leave the guided report without storing anything."""
    _end_flow(context)
    text = context.t("report.cancelled")
    if update.callback_query is not None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(text)
    elif update.message is not None:
        await update.message.reply_text(text)
    return ConversationHandler.END


async def nothing_to_report(update: Update, context: BotContext) -> int:
    """Record that the officer had nothing to report on a day."""
    query = update.callback_query
    data = await pressed(update, context, cb.NothingToReport)
    if query is None or data is None:
        return ConversationHandler.END
    try:
        day = context.report_window().check(data.day)
    except ReportInputError as error:
        return await _input_problem(update, context, error)
    message_id = query.message.message_id if query.message else 0
    member = context.member
    stored, _ = await context.repos.reports.add(
        report=NewReport(
            officer_id=member.telegram_id,
            unit_code=member.unit_code,
            indicator=NOTHING_TO_REPORT,
            report_date=day,
            count=0,
            note=None,
            chat_id=query.message.chat.id if query.message else None,
            message_id=message_id,
            update_id=update.update_id,
            idempotency_key=nothing_key(member.telegram_id, day, message_id),
        ),
        now=context.services.clock.now(),
    )
    await query.answer()
    await query.edit_message_text(views.nothing_saved(context, stored.report_date))
    _end_flow(context)
    return ConversationHandler.END


async def cancel_outside(update: Update, context: BotContext) -> None:
    """Answer /cancel when no report is in progress."""
    if update.message is not None:
        await update.message.reply_text(context.t("report.nothing_to_cancel"))


def conversation(timeout: timedelta) -> ConversationHandler[BotContext]:
    """The guided report, step by step with inline keyboards."""
    typed = filters.TEXT & ~filters.COMMAND & PRIVATE
    return ConversationHandler(
        entry_points=[
            CommandHandler("report", guided_start, filters=PRIVATE, has_args=False),
            CallbackQueryHandler(guided_start, pattern=cb.pattern(cb.StartReport)),
        ],
        states={
            CHOOSE_INDICATOR: [CallbackQueryHandler(picked_indicator, pattern=cb.pattern(cb.PickIndicator))],
            CHOOSE_COUNT: [
                CallbackQueryHandler(picked_count, pattern=cb.pattern(cb.PickCount)),
                MessageHandler(typed, typed_count),
            ],
            CHOOSE_DAY: [
                CallbackQueryHandler(picked_day, pattern=cb.pattern(cb.PickDay)),
                CallbackQueryHandler(other_day, pattern=cb.pattern(cb.OtherDay)),
                MessageHandler(typed, typed_day),
            ],
            CONFIRM: [CallbackQueryHandler(confirmed, pattern=cb.pattern(cb.ConfirmReport))],
        },
        fallbacks=[
            CommandHandler("cancel", cancel, filters=PRIVATE),
            CallbackQueryHandler(cancel, pattern=cb.pattern(cb.CancelReport)),
            CallbackQueryHandler(nothing_to_report, pattern=cb.pattern(cb.NothingToReport)),
        ],
        conversation_timeout=timeout,
        allow_reentry=True,
        name="report",
    )


def handlers() -> list[AnyHandler]:
    """Every reporting handler, in the order they must be tried."""
    return [
        CommandHandler("report", one_line, filters=PRIVATE, has_args=True),
        conversation(timedelta(minutes=30)),
        CommandHandler("cancel", cancel_outside, filters=PRIVATE),
        CallbackQueryHandler(nothing_to_report, pattern=cb.pattern(cb.NothingToReport)),
    ]
