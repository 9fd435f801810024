"""Registered users: lookups, admins from settings, language choice."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.domain import Language, Role
from storage import audit
from storage.database import Database
from storage.records import Member

_COLUMNS = "telegram_id, full_name, username, unit_code, role, language, active, registered_at"


def member_from_row(row: aiosqlite.Row) -> Member:
    """Build a Member from a users row."""
    return Member(
        telegram_id=row["telegram_id"],
        full_name=row["full_name"],
        username=row["username"],
        unit_code=row["unit_code"],
        role=Role(row["role"]),
        language=Language(row["language"]) if row["language"] else None,
        active=bool(row["active"]),
        registered_at=datetime.fromisoformat(row["registered_at"]),
    )


async def fetch_member(connection: aiosqlite.Connection, telegram_id: int) -> Member | None:
    """Read one member inside an open connection."""
    async with connection.execute(
        f"SELECT {_COLUMNS} FROM users WHERE telegram_id = ?", (telegram_id,)
    ) as cursor:
        row = await cursor.fetchone()
    return member_from_row(row) if row else None


class UserRepo:
    """Reads and writes the users table."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, *, telegram_id: int) -> Member | None:
        """Return the member with this Telegram id, active or not."""
        async with self._db.read() as connection:
            return await fetch_member(connection, telegram_id)

    async def list_unit(self, *, unit_code: str | None = None) -> list[Member]:
        """Return members of one unit (or all), ordered by unit and name."""
        query = f"SELECT {_COLUMNS} FROM users"
        params: tuple[object, ...] = ()
        if unit_code is not None:
            query += " WHERE unit_code = ?"
            params = (unit_code,)
        async with self._db.read() as connection:
            async with connection.execute(query + " ORDER BY unit_code, full_name", params) as cursor:
                return [member_from_row(row) async for row in cursor]

    async def ensure_admin(
        self, *, telegram_id: int, full_name: str, username: str | None, unit_code: str, now: datetime
    ) -> Member:
        """Register a user named in ADMIN_IDS as an admin the first time they write."""
        async with self._db.write() as connection:
            existing = await fetch_member(connection, telegram_id)
            if existing is not None:
                return existing
            await connection.execute(
                "INSERT INTO users (telegram_id, full_name, username, unit_code, role, registered_at)"
                " VALUES (?, ?, ?, ?, 'admin', ?)",
                (telegram_id, full_name, username, unit_code, now.isoformat()),
            )
            await audit.record(
                connection,
                at=now,
                actor_id=None,
                action="user.admin_from_settings",
                subject=str(telegram_id),
                new={"unit": unit_code, "role": "admin", "name": full_name},
            )
            member = await fetch_member(connection, telegram_id)
        assert member is not None
        return member

    async def set_language(self, *, telegram_id: int, language: Language, now: datetime) -> None:
        """Remember the language a user chose with /lang."""
        async with self._db.write() as connection:
            before = await fetch_member(connection, telegram_id)
            if before is None or before.language == language:
                return
            await connection.execute(
                "UPDATE users SET language = ? WHERE telegram_id = ?", (language.value, telegram_id)
            )
            await audit.record(
                connection,
                at=now,
                actor_id=telegram_id,
                action="user.language",
                subject=str(telegram_id),
                old=before.language,
                new=language.value,
            )
