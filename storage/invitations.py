"""Invitations: created by admins, redeemed once by `/start <code>`."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

import aiosqlite

from bot.core.domain import Language, Role
from bot.core.records import Invitation, Member
from storage import audit
from storage.database import Database
from storage.users import fetch_member


class Redemption(StrEnum):
    """What happened when someone used an invitation code."""

    REGISTERED = "registered"
    ALREADY_REGISTERED = "already_registered"
    INVALID = "invalid"


def _invitation_from_row(row: aiosqlite.Row) -> Invitation:
    def when(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value) if value else None

    return Invitation(
        code=row["code"],
        unit_code=row["unit_code"],
        role=Role(row["role"]),
        created_by=row["created_by"],
        created_at=datetime.fromisoformat(row["created_at"]),
        expires_at=datetime.fromisoformat(row["expires_at"]),
        used_by=row["used_by"],
        used_at=when(row["used_at"]),
        revoked_at=when(row["revoked_at"]),
    )


class InvitationRepo:
    """Reads and writes invitations; redeeming one registers a user."""

    def __init__(self, db: Database) -> None:
        self._db = db

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
        async with self._db.write() as connection:
            if idempotency_key is not None:
                async with connection.execute(
                    "SELECT * FROM invitations WHERE idempotency_key = ?", (idempotency_key,)
                ) as cursor:
                    existing = await cursor.fetchone()
                if existing is not None:
                    return _invitation_from_row(existing)
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
            await audit.record(
                connection,
                at=now,
                actor_id=created_by,
                action="invitation.create",
                subject=code,
                new={"unit": unit_code, "role": role.value},
            )
            async with connection.execute("SELECT * FROM invitations WHERE code = ?", (code,)) as cursor:
                row = await cursor.fetchone()
        assert row is not None
        return _invitation_from_row(row)

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
        async with self._db.write() as connection:
            async with connection.execute("SELECT * FROM invitations WHERE code = ?", (code,)) as cursor:
                row = await cursor.fetchone()
            existing = await fetch_member(connection, telegram_id)
            invitation = _invitation_from_row(row) if row else None
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
            await connection.execute(
                "INSERT INTO users (telegram_id, full_name, username, unit_code, role, registered_at,"
                " invitation, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    telegram_id,
                    full_name,
                    username,
                    invitation.unit_code,
                    invitation.role.value,
                    now.isoformat(),
                    code,
                    language.value if language else None,
                ),
            )
            await connection.execute(
                "UPDATE invitations SET used_by = ?, used_at = ? WHERE code = ?",
                (telegram_id, now.isoformat(), code),
            )
            await audit.record(
                connection,
                at=now,
                actor_id=telegram_id,
                action="user.register",
                subject=str(telegram_id),
                new={
                    "unit": invitation.unit_code,
                    "role": invitation.role.value,
                    "name": full_name,
                    "invitation": code,
                },
            )
            member = await fetch_member(connection, telegram_id)
        return Redemption.REGISTERED, member

    async def open_invitations(self, *, now: datetime) -> list[Invitation]:
        """Invitations not yet used, revoked or expired, oldest first."""
        async with self._db.read() as connection:
            async with connection.execute(
                "SELECT * FROM invitations WHERE used_by IS NULL AND revoked_at IS NULL"
                " ORDER BY created_at, code"
            ) as cursor:
                invitations = [_invitation_from_row(row) async for row in cursor]
        return [invitation for invitation in invitations if invitation.expires_at > now]

    async def revoke(self, *, code: str, revoked_by: int, now: datetime) -> Invitation | None:
        """Revoke an open invitation and audit it; None if no open invitation has this code."""
        async with self._db.write() as connection:
            async with connection.execute("SELECT * FROM invitations WHERE code = ?", (code,)) as cursor:
                row = await cursor.fetchone()
            invitation = _invitation_from_row(row) if row else None
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
            await audit.record(
                connection,
                at=now,
                actor_id=revoked_by,
                action="invitation.revoke",
                subject=code,
                old={"state": "open", "unit": invitation.unit_code, "role": invitation.role.value},
                new={"state": "revoked"},
            )
        return invitation
