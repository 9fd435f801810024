"""Benchmark: read the bureau's progress out of one to four years of history.

    .venv/bin/python -m bench.reading [--years 1-4] [--rounds 30] [--officers 1154]

For each history (2021 alone, 2020–2021, 2019–2021, 2018–2021: the simulated bureau's reports,
built by `bench.history_db` through storage and cached), it times, on the open database, with
admin-entered figures read from their table as the bot does:

- all digests together for Monday 2021-12-20 (the bureau's and every unit's: three reads, the
  pure building, and rendering each in Chinese and English), as the weekly fan-out builds them;
- the bureau's full `/progress` for 2021 (one read, building, rendering).

The goal is all digests together under 100 ms. More history should not cost more: the reads use
the daily roll-ups (`storage/progress.py`) over the year asked for. `bench.digest_build` times
the same digest reads on its own generated database, with the chart and the reminder query.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from bench.history_db import PLAN, TZ, HistoryFile, describe, ensure_history
from bench.machine import describe as describe_machine
from bench.machine import emit, percentile, print_machine
from bot.core.domain import Language
from bot.core.plan import load_plan
from bot.demo.simulation.bureau import BUREAU_STRENGTH
from bot.rendering.i18n import Catalog
from bot.rendering.progress_text import ProgressTexts
from bot.services import progress_over
from storage.database import Database

SEND_DAY = date(2021, 12, 20)
LAST_YEAR = 2021
GOAL_MS = 100.0


async def _timed(work: Callable[[], Awaitable[Any]], rounds: int) -> list[float]:
    """Run `work` once to warm up, then `rounds` times; seconds per run."""
    await work()
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        await work()
        samples.append(time.perf_counter() - started)
    return samples


async def measure(history: HistoryFile, rounds: int) -> dict[str, float]:
    """Median and p95 (ms) of all digests together and of the bureau's /progress."""
    plan = load_plan(PLAN)
    catalog = Catalog.load()
    texts = [ProgressTexts(catalog, language, plan) for language in Language]
    db = Database(history.path)
    await db.open()
    try:
        data = progress_over(db, plan, TZ)
        scopes: list[str | None] = [None, *plan.units_by_code]

        async def digests() -> None:
            built = await data.digests(send_day=SEND_DAY, unit_codes=scopes)
            for scope, digest in built.items():
                for rendered in texts:
                    rendered.digest(digest, show_names=scope is not None)

        async def progress() -> None:
            standing = await data.standing(unit_code=None, year=LAST_YEAR, today=SEND_DAY)
            texts[0].standing(standing)

        digest_samples = await _timed(digests, rounds)
        progress_samples = await _timed(progress, rounds)
    finally:
        await db.close()
    return {
        "digests": len(scopes),
        "digests_median_ms": round(statistics.median(digest_samples) * 1000, 1),
        "digests_p95_ms": round(percentile(digest_samples, 0.95) * 1000, 1),
        "progress_median_ms": round(statistics.median(progress_samples) * 1000, 1),
        "progress_p95_ms": round(percentile(progress_samples, 0.95) * 1000, 1),
        "size_mb": round(history.size_mb),
    }


async def run(years: list[int], rounds: int, officers: int) -> None:
    """Build or reuse each history, measure it, print a table and one JSON line."""
    machine = describe_machine()
    print_machine(machine)
    results: dict[str, dict[str, float]] = {}
    for count in years:
        first = date(LAST_YEAR - count + 1, 1, 1)
        history = await ensure_history(first=first, last=date(LAST_YEAR, 12, 31), officers=officers)
        print(describe(history))
        results[str(count)] = await measure(history, rounds)
    print(f"\ndigests for Monday {SEND_DAY} and the bureau's /progress {LAST_YEAR}, {rounds} rounds each:")
    print("years  database  all digests median / p95     bureau /progress median / p95")
    for count, figures in results.items():
        print(
            f"{count:>5}  {figures['size_mb']:>5.0f} MB  {figures['digests']:>2} digests"
            f" {figures['digests_median_ms']:7.1f} / {figures['digests_p95_ms']:7.1f} ms"
            f"   {figures['progress_median_ms']:7.1f} / {figures['progress_p95_ms']:7.1f} ms"
        )
    worst = max(figures["digests_p95_ms"] for figures in results.values())
    verdict = "met" if worst < GOAL_MS else "missed"
    print(f"goal: all digests together under {GOAL_MS:.0f} ms: {verdict} (worst p95 {worst:.1f} ms)")
    figures = {"officers": officers, "rounds": rounds, "by_years": results, "goal_met": worst < GOAL_MS}
    emit("reading", figures, machine)


def _years(text: str) -> list[int]:
    low, _, high = text.partition("-")
    return list(range(int(low), int(high or low) + 1))


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(prog="python -m bench.reading", description=__doc__)
    parser.add_argument("--years", type=_years, default=[1, 2, 3, 4], help="e.g. 1-4 or 4")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--officers", type=int, default=BUREAU_STRENGTH)
    args = parser.parse_args()
    asyncio.run(run(args.years, args.rounds, args.officers))


if __name__ == "__main__":
    main()
