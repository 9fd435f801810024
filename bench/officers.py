"""/officers: the time of one page at 1,154 and at 4,616 users.

    python -m bench.officers [--rounds 50]

On one year (2021) of the simulated bureau with 1,154 officers, and on the same year with four
times as many officers (4,616: the simulator's bureau scaled up, about four times the reports),
both built by bench.history_db through storage (not HTTP) and cached. It times what a tap on
/officers reads (`UserRepo.activity_page`: the count, one page of 25 with each one's last
report date, in SQL) for the first page, the middle page and the last page of the whole bureau
and the first page of one unit, each `--rounds` times; median and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import date
from typing import Any

from bench.history_db import describe, ensure_history
from bench.machine import describe as describe_machine
from bench.machine import emit, percentile, print_machine
from bot.core.people import OFFICERS_PER_PAGE
from bot.demo.simulation.bureau import BUREAU_STRENGTH
from storage.database import Database
from storage.users import UserRepo

YEAR = 2021


async def measure(users_scale: int, rounds: int) -> dict[str, Any]:
    """Page times on the one-year database with `users_scale` × the bureau's officers."""
    history = await ensure_history(
        first=date(YEAR, 1, 1), last=date(YEAR, 12, 31), officers=BUREAU_STRENGTH * users_scale
    )
    print(describe(history))
    db = Database(history.path)
    await db.open()
    try:
        repo = UserRepo(db)
        total, _, _ = await repo.activity_page(number=0)
        pages = -(-total // OFFICERS_PER_PAGE)
        cases = {
            "first": (0, None),
            "middle": (pages // 2, None),
            "last": (pages - 1, None),
            "unit": (0, "p1"),
        }
        figures: dict[str, Any] = {"users": total, "pages": pages}
        for name, (number, unit) in cases.items():
            samples = []
            for _ in range(rounds + 1):
                started = time.perf_counter()
                await repo.activity_page(number=number, unit_code=unit)
                samples.append(time.perf_counter() - started)
            samples = samples[1:]
            figures[name] = {
                "median_ms": round(statistics.median(samples) * 1000, 2),
                "p95_ms": round(percentile(samples, 0.95) * 1000, 2),
            }
        return figures
    finally:
        await db.close()


async def run(rounds: int) -> dict[str, Any]:
    """Both sizes, one after the other in this run."""
    return {"1x": await measure(1, rounds), "4x": await measure(4, rounds)}


def main() -> None:
    """Parse the arguments, run, print the figures and one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench.officers", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    machine = describe_machine()
    print_machine(machine)
    results = asyncio.run(run(args.rounds))
    print(f"/officers, a page of {OFFICERS_PER_PAGE} (count, page, last report dates), {args.rounds} rounds:")
    for scale, figures in results.items():
        cells = "  ".join(
            f"{name} {figures[name]['median_ms']} / {figures[name]['p95_ms']} ms"
            for name in ("first", "middle", "last", "unit")
        )
        print(f"  {scale} {figures['users']:>5,} users, {figures['pages']} pages: median / p95  {cells}")
    growth = results["4x"]["middle"]["median_ms"] / results["1x"]["middle"]["median_ms"]
    print(f"  4× the users: the middle page takes {growth:.1f}× as long")
    emit("officers", {"rounds": args.rounds, "by_users": results}, machine)


if __name__ == "__main__":
    main()
