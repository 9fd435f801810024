"""Years of the simulated bureau's reports, written straight through storage (not HTTP).

The same behaviour model as the simulator decides what each officer reports each day; the
rows go in through `storage.bulk`, many per transaction, each with its audit row. This is
how the demo fills the year before the weeks it drives over HTTP, and how the reading and
memory benchmarks get four years of data in seconds rather than hours.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.core.domain import NOTHING_TO_REPORT, Language
from bot.core.plan import Plan
from bot.demo.simulation.behaviour import REPORTING_TIME, Activity, Population
from bot.demo.simulation.bureau import Person, Roster, build_roster
from storage.bulk import BulkLoader, LoadedReport, NewMember
from storage.database import Database

REGISTERED_AT = time(8, 0)


@dataclass(frozen=True)
class HistoryStats:
    """What a history load wrote."""

    days: int
    officer_days: int
    reports: int
    nothing: int

    def plus(self, other: HistoryStats) -> HistoryStats:
        """Both loads together."""
        return HistoryStats(
            days=self.days + other.days,
            officer_days=self.officer_days + other.officer_days,
            reports=self.reports + other.reports,
            nothing=self.nothing + other.nothing,
        )


def days_between(first: date, last: date) -> list[date]:
    """Every date from first to last inclusive."""
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def members(people: Iterable[Person], *, day: date, tz: ZoneInfo) -> list[NewMember]:
    """Roster people as users registered at the start of `day`."""
    at = datetime.combine(day, REGISTERED_AT, tzinfo=tz)
    return [
        NewMember(
            telegram_id=person.telegram_id,
            full_name=person.name,
            unit_code=person.unit_code,
            role=person.role,
            registered_at=at,
            language=Language.EN if person.english else None,
        )
        for person in people
    ]


def activity_reports(activity: Activity, tz: ZoneInfo) -> Iterator[LoadedReport]:
    """The rows one day's activity adds to the report log, received at the end of the shift."""
    if activity.silent:
        return
    received = datetime.combine(activity.day, REPORTING_TIME, tzinfo=tz)
    person = activity.person
    for count in activity.counts:
        yield LoadedReport(
            officer_id=person.telegram_id,
            unit_code=person.unit_code,
            indicator=count.indicator,
            report_date=count.day,
            count=count.count,
            received_at=received,
            note=count.note,
        )
    if activity.nothing_day is not None:
        yield LoadedReport(
            officer_id=person.telegram_id,
            unit_code=person.unit_code,
            indicator=NOTHING_TO_REPORT,
            report_date=activity.nothing_day,
            count=0,
            received_at=received,
        )


async def write_days(
    loader: BulkLoader,
    days: Sequence[date],
    activities: Callable[[date], Iterable[Activity]],
    tz: ZoneInfo,
) -> HistoryStats:
    """Write what `activities(day)` says officers did on each of consecutive days."""
    tally = {"officer_days": 0, "reports": 0, "nothing": 0}

    def rows() -> Iterator[LoadedReport]:
        for day in days:
            for activity in activities(day):
                tally["officer_days"] += 1
                for row in activity_reports(activity, tz):
                    tally["nothing" if row.indicator == NOTHING_TO_REPORT else "reports"] += 1
                    yield row

    await loader.add_reports(reports=rows())
    return HistoryStats(
        days=len(days), officer_days=tally["officer_days"], reports=tally["reports"], nothing=tally["nothing"]
    )


async def build_history_database(
    path: Path, plan: Plan, *, tz: ZoneInfo, first: date, last: date, officers: int, seed: int = 0
) -> tuple[Roster, HistoryStats]:
    """Create a database with the whole roster registered and its reports from first to last."""
    roster = build_roster(plan, officers=officers, seed=seed)
    db = Database(path)
    await db.open()
    try:
        loader = BulkLoader(db)
        await loader.add_members(members=members(roster.everyone, day=first, tz=tz), actor_id=None)
        population = Population(roster.officers, seed=seed)
        stats = await write_days(loader, days_between(first, last), population.day, tz)
    finally:
        await db.close()
    return roster, stats
