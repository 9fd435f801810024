"""Benchmark: officers' confirmations while outsiders flood the bot.

    .venv/bin/python -m bench.outsiders [--officers 200] [--per-second 10] [--accounts 500] [--each 4]

The real bot runs in this process against the Bot API stand-in over HTTP, with the production
rate limiter (one send every 1/29.5 s). Officers, registered through storage, each send one
one-line /report, `--per-second` of them a second; the latency of a report runs from its
update being queued in the stand-in to the stand-in receiving its confirmation. Three runs:

- no flood: the officers alone;
- flood: meanwhile `--accounts` outsider accounts each send `--each` messages, spread evenly
  among the officers' reports (with `--burst`, all queued at once just before them). The bot
  refuses each account once an hour and sends those refusals within its refusal budget
  (bot/core/outsiders.py), so they never queue ahead of officers;
- flood, every refusal sent (a diagnostic of what the budget prevents: each outsider message
  answered, as the bot did before, all in the officers' lane).

Figures: the officers' confirmation p50/p95/max per run, refusals sent, one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bench.history_db import PLAN, TZ
from bench.machine import describe as describe_machine
from bench.machine import emit, percentile, print_machine
from bot.app import build_application
from bot.core.clock import SystemClock
from bot.core.outsiders import RefusalBudget
from bot.core.plan import load_plan
from bot.demo.sandbox.standin import BotApiStandIn
from bot.demo.sim_runner import QUIET_SCHEDULE, running_bot, standin_settings
from bot.demo.simulation.bureau import ADMIN_ID, build_roster
from bot.demo.simulation.history import members
from handlers import access
from storage.bulk import BulkLoader
from storage.database import Database

TOKEN = "400000004:BENCH-local-stand-in-token"
OUTSIDERS_FROM = 9_000_000_000
POLL_SECONDS = 0.01
ANSWERS_WITHIN = 600.0


@dataclass(frozen=True)
class Figures:
    """One run: the officers' confirmation latencies and what the outsiders got."""

    run: str
    officers: int
    outsider_messages: int
    refusals_sent: int
    p50_s: float
    p95_s: float
    max_s: float
    seconds: float


class _Unlimited(RefusalBudget):
    """Every refusal allowed: the diagnostic run."""

    def allow(self, now: Any, *, group_chat: int | None = None) -> bool:
        return True


@contextmanager
def every_refusal_sent() -> Iterator[None]:
    """Answer every outsider message (no hourly limit per user, no budget)."""

    async def always(update: Any, context: Any) -> bool:
        return True

    original = access._first_refusal_this_hour
    access._first_refusal_this_hour = always  # type: ignore[assignment]
    try:
        yield
    finally:
        access._first_refusal_this_hour = original  # type: ignore[assignment]


async def register(path: Path, officers: int) -> list[int]:
    """A database with the officers registered through storage; their ids."""
    roster = build_roster(load_plan(PLAN), officers=officers, seed=1)
    db = Database(path)
    await db.open()
    try:
        await BulkLoader(db).add_members(
            members=members(roster.officers, day=date(2021, 1, 1), tz=TZ), actor_id=None
        )
    finally:
        await db.close()
    return [person.telegram_id for person in roster.officers]


async def one_run(
    name: str, args: argparse.Namespace, folder: Path, *, flood: bool, unlimited: bool
) -> Figures:
    """Start the bot, send the officers' reports (and the flood), wait for every confirmation."""
    database = folder / f"{name}.sqlite3"
    officers = await register(database, args.officers)
    async with BotApiStandIn(TOKEN) as standin:
        for officer in officers:
            standin.user(officer, first_name=f"Officer {officer}")
        outsiders = [OUTSIDERS_FROM + n for n in range(args.accounts if flood else 0)]
        for outsider in outsiders:
            standin.user(outsider, first_name="Outsider")
        settings = standin_settings(
            standin, database_path=database, admin_ids=frozenset({ADMIN_ID}), log_level="WARNING",
            digest_schedule=QUIET_SCHEDULE, reminder_schedule=QUIET_SCHEDULE,
        )  # fmt: skip
        application = build_application(settings, clock=SystemClock())
        if unlimited:
            application.bot_data.refusals = _Unlimited()
        with every_refusal_sent() if unlimited else nullcontext():
            async with running_bot(application):
                queued = await _send(standin, officers, outsiders, args)
                confirmations = await _confirmations(standin, set(officers))
        refusals = sum(1 for message in standin.sent if message.chat_id >= OUTSIDERS_FROM)
    latencies = [confirmations[o].sent_at - standin.queued_at(queued[o]) for o in officers]
    first = min(standin.queued_at(update_id) for update_id in queued.values())
    return Figures(
        run=name,
        officers=len(officers),
        outsider_messages=len(outsiders) * args.each,
        refusals_sent=refusals,
        p50_s=round(percentile(latencies, 0.50), 3),
        p95_s=round(percentile(latencies, 0.95), 3),
        max_s=round(max(latencies), 3),
        seconds=round(max(c.sent_at for c in confirmations.values()) - first, 1),
    )


