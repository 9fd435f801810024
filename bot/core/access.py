"""Who may see which unit, and whose names: one rule each for /progress, /digest, /export, the
scheduled digest and group subscriptions."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.domain import Role
from bot.core.records import Member


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


def receives_digest(reader: Member | None, scope: str | None, *, in_group: bool) -> bool:
    """Whether a digest of `scope` (None = the bureau) may still go out on `reader`'s account.

    In a private chat the reader is the recipient: an active chief or admin, and the digest is
    their own (`digest_scope`). In a group the reader is the member who subscribed it: the group
    gets the unit's digest only while that member is an active chief of the unit, or an active admin.
    """
    if reader is None or not reader.active:
        return False
    if in_group:
        return reader.role is Role.ADMIN or (reader.role is Role.CHIEF and reader.unit_code == scope)
    return reader.role in (Role.CHIEF, Role.ADMIN) and digest_scope(reader.role, reader.unit_code) == scope
