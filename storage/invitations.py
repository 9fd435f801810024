"""Invitations: created by admins, redeemed once by `/start <code>`."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

import aiosqlite

from bot.core.domain import Language, Role
from bot.core.records import Invitation, Member
from storage import audit, rows
from storage.database import Repository
from storage.users import INSERT, NewMember, fetch_member


class Redemption(StrEnum):
    """What happened when someone used an invitation code."""

    REGISTERED = "registered"
    ALREADY_REGISTERED = "already_registered"
    INVALID = "invalid"


_invitation_from_row = rows.mapper(
    Invitation,
    role=Role,
    created_at=datetime.fromisoformat,
    expires_at=datetime.fromisoformat,
    used_at=rows.optional(datetime.fromisoformat),
    revoked_at=rows.optional(datetime.fromisoformat),
)


async def _fetch(connection: aiosqlite.Connection, column: str, value: str) -> Invitation | None:
    """The invitation whose `column` (code or idempotency key) holds the value."""
    return await rows.one(
        connection, f"SELECT * FROM invitations WHERE {column} = ?", (value,), _invitation_from_row
    )


class InvitationRepo(Repository):
    """Reads and writes invitations; redeeming one registers a user."""

    async def create(
        self,
        *,
        code: str,
        unit_code: str,
        role: Role,
        created_by: int,
        now: datetime,
        valid_for: timedelta,
        idempotency_key: str | None = None,
    ) -> Invitation:
        """Store a new invitation and audit it; with a key already used, return that invitation instead."""
        async with audit.write(self._db, at=now, actor_id=created_by) as (connection, audited):
            if idempotency_key is not None:
                existing = await _fetch(connection, "idempotency_key", idempotency_key)
                if existing is not None:
                    return existing
            await connection.execute(
                "INSERT INTO invitations (code, unit_code, role, created_by, created_at, expires_at,"
                " idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    code,
                    unit_code,
                    role.value,
                    created_by,
                    now.isoformat(),
                    (now + valid_for).isoformat(),
                    idempotency_key,
                ),
            )
            await audited("invitation.create", code, new={"unit": unit_code, "role": role.value})
            created = await _fetch(connection, "code", code)
        assert created is not None
        return created

    async def redeem(
        self,
        *,
        code: str,
        telegram_id: int,
        full_name: str,
        username: str | None,
        now: datetime,
        language: Language | None = None,
    ) -> tuple[Redemption, Member | None]:
        """Register the user with the invitation's unit and role, once, before it expires.

        `language` is the one the user's Telegram app reports, kept so that messages the bot
        sends on its own (reminders, digests) are in it too; /lang changes it later.
        """
        async with audit.write(self._db, at=now, actor_id=telegram_id) as (connection, audited):
            invitation = await _fetch(connection, "code", code)
            existing = await fetch_member(connection, telegram_id)
            if invitation is not None and invitation.used_by == telegram_id and existing is not None:
                return Redemption.ALREADY_REGISTERED, existing
            usable = (
                invitation is not None
                and invitation.used_by is None
                and invitation.revoked_at is None
                and invitation.expires_at > now
            )
            if not usable or invitation is None:
                return Redemption.INVALID, None
            if existing is not None:
                return Redemption.ALREADY_REGISTERED, existing
            member = NewMember(
                telegram_id, full_name, invitation.unit_code, invitation.role, now, username, language
            )
            await connection.execute(INSERT, member.values(invitation=code))
            await connection.execute(
                "UPDATE invitations SET used_by = ?, used_at = ? WHERE code = ?",
                (telegram_id, now.isoformat(), code),
            )
            await audited("user.register", str(telegram_id), new={**member.described(), "invitation": code})
            registered = await fetch_member(connection, telegram_id)
        return Redemption.REGISTERED, registered

    async def get(self, *, code: str) -> Invitation | None:
        """The invitation with this code, in whatever state."""
        async with self._db.read() as connection:
            return await _fetch(connection, "code", code)

    async def open_invitations(self, *, now: datetime) -> list[Invitation]:
        """Invitations not yet used, revoked or expired, oldest first."""
        query = (
            "SELECT * FROM invitations WHERE used_by IS NULL AND revoked_at IS NULL ORDER BY created_at, code"
        )
        async with self._db.read() as connection:
            invitations = await rows.every(connection, query, (), _invitation_from_row)
        return [invitation for invitation in invitations if invitation.expires_at > now]

    async def revoke(self, *, code: str, revoked_by: int, now: datetime) -> Invitation | None:
        """Revoke an open invitation and audit it; None if no open invitation has this code."""
        async with audit.write(self._db, at=now, actor_id=revoked_by) as (connection, audited):
            invitation = await _fetch(connection, "code", code)
            if (
                invitation is None
                or invitation.used_by is not None
                or invitation.revoked_at is not None
                or invitation.expires_at <= now
            ):
                return None
            await connection.execute(
                "UPDATE invitations SET revoked_at = ? WHERE code = ?", (now.isoformat(), code)
            )
            await audited(
                "invitation.revoke",
                code,
                old={"state": "open", "unit": invitation.unit_code, "role": invitation.role.value},
                new={"state": "revoked"},
            )
        return invitation
