"""The access gate's member cache: any change of a user, through whatever code, is seen by the
next lookup; lookups in between come from memory."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.core.domain import Role
from storage.database import Database
from storage.users import INSERT, NewMember, UserRepo, member_cache

NOW = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)


async def test_every_change_of_users_is_seen_by_the_next_lookup(tmp_path: Path) -> None:
    db = Database(tmp_path / "bot.sqlite3")
    await db.open()
    try:
        async with db.write() as connection:
            for telegram_id in (7, 8):
                await connection.execute(
                    INSERT, NewMember(telegram_id, "陳警員", "p1", Role.OFFICER, NOW).values()
                )
        users = UserRepo(db)
        first = await users.member(telegram_id=7)
        assert first is not None and first.role is Role.OFFICER
        assert member_cache(db).members.keys() == {7, 8}  # everyone, in one read
        generation = db.users_generation
        await users.member(telegram_id=8)
        async with db.write() as connection:  # a report, say: users untouched
            await connection.execute("SELECT 1")
        assert db.users_generation == generation and member_cache(db).members.keys() == {7, 8}

        await UserRepo(db).change_role(telegram_id=7, role=Role.CHIEF, actor_id=1, now=NOW)
        second = await users.member(telegram_id=7)
        assert second is not None and second.role is Role.CHIEF

        async with db.write() as connection:  # not through UserRepo at all
            await connection.execute("UPDATE users SET active = 0 WHERE telegram_id = 8")
        third = await users.member(telegram_id=8)
        assert third is not None and not third.active
        assert db.users_generation == generation + 2
    finally:
        await db.close()


async def test_a_change_rolled_back_still_drops_the_cache(tmp_path: Path) -> None:
    db = Database(tmp_path / "bot.sqlite3")
    await db.open()
    try:
        async with db.write() as connection:
            await connection.execute(INSERT, NewMember(7, "陳警員", "p1", Role.OFFICER, NOW).values())
        users = UserRepo(db)
        await users.member(telegram_id=7)
        generation = db.users_generation
        try:
            async with db.write() as connection:
                await connection.execute("UPDATE users SET role = 'chief' WHERE telegram_id = 7")
                raise RuntimeError("something failed after the update")
        except RuntimeError:
            pass
        assert db.users_generation == generation + 1
        member = await users.member(telegram_id=7)
        assert member is not None and member.role is Role.OFFICER
    finally:
        await db.close()
