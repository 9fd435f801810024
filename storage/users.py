"""Registered users: lookups, admins from settings, language choice.

The access gate reads the member behind every update through `UserRepo.member`, which keeps
members in a cache of the database's (`MemberCache`). A temporary trigger on the writer
connection notes every UPDATE or DELETE of users, whatever code makes it, and the database's
`users_generation` moves on when that transaction ends: the cache is then dropped whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from weakref import WeakKeyDictionary

import aiosqlite

from bot.core.domain import Language, Role
from bot.core.people import Change, Membership, Page, page, removes_last_admin
from bot.core.records import Member, MemberActivity, MemberChange
from storage import audit, rows
from storage.database import Database, Repository
from storage.subscriptions import end_lapsed

_COLUMNS = "telegram_id, full_name, username, unit_code, role, language, active, registered_at"
PREFIXED_COLUMNS = ", ".join(f"u.{column}" for column in _COLUMNS.split(", "))
"""The columns `member_from_row` reads, of the users table aliased `u`."""
INSERT = (
    "INSERT INTO users (telegram_id, full_name, username, unit_code, role, language, registered_at,"
    " invitation) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)

member_from_row = rows.mapper(
    Member,
    role=Role,
    language=rows.optional(Language),
    active=bool,
    registered_at=datetime.fromisoformat,
)
"""Build a Member from a users row."""


@dataclass(frozen=True, slots=True)
class NewMember:
    """A user to register."""

    telegram_id: int
    full_name: str
    unit_code: str
    role: Role
    registered_at: datetime
    username: str | None = None
    language: Language | None = None

    def values(self, *, invitation: str | None = None) -> tuple[object, ...]:
        """The row `INSERT` stores, with the invitation redeemed (None when registered otherwise)."""
        return (
            self.telegram_id,
            self.full_name,
            self.username,
            self.unit_code,
            self.role.value,
            self.language.value if self.language else None,
            self.registered_at.isoformat(),
            invitation,
        )

    def described(self) -> dict[str, object]:
        """What the audit row of the registration says about the member."""
        return {"unit": self.unit_code, "role": self.role.value, "name": self.full_name}


async def fetch_member(connection: aiosqlite.Connection, telegram_id: int) -> Member | None:
    """Read one member inside an open connection."""
    query = f"SELECT {_COLUMNS} FROM users WHERE telegram_id = ?"
    return await rows.one(connection, query, (telegram_id,), member_from_row)


class MemberCache:
    """Members by Telegram id, as read at one `users_generation` of the database."""

    def __init__(self, generation: int) -> None:
        self.members: dict[int, Member] = {}
        self.generation = generation
        self.loaded = False


_caches: WeakKeyDictionary[Database, MemberCache] = WeakKeyDictionary()


def member_cache(db: Database) -> MemberCache:
    """The member cache of this database at its current users' generation (a new one after a change)."""
    cache = _caches.get(db)
    if cache is None or cache.generation != db.users_generation:
        cache = _caches[db] = MemberCache(db.users_generation)
    return cache


