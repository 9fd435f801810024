"""Idempotency keys: one scheme per way a report or invitation can arrive twice.

Telegram may deliver an update again (after a restart, a timeout, a double tap); the storage
keeps the first row stored under a key and returns it for every repeat. The key strings are
stored with the rows, so a scheme must never change its format.
"""

from __future__ import annotations

from datetime import date


def message_key(chat_id: int, message_id: int) -> str:
    """A typed command (`/report ...`, `/invite ...`): one row per message of a chat."""
    return f"m:{chat_id}:{message_id}"


def flow_key(officer_id: int, nonce: str) -> str:
    """A guided report confirmed with its button: one row per flow of an officer."""
    return f"f:{officer_id}:{nonce}"


def nothing_key(officer_id: int, day: date, message_id: int) -> str:
    """'Nothing to report' for a day, pressed on one message: one row per day and message."""
    return f"n:{officer_id}:{day.isoformat()}:{message_id}"
