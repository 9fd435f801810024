"""Benchmark: the daily reminder to the whole bureau under Telegram's limit of 30 messages a second.

    .venv/bin/python -m bench.fanout [--officers 1154] [--limit 30]

1,154 officers are registered through storage (bulk, not HTTP); none has reported on the day.
The real bot runs against the Bot API stand-in configured to enforce the limit
(`BotApiStandIn(rate_limit_per_second=30)`: a 31st send within any one second answers 429).
At 20:00 on the settable clock the bot's dispatcher runs what is due, as the JobQueue does at
the reminder's cron time; every reminder goes through PTB's AIORateLimiter. Figures: the time
from the start of the run to the last reminder accepted, against the floor of 1,154 / 30 =
38.5 s (goal: within 10 %), and the number of 429 answers (goal: 0).

`--evenly-spaced` is a diagnostic, not the bot's setting: it replaces AIORateLimiter's overall
limiter (aiolimiter's bucket of 30, which lets 30 go at once and then 30 a second) by a bucket
of one that spaces sends 1/30 s apart.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import warnings
from datetime import date, datetime
from datetime import time as clock_time
from pathlib import Path

from aiolimiter import AsyncLimiter

from bench.history_db import PLAN, TZ
from bench.machine import describe as describe_machine
from bench.machine import emit, print_machine
from bot.app import build_application
from bot.core.clock import SettableClock
from bot.core.plan import load_plan
from bot.demo.sandbox.standin import BotApiStandIn
from bot.demo.sim_runner import AnyApplication, running_bot, standin_settings
from bot.demo.simulation.bureau import ADMIN_ID, BUREAU_STRENGTH, build_roster
from bot.demo.simulation.history import members
from bot.scheduling.dispatcher import dispatcher_of
from storage.bulk import BulkLoader
from storage.database import Database

TOKEN = "300000003:BENCH-local-stand-in-token"
DAY = date(2021, 12, 1)  # a Wednesday: no digest is due
REMINDER_AT = clock_time(20, 0)
GOAL_SHARE = 1.10
SETTLE_SECONDS = 2.0


async def _register(path: Path, officers: int) -> list[int]:
    """A database with every officer registered since 1 January; their ids."""
    roster = build_roster(load_plan(PLAN), officers=officers, seed=1)
    db = Database(path)
    await db.open()
    try:
        await BulkLoader(db).add_members(
            members=members(roster.officers, day=date(DAY.year, 1, 1), tz=TZ), actor_id=None
        )
    finally:
        await db.close()
    return [officer.telegram_id for officer in roster.officers]


def space_evenly(application: AnyApplication, limit: float) -> None:
    """Diagnostic: one send per 1/limit s (a bucket of one) instead of PTB's bucket of `limit`."""
    limiter = application.bot.rate_limiter
    assert limiter is not None
    limiter._base_limiter = AsyncLimiter(1, 1 / limit)  # type: ignore[attr-defined]


def busiest_second(instants: list[float]) -> int:
    """The most sends accepted within any one second."""
    ordered, most, start = sorted(instants), 0, 0
    for end, instant in enumerate(ordered):
        while ordered[start] <= instant - 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


async def run(officers: int, limit: float, *, spaced: bool = False) -> None:
    """Fan the reminder out and print the figures, then one JSON line."""
    warnings.filterwarnings("ignore", message="If 'per_message=False'")
    machine = describe_machine()
    print_machine(machine)
    with tempfile.TemporaryDirectory(prefix="fieldbot-fanout-") as folder:
        database = Path(folder) / "fanout.sqlite3"
        ids = await _register(database, officers)
        async with BotApiStandIn(TOKEN, rate_limit_per_second=limit) as standin:
            for telegram_id in ids:
                standin.user(telegram_id, first_name=f"officer {telegram_id}")
            settings = standin_settings(
                standin, database_path=database, admin_ids=frozenset({ADMIN_ID}), log_level="WARNING"
            )
            clock = SettableClock(datetime.combine(DAY, clock_time(19, 0), tzinfo=TZ))
            async with running_bot(build_application(settings, clock=clock)) as application:
                if spaced:
                    space_evenly(application, limit)
                await asyncio.sleep(SETTLE_SECONDS)  # the start-up catch-up finds nothing due
                clock.set(datetime.combine(DAY, REMINDER_AT, tzinfo=TZ))
                mark, refused = len(standin.sent), standin.too_many_requests_count
                started = time.perf_counter()
                await dispatcher_of(application).run_due(clock.now())
                seconds = time.perf_counter() - started
                sent = [m for m in standin.sent[mark:] if m.method == "sendMessage"]
                too_many = standin.too_many_requests_count - refused
    reached = len({message.chat_id for message in sent})
    floor = officers / limit
    last = max((message.sent_at for message in sent), default=started) - started
    figures = {
        "officers": officers,
        "evenly_spaced_diagnostic": spaced,
        "busiest_second": busiest_second([message.sent_at for message in sent]),
        "limit_per_second": limit,
        "reminders": len(sent),
        "officers_reached": reached,
        "seconds": round(seconds, 2),
        "last_accepted_s": round(last, 2),
        "floor_s": round(floor, 2),
        "over_floor": round(seconds / floor, 3),
        "too_many_requests": too_many,
        "per_second": round(len(sent) / seconds, 2),
        "goal_met": seconds <= GOAL_SHARE * floor and too_many == 0 and reached == officers,
    }
    print(
        f"reminders: {len(sent):,} messages to {reached:,} of {officers:,} officers in {seconds:.1f} s"
        f" ({figures['per_second']:.1f} a second); floor {officers:,} / {limit:g} = {floor:.1f} s;"
        f" {seconds / floor:.2f} × the floor (goal ≤ {GOAL_SHARE:.2f} ×); 429 answers: {too_many} (goal 0)"
    )
    print(f"most reminders accepted within one second: {figures['busiest_second']}")
    print("goal " + ("met" if figures["goal_met"] else "missed"))
    emit("fanout", figures, machine)


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(prog="python -m bench.fanout", description=__doc__)
    parser.add_argument("--officers", type=int, default=BUREAU_STRENGTH)
    parser.add_argument("--limit", type=float, default=30.0, help="the stand-in's sends per second")
    parser.add_argument(
        "--evenly-spaced", action="store_true",
        help="diagnostic: replace PTB's overall limiter (bucket of 30) by one send per 1/limit s",
    )  # fmt: skip
    args = parser.parse_args()
    asyncio.run(run(args.officers, args.limit, spaced=args.evenly_spaced))


if __name__ == "__main__":
    main()