async def _send(
    standin: BotApiStandIn, officers: list[int], outsiders: list[int], args: argparse.Namespace
) -> dict[int, int]:
    """The officers' reports at their pace with the flood spread among them (or, with --burst, queued
    at once before them); the officers' update ids."""
    flood = [(outsider, f"/report dui {n}") for n in range(args.each) for outsider in outsiders]
    share = -(-len(flood) // len(officers))
    if args.burst:
        share = len(flood)
    queued: dict[int, int] = {}
    for officer in officers:
        for outsider, text in flood[:share]:
            standin.send_text(outsider, text)
        del flood[:share]
        queued[officer] = standin.send_text(officer, "/report dui 1")
        await asyncio.sleep(1 / args.per_second)
    return queued


async def _confirmations(standin: BotApiStandIn, officers: set[int]) -> dict[int, Any]:
    """Wait until every officer has an answer; the first message to each."""
    deadline = time.perf_counter() + ANSWERS_WITHIN
    found: dict[int, Any] = {}
    seen = 0
    while len(found) < len(officers):
        for message in standin.sent[seen:]:
            if message.chat_id in officers:
                found.setdefault(message.chat_id, message)
        seen = len(standin.sent)
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{len(found)} of {len(officers)} confirmations after {ANSWERS_WITHIN} s")
        await asyncio.sleep(POLL_SECONDS)
    return found


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """The three runs, printed as they finish."""
    print(
        f"outsiders: {args.officers} officers send one /report each, {args.per_second} a second;"
        f" the flood is {args.accounts} outsider accounts × {args.each} messages,"
        f" {'all at once' if args.burst else 'spread among them'}"
    )
    print(f"  {'run':<32} {'p50 s':>7} {'p95 s':>7} {'max s':>7} {'refusals sent':>14}")
    runs = {}
    with tempfile.TemporaryDirectory(prefix="fieldbot-outsiders-") as folder:
        for name, flood, unlimited in (
            ("no flood", False, False),
            ("flood", True, False),
            ("flood, every refusal sent", True, True),
        ):
            figures = await one_run(name, args, Path(folder), flood=flood, unlimited=unlimited)
            runs[name] = figures
            print(
                f"  {name:<32} {figures.p50_s:>7.2f} {figures.p95_s:>7.2f} {figures.max_s:>7.2f}"
                f" {figures.refusals_sent:>14}"
            )
    return {"runs": [asdict(figures) for figures in runs.values()]}


def main() -> None:
    """Parse arguments, run, print the figures and one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench.outsiders", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--officers", type=int, default=200)
    parser.add_argument("--per-second", type=float, default=10.0, help="officers' reports a second")
    parser.add_argument("--accounts", type=int, default=500, help="outsider accounts in the flood")
    parser.add_argument("--each", type=int, default=4, help="messages each outsider account sends")
    parser.add_argument(
        "--burst", action="store_true", help="queue the whole flood at once, before the officers"
    )
    args = parser.parse_args()
    warnings.filterwarnings("ignore", message="If 'per_message=False'")
    machine = describe_machine()
    print_machine(machine)
    started = time.perf_counter()
    figures = asyncio.run(run(args))
    figures["wall_seconds"] = round(time.perf_counter() - started, 1)
    emit("outsiders", figures | vars(args), machine)


if __name__ == "__main__":
    main()
