"""Who may see which unit: one rule for /progress, /digest, /export and group subscriptions."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.domain import Role


@dataclass(frozen=True)
class OtherUnitRefused(Exception):
    """A chief asked for a unit other than their own."""

    own_unit: str


def may_see(role: Role, own_unit: str, unit_code: str | None) -> bool:
    """Admins see the bureau (None) and every unit; chiefs and officers only their own unit."""
    return role is Role.ADMIN or unit_code == own_unit


def visible_scope(role: Role, own_unit: str, *, unit_given: bool, unit_code: str | None) -> str | None:
    """The scope to show (None = the bureau): what an admin asked for, else the member's own unit.

    An admin who names no unit sees the bureau; anyone else sees their own unit, and naming
    another unit (or the bureau) raises OtherUnitRefused.
    """
    if role is Role.ADMIN:
        return unit_code if unit_given else None
    if unit_given and not may_see(role, own_unit, unit_code):
        raise OtherUnitRefused(own_unit)
    return own_unit
