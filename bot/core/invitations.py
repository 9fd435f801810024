"""Invitations: how long one stays valid (a day for an admin, a week for others), what its code
looks like, the link that redeems it."""

from __future__ import annotations

import secrets
from datetime import timedelta

from bot.core.domain import Role

VALID_FOR = timedelta(days=7)
"""An invitation not redeemed within a week expires."""
ADMIN_VALID_FOR = timedelta(hours=24)
"""An admin invitation, which hands over everything, expires within a day."""
CODE_BYTES = 12
"""Random bytes in a code: 16 URL-safe characters, fit for a `/start` parameter (at most 64)."""


def valid_for(role: Role) -> timedelta:
    """How long an invitation for `role` stays valid."""
    return ADMIN_VALID_FOR if role is Role.ADMIN else VALID_FOR


def new_code() -> str:
    """A fresh, unguessable invitation code."""
    return secrets.token_urlsafe(CODE_BYTES)


def link(bot_username: str, code: str) -> str:
    """The deep link that opens a private chat with the bot and sends `/start <code>`."""
    return f"https://t.me/{bot_username}?start={code}"
