"""Who may see which unit, and whose names: one rule each for /progress, /digest, /export, the
scheduled digest and group subscriptions."""

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


def sees_officer_names(role: Role) -> bool:
    """Only a chief, in a private chat, reads the names of officers who reported nothing.

    Admins read the bureau's counts per unit; a group chat never gets names.
    """
    return role is Role.CHIEF


def digest_scope(role: Role, own_unit: str) -> str | None:
    """Whose weekly digest a member receives: a chief their unit's, an admin the bureau's."""
    return own_unit if role is Role.CHIEF else None


def keeps_group_digest(role: Role, active: bool, own_unit: str, unit_code: str) -> bool:
    """A group keeps a unit's digest while whoever subscribed it is an active chief of that unit,
    or an active admin."""
    return active and (role is Role.ADMIN or (role is Role.CHIEF and own_unit == unit_code))
