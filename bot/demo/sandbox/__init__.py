"""A local stand-in for the Telegram Bot API (see ``bot.demo.sandbox.standin``)."""

from .formatting import EntityParseError, parse_html, utf16_len
from .records import ApiError, SentMessage, SimChat, SimUser
from .spec import UploadedFile
from .standin import BotApiStandIn

__all__ = [
    "ApiError",
    "BotApiStandIn",
    "EntityParseError",
    "SentMessage",
    "SimChat",
    "SimUser",
    "UploadedFile",
    "parse_html",
    "utf16_len",
]
