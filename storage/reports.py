"""The append-only report log: add, void, redact a note, totals, listings and export rows."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import aiosqlite

from bot.core.domain import NOTHING_TO_REPORT
from bot.core.records import ExportRow, NewReport, Report
from bot.core.redaction import REDACTED_NOTE, RedactOutcome
from storage import audit, rows
from storage.database import Repository

_NOTE = "CASE WHEN x.report_id IS NULL THEN r.note ELSE '" + REDACTED_NOTE.replace("'", "''") + "' END"
"""A report's note, or the marker once it is redacted: every reader of notes gets it here."""
_REDACTIONS = " LEFT JOIN report_redactions x ON x.report_id = r.id"

_SELECT = (
    f"SELECT r.id, r.officer_id, r.unit_code, r.indicator, r.report_date, r.count, {_NOTE} AS note,"
    " r.received_at, r.chat_id, r.message_id, r.update_id, v.voided_at"
    " FROM reports r LEFT JOIN report_voids v ON v.report_id = r.id" + _REDACTIONS
)


INSERT = (
    "INSERT INTO reports (id, officer_id, unit_code, indicator, report_date, count, note, received_at,"
    " chat_id, message_id, update_id, idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
"""Appends one report; with the id None, SQLite gives it the next one."""

_report_from_row = rows.mapper(
    Report,
    report_date=date.fromisoformat,
    received_at=datetime.fromisoformat,
    voided_at=rows.optional(datetime.fromisoformat),
)


def values(report_id: int | None, report: NewReport, received_at: datetime) -> tuple[object, ...]:
    """The row `INSERT` stores for a report received at an instant."""
    return (
        report_id,
        report.officer_id,
        report.unit_code,
        report.indicator,
        report.report_date.isoformat(),
        report.count,
        report.note,
        received_at.isoformat(),
        report.chat_id,
        report.message_id,
        report.update_id,
        report.idempotency_key,
    )


def described(report: NewReport) -> dict[str, object]:
    """What the audit row of an appended report says about it."""
    return {
        "indicator": report.indicator,
        "count": report.count,
        "date": report.report_date.isoformat(),
        "unit": report.unit_code,
    }


async def _fetch_by_key(connection: aiosqlite.Connection, key: str) -> Report | None:
    found = await connection.execute_fetchall(_SELECT + " WHERE r.idempotency_key = ?", (key,))
    return _report_from_row(next(iter(found))) if found else None


_APPEND = (
    INSERT + " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, officer_id, unit_code, indicator,"
    " report_date, count, note, received_at, chat_id, message_id, update_id, NULL AS voided_at"
)
"""Appends a report unless its idempotency key is stored, returning the new report (no row if not)."""

_YEAR_TOTAL = (
    "SELECT COALESCE(SUM(r.count), 0) FROM reports r WHERE r.officer_id = ? AND r.indicator = ?"
    " AND r.report_date BETWEEN ? AND ?"
    " AND NOT EXISTS (SELECT 1 FROM report_voids v WHERE v.report_id = r.id)"
)


@dataclass(frozen=True, slots=True)
class Saved:
    """What appending a report did: the stored report, whether it is new, and the officer's year total."""

    report: Report
    created: bool
    year_total: int


class ReportRepo(Repository):
    """Reads and appends reports; a correction voids and never rewrites."""

    async def add(self, *, report: NewReport, now: datetime) -> tuple[Report, bool]:
        """Append a report unless one with the same idempotency key exists; say which."""
        saved = await self.add_counting(report=report, now=now, count_year=False)
        return saved.report, saved.created

    async def add_counting(self, *, report: NewReport, now: datetime, count_year: bool = True) -> Saved:
        """Append a report (once per idempotency key) and read the officer's total of its indicator
        in its year, valid reports only, in the same transaction (0 when count_year is False)."""
        async with audit.write(self._db, at=now, actor_id=report.officer_id) as (connection, audited):
            appended = await connection.execute_fetchall(_APPEND, values(None, report, now))
            stored = _report_from_row(next(iter(appended))) if appended else None
            if stored is not None:
                await audited("report.add", f"report:{stored.id}", new=described(report))
            else:
                stored = await _fetch_by_key(connection, report.idempotency_key)
            assert stored is not None
            total = 0
            if count_year:
                year = stored.report_date.year
                params = (stored.officer_id, stored.indicator, f"{year:04d}-01-01", f"{year:04d}-12-31")
                found = await connection.execute_fetchall(_YEAR_TOTAL, params)
                total = int(next(iter(found))[0])
        return Saved(stored, bool(appended), total)

    async def void(self, *, report_id: int, voided_by: int, reason: str, now: datetime) -> bool:
        """Void a report once; return False if it was already void."""
        async with audit.write(self._db, at=now, actor_id=voided_by) as (connection, audited):
            cursor = await connection.execute(
                "INSERT OR IGNORE INTO report_voids (report_id, voided_at, voided_by, reason)"
                " VALUES (?, ?, ?, ?)",
                (report_id, now.isoformat(), voided_by, reason),
            )
            if cursor.rowcount == 0:
                return False
            await audited("report.void", f"report:{report_id}", old="valid", new={"reason": reason})
        return True

    async def redact(self, *, report_id: int, redacted_by: int, reason: str, now: datetime) -> RedactOutcome:
        """Blank a report's note through a final redaction record, audited without the note's text.

        The record's trigger sets the note to NULL (secure_delete zeroes the old bytes); the
        write-ahead log is then emptied so that no older page keeps the text either.
        """
        async with audit.write(self._db, at=now, actor_id=redacted_by) as (connection, audited):
            async with connection.execute(
                "SELECT r.note, x.report_id FROM reports r" + _REDACTIONS + " WHERE r.id = ?", (report_id,)
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return RedactOutcome.NOT_FOUND
            if row[1] is not None:
                return RedactOutcome.ALREADY
            if row[0] is None:
                return RedactOutcome.NO_NOTE
            await connection.execute(
                "INSERT INTO report_redactions (report_id, redacted_at, redacted_by, reason)"
                " VALUES (?, ?, ?, ?)",
                (report_id, now.isoformat(), redacted_by, reason),
            )
            await audited("report.redact", f"report:{report_id}", old="note", new={"reason": reason})
        await self._db.checkpoint()
        return RedactOutcome.REDACTED

    async def get(self, *, report_id: int) -> Report | None:
        """Return one report by id."""
        async with self._db.read() as connection:
            return await rows.one(connection, _SELECT + " WHERE r.id = ?", (report_id,), _report_from_row)

    async def by_key(self, *, idempotency_key: str) -> Report | None:
        """Return the report stored under an idempotency key, if any."""
        async with self._db.read() as connection:
            return await _fetch_by_key(connection, idempotency_key)

    async def latest_valid(self, *, officer_id: int, received_since: datetime) -> Report | None:
        """Return the officer's most recent report that is not void, received since the instant."""
        query = (
            _SELECT + " WHERE r.officer_id = ? AND v.report_id IS NULL AND r.received_at >= ?"
            " ORDER BY r.id DESC LIMIT 1"
        )
        async with self._db.read() as connection:
            return await rows.one(
                connection, query, (officer_id, received_since.isoformat()), _report_from_row
            )

    async def for_officer_on(self, *, officer_id: int, day: date) -> list[Report]:
        """Return the officer's reports for one date, void ones included, in order."""
        query = _SELECT + " WHERE r.officer_id = ? AND r.report_date = ? ORDER BY r.id"
        async with self._db.read() as connection:
            return await rows.every(connection, query, (officer_id, day.isoformat()), _report_from_row)

    async def officer_totals(self, *, officer_id: int, start: date, end: date) -> dict[str, int]:
        """Sum the officer's valid counts per indicator between two dates inclusive."""
        async with (
            self._db.read() as connection,
            connection.execute(
                "SELECT r.indicator, SUM(r.count) AS total FROM reports r"
                " LEFT JOIN report_voids v ON v.report_id = r.id"
                " WHERE r.officer_id = ? AND r.report_date BETWEEN ? AND ? AND v.report_id IS NULL"
                " AND r.indicator != ? GROUP BY r.indicator",
                (officer_id, start.isoformat(), end.isoformat(), NOTHING_TO_REPORT),
            ) as cursor,
        ):
            return {row["indicator"]: int(row["total"]) async for row in cursor}

    async def export_rows(
        self, *, year: int | None = None, unit_code: str | None = None
    ) -> AsyncIterator[ExportRow]:
        """Yield every report (of one unit, if given), void ones included, for the export, oldest first.

        Reads through the shared reader: for small listings. A year's export reads with
        `export_rows` on a long read's own connection instead.
        """
        query, params = _export_query(year, unit_code)
        async with self._db.read() as connection, connection.execute(query, params) as cursor:
            async for row in cursor:
                yield _export_row(row)


_EXPORT_COLUMNS = (
    "r.id, r.report_date, r.unit_code, r.officer_id, COALESCE(u.full_name, '') AS name, r.indicator,"
    f" r.count, COALESCE({_NOTE}, '') AS note, r.received_at, v.voided_at"
)
"""What the export shows of a report; the note is read here and nowhere else, redacted ones as the marker."""


def _export_query(year: int | None, unit_code: str | None) -> tuple[str, tuple[object, ...]]:
    """The one query of an export: every report of the year (and unit), with its void and author."""
    query = (
        f"SELECT {_EXPORT_COLUMNS} FROM reports r LEFT JOIN report_voids v ON v.report_id = r.id"
        + _REDACTIONS
        + " LEFT JOIN users u ON u.telegram_id = r.officer_id"
    )
    conditions: list[str] = []
    params: tuple[object, ...] = ()
    if year is not None:
        conditions.append("r.report_date BETWEEN ? AND ?")
        params = (f"{year:04d}-01-01", f"{year:04d}-12-31")
    if unit_code is not None:
        conditions.append("r.unit_code = ?")
        params = (*params, unit_code)
    if conditions:
        query += " WHERE " + " AND ".join(conditions)
    return query + " ORDER BY r.id", params


def _export_row(row: Sequence[Any]) -> ExportRow:
    """An export row from the columns of `_EXPORT_COLUMNS`, which are ExportRow's fields in order."""
    voided_at = row[9]
    return ExportRow(
        row[0],
        date.fromisoformat(row[1]),
        row[2],  # unit
        row[3],  # officer's Telegram id
        row[4],  # officer's name
        row[5],  # indicator
        row[6],  # count
        row[7],  # note
        datetime.fromisoformat(row[8]),
        datetime.fromisoformat(voided_at) if voided_at else None,
    )


def export_rows(
    connection: sqlite3.Connection, *, year: int | None = None, unit_code: str | None = None
) -> Iterator[ExportRow]:
    """Every report (of one unit, if given), void ones included, oldest first, on a long read's connection.

    Blocking: for `Database.long_read_in_thread`, so that a year of rows streams into the file
    writer without crossing to the event loop.
    """
    for row in export_columns(connection, year=year, unit_code=unit_code):
        yield _export_row(row)


def export_columns(
    connection: sqlite3.Connection, *, year: int | None = None, unit_code: str | None = None
) -> Iterator[tuple[Any, ...]]:
    """The rows of `export_rows` as SQLite returns them, in ExportRow's field order: the report
    date and the received and voided instants as ISO text, the note '' when there is none.

    For a writer that turns every column into cells itself (the .xlsx's one loop over a year),
    so that no ExportRow is built on the way.
    """
    query, params = _export_query(year, unit_code)
    cursor: Iterator[tuple[Any, ...]] = connection.execute(query, params)
    return cursor
