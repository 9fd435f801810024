"""How often outsiders hear from the bot: rarely, and never at the officers' expense.

Every message the bot sends waits its turn under Telegram's 30 a second, in the one lane the
officers' confirmations use. An outsider is refused at most once an hour (the audit trail
keeps that per user, storage/refusals.py); on top of that a group chat hears at most one
refusal an hour, and refusals across the bureau go out at most `PER_SECOND` a second. A
refusal over budget is dropped, not queued: a flood of outsiders, however many accounts it
uses, takes at most that small share of the lane.
"""

from __future__ import annotations

from datetime import datetime, timedelta

ONCE_PER = timedelta(hours=1)
"""An outsider, and a group chat, hears at most one refusal in this time."""
PER_SECOND = 1.0
"""Refusals sent across the bureau each second, on average (a thirtieth of Telegram's limit)."""
BURST = 10
"""Refusals that may go out at once after a quiet spell: a handful of people trying an expired
link at the same moment are all answered; a flood is answered at `PER_SECOND` after these."""
REMEMBERED = 10_000
"""Group chats, and refused users, kept in memory; the oldest are forgotten beyond this."""


class RefusalBudget:
    """Decides which refusals are sent: one a group chat an hour, `per_second` across the bureau."""

    def __init__(self, *, per_second: float = PER_SECOND, burst: int = BURST) -> None:
        self._per_second = per_second
        self._burst = float(burst)
        self._tokens = float(burst)
        self._filled_at: datetime | None = None
        self._groups: dict[int, datetime] = {}
        self._refused: dict[int, datetime] = {}

    def refused_lately(self, user_id: int, now: datetime) -> bool:
        """Whether this process refused the user within the hour (then the audit trail need not be asked)."""
        last = self._refused.get(user_id)
        return last is not None and now - last < ONCE_PER

    def refused(self, user_id: int, now: datetime) -> None:
        """Remember that the user was refused (audited) at `now`."""
        _remember(self._refused, user_id, now)

    def allow(self, now: datetime, *, group_chat: int | None = None) -> bool:
        """Whether a refusal may be sent now (in `group_chat`, if it goes to a group); counts it if so."""
        if group_chat is not None:
            last = self._groups.get(group_chat)
            if last is not None and now - last < ONCE_PER:
                return False
        self._refill(now)
        if self._tokens < 1:
            return False
        self._tokens -= 1
        if group_chat is not None:
            _remember(self._groups, group_chat, now)
        return True

    def _refill(self, now: datetime) -> None:
        if self._filled_at is not None:
            elapsed = max((now - self._filled_at).total_seconds(), 0.0)
            self._tokens = min(self._burst, self._tokens + elapsed * self._per_second)
        self._filled_at = now


def _remember(seen: dict[int, datetime], key: int, now: datetime) -> None:
    """Note `key` at `now` as the newest entry, forgetting the oldest beyond REMEMBERED."""
    seen.pop(key, None)
    seen[key] = now
    if len(seen) > REMEMBERED:
        del seen[next(iter(seen))]
