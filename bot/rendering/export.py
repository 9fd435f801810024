"""The report export: every report, void ones included, as CSV that Excel opens, or an
.xlsx workbook with the reports and the progress per unit and indicator."""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.core.plan import Plan
from bot.core.progress_data import ProgressData
from bot.core.records import ExportRow
from bot.core.standing import Standing
from bot.rendering.i18n import Catalog
from storage.database import Database
from storage.figures import FigureRepo
from storage.progress import ProgressRepo
from storage.reports import ReportRepo

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


async def write_csv(
    db: Database, out: TextIO, *, year: int | None = None, unit_code: str | None = None
) -> int:
    """Write the CSV (caller opens `out` with encoding utf-8-sig); return the number of rows."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    rows = 0
    async for row in ReportRepo(db).export_rows(year=year, unit_code=unit_code):
        writer.writerow(
            (
                row.report_id,
                row.report_date.isoformat(),
                row.unit,
                row.officer_telegram_id,
                row.officer_name,
                row.indicator,
                row.count,
                row.note,
                row.received_at.isoformat(),
                row.voided_at.isoformat() if row.voided_at else "",
            )
        )
        rows += 1
    return rows


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
    """The .xlsx for a year (one unit's, or the whole bureau's with every unit) and its report count."""
    reports = [row async for row in ReportRepo(db).export_rows(year=year, unit_code=unit_code)]
    scopes: list[str | None] = [unit_code] if unit_code else [None, *plan.units_by_code]
    data = ProgressData(ProgressRepo(db), plan, tz, figures=FigureRepo(db))
    standings = await data.standings(unit_codes=scopes, year=year, today=today)
    data_bytes = await asyncio.to_thread(
        _build_workbook, reports=reports, progress=standings, plan=plan, catalog=catalog, year=year, tz=tz
    )
    return data_bytes, len(reports)


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
    """Open the database side by side with a running bot and write the workbook (or to stdout)."""
    db = Database(database_path)
    await db.open()
    try:
        data, rows = await workbook_bytes(db, plan=plan, catalog=catalog, year=year, today=today, tz=tz)
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


def _build_workbook(
    *,
    reports: Sequence[ExportRow],
    progress: Sequence[Standing],
    plan: Plan,
    catalog: Catalog,
    year: int,
    tz: ZoneInfo,
) -> bytes:
    """Build the .xlsx; openpyxl is imported only when a workbook is asked for (start-up stays light)."""
    from bot.rendering.workbook import build_workbook

    return build_workbook(reports=reports, progress=progress, plan=plan, catalog=catalog, year=year, tz=tz)
