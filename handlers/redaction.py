"""/redact: admins replace a stored note's text with a marker; the report counts as before."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.core.redaction import RedactInputError, RedactOutcome, RedactProblem, parse_redact_args
from bot.core.screening import PersonalData
from bot.rendering.i18n import Markup
from handlers import views
from handlers.context import AnyHandler, BotContext
from handlers.filters import PRIVATE
from handlers.roles import admins_only


@admins_only
async def redact(update: Update, context: BotContext) -> None:
    """Redact the note of `/redact <report id> <reason>` and show the report as it now reads."""
    message = update.message
    assert message is not None
    try:
        request = parse_redact_args(list(context.args or []))
    except RedactInputError as error:
        await message.reply_text(_problem(context, error))
        return
    outcome = await context.repos.reports.redact(
        report_id=request.report_id,
        redacted_by=context.member.telegram_id,
        reason=request.reason,
        now=context.services.clock.now(),
    )
    report = await context.repos.reports.get(report_id=request.report_id)
    if report is None or outcome is RedactOutcome.NOT_FOUND:
        await message.reply_text(context.t("redact.not_found", id=request.report_id))
        return
    await message.reply_text(
        context.t(
            f"redact.{outcome.value}",
            id=report.id,
            line=Markup(views.report_line(context, report)),
            day=views.full_day(context, report.report_date),
            reason=request.reason,
        )
    )


def _problem(context: BotContext, error: RedactInputError) -> str:
    found = error.details.get("found")
    if error.problem is RedactProblem.REASON_PERSONAL_DATA and isinstance(found, PersonalData):
        return context.t("redact.reason_personal_data", found=context.label(f"problem.found_{found.value}"))
    return context.t(f"redact.{error.problem.value}", **error.details)


def handlers() -> list[AnyHandler]:
    """Redaction handlers."""
    return [CommandHandler("redact", redact, filters=PRIVATE)]
