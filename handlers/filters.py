"""Where a command may be used: PTB filters defined once for every handler module."""

from __future__ import annotations

from telegram.ext import filters

MESSAGES = filters.UpdateType.MESSAGE
"""New messages only: an edited message never runs a command again."""
PRIVATE = filters.ChatType.PRIVATE & MESSAGES
"""A new message in a private chat with the bot."""
GROUPS = filters.ChatType.GROUPS & MESSAGES
"""A new message in a group or supergroup."""
