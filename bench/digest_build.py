"""Benchmark: build every unit's weekly digest (and the bureau's) on a four-year database.

    .venv/bin/python -m bench.digest_build [--db out/bench.sqlite3] [--officers 1154] [--rounds 30]

The first run generates the database (1,154 officers over ROC 107–110 = 2018–2021, most of
them reporting on most days, about 2 % of reports voided); later runs reuse it. It then times,
for the digest sent on Monday 2021-12-20 (year to date over 50 weeks): the three reads and the
pure building of all 11 digests, their rendering as text, the reminder's recipient query, and
one chart.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from time import perf_counter
from zoneinfo import ZoneInfo

from bot.core.domain import NOTHING_TO_REPORT, Language, Role
from bot.core.plan import load_plan
from bot.core.progress_data import ProgressData
from bot.core.standing import chart_point
from bot.rendering.chart import draw_chart
from bot.rendering.i18n import Catalog
from bot.rendering.progress_text import ProgressTexts
from storage.bulk import BulkLoader, LoadedReport, NewMember
from storage.database import Database
from storage.progress import ProgressRepo

ROOT = Path(__file__).resolve().parents[1]
TZ = ZoneInfo("Asia/Taipei")
FIRST_DAY, LAST_DAY = date(2018, 1, 1), date(2021, 12, 19)
SEND_DAY = date(2021, 12, 20)
REGISTERED_AT = datetime.combine(FIRST_DAY, time(8, 0), tzinfo=TZ)
REPORTED_AT, VOIDED_AT = time(21, 0), time(22, 0)
UNIT_WEIGHTS = {"hq": 1, "p1": 3, "p2": 3, "p3": 3, "p4": 3, "cid": 2, "traffic": 2, "security": 1,
                "women_children": 1, "juvenile": 1}  # fmt: skip
INDICATORS = ("dui", "dui", "dui", "prevention_talks", "protection_order", "domestic_violence", "trafficking")


def member(telegram_id: int, name: str, unit_code: str, role: Role) -> NewMember:
    """A user registered on the first day of the history."""
    return NewMember(telegram_id, name, unit_code, role, registered_at=REGISTERED_AT)


def members(officers: int, rng: random.Random) -> list[NewMember]:
    """Officers spread over the units by size, and one chief per unit."""
    units = list(UNIT_WEIGHTS)
    weights = list(UNIT_WEIGHTS.values())
    people = [
        member(10_000 + i, f"警員{i:04d}", rng.choices(units, weights)[0], Role.OFFICER)
        for i in range(officers)
    ]
    people += [member(90_000 + i, f"主管{i}", unit, Role.CHIEF) for i, unit in enumerate(units)]
    return people


def report(
    officer: NewMember, indicator: str, day: date, count: int, *, voided: bool = False
) -> LoadedReport:
    """A report received in the evening of its day, voided an hour later when `voided`."""
    received = datetime.combine(day, REPORTED_AT, tzinfo=TZ)
    voided_at = datetime.combine(day, VOIDED_AT, tzinfo=TZ) if voided else None
    return LoadedReport(
        officer.telegram_id, officer.unit_code, indicator, day, count, received, voided_at=voided_at
    )


def reports(people: list[NewMember], rng: random.Random) -> Iterator[LoadedReport]:
    """Every officer's reports day by day: mostly one or two counts, some 'nothing', some silence."""
    officers = [p for p in people if p.role is Role.OFFICER]
    day = FIRST_DAY
    while day <= LAST_DAY:
        for officer in officers:
            roll = rng.random()
            if roll < 0.15:
                continue
            if roll < 0.30:
                yield report(officer, NOTHING_TO_REPORT, day, 0)
                continue
            for _ in range(rng.choice((1, 1, 2))):
                indicator, count = rng.choice(INDICATORS), rng.randint(0, 4)
                yield report(officer, indicator, day, count, voided=rng.random() < 0.02)
        day += timedelta(days=1)


async def generate(path: Path, officers: int) -> None:
    """Create the database file with its members and four years of reports."""
    rng = random.Random(107)
    db = Database(path)
    await db.open()
    people = members(officers, rng)
    started = perf_counter()
    loader = BulkLoader(db)
    await loader.add_members(members=people, actor_id=None)
    count = await loader.add_reports(reports=reports(people, rng))
    await db.close()
    print(f"generated {count:,} reports for {officers:,} officers in {perf_counter() - started:.0f} s")


def summary(label: str, samples: list[float]) -> None:
    """Print the median and 95th percentile of timings in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    print(f"{label:<46} median {statistics.median(ordered) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms")


async def measure(path: Path, rounds: int) -> None:
    """Time building, rendering, the reminder query and one chart."""
    plan = load_plan(ROOT / "plan.json")
    catalog = Catalog.load()
    db = Database(path)
    await db.open()
    repo = ProgressRepo(db)
    data = ProgressData(repo, plan, TZ)
    scopes: list[str | None] = [None, *plan.units_by_code]
    build, render, remind = [], [], []
    texts = {language: ProgressTexts(catalog, language, plan) for language in Language}
    for _ in range(rounds):
        started = perf_counter()
        digests = await data.digests(send_day=SEND_DAY, unit_codes=scopes)
        build.append(perf_counter() - started)
        started = perf_counter()
        for digest in digests.values():
            for rendered in texts.values():
                rendered.digest(digest, show_names=True)
        render.append(perf_counter() - started)
        started = perf_counter()
        await repo.officers_to_remind(day=LAST_DAY)
        remind.append(perf_counter() - started)
    summary(f"build all {len(scopes)} digests (3 reads + pure building)", build)
    summary(f"render all {len(scopes)} digests in 2 languages", render)
    summary("reminder recipients for one day", remind)
    standing = digests[None].standing
    points = [chart_point(row) for row in standing.rows]
    draw_chart(points, texts[Language.ZH].chart_text(standing))
    charts = []
    for _ in range(5):
        started = perf_counter()
        draw_chart(points, texts[Language.ZH].chart_text(standing))
        charts.append(perf_counter() - started)
    summary("one chart (after the first)", charts)
    await db.close()


def main() -> None:
    """Generate the database if needed, then measure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(ROOT / "out" / "bench.sqlite3"))
    parser.add_argument("--officers", type=int, default=1154)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    path = Path(args.db)
    if not path.exists():
        asyncio.run(generate(path, args.officers))
    asyncio.run(measure(path, args.rounds))


if __name__ == "__main__":
    main()
