"""A bare python-telegram-bot echo bot, built like the field bot: the floor to compare with."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    ContextTypes,
    MessageHandler,
)
from telegram.ext import filters as ptb_filters

from bot.app import builder
from bot.settings import Settings


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a text message with its own text."""
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


def build_echo_application(settings: Settings, **_: object) -> Application[Any, Any, Any, Any, Any, Any]:
    """The same builder settings as bot.app.build_application, with one echo handler."""
    application = builder(settings).build()
    application.add_handler(MessageHandler(ptb_filters.TEXT & ptb_filters.UpdateType.MESSAGE, echo))
    return application
