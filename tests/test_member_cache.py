"""The access gate's member cache: a change forgets the member, and a read that raced a change
never puts the old row back."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.core.domain import Role
from bot.core.records import Member
from storage.database import Database
from storage.users import INSERT, MemberCache, NewMember, UserRepo, member_cache

NOW = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)


def _member(role: Role) -> Member:
    return Member(
        telegram_id=7, full_name="陳警員", username=None, unit_code="p1", role=role,
        language=None, active=True, registered_at=NOW,
    )  # fmt: skip


def test_a_read_that_started_before_a_change_is_not_kept() -> None:
    cache = MemberCache()
    read_at = cache.generation
    cache.forget(7)  # a change committed while the read was on its way
    cache.keep(_member(Role.OFFICER), read_at=read_at)
    assert cache.get(7) is None
    cache.keep(_member(Role.CHIEF), read_at=cache.generation)
    assert cache.get(7) == _member(Role.CHIEF)


async def test_a_role_change_is_seen_by_the_next_lookup(tmp_path: Path) -> None:
    db = Database(tmp_path / "bot.sqlite3")
    await db.open()
    try:
        async with db.write() as connection:
            await connection.execute(INSERT, NewMember(7, "陳警員", "p1", Role.OFFICER, NOW).values())
        users = UserRepo(db)
        first = await users.member(telegram_id=7)
        assert first is not None and first.role is Role.OFFICER
        assert member_cache(db).get(7) == first
        await UserRepo(db).change_role(telegram_id=7, role=Role.CHIEF, actor_id=1, now=NOW)
        assert member_cache(db).get(7) is None
        second = await users.member(telegram_id=7)
        assert second is not None and second.role is Role.CHIEF
        await UserRepo(db).set_active(telegram_id=7, active=False, actor_id=1, now=NOW)
        third = await users.member(telegram_id=7)
        assert third is not None and not third.active
    finally:
        await db.close()
