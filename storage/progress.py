"""Progress read model: totals from the daily roll-ups, who reported, who to remind."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from bot.core.records import DateRange, Member, QuietOfficer, UnitTotals
from storage.database import Repository
from storage.users import PREFIXED_COLUMNS, member_from_row

_REPORTED_ON = (
    "EXISTS (SELECT 1 FROM officer_days d WHERE d.officer_id = u.telegram_id"
    " AND d.report_date = :day AND d.reports > 0)"
)
_AWAY_ON = (
    "EXISTS (SELECT 1 FROM away_periods a WHERE a.officer_id = u.telegram_id"
    " AND a.ends_on >= :day AND a.starts_on <= :day)"
)


def _month_after(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def split_range(span: DateRange) -> tuple[list[DateRange], tuple[str, str] | None]:
    """Days at the edges of a range and the whole months ('YYYY-MM') between them."""
    if span.start > span.end:
        return [], None
    first_month = span.start if span.start.day == 1 else _month_after(span.start)
    after_last_month = span.end.replace(day=1)
    if _month_after(span.end) - timedelta(days=1) == span.end:
        after_last_month = _month_after(span.end)
    if first_month >= after_last_month:
        return [span], None
    edges = [
        DateRange(span.start, first_month - timedelta(days=1)),
        DateRange(after_last_month, span.end),
    ]
    last_month = after_last_month - timedelta(days=1)
    months = (first_month.isoformat()[:7], last_month.isoformat()[:7])
    return [edge for edge in edges if edge.start <= edge.end], months


def _range_query(span: DateRange, unit_code: str | None) -> tuple[str, dict[str, object]]:
    """One query summing a range from month rows and the day rows at its edges."""
    days, months = split_range(span)
    parts: list[str] = []
    params: dict[str, object] = {"unit": unit_code}
    if months is not None:
        parts.append(
            "SELECT unit_code, indicator, total FROM unit_month_totals WHERE month BETWEEN :m0 AND :m1"
            " AND (:unit IS NULL OR unit_code = :unit)"
        )
        params["m0"], params["m1"] = months
    for i, edge in enumerate(days):
        parts.append(
            "SELECT unit_code, indicator, total FROM unit_day_totals"
            f" WHERE report_date BETWEEN :d{i}s AND :d{i}e AND (:unit IS NULL OR unit_code = :unit)"
        )
        params[f"d{i}s"], params[f"d{i}e"] = edge.start.isoformat(), edge.end.isoformat()
    if not parts:
        return "", params
    union = " UNION ALL ".join(parts)
    return f"SELECT unit_code, indicator, SUM(total) FROM ({union}) GROUP BY unit_code, indicator", params


class ProgressRepo(Repository):
    """Aggregates over valid reports (voids and 'nothing to report' excluded) and attendance."""

    async def totals(self, *, ranges: Sequence[DateRange], unit_code: str | None = None) -> list[UnitTotals]:
        """Per unit and indicator, the valid counts summed over each date range (in order)."""
        sums: dict[tuple[str, str], list[int]] = {}
        async with self._db.read() as connection:
            for column, span in enumerate(ranges):
                query, params = _range_query(span, unit_code)
                if not query:
                    continue
                async with connection.execute(query, params) as cursor:
                    async for row in cursor:
                        sums.setdefault((row[0], row[1]), [0] * len(ranges))[column] = int(row[2])
        return [
            UnitTotals(unit, indicator, tuple(values)) for (unit, indicator), values in sorted(sums.items())
        ]

    async def quiet_officers(
        self, *, start: date, end: date, unit_code: str | None = None
    ) -> list[QuietOfficer]:
        """Active officers with no valid report (of any kind) from start to end, with their away days.

        Whether they were expected to report (registered, not away) is for the caller to judge.
        """
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

    async def officer_counts(self, *, registered_before: datetime | None = None) -> dict[str, int]:
        """Active officers per unit (only those registered before an instant, when one is given)."""
        query = (
            "SELECT unit_code, COUNT(*) FROM users WHERE role = 'officer' AND active = 1"
            " AND (:before IS NULL OR registered_at < :before) GROUP BY unit_code"
        )
        before = registered_before.astimezone(UTC).isoformat() if registered_before else None
        async with self._db.read() as connection, connection.execute(query, {"before": before}) as cursor:
            return {row[0]: int(row[1]) async for row in cursor}

    async def officers_to_remind(self, *, day: date) -> list[Member]:
        """Active officers with no valid report (nothing-to-report included) on `day`, not away."""
        query = (
            f"SELECT {PREFIXED_COLUMNS} FROM users u WHERE u.role = 'officer' AND u.active = 1"
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
