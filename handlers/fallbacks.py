"""What happens when nothing else answered, and when something failed."""

from __future__ import annotations

import logging

from telegram import Chat, Message, Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.intake.inbox import is_transient
from handlers.access import command_for_us
from handlers.context import AnyHandler, BotContext
from handlers.filters import GROUPS, PRIVATE

log = logging.getLogger(__name__)


async def stale_button(update: Update, context: BotContext) -> None:
    """A button from an old or finished conversation."""
    assert update.callback_query is not None
    await update.callback_query.answer(context.t("access.stale_button"), show_alert=True)


async def private_only(update: Update, context: BotContext) -> None:
    """A personal command sent in a group."""
    assert update.message is not None
    await update.message.reply_text(context.t("access.private_only"))


async def unknown(update: Update, context: BotContext) -> None:
    """A command or text the bot does not understand."""
    assert update.message is not None
    await update.message.reply_text(context.t("access.unknown"))


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure with its traceback and tell the user politely."""
    if is_transient(context.error):
        log.warning("passing failure, the inbox handles the update again: %s", context.error)
        return  # telling the user would meet the same failure; the next attempt answers
    log.error("update failed", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(context.t("access.failed"), show_alert=True)
            elif update.effective_chat.type == Chat.PRIVATE:
                await context.bot.send_message(update.effective_chat.id, context.t("access.failed"))
        except Exception:  # the error handler must never raise
            log.exception("could not tell the user about the failure")


class _CommandForThisBot(filters.MessageFilter):
    """A command without @mention, or with this bot's."""

    def filter(self, message: Message) -> bool:
        return command_for_us(message.text, message.get_bot().username)


def handlers() -> list[AnyHandler]:
    """Catch-all handlers, tried last."""
    return [
        CallbackQueryHandler(stale_button),
        MessageHandler(_CommandForThisBot() & GROUPS, private_only),
        MessageHandler(PRIVATE, unknown),
    ]
