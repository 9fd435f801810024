"""Ingest: the bureau's 1,154 officers each send a one-line /report at the same moment.

    python -m bench.ingest [--officers 1154] [--history [--years 4]] [--no-capacity] [--profile]

Everything runs in this process over real HTTP on 127.0.0.1: the Bot API stand-in queues the
1,154 updates at once, the bot long-polls them with the same parameters as `python -m bot run`,
stores each report (SQLite, WAL, synchronous=FULL) and answers with its confirmation. The
latency of a report runs from its update being queued in the stand-in to the stand-in
receiving the bot's sendMessage. The same harness then runs a bare python-telegram-bot echo
bot built with the same builder settings (rate limiter, defaults, polling parameters).

Officers are registered through storage (bulk load) before the bot starts; with --history
the bot holds the four-year database of bench.history_db instead of a fresh one.

Both bots use AIORateLimiter, which keeps a bot under Telegram's 30 messages a second, so the
production figures measure that limit. The capacity figures (skip with --no-capacity) run
both bots again with the limiter's overall limit switched off, to show how much work each
does per report; they are not a production setting. --profile writes a pyinstrument profile
of the field bot's capacity run to bench/.cache/; --switch-interval changes how often Python
hands the GIL between threads (a diagnostic, see README).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.echo_bot import build_echo_application
from bench.history_db import CACHE, PLAN, describe, ensure_history
from bench.machine import describe as describe_machine
from bench.machine import emit, percentile, print_machine
from bot.app import build_application
from bot.core.clock import SettableClock
from bot.core.plan import Plan, load_plan
from bot.demo.sandbox.records import SentMessage
from bot.demo.sandbox.standin import BotApiStandIn
from bot.demo.sim_runner import QUIET_SCHEDULE, AnyApplication, BotBuilder, running_bot, standin_settings
from bot.demo.simulation.behaviour import rates_for
from bot.demo.simulation.bureau import ADMIN_ID, BUREAU_STRENGTH, Person, build_roster
from bot.demo.simulation.history import members
from storage.bulk import BulkLoader
from storage.database import Database

TOKEN = "200000002:BENCH-local-stand-in-token"
TZ = ZoneInfo("Asia/Taipei")
REPORTED_AT = datetime(2021, 12, 31, 21, 0, tzinfo=TZ)
WARM_UP = 20
POLL_SECONDS = 0.01
REPLY_TIMEOUT = 900.0
GOAL_RATIO = 0.7


@dataclass(frozen=True)
class Figures:
    """One bot's run: throughput and latency of the burst."""

    bot: str
    limited: bool
    reports: int
    answered: int
    seconds: float
    per_second: float
    p50_s: float
    p99_s: float
    max_s: float
    cpu_ms_per_report: float
    """This process's CPU time (every thread: the bot, its database threads and the stand-in) per report."""


def report_lines(plan: Plan, officers: Sequence[Person]) -> list[str]:
    """Each officer's one-line report: their unit's most frequent indicator, typed their way."""
    lines = []
    for officer in officers:
        rates = rates_for(officer.unit_code)
        indicator = plan.indicator(max(rates, key=lambda name: rates[name]))
        typed = [a for a in indicator.aliases if a.isascii() == officer.english and " " not in a] or [
            indicator.id
        ]
        lines.append(f"/report {typed[officer.index % len(typed)]} {1 + officer.index % 3}")
    return lines


def unthrottle(application: AnyApplication) -> None:
    """Switch off AIORateLimiter's overall limit (like overall_max_rate=0): capacity runs only."""
    limiter = application.bot.rate_limiter
    assert limiter is not None
    limiter._base_limiter = None  # type: ignore[attr-defined]


async def prepare_database(path: Path, officers: Sequence[Person], history: Path | None) -> None:
    """A database with every officer registered: a copy of the history, or a fresh one."""
    if history is not None:
        shutil.copyfile(history, path)
        return
    db = Database(path)
    await db.open()
    try:
        await BulkLoader(db).add_members(
            members=members(officers, day=date(2021, 1, 1), tz=TZ), actor_id=None
        )
    finally:
        await db.close()


