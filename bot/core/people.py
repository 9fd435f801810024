"""Rules for managing people: the last active admin stays, and long lists are paged."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.domain import Role

OFFICERS_PER_PAGE = 25


class Change(StrEnum):
    """What became of a change to a person."""

    CHANGED = "changed"
    UNCHANGED = "unchanged"
    NOT_FOUND = "not_found"
    LAST_ADMIN = "last_admin"


@dataclass(frozen=True)
class Membership:
    """A member's role and whether they may use the bot: what decides if they count as an active admin."""

    role: Role
    active: bool

    @property
    def is_active_admin(self) -> bool:
        """An admin who may still use the bot."""
        return self.role is Role.ADMIN and self.active


def removes_last_admin(before: Membership, after: Membership, active_admins: int) -> bool:
    """Whether the change would leave the bureau without an active admin."""
    return before.is_active_admin and not after.is_active_admin and active_admins <= 1


@dataclass(frozen=True)
class Page:
    """One page of a list: which slice to show and how many pages there are."""

    number: int
    count: int
    start: int
    stop: int

    @property
    def has_previous(self) -> bool:
        """Whether there is a page before this one."""
        return self.number > 0

    @property
    def has_next(self) -> bool:
        """Whether there is a page after this one."""
        return self.number + 1 < self.count


def page(total: int, number: int, size: int = OFFICERS_PER_PAGE) -> Page:
    """The page `number` (0-based, clamped into range) of a list of `total` items."""
    count = max(1, -(-total // size))
    number = min(max(number, 0), count - 1)
    start = number * size
    return Page(number=number, count=count, start=start, stop=min(start + size, total))
