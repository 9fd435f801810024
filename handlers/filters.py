"""Where a command may be used: PTB filters defined once for every handler module."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler, filters

MESSAGES = filters.UpdateType.MESSAGE
"""New messages only: an edited message never runs a command again."""
PRIVATE = filters.ChatType.PRIVATE & MESSAGES
"""A new message in a private chat with the bot."""
GROUPS = filters.ChatType.GROUPS & MESSAGES
"""A new message in a group or supergroup."""

Command = Callable[[Update, Any], Coroutine[Any, Any, None]]


def commands(where: filters.BaseFilter, **callbacks: Command) -> list[CommandHandler[Any, None]]:
    """One handler per `name=callback`, each for the command `/name` sent where `where` allows."""
    return [CommandHandler(name, callback, filters=where) for name, callback in callbacks.items()]
