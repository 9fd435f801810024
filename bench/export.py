"""Export: the .xlsx against the CSV of the same rows, at 1× and 4× the rows, with peak RSS.

    python -m bench.export [--rounds 3] [--officers 1154]

On the four-year database of bench.history_db (built through storage, not HTTP): 1× is the
whole bureau's 2021 (about 111,000 reports), 4× is every report of 2018–2021 (about 444,000).
Each export runs in a fresh process of its own (`python -m bench.export --child ...`), so that
its peak RSS (getrusage's ru_maxrss, the kernel's high-water mark) is its own; the time is
measured inside that process, around the work /export hands to its export process (the rows
streamed from a read-only snapshot into the CSV or .xlsx writer; for the .xlsx also the
progress sheet's reads of the roll-ups), without the process's start and without loading the
plan and the catalog, which the bot loads once and hands to the export process. CSV and .xlsx
alternate, round after round, on the same rows, so that each ratio is measured side by side;
the machine's other work shows as spread between rounds. bench.export_contention times the whole
/export through the bot (the export process's start and the upload included).

Then the command an admin runs on the server, timed whole as when the .xlsx took 8.6 × the CSV
(`python -m bot export --format csv|xlsx --year 2021 --out FILE`, the interpreter's start and
imports included), alternating the same way, on a copy of the database so that the cached one is
never opened by the bot.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.history_db import PLAN, ROOT, TZ, describe, ensure_history
from bench.machine import describe as describe_machine
from bench.machine import emit, print_machine
from bot.core.plan import Plan, load_plan
from bot.demo.simulation.bureau import BUREAU_STRENGTH
from bot.rendering.i18n import Catalog
from bot.rendering.workbook import write_workbook
from bot.services import progress_over
from storage.database import Database
from storage.reports import export_columns

GOAL_RATIO = 1.5
GOAL_MB = 120
YEAR = 2021
TOKEN = "300000005:BENCH-export-command-no-network"
"""The command's settings want a token; an export never talks to Telegram."""
SCALES = {"1x": YEAR, "4x": None}
"""1× the rows: one year of the whole bureau; 4×: the four years."""


def _export(
    database: Path, file_format: str, year: int | None, plan: Plan, catalog: Catalog
) -> tuple[int, int]:
    """The work of /export's export process (the rows from a read-only snapshot into the writer),
    here in this process so that its time and peak RSS are this process's; returns (reports, bytes).

    The plan and the catalog are given, as /export's process is given them by the bot."""
    from bot.rendering.export import csv_from, workbook_from
    from storage.database import read_only_snapshot

    standings = asyncio.run(_standings(database, plan)) if file_format == "xlsx" else []
    with read_only_snapshot(database) as connection:
        if file_format == "csv":
            data, rows = csv_from(connection, year, None)
        elif year is not None:
            data, rows = workbook_from(connection, year, None, standings, plan, catalog, TZ)
        else:  # 4×: every report of the four years, 2021's progress beside them
            buffer = io.BytesIO()
            rows = write_workbook(
                buffer, reports=export_columns(connection), progress=standings, plan=plan,
                catalog=catalog, year=YEAR, tz=TZ,
            )  # fmt: skip
            data = buffer.getvalue()
    return rows, len(data)


async def _standings(database: Path, plan: Plan) -> list[Any]:
    """The progress sheet's standings, read as /export reads them (the roll-ups, before the rows)."""
    db = Database(database)
    await db.open()
    try:
        data = progress_over(db, plan, TZ)
        scopes: list[str | None] = [None, *plan.units_by_code]
        return await data.standings(unit_codes=scopes, year=YEAR, today=date(YEAR, 12, 31))
    finally:
        await db.close()


def child(database: Path, file_format: str, scale: str) -> None:
    """One export in this process: print its time, rows, size and this process's peak RSS."""
    plan, catalog = load_plan(PLAN), Catalog.load()  # the bot's, loaded at its start, not the export's work
    started = time.perf_counter()
    rows, size = _export(database, file_format, SCALES[scale], plan, catalog)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rows": rows, "bytes": size, "peak_rss_mb": peak_mb}))


