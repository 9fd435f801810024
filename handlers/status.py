"""/status: the bot's own state for admins: version, uptime, backlog, schedules, backup, problems."""

from __future__ import annotations

from datetime import datetime

from telegram import Update
from telegram.ext import CommandHandler

from bot.rendering.i18n import Markup
from bot.service.doctor import Finding
from bot.service.status import Status, gather
from handlers.context import AnyHandler, BotContext
from handlers.filters import PRIVATE
from handlers.roles import admins_only


def _when(context: BotContext, moment: datetime | None) -> str:
    if moment is None:
        return context.label("status.never")
    return f"{moment.astimezone(context.services.settings.tz):%Y-%m-%d %H:%M}"


def _finding(context: BotContext, finding: Finding) -> str:
    level = context.label(f"doctor.level_{finding.level}")
    return context.t("status.finding", level=level, text=Markup(context.t(finding.key, **finding.values)))


def status_text(context: BotContext, status: Status) -> str:
    """The /status message in the admin's language."""
    taken = status.snapshot
    stats = taken.stats
    lines = [
        context.t("status.head", version=status.version, mode=context.label(f"status.mode_{status.mode}"),
                  uptime=str(status.uptime)),
        context.t("status.backlog", count=stats.inbox_pending if stats else "?"),
        context.t("status.schedule", digest=_when(context, status.next_digest),
                  reminder=_when(context, status.next_reminder)),
        context.t("status.database", size=f"{taken.database_bytes / 1_000_000:.1f}"),
    ]  # fmt: skip
    backup = taken.last_backup
    if backup is None:
        lines.append(context.t("status.backup_none"))
    else:
        taken_at = datetime.fromtimestamp(backup.taken_at, context.services.settings.tz)
        lines.append(
            context.t("status.backup", when=_when(context, taken_at), size=f"{backup.size / 1e6:.1f}")
        )
    if status.backup_failing:
        lines.append(context.t("status.backup_failing"))
    problems = [_finding(context, finding) for finding in [*status.health, *status.findings]]
    lines.append(context.t("status.problems") if problems else context.t("status.no_problems"))
    return "\n".join(lines + problems)


@admins_only
async def status(update: Update, context: BotContext) -> None:
    """Show the bot's own state: `/status`."""
    message = update.message
    assert message is not None
    await message.reply_text(status_text(context, await gather(context.application)))


def handlers() -> list[AnyHandler]:
    """The /status handler."""
    return [CommandHandler("status", status, filters=PRIVATE)]
