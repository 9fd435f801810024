"""The access gate: runs before every handler and decides who may go on."""

from __future__ import annotations

import logging
from typing import TypeVar

from telegram import Chat, Update
from telegram.ext import ApplicationHandlerStop

from bot.core import callbacks as cb
from bot.core.records import Member
from bot.intake.inbox import HandleAgainLater
from handlers.context import BotContext
from storage.database import StorageError

log = logging.getLogger(__name__)


def _is_invitation(update: Update) -> bool:
    """A private `/start <code>`: the one thing an outsider may send."""
    message = update.message
    if message is None or message.text is None or message.chat.type != Chat.PRIVATE:
        return False
    parts = message.text.split()
    return len(parts) == 2 and parts[0] in {"/start", f"/start@{message.get_bot().username}"}


async def _load_member(update: Update, context: BotContext) -> Member | None:
    user = update.effective_user
    assert user is not None
    repos = context.repos
    member = await repos.users.member(telegram_id=user.id)
    if member is None and user.id in context.services.settings.admin_ids:
        member = await repos.users.ensure_admin(
            telegram_id=user.id,
            full_name=user.full_name,
            username=user.username,
            unit_code=context.services.plan.units[0].code,
            now=context.services.clock.now(),
        )
    return member


async def gate(update: Update, context: BotContext) -> None:
    """Let registered, active members through; refuse everyone else once, politely."""
    if update.edited_message is not None or update.edited_channel_post is not None:
        raise ApplicationHandlerStop  # an edit never repeats what the original did
    user = update.effective_user
    if user is None or user.is_bot:
        raise ApplicationHandlerStop
    if context.user_data is not None:
        context.user_data["telegram_language"] = user.language_code
    try:
        member = await _load_member(update, context)
    except (StorageError, RuntimeError) as error:  # the database failed or is closing: try again later
        log.warning("access check could not read the database (%s); the update will be handled again", error)
        await context.application.process_error(update, HandleAgainLater(str(error)))
        raise ApplicationHandlerStop from None
    except Exception:  # no handler may run for someone the gate could not check
        log.exception("access check failed")
        raise ApplicationHandlerStop from None
    if member is not None and member.active:
        context.remember_member(member)
        return
    context.remember_member(None)
    if member is None and _is_invitation(update):
        return
    await refuse(update, context)
    raise ApplicationHandlerStop


async def refuse(update: Update, context: BotContext) -> None:
    """Answer a member's forged button; an outsider or a disabled user rarely (bot/core/outsiders.py)."""
    member = _is_member(context)
    if not member and not await _first_refusal_this_hour(update, context):
        return
    text = context.t("access.refused")
    if update.callback_query is not None:  # an answer to a button is not a message: it takes no turn
        await update.callback_query.answer(text, show_alert=True)
        return
    message = update.message
    if message is None:
        return
    private = message.chat.type == Chat.PRIVATE
    if not private and not command_for_us(message.text, message.get_bot().username):
        return
    group = None if private else message.chat_id
    if member or context.services.refusals.allow(context.services.clock.now(), group_chat=group):
        await message.reply_text(text)


_Data = TypeVar("_Data")


async def pressed(update: Update, context: BotContext, kind: type[_Data]) -> _Data | None:
    """The data of the pressed button if it is a `kind`; otherwise refuse the press and return None."""
    query = update.callback_query
    data = cb.decode(query.data or "") if query is not None else None
    if isinstance(data, kind):
        return data
    await refuse(update, context)
    return None


async def _first_refusal_this_hour(update: Update, context: BotContext) -> bool:
    """Audit the refusal of an outsider or disabled user unless they were refused within the hour."""
    user = update.effective_user
    if user is None:
        return False
    now, budget = context.services.clock.now(), context.services.refusals
    if budget.refused_lately(user.id, now):
        return False
    kind = next((name for name in _UPDATE_KINDS if getattr(update, name) is not None), "other")
    if not await context.repos.refusals.note(telegram_id=user.id, kind=kind, now=now):
        return False
    budget.refused(user.id, now)
    return True


def _is_member(context: BotContext) -> bool:
    try:
        _ = context.member
    except LookupError:
        return False
    return True


_UPDATE_KINDS = ("message", "callback_query", "inline_query", "edited_message", "my_chat_member")


def command_for_us(text: str | None, username: str) -> bool:
    """A group message that is a command for this bot (not `/cmd@otherbot`)."""
    if not text or not text.startswith("/"):
        return False
    command = text.split()[0]
    return "@" not in command or command.split("@", 1)[1].lower() == username.lower()
