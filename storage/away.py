"""Away periods: /away pauses reminders until a date, /back ends the pause."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import aiosqlite

from bot.core.records import AwayPeriod
from storage import audit
from storage.database import Database

_COLUMNS = "id, officer_id, starts_on, ends_on, created_at, ended_at"


def _period_from_row(row: aiosqlite.Row) -> AwayPeriod:
    return AwayPeriod(
        id=row["id"],
        officer_id=row["officer_id"],
        starts_on=date.fromisoformat(row["starts_on"]),
        ends_on=date.fromisoformat(row["ends_on"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        ended_at=datetime.fromisoformat(row["ended_at"]) if row["ended_at"] else None,
    )


async def _current(connection: aiosqlite.Connection, officer_id: int, today: date) -> AwayPeriod | None:
    """The officer's period covering today or starting later, if any."""
    async with connection.execute(
        f"SELECT {_COLUMNS} FROM away_periods WHERE officer_id = ? AND ends_on >= ?"
        " AND ends_on >= starts_on ORDER BY starts_on LIMIT 1",
        (officer_id, today.isoformat()),
    ) as cursor:
        row = await cursor.fetchone()
    return _period_from_row(row) if row else None


class AwayRepo:
    """Reads and writes away periods; every change is audited."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def current(self, *, officer_id: int, today: date) -> AwayPeriod | None:
        """The period that covers today (or lies ahead), or None."""
        async with self._db.read() as connection:
            return await _current(connection, officer_id, today)

    async def set_until(self, *, officer_id: int, today: date, until: date, now: datetime) -> AwayPeriod:
        """Be away from today through `until`; an open period is extended or shortened instead."""
        async with self._db.write() as connection:
            before = await _current(connection, officer_id, today)
            if before is None:
                cursor = await connection.execute(
                    "INSERT INTO away_periods (officer_id, starts_on, ends_on, created_at)"
                    " VALUES (?, ?, ?, ?)",
                    (officer_id, today.isoformat(), until.isoformat(), now.isoformat()),
                )
                period_id = cursor.lastrowid
                old: object = None
            else:
                period_id = before.id
                await connection.execute(
                    "UPDATE away_periods SET starts_on = MIN(starts_on, ?), ends_on = ? WHERE id = ?",
                    (today.isoformat(), until.isoformat(), period_id),
                )
                old = {"from": before.starts_on.isoformat(), "until": before.ends_on.isoformat()}
            async with connection.execute(
                f"SELECT {_COLUMNS} FROM away_periods WHERE id = ?", (period_id,)
            ) as cursor:
                row = await cursor.fetchone()
            assert row is not None
            period = _period_from_row(row)
            await audit.record(
                connection,
                at=now,
                actor_id=officer_id,
                action="away.set",
                subject=f"away:{period.id}",
                old=old,
                new={"from": period.starts_on.isoformat(), "until": period.ends_on.isoformat()},
            )
        return period

    async def end(self, *, officer_id: int, today: date, now: datetime) -> AwayPeriod | None:
        """End the current period so that today counts again; None when there was none."""
        async with self._db.write() as connection:
            before = await _current(connection, officer_id, today)
            if before is None:
                return None
            yesterday = (today - timedelta(days=1)).isoformat()
            await connection.execute(
                "UPDATE away_periods SET ends_on = ?, ended_at = ? WHERE id = ?",
                (yesterday, now.isoformat(), before.id),
            )
            await audit.record(
                connection,
                at=now,
                actor_id=officer_id,
                action="away.end",
                subject=f"away:{before.id}",
                old={"from": before.starts_on.isoformat(), "until": before.ends_on.isoformat()},
                new={"until": yesterday},
            )
        return before
