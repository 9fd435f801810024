"""/audit: the latest changes of data and people, compact for a phone (admins only)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.core.text_input import parse_int
from handlers.audit_views import audit_text
from handlers.context import AnyHandler, BotContext
from handlers.filters import PRIVATE
from handlers.roles import admins_only

DEFAULT_ENTRIES = 10
MAX_ENTRIES = 50


@admins_only
async def audit(update: Update, context: BotContext) -> None:
    """Show the latest `n` changes: `/audit [n]`."""
    message = update.message
    assert message is not None
    args = context.args or []
    count = parse_int(args[0]) if len(args) == 1 else (DEFAULT_ENTRIES if not args else None)
    if count is None or not 1 <= count <= MAX_ENTRIES:
        await message.reply_text(context.t("audit.usage", maximum=MAX_ENTRIES, default=DEFAULT_ENTRIES))
        return
    entries = await context.repos.audit.latest(limit=count)
    await message.reply_text(audit_text(context, entries))


def handlers() -> list[AnyHandler]:
    """Audit trail handlers."""
    return [CommandHandler("audit", audit, filters=PRIVATE)]