async def burst(
    label: str,
    build: BotBuilder,
    *,
    officers: Sequence[Person],
    lines: Sequence[str],
    database: Path,
    limited: bool,
    profile: Path | None = None,
) -> Figures:
    """Start the bot, warm it up, queue every officer's report at once, wait for every answer."""
    async with BotApiStandIn(TOKEN) as standin:
        for officer in officers:
            standin.user(officer.telegram_id, first_name=officer.name, language_code=officer.language_code)
        settings = standin_settings(
            standin, database_path=database, admin_ids=frozenset({ADMIN_ID}), log_level="WARNING",
            digest_schedule=QUIET_SCHEDULE, reminder_schedule=QUIET_SCHEDULE,
        )  # fmt: skip
        application = build(settings, clock=SettableClock(REPORTED_AT))
        if not limited:
            unthrottle(application)
        async with running_bot(application):
            for officer, line in zip(officers[:WARM_UP], lines[:WARM_UP], strict=True):
                standin.send_text(officer.telegram_id, line)
            await _answers_in(standin, WARM_UP)
            profiler = _start_profiler() if profile else None
            cpu_started = time.process_time()
            update_ids = [
                standin.send_text(officer.telegram_id, line)
                for officer, line in zip(officers, lines, strict=True)
            ]
            sent = await _answers_in(standin, len(officers), after=WARM_UP)
            cpu_seconds = time.process_time() - cpu_started
            if profiler is not None and profile is not None:
                _save_profile(profiler, profile)
    first_answer: dict[int, SentMessage] = {}
    for message in sent:
        first_answer.setdefault(message.chat_id, message)
    replies = [first_answer[officer.telegram_id] for officer in officers]
    queued = [standin.queued_at(update_id) for update_id in update_ids]
    latencies = [reply.sent_at - at for reply, at in zip(replies, queued, strict=True)]
    seconds = max(reply.sent_at for reply in replies) - min(queued)
    answered = sum(
        1 for reply, line in zip(replies, lines, strict=True) if _answers(reply.plain_text or "", line)
    )
    return Figures(
        bot=label,
        limited=limited,
        reports=len(officers),
        answered=answered,
        seconds=round(seconds, 3),
        per_second=round(len(officers) / seconds, 1),
        p50_s=round(percentile(latencies, 0.50), 3),
        p99_s=round(percentile(latencies, 0.99), 3),
        max_s=round(max(latencies), 3),
        cpu_ms_per_report=round(cpu_seconds / len(officers) * 1000, 2),
    )


async def _answers_in(standin: BotApiStandIn, count: int, *, after: int = 0) -> list[SentMessage]:
    """Wait until the bot has sent `count` messages after the first `after`; return them.

    Polls every 10 ms rather than waiting per chat: a thousand waiters woken on every message
    would cost the event loop, which the bot shares, more than the bot's own work. Latencies
    come from the stand-in's own time stamps, so the polling does not add to them.
    """
    deadline = time.perf_counter() + REPLY_TIMEOUT
    while len(standin.sent) < after + count:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{len(standin.sent) - after} of {count} answers after {REPLY_TIMEOUT} s")
        await asyncio.sleep(POLL_SECONDS)
    return standin.sent[after : after + count]


def _answers(reply: str, line: str) -> bool:
    """An echo repeats the line; the field bot confirms the report."""
    return reply == line or reply.startswith("✅")


def _start_profiler() -> Any:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001, async_mode="disabled")
    profiler.start()
    return profiler


def _save_profile(profiler: Any, path: Path) -> None:
    profiler.stop()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.with_suffix(".html").write_text(profiler.output_html(), encoding="utf-8")
    path.with_suffix(".txt").write_text(profiler.output_text(unicode=True, show_all=True), encoding="utf-8")


