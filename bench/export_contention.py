"""Officers' confirmations while an admin exports the whole bureau's year, against none.

    python -m bench.export_contention [--phases 3] [--per-phase 120] [--rate 20]

The field bot runs in this process against the Bot API stand-in over HTTP on 127.0.0.1, with the
production rate limiter, on a copy of the four-year database of bench.history_db (built through
storage, not HTTP); the stand-in runs in a process of its own (`bench.standin_apart`: reading
each uploaded file is Telegram's work, not the bot's). Phases alternate in the same run: in a
quiet phase officers send one-line /reports at a steady rate (20 a second by default, under
Telegram's 30); in an export phase they do the same while the admin keeps a whole-bureau
`/export 2021 xlsx` running (a new one as soon as the file arrives). An officer's latency runs
from the update being queued in the stand-in to the stand-in receiving the confirmation. The
goal: p95 with exports within 1.2 × p95 without. Each export also sends messages of its own (the
upload indicator, "preparing…" and the file) through the same limiter, a send slot (34 ms) each,
in the bulk lane behind any waiting confirmation (`bot/service/sending.py`); `--unthrottled`
switches the limiter's overall limit off to show the export's load on the bot without any slots.
The same run times the admin's wait for `/export 2021 csv` and `/export 2021 xlsx` (command
queued → file received), one after the other, each three times.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import shutil
import statistics
import tempfile
import time
import warnings
from collections.abc import Sequence
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bench.history_db import PLAN, describe, ensure_history
from bench.ingest import REPORTED_AT, TOKEN, report_lines, unthrottle
from bench.machine import describe as describe_machine
from bench.machine import emit, percentile, print_machine
from bench.standin_apart import StandInApart
from bot.app import build_application
from bot.core.clock import SettableClock
from bot.core.plan import load_plan
from bot.demo.sim_runner import QUIET_SCHEDULE, running_bot
from bot.demo.simulation.bureau import ADMIN_ID, BUREAU_STRENGTH, Person, build_roster
from bot.settings import load_settings

GOAL_RATIO = 1.2
TIMEOUT = 300.0
POLL = 0.01
WAITS = 3


async def _until(condition: Any, what: str) -> None:
    deadline = time.perf_counter() + TIMEOUT
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(POLL)


class WorkbookLoad:
    """The control (`--control`): the export process's work alone, beside the bot and not through it.

    One process, started before the phases at the lowest priority (as the bot's export processes
    run), writes the same whole-bureau .xlsx of 2021 (`bench.export`'s work: the progress sheet's
    reads and the rows into the writer) over and over while an export phase lasts. The bot does
    nothing for it: no command, no progress read, no process start, no file to take and upload.
    Its ratio is what the export's computation alone costs officers on this machine; the bot's
    own share of an export is what `/export` adds to it.
    """

    def __init__(self, database: Path) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, theirs = context.Pipe()
        self._process = context.Process(target=_write_workbooks, args=(theirs, str(database)), daemon=True)
        self._process.start()
        theirs.close()
        self._conn.recv()  # ready: imports done, plan loaded

    async def during(self, done: asyncio.Event) -> int:
        """Write workbooks until `done`; how many were finished or under way."""
        self._conn.send("go")
        await done.wait()
        self._conn.send("stop")
        written: int = await asyncio.to_thread(self._conn.recv)
        return written

    def close(self) -> None:
        self._conn.send("end")
        self._process.join(30)


def _write_workbooks(conn: Connection, database: str) -> None:
    from bench.export import _export
    from bot.core.plan import load_plan as load
    from bot.rendering.i18n import Catalog
    from storage.database import yield_cpu

    yield_cpu()
    plan, catalog = load(PLAN), Catalog.load()
    conn.send("ready")
    while conn.recv() == "go":
        written = 0
        while not conn.poll():
            _export(Path(database), "xlsx", 2021, plan, catalog)
            written += 1
        conn.recv()  # stop
        conn.send(written)


def _documents(standin: StandInApart) -> int:
    return standin.documents[ADMIN_ID]


async def _phase(
    standin: StandInApart,
    officers: Sequence[Person],
    lines: Sequence[str],
    rate: float,
    exporting: bool,
    load: WorkbookLoad | None = None,
) -> tuple[list[float], int]:
    """Send each officer's report at `rate` a second (with exports kept running); their latencies.

    With `load`, the exports are the control's: workbooks written beside the bot, not asked of it."""
    done = asyncio.Event()
    exports = 0

    async def keep_exporting() -> None:
        nonlocal exports
        while not done.is_set():
            before = _documents(standin)
            await standin.send_text(ADMIN_ID, "/export 2021 xlsx")
            exports += 1
            await _until(lambda seen=before: _documents(standin) > seen or done.is_set(), "export")
            if done.is_set():
                await _until(lambda seen=before: _documents(standin) > seen, "last export")

    async def keep_writing() -> None:
        nonlocal exports
        assert load is not None
        exports = await load.during(done)

    exporter = None
    if exporting:
        exporter = asyncio.create_task(keep_writing() if load is not None else keep_exporting())
    update_ids = []
    started = time.perf_counter()
    for index, (officer, line) in enumerate(zip(officers, lines, strict=True)):
        await asyncio.sleep(max(0.0, started + index / rate - time.perf_counter()))
        update_ids.append(await standin.send_text(officer.telegram_id, line))
    chats = {officer.telegram_id for officer in officers}
    await _until(lambda: chats <= standin.first_sent.keys(), "answers")
    done.set()
    if exporter is not None:
        await exporter
    first = standin.first_sent
    latencies = [
        first[officer.telegram_id] - standin.queued_at(update_id)
        for officer, update_id in zip(officers, update_ids, strict=True)
    ]
    return latencies, exports


