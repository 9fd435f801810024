"""Away periods: /away pauses reminders until a date, /back ends the pause."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import aiosqlite

from bot.core.records import AwayPeriod
from storage import audit, rows
from storage.database import Repository

_COLUMNS = "id, officer_id, starts_on, ends_on, created_at, ended_at"


_period_from_row = rows.mapper(
    AwayPeriod,
    starts_on=date.fromisoformat,
    ends_on=date.fromisoformat,
    created_at=datetime.fromisoformat,
    ended_at=rows.optional(datetime.fromisoformat),
)


def _span(period: AwayPeriod) -> dict[str, object]:
    """A period as its audit rows show it."""
    return {"from": period.starts_on.isoformat(), "until": period.ends_on.isoformat()}


async def _current(connection: aiosqlite.Connection, officer_id: int, today: date) -> AwayPeriod | None:
    """The officer's period covering today or starting later, if any."""
    query = (
        f"SELECT {_COLUMNS} FROM away_periods WHERE officer_id = ? AND ends_on >= ?"
        " AND ends_on >= starts_on ORDER BY starts_on LIMIT 1"
    )
    return await rows.one(connection, query, (officer_id, today.isoformat()), _period_from_row)


class AwayRepo(Repository):
    """Reads and writes away periods; every change is audited."""

    async def current(self, *, officer_id: int, today: date) -> AwayPeriod | None:
        """The period that covers today (or lies ahead), or None."""
        async with self._db.read() as connection:
            return await _current(connection, officer_id, today)

    async def set_until(self, *, officer_id: int, today: date, until: date, now: datetime) -> AwayPeriod:
        """Be away from today through `until`; an open period is extended or shortened instead."""
        async with audit.write(self._db, at=now, actor_id=officer_id) as (connection, audited):
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
                old = _span(before)
            query = f"SELECT {_COLUMNS} FROM away_periods WHERE id = ?"
            period = await rows.one(connection, query, (period_id,), _period_from_row)
            assert period is not None
            await audited("away.set", f"away:{period.id}", old=old, new=_span(period))
        return period

    async def end(self, *, officer_id: int, today: date, now: datetime) -> AwayPeriod | None:
        """End the current period so that today counts again; None when there was none."""
        async with audit.write(self._db, at=now, actor_id=officer_id) as (connection, audited):
            before = await _current(connection, officer_id, today)
            if before is None:
                return None
            yesterday = (today - timedelta(days=1)).isoformat()
            await connection.execute(
                "UPDATE away_periods SET ends_on = ?, ended_at = ? WHERE id = ?",
                (yesterday, now.isoformat(), before.id),
            )
            await audited("away.end", f"away:{before.id}", old=_span(before), new={"until": yesterday})
        return before