def _run_child(database: Path, file_format: str, scale: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.export", "--child", file_format, scale, str(database)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def measure(database: Path, rounds: int) -> dict[str, Any]:
    """Each scale: `rounds` rounds of CSV then .xlsx, each in a fresh process; medians and ratios."""
    results: dict[str, Any] = {}
    for scale in SCALES:
        runs: dict[str, list[dict[str, Any]]] = {"csv": [], "xlsx": []}
        ratios = []
        for _ in range(rounds):
            for file_format in ("csv", "xlsx"):
                runs[file_format].append(_run_child(database, file_format, scale))
            ratios.append(runs["xlsx"][-1]["seconds"] / runs["csv"][-1]["seconds"])
        results[scale] = {
            file_format: {
                "rows": found[0]["rows"],
                "mb": round(found[0]["bytes"] / 1e6, 1),
                "seconds_median": round(statistics.median(r["seconds"] for r in found), 2),
                "seconds_each": [round(r["seconds"], 2) for r in found],
                "peak_rss_mb": round(max(r["peak_rss_mb"] for r in found), 1),
            }
            for file_format, found in runs.items()
        } | {
            "xlsx_over_csv_each": [round(r, 2) for r in ratios],
            "xlsx_over_csv_median": round(statistics.median(ratios), 2),
        }
    return results


def _run_command(database: Path, file_format: str, out: Path) -> tuple[float, float]:
    """`python -m bot export` of 2021 into `out`, timed whole from the outside: its seconds, and its
    peak RSS in MB (the kernel's high-water mark for that process, from wait4)."""
    command = [sys.executable, "-m", "bot", "export", "--format", file_format, "--year", str(YEAR),
               "--out", str(out)]  # fmt: skip
    environment = os.environ | {"ENV_FILE": "", "DATABASE_PATH": str(database), "TELEGRAM_BOT_TOKEN": TOKEN}
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=errors
        )
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise subprocess.CalledProcessError(process.returncode, command, stderr=errors.read())
    out.unlink()
    return seconds, usage.ru_maxrss / 1024


def measure_command(database: Path, rounds: int) -> dict[str, Any]:
    """`rounds` rounds of the CSV command then the .xlsx command on a copy of `database`."""
    runs: dict[str, list[tuple[float, float]]] = {"csv": [], "xlsx": []}
    with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
        copy = Path(folder) / "bot.sqlite3"
        shutil.copyfile(database, copy)
        for _ in range(rounds):
            for file_format, found in runs.items():
                found.append(_run_command(copy, file_format, Path(folder) / f"out.{file_format}"))
    ratios = [xlsx[0] / csv[0] for csv, xlsx in zip(runs["csv"], runs["xlsx"], strict=True)]
    return {
        file_format: {
            "seconds_median": round(statistics.median(seconds for seconds, _ in found), 2),
            "seconds_each": [round(seconds, 2) for seconds, _ in found],
            "peak_rss_mb": round(max(peak for _, peak in found), 1),
        }
        for file_format, found in runs.items()
    } | {
        "xlsx_over_csv_each": [round(r, 2) for r in ratios],
        "xlsx_over_csv_median": round(statistics.median(ratios), 2),
    }


def main() -> None:
    """Parse the arguments; run the rounds (or, with --child, one export) and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.export", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--officers", type=int, default=BUREAU_STRENGTH)
    parser.add_argument("--child", nargs=3, metavar=("FORMAT", "SCALE", "DATABASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        file_format, scale, database = args.child
        child(Path(database), file_format, scale)
        return
    machine = describe_machine()
    print_machine(machine)
    history = asyncio.run(
        ensure_history(first=date(2018, 1, 1), last=date(YEAR, 12, 31), officers=args.officers)
    )
    print(describe(history))
    results = measure(history.path, args.rounds)
    print(f"export, each in a fresh process, {args.rounds} rounds of CSV then .xlsx on the same rows:")
    head = f"  {'rows':>5} {'format':<6} {'reports':>8} {'MB':>6} {'median s':>9} {'each s':<22}"
    print(head + f" {'peak RSS MB':>11}")
    for scale, figures in results.items():
        for file_format in ("csv", "xlsx"):
            side = figures[file_format]
            each = " ".join(map(str, side["seconds_each"]))
            print(
                f"  {scale:>5} {file_format:<6} {side['rows']:>8,} {side['mb']:>6}"
                f" {side['seconds_median']:>9} {each:<22} {side['peak_rss_mb']:>11}"
            )
        print(f"  {scale:>5} xlsx / csv per round: {figures['xlsx_over_csv_each']} (goal ≤ {GOAL_RATIO})")
    one, four = results["1x"], results["4x"]
    print(
        f"growth 1× → 4× rows: csv {four['csv']['seconds_median'] / one['csv']['seconds_median']:.1f}×,"
        f" xlsx {four['xlsx']['seconds_median'] / one['xlsx']['seconds_median']:.1f}× the time;"
        f" xlsx peak RSS {one['xlsx']['peak_rss_mb']} → {four['xlsx']['peak_rss_mb']} MB"
        f" (goal < {GOAL_MB} MB at 1×)"
    )
    command = measure_command(history.path, args.rounds)
    print(f"`python -m bot export --year {YEAR}`, timed whole, {args.rounds} rounds of CSV then .xlsx:")
    for file_format in ("csv", "xlsx"):
        side = command[file_format]
        print(
            f"  {file_format:<6} median {side['seconds_median']} s, each {side['seconds_each']},"
            f" peak RSS {side['peak_rss_mb']} MB"
        )
    print(f"  xlsx / csv per round: {command['xlsx_over_csv_each']} (goal ≤ {GOAL_RATIO})")
    emit("export", {"rounds": args.rounds, "by_rows": results, "command_1x": command}, machine)


if __name__ == "__main__":
    main()
