"""A bare python-telegram-bot echo bot, built like the field bot: the floor to compare with."""

from __future__ import annotations

from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    MessageHandler,
)
from telegram.ext import filters as ptb_filters

from bot.app import rate_limiter
from bot.settings import Settings


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a text message with its own text."""
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


def build_echo_application(settings: Settings, **_: object) -> Application[Any, Any, Any, Any, Any, Any]:
    """The same builder settings as bot.app.build_application, with one echo handler."""
    assert settings.telegram_bot_token is not None
    application = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.bot_api_url)
        .base_file_url(settings.bot_file_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=settings.tz,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(rate_limiter())
        .build()
    )
    application.add_handler(MessageHandler(ptb_filters.TEXT & ptb_filters.UpdateType.MESSAGE, echo))
    return application