def _row(figures: Figures) -> str:
    return (
        f"  {figures.bot:<10} {figures.per_second:>9.1f} {figures.p50_s:>8.2f} {figures.p99_s:>8.2f}"
        f" {figures.max_s:>8.2f} {figures.answered:>6}/{figures.reports} {figures.cpu_ms_per_report:>8.2f}"
    )


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Both bots, rate-limited (production), then unthrottled (capacity)."""
    plan = load_plan(PLAN)
    roster = build_roster(plan, officers=args.officers, seed=1)
    officers = roster.officers
    lines = report_lines(plan, officers)
    history = None
    if args.history:
        first = date(2022 - args.years, 1, 1)
        found = await ensure_history(first=first, last=date(2021, 12, 31), officers=args.officers)
        print(describe(found))
        history = found.path
    else:
        print(f"database: fresh, {len(officers):,} officers registered through storage (bulk load, not HTTP)")
    print(
        f"ingest: {len(officers):,} officers each send one /report at the same moment; the bot long-polls"
        " the stand-in over HTTP on 127.0.0.1"
    )
    print(
        f"  {'bot':<10} {'reports/s':>9} {'p50 s':>8} {'p99 s':>8} {'max s':>8} {'answered':>10}"
        f" {'CPU ms/report':>13}"
    )
    figures: dict[str, Any] = {
        "officers": len(officers),
        "history_years": args.years if history else 0,
        "switch_interval_s": sys.getswitchinterval(),
    }
    modes = [limited for limited in (True, False) if not (args.no_capacity and not limited)]
    modes = [limited for limited in modes if not (args.no_production and limited)]
    with tempfile.TemporaryDirectory(prefix="fieldbot-ingest-") as folder:
        for limited in modes:
            if not limited:
                print("capacity (rate limiter's overall limit off in both bots; not a production setting):")
            runs = {}
            for label, build in (("fieldbot", build_application), ("echo", build_echo_application)):
                database = Path(folder) / f"{label}-{limited}.sqlite3"
                await prepare_database(database, [*roster.everyone], history)
                profile = (
                    CACHE / "ingest-profile" if args.profile and label == "fieldbot" and not limited else None
                )
                runs[label] = await burst(
                    label,
                    build,
                    officers=officers,
                    lines=lines,
                    database=database,
                    limited=limited,
                    profile=profile,
                )
                print(_row(runs[label]))
            ratio = runs["fieldbot"].per_second / runs["echo"].per_second
            verdict = "meets" if ratio >= GOAL_RATIO else "misses"
            print(f"  throughput fieldbot / echo: {ratio:.2f} ({verdict} the goal of ≥ {GOAL_RATIO})")
            key = "production" if limited else "capacity"
            figures[key] = {name: asdict(result) for name, result in runs.items()} | {
                "ratio": round(ratio, 3)
            }
    if args.profile:
        print(f"profile of the field bot's capacity run: {CACHE / 'ingest-profile.txt'} (and .html)")
    return figures


def main() -> None:
    """Parse arguments, run, print the figures and one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--officers", type=int, default=BUREAU_STRENGTH)
    parser.add_argument("--history", action="store_true", help="hold a database with years of reports")
    parser.add_argument("--years", type=int, default=4, help="with --history: how many years, up to 2021")
    parser.add_argument("--no-capacity", action="store_true", help="only the production (rate-limited) runs")
    parser.add_argument("--no-production", action="store_true", help="only the capacity runs")
    parser.add_argument("--profile", action="store_true", help="profile the field bot's capacity run")
    parser.add_argument(
        "--switch-interval",
        type=float,
        help="sys.setswitchinterval() for both bots (default: Python's 0.005 s); a diagnostic of how much"
        " of the field bot's time is the event loop waiting for the GIL with aiosqlite's threads",
    )
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="If 'per_message=False'")
    if args.switch_interval is not None:
        sys.setswitchinterval(args.switch_interval)
    machine = describe_machine()
    print_machine(machine)
    started = time.perf_counter()
    figures = asyncio.run(run(args))
    figures["wall_seconds"] = round(time.perf_counter() - started, 1)
    emit("ingest", figures, machine)


if __name__ == "__main__":
    main()
