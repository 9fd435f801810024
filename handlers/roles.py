"""Who may use a command: one decorator per rule, checked before the handler runs.

The access gate (handlers/access.py) has already let only registered, active members through;
these rules say which of them a command is for. A refused message gets the rule's catalog text;
a refused button gets the gate's one polite refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any

from telegram import Update

from bot.core.domain import Role
from handlers.access import refuse
from handlers.context import BotContext

Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
"""A PTB callback: CommandHandler and CallbackQueryHandler want a coroutine function."""


def only(*roles: Role, refusal: str) -> Callable[[Handler], Handler]:
    """Run the handler for members with one of `roles`; answer anyone else with `refusal`."""

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def checked(update: Update, context: BotContext) -> None:
            if context.member.role in roles:
                await handler(update, context)
            elif update.callback_query is not None:
                await refuse(update, context)
            elif update.effective_message is not None:
                await update.effective_message.reply_text(context.t(refusal))

        return checked

    return decorate


admins_only = only(Role.ADMIN, refusal="access.admins_only")
"""People, figures, invitations and the audit trail."""

officers_only = only(Role.OFFICER, refusal="away.officers_only")
"""Pausing and resuming one's own daily reminder (/away, /back)."""
