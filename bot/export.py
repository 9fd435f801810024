"""The report export: every report, void ones included, as CSV that Excel opens."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TextIO

from storage.database import Database
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


async def write_csv(db: Database, out: TextIO, *, year: int | None = None) -> int:
    """Write the CSV (caller opens `out` with encoding utf-8-sig); return the number of rows."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    rows = 0
    async for row in ReportRepo(db).export_rows(year=year):
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
