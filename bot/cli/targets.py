"""`python -m bot targets export|import`: the statistics office's sheet of a year's targets."""

from __future__ import annotations

import argparse
import asyncio
import csv
import hashlib
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot.core.numbers import number
from bot.core.plan import Plan
from bot.core.targets import Change, Target, YearTargets
from bot.core.targets_sheet import COLUMNS, ImportedTarget, check_rows, header_problems, sheet_rows
from bot.settings import Settings
from storage.database import Database
from storage.targets import NewTarget, TargetRepo

Cells = list[Sequence[object]]


def add_arguments(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """The `targets` command and its `export` and `import` actions."""
    targets = commands.add_parser(
        "targets", help="export a year's targets to a sheet, or import a filled-in one"
    )
    actions = targets.add_subparsers(dest="action", required=True)
    out = actions.add_parser("export", help="write every indicator's last known target per unit and bureau")
    out.add_argument("--year", type=int, required=True, help="the year to fill in (Gregorian)")
    out.add_argument("--out", required=True, help="the .xlsx file to write")
    read = actions.add_parser("import", help="check a filled-in sheet (.xlsx or .csv); store it with --apply")
    read.add_argument("file", help="the sheet: .xlsx, or .csv in UTF-8")
    read.add_argument("--apply", action="store_true", help="store the changes (one audited change)")
    return targets


async def _years(repo: TargetRepo, plan: Plan, years: Sequence[int]) -> list[YearTargets]:
    return [YearTargets(plan, year, await repo.amendments_for(year=year)) for year in years]


def _first_year(plan: Plan, year: int) -> int:
    """Where the look-back for a last known target starts: the plan's first period, at most the year."""
    periods = plan.periods()
    return min(year, periods[0].first + 1911) if periods else year


async def export_sheet(settings: Settings, plan: Plan, *, year: int, out: Path) -> int:
    """Write the sheet of a year; return the number of rows."""
    from openpyxl import Workbook

    db = Database(settings.database_path)
    await db.open()
    try:
        years = await _years(TargetRepo(db), plan, range(_first_year(plan, year), year + 1))
    finally:
        await db.close()
    rows = sheet_rows(plan, years)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"targets {year}"
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(list(row.cells()))
    sheet.freeze_panes = "A2"
    book.save(out)
    return len(rows)


def read_cells(path: Path) -> Cells:
    """Every row of the sheet's first worksheet (.xlsx) or of the .csv, header first."""
    if path.suffix.lower() == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [list(row) for row in csv.reader(handle)]
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _change_line(target: ImportedTarget, before: Target | None) -> str:
    old = "–" if before is None else number(before.value, 2)
    source = "" if before is None else (" (plan file)" if before.from_plan else " (amended)")
    scope = f"{target.indicator} {target.unit_code or 'bureau'} {target.year}"
    return f"row {target.row}: {scope}: {old}{source} → {number(target.value, 2)}"


async def import_sheet(settings: Settings, plan: Plan, path: Path, *, apply: bool) -> tuple[int, list[str]]:
    """Check a sheet and print what would change; store it with `apply`. Return (status, lines)."""
    cells = read_cells(path)
    if not cells:
        return 1, [f"{path}: the sheet is empty"]
    problems = header_problems(cells[0])
    found, bad = check_rows(plan, cells[0], cells[1:]) if not problems else ([], [])
    if problems or bad:
        return 1, [*problems, *bad, "nothing stored"]
    db = Database(settings.database_path)
    await db.open()
    try:
        repo = TargetRepo(db)
        years = {year.year: year for year in await _years(repo, plan, sorted({t.year for t in found}))}
        changes = [(t, years[t.year].target(t.indicator, t.unit_code)) for t in found]
        changes = [(t, before) for t, before in changes if before is None or before.value != t.value]
        lines = [_change_line(t, before) for t, before in changes]
        lines.append(f"{len(changes)} of {len(found)} targets would change")
        if apply and changes:
            now = datetime.now(UTC)
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
            saved = await repo.save(
                [NewTarget(t.indicator, t.year, t.unit_code, t.value) for t, _ in changes],
                change=Change.IMPORT,
                entered_by=None,
                idempotency_key=f"import:{digest}:{now.isoformat()}",
                now=now,
                label=f"import:{path.name}",
            )
            lines[-1] = f"{len(saved.entries)} targets stored as one change"
        elif not apply:
            lines.append("nothing stored (add --apply to store)")
    finally:
        await db.close()
    return 0, lines


def run(args: argparse.Namespace, settings: Settings, plan: Plan) -> int:
    """Run `targets export` or `targets import`."""
    if args.action == "export":
        if not 2000 <= args.year <= 2199:
            print(f"--year: {args.year} is not a year from 2000 to 2199", file=sys.stderr)
            return 2
        count = asyncio.run(export_sheet(settings, plan, year=args.year, out=Path(args.out)))
        print(f"{args.out}: {count} rows for {args.year}")
        return 0
    path = Path(args.file)
    if not path.is_file() or path.suffix.lower() not in (".xlsx", ".csv"):
        print(f"{path}: not an .xlsx or .csv file", file=sys.stderr)
        return 2
    status, lines = asyncio.run(import_sheet(settings, plan, path, apply=args.apply))
    print("\n".join(lines), file=sys.stderr if status else sys.stdout)
    return status
