"""Progress read model: totals from the daily roll-ups, who reported, who to remind."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from storage.database import Database
from storage.progress_records import DateRange, QuietOfficer, UnitTotals
from storage.records import Member
from storage.users import member_from_row

_OFFICER_COLUMNS = (
    "u.telegram_id, u.full_name, u.username, u.unit_code, u.role, u.language, u.active, u.registered_at"
)
_REPORTED_ON = (
    "EXISTS (SELECT 1 FROM officer_days d WHERE d.officer_id = u.telegram_id"
    " AND d.report_date = :day AND d.reports > 0)"
)
_AWAY_ON = (
    "EXISTS (SELECT 1 FROM away_periods a WHERE a.officer_id = u.telegram_id"
    " AND a.ends_on >= :day AND a.starts_on <= :day)"
)


class ProgressRepo:
    """Aggregates over valid reports (voids and 'nothing to report' excluded) and attendance."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def totals(self, *, ranges: Sequence[DateRange], unit_code: str | None = None) -> list[UnitTotals]:
        """Per unit and indicator, the valid counts summed over each date range (in order)."""
        if not ranges:
            return []
        sums = ", ".join(
            f"SUM(CASE WHEN report_date BETWEEN :s{i} AND :e{i} THEN total ELSE 0 END)"
            for i in range(len(ranges))
        )
        params: dict[str, object] = {
            "low": min(r.start for r in ranges).isoformat(),
            "high": max(r.end for r in ranges).isoformat(),
            "unit": unit_code,
        }
        for i, span in enumerate(ranges):
            params[f"s{i}"], params[f"e{i}"] = span.start.isoformat(), span.end.isoformat()
        query = (
            f"SELECT unit_code, indicator, {sums} FROM unit_day_totals"
            " WHERE report_date BETWEEN :low AND :high AND (:unit IS NULL OR unit_code = :unit)"
            " GROUP BY unit_code, indicator ORDER BY unit_code, indicator"
        )
        async with self._db.read() as connection, connection.execute(query, params) as cursor:
            return [
                UnitTotals(row[0], row[1], tuple(int(value) for value in row[2:])) async for row in cursor
            ]

    async def quiet_officers(
        self, *, start: date, end: date, unit_code: str | None = None
    ) -> list[QuietOfficer]:
        """Active officers registered by `end` with no valid report (of any kind) from start to end."""
        params = {"start": start.isoformat(), "end": end.isoformat(), "unit": unit_code}
        query = (
            "SELECT u.telegram_id, u.full_name, u.unit_code, u.registered_at FROM users u"
            " WHERE u.role = 'officer' AND u.active = 1 AND (:unit IS NULL OR u.unit_code = :unit)"
            " AND NOT EXISTS (SELECT 1 FROM officer_days d WHERE d.officer_id = u.telegram_id"
            " AND d.report_date BETWEEN :start AND :end AND d.reports > 0)"
            " ORDER BY u.unit_code, u.full_name, u.telegram_id"
        )
        away_query = (
            "SELECT a.officer_id, a.starts_on, a.ends_on FROM away_periods a"
            " JOIN users u ON u.telegram_id = a.officer_id"
            " WHERE u.role = 'officer' AND u.active = 1 AND (:unit IS NULL OR u.unit_code = :unit)"
            " AND a.ends_on >= :start AND a.starts_on <= :end AND a.ends_on >= a.starts_on"
        )
        async with self._db.read() as connection:
            away: dict[int, list[DateRange]] = {}
            async with connection.execute(away_query, params) as cursor:
                async for row in cursor:
                    span = DateRange(date.fromisoformat(row[1]), date.fromisoformat(row[2]))
                    away.setdefault(int(row[0]), []).append(span)
            async with connection.execute(query, params) as cursor:
                return [
                    QuietOfficer(
                        telegram_id=row[0],
                        full_name=row[1],
                        unit_code=row[2],
                        registered_at=datetime.fromisoformat(row[3]),
                        away=tuple(away.get(row[0], ())),
                    )
                    async for row in cursor
                ]

    async def officer_counts(self) -> dict[str, int]:
        """Active officers per unit."""
        query = (
            "SELECT unit_code, COUNT(*) FROM users WHERE role = 'officer' AND active = 1 GROUP BY unit_code"
        )
        async with self._db.read() as connection, connection.execute(query) as cursor:
            return {row[0]: int(row[1]) async for row in cursor}

    async def officers_to_remind(self, *, day: date) -> list[Member]:
        """Active officers with no valid report (nothing-to-report included) on `day`, not away."""
        query = (
            f"SELECT {_OFFICER_COLUMNS} FROM users u WHERE u.role = 'officer' AND u.active = 1"
            f" AND NOT {_REPORTED_ON} AND NOT {_AWAY_ON} ORDER BY u.telegram_id"
        )
        async with (
            self._db.read() as connection,
            connection.execute(query, {"day": day.isoformat()}) as cursor,
        ):
            return [member_from_row(row) async for row in cursor]

    async def needs_reminder(self, *, officer_id: int, day: date) -> bool:
        """Whether the officer is active, has not reported on `day` and is not away then."""
        query = (
            f"SELECT 1 FROM users u WHERE u.telegram_id = :officer AND u.active = 1"
            f" AND NOT {_REPORTED_ON} AND NOT {_AWAY_ON}"
        )
        params = {"officer": officer_id, "day": day.isoformat()}
        async with self._db.read() as connection, connection.execute(query, params) as cursor:
            return await cursor.fetchone() is not None
