"""Invitations: how long one stays valid, what its code looks like, the link that redeems it."""

from __future__ import annotations

import secrets
from datetime import timedelta

VALID_FOR = timedelta(days=7)
"""An invitation not redeemed within a week expires."""
CODE_BYTES = 12
"""Random bytes in a code: 16 URL-safe characters, fit for a `/start` parameter (at most 64)."""


def new_code() -> str:
    """A fresh, unguessable invitation code."""
    return secrets.token_urlsafe(CODE_BYTES)


def link(bot_username: str, code: str) -> str:
    """The deep link that opens a private chat with the bot and sends `/start <code>`."""
    return f"https://t.me/{bot_username}?start={code}"