class UserRepo(Repository):
    """Reads and writes the users table."""

    async def get(self, *, telegram_id: int) -> Member | None:
        """Return the member with this Telegram id, active or not."""
        async with self._db.single_read() as connection:
            return await fetch_member(connection, telegram_id)

    async def member(self, *, telegram_id: int) -> Member | None:
        """The member for the access gate: from the cache, or read (and cached) when not there.

        The first lookup caches every registered user in one read; someone not cached (an
        outsider, or a user registered since) is always read again.
        """
        cache = member_cache(self._db)
        if not cache.loaded:
            everyone = await self.list_unit()
            if cache.generation == self._db.users_generation:  # no change of users meanwhile
                cache.members.update((member.telegram_id, member) for member in everyone)
                cache.loaded = True
        cached = cache.members.get(telegram_id)
        if cached is not None:
            return cached
        found = await self.get(telegram_id=telegram_id)
        if found is not None and cache.generation == self._db.users_generation:
            cache.members[telegram_id] = found
        return found

    async def list_unit(self, *, unit_code: str | None = None) -> list[Member]:
        """Return members of one unit (or all), ordered by unit and name."""
        query, params = _of_unit(f"SELECT {_COLUMNS} FROM users", "unit_code", unit_code)
        async with self._db.read() as connection:
            return await rows.every(
                connection, query + " ORDER BY unit_code, full_name", params, member_from_row
            )

    async def ensure_admin(
        self, *, telegram_id: int, full_name: str, username: str | None, unit_code: str, now: datetime
    ) -> Member:
        """Register a user named in ADMIN_IDS as an admin the first time they write."""
        async with audit.write(self._db, at=now, actor_id=None) as (connection, audited):
            existing = await fetch_member(connection, telegram_id)
            if existing is not None:
                return existing
            admin = NewMember(telegram_id, full_name, unit_code, Role.ADMIN, now, username=username)
            await connection.execute(INSERT, admin.values())
            await audited("user.admin_from_settings", str(telegram_id), new=admin.described())
            member = await fetch_member(connection, telegram_id)
        assert member is not None
        return member

    async def set_language(self, *, telegram_id: int, language: Language, now: datetime) -> None:
        """Remember the language a user chose with /lang."""
        async with audit.write(self._db, at=now, actor_id=telegram_id) as (connection, audited):
            before = await fetch_member(connection, telegram_id)
            if before is None or before.language == language:
                return
            await connection.execute(
                "UPDATE users SET language = ? WHERE telegram_id = ?", (language.value, telegram_id)
            )
            await audited("user.language", str(telegram_id), old=before.language, new=language.value)

    async def activity_page(
        self, *, number: int, unit_code: str | None = None
    ) -> tuple[int, Page, list[MemberActivity]]:
        """One page of members of one unit (or all), by unit and name, with their latest valid report's date.

        Returns how many there are, the page shown and its members. Counted, paged and dated in
        SQL: the date comes from the officers' daily roll-up.
        """
        count, params = _of_unit("SELECT COUNT(*) FROM users u", "u.unit_code", unit_code)
        query, _ = _of_unit(
            f"SELECT {PREFIXED_COLUMNS}, (SELECT MAX(d.report_date) FROM officer_days d"
            " WHERE d.officer_id = u.telegram_id AND d.reports > 0) AS last_report FROM users u",
            "u.unit_code",
            unit_code,
        )
        async with self._db.read() as connection:
            found = await connection.execute_fetchall(count, params)
            total = int(next(iter(found))[0])
            shown = page(total, number)
            rows_ = await connection.execute_fetchall(
                query + " ORDER BY u.unit_code, u.full_name, u.telegram_id LIMIT ? OFFSET ?",
                (*params, shown.stop - shown.start, shown.start),
            )
        people = [
            MemberActivity(
                member=member_from_row(row),
                last_report=date.fromisoformat(row["last_report"]) if row["last_report"] else None,
            )
            for row in rows_
        ]
        return total, shown, people

    async def change_role(
        self, *, telegram_id: int, role: Role, actor_id: int, now: datetime
    ) -> MemberChange:
        """Give a member another role; never demote the last active admin."""
        return await self._change(
            telegram_id, actor_id, now, "user.role", "role", role.value, lambda m: Membership(role, m.active)
        )

    async def move(self, *, telegram_id: int, unit_code: str, actor_id: int, now: datetime) -> MemberChange:
        """Move a member to another unit; their past reports keep the unit they were made in."""
        return await self._change(
            telegram_id, actor_id, now, "user.move", "unit_code", unit_code, _same_membership
        )

    async def set_active(
        self, *, telegram_id: int, active: bool, actor_id: int, now: datetime
    ) -> MemberChange:
        """Disable or enable a member; never disable the last active admin."""
        action = "user.enable" if active else "user.disable"
        return await self._change(
            telegram_id, actor_id, now, action, "active", int(active), lambda m: Membership(m.role, active)
        )

    async def _change(
        self,
        telegram_id: int,
        actor_id: int,
        now: datetime,
        action: str,
        column: str,
        value: object,
        standing_after: Callable[[Member], Membership],
    ) -> MemberChange:
        """Set one column of a member in one transaction, audited, guarding the last admin; the
        group subscriptions the member may no longer hold end in the same transaction."""
        async with audit.write(self._db, at=now, actor_id=actor_id) as (connection, audited):
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
            if removes_last_admin(Membership(before.role, before.active), standing_after(before), admins):
                return MemberChange(Change.LAST_ADMIN, before, before)
            await connection.execute(
                f"UPDATE users SET {column} = ? WHERE telegram_id = ?", (value, telegram_id)
            )
            key = column.removesuffix("_code")
            await audited(action, str(telegram_id), old={key: _plain(old)}, new={key: _plain(value)})
            after = await fetch_member(connection, telegram_id)
            assert after is not None
            ended = await end_lapsed(connection, audited, after)
        return MemberChange(Change.CHANGED, before, after, tuple(ended))


def _of_unit(query: str, column: str, unit_code: str | None) -> tuple[str, tuple[object, ...]]:
    """The query and its parameters, limited to one unit when one is given."""
    if unit_code is None:
        return query, ()
    return f"{query} WHERE {column} = ?", (unit_code,)


def _same_membership(member: Member) -> Membership:
    """Moving a member keeps their role and whether they are active."""
    return Membership(member.role, member.active)


def _plain(value: object) -> object:
    """Audit values as people read them: active as true/false."""
    return bool(value) if isinstance(value, int) and not isinstance(value, bool) else value
