"""Message texts for /audit: one change per two short lines, under a head naming the filter."""

from __future__ import annotations

import json
from datetime import datetime

from bot.core.records import LoggedChange
from handlers.context import BotContext

MAX_VALUE_CHARS = 60
MAX_MESSAGE_CHARS = 4000


def _value(raw: str | None) -> str:
    """An audit value as people read it: JSON objects as `key=value, ...`, cut to a phone's width."""
    if raw is None:
        return "–"
    try:
        decoded = json.loads(raw)
    except ValueError:
        decoded = raw
    if isinstance(decoded, dict):
        text = ", ".join(f"{key}={value}" for key, value in decoded.items())
    else:
        text = str(decoded)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def _when(context: BotContext, instant: datetime) -> str:
    local = instant.astimezone(context.services.settings.tz)
    return f"{local:%m/%d %H:%M}" if local.year == context.today().year else f"{local:%Y/%m/%d %H:%M}"


def _action(context: BotContext, action: str) -> str:
    key = "audit.action_" + action.replace(".", "_")
    return context.label(key) if context.services.catalog.has(context.language, key) else action


def entry_text(context: BotContext, entry: LoggedChange) -> str:
    """One change: when, who, what, and old → new."""
    who = context.label("audit.system") if entry.actor_id is None else entry.actor_name or str(entry.actor_id)
    text = context.t(
        "audit.entry",
        when=_when(context, entry.at),
        who=who,
        action=_action(context, entry.action),
        subject=entry.subject or "",
    )
    if entry.old_value is None and entry.new_value is None:
        return text
    return text + "\n" + context.t("audit.values", old=_value(entry.old_value), new=_value(entry.new_value))


def audit_text(context: BotContext, entries: list[LoggedChange], *, chosen: str | None, kinds: str) -> str:
    """The latest changes (of the kind or person `chosen`), newest first, as many as fit in one message."""
    if chosen is None:
        if not entries:
            return context.t("audit.empty")
        head = context.t("audit.head", count=len(entries))
    else:
        if not entries:
            return context.t("audit.none_of", chosen=chosen, kinds=kinds)
        head = context.t("audit.head_of", count=len(entries), chosen=chosen)
    parts: list[str] = []
    length = len(head)
    for entry in entries:
        text = entry_text(context, entry)
        if length + len(text) + 1 > MAX_MESSAGE_CHARS:
            parts.append(context.t("audit.truncated"))
            break
        parts.append(text)
        length += len(text) + 1
    return head + "\n" + "\n".join(parts)
