"""Registered users: lookups, admins from settings, language choice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import aiosqlite

from bot.core.domain import Language, Role
from bot.core.people import Change, Standing, removes_last_admin
from bot.core.records import Member, MemberActivity, MemberChange
from storage import audit
from storage.database import Database

_COLUMNS = "telegram_id, full_name, username, unit_code, role, language, active, registered_at"
_PREFIXED = ", ".join(f"u.{column}" for column in _COLUMNS.split(", "))


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

    async def list_with_activity(self, *, unit_code: str | None = None) -> list[MemberActivity]:
        """Members of one unit (or all), with the date of their latest valid report."""
        query = (
            f"SELECT {_PREFIXED}, (SELECT MAX(r.report_date) FROM reports r"
            " LEFT JOIN report_voids v ON v.report_id = r.id"
            " WHERE r.officer_id = u.telegram_id AND v.report_id IS NULL) AS last_report FROM users u"
        )
        params: tuple[object, ...] = ()
        if unit_code is not None:
            query += " WHERE u.unit_code = ?"
            params = (unit_code,)
        async with self._db.read() as connection:
            async with connection.execute(
                query + " ORDER BY u.unit_code, u.full_name, u.telegram_id", params
            ) as cursor:
                return [
                    MemberActivity(
                        member=member_from_row(row),
                        last_report=date.fromisoformat(row["last_report"]) if row["last_report"] else None,
                    )
                    async for row in cursor
                ]

    async def change_role(
        self, *, telegram_id: int, role: Role, actor_id: int, now: datetime
    ) -> MemberChange:
        """Give a member another role; never demote the last active admin."""
        return await self._change(
            telegram_id, actor_id, now, "user.role", "role", role.value, lambda m: Standing(role, m.active)
        )

    async def move(
        self, *, telegram_id: int, unit_code: str, actor_id: int, now: datetime
    ) -> MemberChange:
        """Move a member to another unit; their past reports keep the unit they were made in."""
        return await self._change(
            telegram_id, actor_id, now, "user.move", "unit_code", unit_code, _same_standing
        )

    async def set_active(
        self, *, telegram_id: int, active: bool, actor_id: int, now: datetime
    ) -> MemberChange:
        """Disable or enable a member; never disable the last active admin."""
        action = "user.enable" if active else "user.disable"
        return await self._change(
            telegram_id, actor_id, now, action, "active", int(active), lambda m: Standing(m.role, active)
        )

    async def _change(
        self,
        telegram_id: int,
        actor_id: int,
        now: datetime,
        action: str,
        column: str,
        value: object,
        standing_after: Callable[[Member], Standing],
    ) -> MemberChange:
        """Set one column of a member in one transaction, audited, guarding the last admin."""
        async with self._db.write() as connection:
            before = await fetch_member(connection, telegram_id)
            if before is None:
                return MemberChange(Change.NOT_FOUND, None, None)
            async with connection.execute(
                f"SELECT {column} FROM users WHERE telegram_id = ?", (telegram_id,)
            ) as cursor:
                row = await cursor.fetchone()
            old = row[0] if row else None
            if old == value:
                return MemberChange(Change.UNCHANGED, before, before)
            async with connection.execute(
                "SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1"
            ) as cursor:
                row = await cursor.fetchone()
            admins = int(row[0]) if row else 0
            if removes_last_admin(Standing(before.role, before.active), standing_after(before), admins):
                return MemberChange(Change.LAST_ADMIN, before, before)
            await connection.execute(
                f"UPDATE users SET {column} = ? WHERE telegram_id = ?", (value, telegram_id)
            )
            await audit.record(
                connection,
                at=now,
                actor_id=actor_id,
                action=action,
                subject=str(telegram_id),
                old={column.removesuffix("_code"): _plain(old)},
                new={column.removesuffix("_code"): _plain(value)},
            )
            after = await fetch_member(connection, telegram_id)
        return MemberChange(Change.CHANGED, before, after)


def _same_standing(member: Member) -> Standing:
    """Moving a member keeps their role and whether they are active."""
    return Standing(member.role, member.active)


def _plain(value: object) -> object:
    """Audit values as people read them: active as true/false."""
    return bool(value) if isinstance(value, int) and not isinstance(value, bool) else value
