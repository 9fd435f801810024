"""Figures entered by admins: versioned entries, the latest per indicator, year and unit."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

import aiosqlite

from bot.core.domain import NOTHING_TO_REPORT
from bot.core.figure_source import ScopeFigures
from bot.core.figures import FigureValue, actuals_from
from bot.core.plan import Measure
from bot.core.progress import Actuals
from storage import audit, rows
from storage.database import Repository

_COLUMNS = "id, indicator, measure, year, unit_code, value, denominator, entered_by, entered_at, supersedes"
_VALID_REPORTS = (
    "FROM reports r LEFT JOIN report_voids v ON v.report_id = r.id"
    " WHERE v.report_id IS NULL AND r.indicator != ? AND r.report_date BETWEEN ? AND ?"
)


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure as an admin enters it: its indicator, year and unit (None = the bureau), and value."""

    indicator: str
    measure: Measure
    year: int
    unit_code: str | None
    value: FigureValue
    entered_by: int


@dataclass(frozen=True, slots=True)
class NewFigure(Figure):
    """A figure about to be entered."""

    idempotency_key: str


@dataclass(frozen=True, slots=True)
class FigureEntry(Figure):
    """One stored version of a figure."""

    id: int
    entered_at: datetime
    supersedes: int | None


@dataclass(frozen=True, slots=True)
class FigureSaved:
    """What /set stored: the new entry, the one it superseded, and whether it was new."""

    entry: FigureEntry
    previous: FigureEntry | None
    created: bool


def _entry_from_row(row: aiosqlite.Row) -> FigureEntry:
    denominator = row["denominator"]
    return FigureEntry(
        id=row["id"],
        indicator=row["indicator"],
        measure=Measure(row["measure"]),
        year=row["year"],
        unit_code=row["unit_code"],
        value=FigureValue(Decimal(row["value"]), Decimal(denominator) if denominator is not None else None),
        entered_by=row["entered_by"],
        entered_at=datetime.fromisoformat(row["entered_at"]),
        supersedes=row["supersedes"],
    )


def _subject(figure: Figure) -> str:
    return f"figure:{figure.indicator}:{figure.year}:{figure.unit_code or 'bureau'}"


def _year_bounds(year: int) -> tuple[str, str]:
    return f"{year:04d}-01-01", f"{year:04d}-12-31"


_VERSIONS = (
    f"SELECT {_COLUMNS} FROM admin_figures"
    " WHERE indicator = ? AND year = ? AND unit_code IS ? ORDER BY id DESC"
)
"""Every version of one figure, newest first."""


async def _latest(connection: aiosqlite.Connection, figure: Figure) -> FigureEntry | None:
    """The version of the figure that counts now."""
    params = (figure.indicator, figure.year, figure.unit_code)
    return await rows.one(connection, _VERSIONS + " LIMIT 1", params, _entry_from_row)


async def _where(connection: aiosqlite.Connection, column: str, value: object) -> FigureEntry | None:
    """The entry whose `column` (id or idempotency key) holds the value; None for a None value."""
    if value is None:
        return None
    query = f"SELECT {_COLUMNS} FROM admin_figures WHERE {column} = ?"
    return await rows.one(connection, query, (value,), _entry_from_row)


class FigureRepo(Repository):
    """Reads and appends admin figures; the latest entry of a key is the one that counts."""

    async def set(self, *, figure: NewFigure, now: datetime) -> FigureSaved:
        """Append a figure that supersedes the latest one for its key; audit old and new."""
        async with audit.write(self._db, at=now, actor_id=figure.entered_by) as (connection, audited):
            existing = await _where(connection, "idempotency_key", figure.idempotency_key)
            if existing is not None:
                superseded = await _where(connection, "id", existing.supersedes)
                return FigureSaved(existing, superseded, created=False)
            previous = await _latest(connection, figure)
            denominator = figure.value.denominator
            cursor = await connection.execute(
                "INSERT INTO admin_figures (indicator, measure, year, unit_code, value, denominator,"
                " entered_by, entered_at, supersedes, idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    figure.indicator,
                    figure.measure.value,
                    figure.year,
                    figure.unit_code,
                    str(figure.value.value),
                    None if denominator is None else str(denominator),
                    figure.entered_by,
                    now.isoformat(),
                    previous.id if previous else None,
                    figure.idempotency_key,
                ),
            )
            old = previous.value.text() if previous else None
            await audited("figure.set", _subject(figure), old=old, new=figure.value.text())
            entry = await _where(connection, "id", cursor.lastrowid)
        assert entry is not None
        return FigureSaved(entry, previous, created=True)

    async def history(self, *, indicator: str, year: int, unit_code: str | None) -> list[FigureEntry]:
        """Every version of a figure, newest first."""
        async with self._db.read() as connection:
            return await rows.every(connection, _VERSIONS, (indicator, year, unit_code), _entry_from_row)

    async def actuals_by_scope(self, *, year: int) -> ScopeFigures:
        """Unit code (None = the bureau) -> indicator id -> Actuals from the latest entries of the
        year, every scope from one read.

        A reduction combines the year's figure (this_year) with the previous year's
        (previous_year); it is present when either was entered.
        """
        async with (
            self._db.read() as connection,
            connection.execute(
                f"SELECT {_COLUMNS} FROM admin_figures WHERE id IN ("
                " SELECT MAX(id) FROM admin_figures WHERE year IN (?, ?)"
                " GROUP BY unit_code, indicator, year)",
                (year, year - 1),
            ) as cursor,
        ):
            entries = [_entry_from_row(row) async for row in cursor]
        scopes: ScopeFigures = {}
        for entry in sorted(entries, key=lambda e: e.year, reverse=True):
            actuals = scopes.setdefault(entry.unit_code, {})
            if entry.year == year:
                actuals[entry.indicator] = actuals_from(entry.measure, entry.value)
            elif entry.measure is Measure.REDUCTION:
                current = actuals.get(entry.indicator, Actuals())
                actuals[entry.indicator] = replace(current, previous_year=entry.value.value)
        return {scope: actuals for scope, actuals in scopes.items() if actuals}

    async def reported_total(self, *, indicator: str, year: int, unit_code: str | None) -> int:
        """Sum of officers' valid reports of an indicator in a year, for a unit or the bureau."""
        query = "SELECT COALESCE(SUM(r.count), 0) " + _VALID_REPORTS + " AND r.indicator = ?"
        params: tuple[object, ...] = (NOTHING_TO_REPORT, *_year_bounds(year), indicator)
        if unit_code is not None:
            query += " AND r.unit_code = ?"
            params = (*params, unit_code)
        async with self._db.read() as connection, connection.execute(query, params) as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def reported_totals(self, *, year: int) -> dict[tuple[str, str], int]:
        """(unit code, indicator) -> sum of officers' valid reports in a year."""
        async with (
            self._db.read() as connection,
            connection.execute(
                "SELECT r.unit_code, r.indicator, SUM(r.count) AS total "
                + _VALID_REPORTS
                + " GROUP BY r.unit_code, r.indicator",
                (NOTHING_TO_REPORT, *_year_bounds(year)),
            ) as cursor,
        ):
            return {(row["unit_code"], row["indicator"]): int(row["total"]) async for row in cursor}
