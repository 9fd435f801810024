"""What officers see of their own reports: /today, /mine, /undo."""

from __future__ import annotations

from datetime import date

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.core import callbacks as cb
from bot.core.progress import week_bounds
from bot.core.reporting import may_undo, undo_since
from bot.rendering.i18n import Markup
from handlers import keyboards, views
from handlers.access import refuse
from handlers.context import AnyHandler, BotContext
from handlers.filters import PRIVATE


async def today(update: Update, context: BotContext) -> None:
    """List today's reports."""
    assert update.message is not None
    day = context.today()
    reports = await context.repos.reports.for_officer_on(officer_id=context.member.telegram_id, day=day)
    await update.message.reply_text(views.today_list(context, day, reports))


async def mine(update: Update, context: BotContext) -> None:
    """Show this week's and this year's totals per indicator."""
    assert update.message is not None
    day = context.today()
    monday, sunday = week_bounds(day)
    reports = context.repos.reports
    officer = context.member.telegram_id
    week = await reports.officer_totals(officer_id=officer, start=monday, end=sunday)
    year = await reports.officer_totals(
        officer_id=officer, start=date(day.year, 1, 1), end=date(day.year, 12, 31)
    )
    await update.message.reply_text(views.totals(context, week, year, monday, day.year))


async def undo(update: Update, context: BotContext) -> None:
    """Offer to void the most recent report of the last 24 hours."""
    assert update.message is not None
    report = await context.repos.reports.latest_valid(
        officer_id=context.member.telegram_id, received_since=undo_since(context.services.clock.now())
    )
    if report is None:
        await update.message.reply_text(context.t("undo.nothing"))
        return
    await update.message.reply_text(
        context.t(
            "undo.ask",
            line=Markup(views.report_line(context, report)),
            day=views.full_day(context, report.report_date),
        ),
        reply_markup=keyboards.confirm_undo(context, report.id),
    )


async def undo_answer(update: Update, context: BotContext) -> None:
    """Void the report, or keep it."""
    query = update.callback_query
    assert query is not None
    data = cb.decode(query.data or "")
    if isinstance(data, cb.KeepReport):
        await query.answer()
        await query.edit_message_text(context.t("undo.kept"))
        return
    report = (
        await context.repos.reports.get(report_id=data.report_id)
        if isinstance(data, cb.ConfirmUndo)
        else None
    )
    now = context.services.clock.now()
    if report is None or not may_undo(report.officer_id, context.member.telegram_id, report.received_at, now):
        await refuse(update, context)
        return
    if report.voided_at is None:
        await context.repos.reports.void(
            report_id=report.id, voided_by=context.member.telegram_id, reason="undo by officer", now=now
        )
    await query.answer()
    await query.edit_message_text(
        context.t(
            "undo.done",
            line=Markup(views.report_line(context, report)),
            day=views.full_day(context, report.report_date),
        )
    )


def handlers() -> list[AnyHandler]:
    """Review and correction handlers."""
    return [
        CommandHandler("today", today, filters=PRIVATE),
        CommandHandler("mine", mine, filters=PRIVATE),
        CommandHandler("undo", undo, filters=PRIVATE),
        CallbackQueryHandler(undo_answer, pattern=cb.pattern(cb.ConfirmUndo, cb.KeepReport)),
    ]
