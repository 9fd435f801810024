"""/audit: the latest changes people made, compact for a phone, by kind or person (admins only)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import Update
from telegram.ext import CommandHandler

from bot.core.text_input import parse_int
from handlers.audit_views import audit_text
from handlers.context import AnyHandler, BotContext
from handlers.filters import PRIVATE
from handlers.roles import admins_only

DEFAULT_ENTRIES = 10
MAX_ENTRIES = 50
KINDS = {
    "set": "figure",
    "report": "report",
    "undo": "report.void",
    "redact": "report.redact",
    "user": "user",
    "role": "user.role",
    "move": "user.move",
    "disable": "user.disable",
    "enable": "user.enable",
    "invite": "invitation",
    "revoke": "invitation.revoke",
    "subscribe": "subscription",
    "away": "away",
    "access": "access",
}
"""The words /audit takes for a kind of change, each with the actions it keeps (a name or a prefix)."""
_ACTION = re.compile(r"^[a-z_]+(\.[a-z_]+)?$")


@dataclass(frozen=True)
class AuditQuery:
    """What /audit was asked for: how many, and of which kind or person (None = any)."""

    count: int
    word: str | None = None
    kind: str | None = None
    person: int | None = None


def parse_query(args: list[str]) -> AuditQuery | None:
    """Read `[kind | telegram id] [n]`; None if it is not that.

    A number from 1 to MAX_ENTRIES is the count, as it always was; a larger one is a person.
    A kind is a word of KINDS or an action's name (`figure`, `user.role`).
    """
    words = list(args)
    count = DEFAULT_ENTRIES
    last = parse_int(words[-1]) if words else None
    if last is not None and 1 <= last <= MAX_ENTRIES:
        count = last
        words.pop()
    if len(words) > 1:
        return None
    if not words:
        return AuditQuery(count)
    word = words[0].lower()
    number = parse_int(word)
    if number is not None:
        return AuditQuery(count, word, person=number) if number > MAX_ENTRIES else None
    if word in KINDS or _ACTION.match(word):
        return AuditQuery(count, word, kind=KINDS.get(word, word))
    return None


@admins_only
async def audit(update: Update, context: BotContext) -> None:
    """Show the latest changes: `/audit [kind | telegram id] [n]`."""
    message = update.message
    assert message is not None
    query = parse_query(context.args or [])
    kinds = ", ".join(KINDS)
    if query is None:
        usage = context.t("audit.usage", maximum=MAX_ENTRIES, default=DEFAULT_ENTRIES, kinds=kinds)
        await message.reply_text(usage)
        return
    entries = await context.repos.audit.latest(limit=query.count, kind=query.kind, person=query.person)
    await message.reply_text(audit_text(context, entries, chosen=query.word, kinds=kinds))


def handlers() -> list[AnyHandler]:
    """Audit trail handlers."""
    return [CommandHandler("audit", audit, filters=PRIVATE)]