async def _export_wait(standin: StandInApart, file_format: str) -> float:
    before = _documents(standin)
    update_id = await standin.send_text(ADMIN_ID, f"/export 2021 {file_format}")
    await _until(lambda: _documents(standin) > before, "export")
    document = [m for m in standin.sent if m.chat_id == ADMIN_ID and m.document][-1]
    return document.sent_at - standin.queued_at(update_id)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """One bot, alternating quiet and export phases, then the admin's waits for each format."""
    plan = load_plan(PLAN)
    roster = build_roster(plan, officers=args.officers, seed=1)
    history = await ensure_history(first=date(2018, 1, 1), last=date(2021, 12, 31), officers=args.officers)
    print(describe(history))
    officers = roster.officers
    lines = report_lines(plan, officers)
    needed = 20 + 2 * args.phases * args.per_phase
    if needed > len(officers):
        raise SystemExit(f"{needed} reports need as many officers; there are {len(officers)}")
    samples: dict[str, list[float]] = {"quiet": [], "export": []}
    exports = 0
    waits: dict[str, list[float]] = {"csv": [], "xlsx": []}
    with tempfile.TemporaryDirectory(prefix="fieldbot-contention-") as folder:
        database = Path(folder) / "bot.sqlite3"
        shutil.copyfile(history.path, database)
        async with StandInApart(TOKEN) as standin:
            standin.users([(who.telegram_id, who.name, who.language_code) for who in roster.everyone])
            settings = load_settings(
                telegram_bot_token=TOKEN, telegram_api_base_url=standin.url, database_path=database,
                admin_ids=str(ADMIN_ID), log_level="WARNING",
                digest_schedule=QUIET_SCHEDULE, reminder_schedule=QUIET_SCHEDULE,
            )  # fmt: skip
            application = build_application(settings, clock=SettableClock(REPORTED_AT))
            if args.unthrottled:
                unthrottle(application)
            async with running_bot(application):
                warm = list(zip(officers[:20], lines[:20], strict=True))
                await _phase(standin, [o for o, _ in warm], [line for _, line in warm], args.rate, False)
                await _export_wait(standin, "xlsx")
                position = 20
                load = WorkbookLoad(database) if args.control else None
                for _ in range(args.phases):
                    for kind in ("quiet", "export"):
                        chosen = slice(position, position + args.per_phase)
                        position += args.per_phase
                        found, count = await _phase(
                            standin, officers[chosen], lines[chosen], args.rate, kind == "export", load
                        )
                        samples[kind] += found
                        exports += count
                if load is not None:
                    load.close()
                for _ in range(WAITS):
                    for file_format in ("csv", "xlsx"):
                        waits[file_format].append(await _export_wait(standin, file_format))
    figures: dict[str, Any] = {
        "rate_per_s": args.rate,
        "rate_limiter": "overall limit off" if args.unthrottled else "production",
        "exports_during": exports,
        "exports_by": "control: written beside the bot" if args.control else "/export through the bot",
    }
    for kind, values in samples.items():
        figures[kind] = {
            "reports": len(values),
            "p50_ms": round(percentile(values, 0.5) * 1000, 1),
            "p95_ms": round(percentile(values, 0.95) * 1000, 1),
        }
    figures["p95_ratio"] = round(figures["export"]["p95_ms"] / figures["quiet"]["p95_ms"], 2)
    figures["export_wait_s"] = {
        file_format: {"median": round(statistics.median(found), 2), "each": [round(v, 2) for v in found]}
        for file_format, found in waits.items()
    }
    figures["export_wait_xlsx_over_csv"] = round(
        figures["export_wait_s"]["xlsx"]["median"] / figures["export_wait_s"]["csv"]["median"], 2
    )
    return figures


def main() -> None:
    """Parse the arguments, run, print the figures and one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench.export_contention", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--phases", type=int, default=3)
    parser.add_argument("--per-phase", type=int, default=120)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--officers", type=int, default=BUREAU_STRENGTH)
    parser.add_argument(
        "--unthrottled",
        action="store_true",
        help="switch off the rate limiter's overall limit, so that the export's own messages (preparing,"
        " the file) take no send slot from the officers: what is left is the export's load on the bot",
    )
    parser.add_argument(
        "--control",
        action="store_true",
        help="in the export phases, write the same workbooks in a process beside the bot instead of"
        " asking the bot (`WorkbookLoad`): the export's computation alone, without the bot's part",
    )
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="If 'per_message=False'")
    machine = describe_machine()
    print_machine(machine)
    figures = asyncio.run(run(args))
    quiet, export = figures["quiet"], figures["export"]
    print(
        f"officers' confirmations, {args.phases} quiet and {args.phases} export phases alternating"
        f" (rate limiter: {figures['rate_limiter']}):"
    )
    print(f"  without export: {quiet['reports']} reports, p50 {quiet['p50_ms']} ms, p95 {quiet['p95_ms']} ms")
    print(
        f"  with exports:   {export['reports']} reports, p50 {export['p50_ms']} ms, p95 {export['p95_ms']} ms"
        f" ({figures['exports_during']} whole-bureau .xlsx exports meanwhile, {figures['exports_by']})"
    )
    verdict = "meets" if figures["p95_ratio"] <= GOAL_RATIO else "misses"
    print(f"  p95 with / without: {figures['p95_ratio']} ({verdict} the goal of ≤ {GOAL_RATIO})")
    waits = figures["export_wait_s"]
    print(
        f"admin's wait for /export 2021 (queued → file received): csv {waits['csv']['each']} s,"
        f" xlsx {waits['xlsx']['each']} s; xlsx / csv {figures['export_wait_xlsx_over_csv']}"
    )
    emit("export_contention", figures, machine)


if __name__ == "__main__":
    main()
