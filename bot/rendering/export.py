"""The report export: every report, void ones included, as CSV that Excel opens, or an
.xlsx workbook with the reports and the progress per unit and indicator."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.core.plan import Plan
from bot.core.records import ExportRow
from bot.core.standing import Standing
from bot.rendering.formula_guard import neutralise
from bot.rendering.i18n import Catalog
from bot.rendering.workbook import write_workbook
from bot.services import progress_over
from storage.database import Database, Snapshot
from storage.reports import export_columns, export_rows

CSV_HEADER = (
    "report_id",
    "report_date",
    "unit",
    "officer_telegram_id",
    "officer_name",
    "indicator",
    "count",
    "note",
    "received_at",
    "voided_at",
)


def csv_lines(out: TextIO, reports: Iterable[ExportRow]) -> int:
    """Write the CSV's header and a line per report; return the number of reports."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    rows = 0
    for row in reports:
        writer.writerow(
            (
                row.report_id,
                row.report_date.isoformat(),
                row.unit,
                row.officer_telegram_id,
                neutralise(row.officer_name),
                row.indicator,
                row.count,
                neutralise(row.note),
                row.received_at.isoformat(),
                row.voided_at.isoformat() if row.voided_at else "",
            )
        )
        rows += 1
    return rows


async def write_csv(
    db: Database, out: TextIO, *, year: int | None = None, unit_code: str | None = None
) -> int:
    """Write the CSV (caller opens `out` with encoding utf-8-sig); return the number of rows.

    The rows stream from a long read of its own in a worker thread: the bot's other reads
    never wait for an export.
    """
    return await db.long_read_in_thread(
        lambda connection: csv_lines(out, export_rows(connection, year=year, unit_code=unit_code))
    )


async def export_csv_file(database_path: Path, out_path: Path | None, *, year: int | None) -> int:
    """Open the database read-side by side with a running bot and export to a file (or stdout)."""
    db = Database(database_path)
    await db.open()
    try:
        if out_path is None:
            import sys

            sys.stdout.reconfigure(encoding="utf-8-sig")  # type: ignore[union-attr]
            return await write_csv(db, sys.stdout, year=year)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        with out_path.open("w", encoding="utf-8-sig", newline="") as handle:
            return await write_csv(db, handle, year=year)
    finally:
        await db.close()


async def csv_bytes(db: Database, *, year: int | None, unit_code: str | None = None) -> tuple[bytes, int]:
    """The CSV (UTF-8 with a BOM) and its report count, written in a process of its own."""
    return await db.long_read_in_process(csv_from, year, unit_code)


def csv_from(connection: Snapshot, year: int | None, unit_code: str | None) -> tuple[bytes, int]:
    """The CSV's bytes and report count, from a long read's connection (blocking)."""
    raw = io.BytesIO()
    with io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
        rows = csv_lines(text, export_rows(connection, year=year, unit_code=unit_code))
        text.flush()
        return raw.getvalue(), rows


async def workbook_bytes(
    db: Database,
    *,
    plan: Plan,
    catalog: Catalog,
    year: int,
    today: date,
    tz: ZoneInfo,
    unit_code: str | None = None,
) -> tuple[bytes, int]:
    """The .xlsx for a year (one unit's, or the whole bureau's with every unit) and its report count.

    The progress comes from the roll-ups (a few short reads); the reports stream from a long
    read of their own into the writer, in a process of its own.
    """
    standings = await _progress_sheet(db, plan, tz, year=year, today=today, unit_code=unit_code)
    return await db.long_read_in_process(workbook_from, year, unit_code, standings, plan, catalog, tz)


async def _progress_sheet(
    db: Database, plan: Plan, tz: ZoneInfo, *, year: int, today: date, unit_code: str | None
) -> list[Standing]:
    """The progress sheet's standings: one unit's, or the bureau's and every unit's."""
    scopes: list[str | None] = [unit_code] if unit_code else [None, *plan.units_by_code]
    return await progress_over(db, plan, tz).standings(unit_codes=scopes, year=year, today=today)


def workbook_from(
    connection: Snapshot,
    year: int,
    unit_code: str | None,
    standings: list[Standing],
    plan: Plan,
    catalog: Catalog,
    tz: ZoneInfo,
) -> tuple[bytes, int]:
    """The .xlsx's bytes and report count, from a long read's connection (blocking)."""
    buffer = io.BytesIO()
    reports = export_columns(connection, year=year, unit_code=unit_code)
    rows = write_workbook(
        buffer, reports=reports, progress=standings, plan=plan, catalog=catalog, year=year, tz=tz
    )
    return buffer.getvalue(), rows


async def export_xlsx_file(
    database_path: Path,
    out_path: Path | None,
    *,
    plan: Plan,
    catalog: Catalog,
    year: int,
    today: date,
    tz: ZoneInfo,
) -> int:
    """Open the database side by side with a running bot and write the workbook (or to stdout).

    The command is a process of its own already, with nothing else to keep going: the rows
    stream into the writer in a worker thread, as for the CSV, not in one more process.
    """
    db = Database(database_path)
    await db.open()
    try:
        standings = await _progress_sheet(db, plan, tz, year=year, today=today, unit_code=None)
        data, rows = await db.long_read_in_thread(
            lambda connection: workbook_from(connection, year, None, standings, plan, catalog, tz)
        )
    finally:
        await db.close()
    if out_path is None:
        import sys

        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_bytes(data)
    return rows
