"""The weekly digest's content: the past week, the year to date, and who reported nothing.

Pure: built from counts, officers and dates. An officer counts as silent when they sent no valid
report at all (a 'nothing to report' entry is a report) during the week, although they were
registered and not away on at least one of its days.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from bot.core.plan import Plan
from bot.core.progress import Actuals, week_bounds
from bot.core.records import DateRange, QuietOfficer
from bot.core.standing import Counts, Standing, build_standing
from bot.core.targets import YearTargets


@dataclass(frozen=True)
class SilentOfficer:
    """An officer who reported nothing at all during the week."""

    telegram_id: int
    name: str
    unit_code: str


@dataclass(frozen=True)
class Digest:
    """A week's digest for the bureau (unit_code None) or a unit."""

    standing: Standing
    week_start: date
    week_end: date
    officers: int
    silent: tuple[SilentOfficer, ...]
    year_end: Standing | None = None
    """How the year that ended in the covered week finished (the first digest of a new year)."""

    @property
    def unit_code(self) -> str | None:
        """The unit, or None for the bureau."""
        return self.standing.unit_code

    def silent_by_unit(self) -> dict[str, int]:
        """How many officers were silent, per unit, in unit order of appearance."""
        counts: dict[str, int] = {}
        for officer in self.silent:
            counts[officer.unit_code] = counts.get(officer.unit_code, 0) + 1
        return counts


def covered_week(send_day: date) -> tuple[date, date]:
    """Monday and Sunday of the last complete week before the week of `send_day`."""
    monday, _ = week_bounds(send_day)
    return monday - timedelta(days=7), monday - timedelta(days=1)


def closing_year(send_day: date) -> int | None:
    """The year whose 31 December falls in the week the digest sent on send_day covers, else None.

    That digest, one a year whatever the schedule (with the default Monday one, the first digest
    of January), says how the old year ended before the new year's figures.
    """
    monday, sunday = covered_week(send_day)
    last_day = date(monday.year, 12, 31)
    return monday.year if monday <= last_day <= sunday else None


def _days(start: date, end: date) -> Iterable[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def expected_days(officer: QuietOfficer, week: DateRange, tz: tzinfo) -> int:
    """Days of the week on which the officer was registered and not away."""
    registered = officer.registered_at.astimezone(tz).date()
    start = max(week.start, registered)
    return sum(1 for day in _days(start, week.end) if not any(a.start <= day <= a.end for a in officer.away))


def silent_officers(candidates: Sequence[QuietOfficer], week: DateRange, tz: tzinfo) -> list[SilentOfficer]:
    """Officers without any report in the week who were expected to report on some day of it."""
    return [
        SilentOfficer(officer.telegram_id, officer.full_name or str(officer.telegram_id), officer.unit_code)
        for officer in candidates
        if expected_days(officer, week, tz) > 0
    ]


def build_digest(
    plan: Plan,
    *,
    unit_code: str | None,
    week: DateRange,
    year_counts: Counts,
    week_counts: Counts,
    previous_week_counts: Counts,
    bureau_figures: Mapping[str, Actuals],
    unit_figures: Mapping[str, Actuals] | None,
    officers: Mapping[str, int],
    silent: Sequence[SilentOfficer],
    year_end: Standing | None = None,
    targets: YearTargets | None = None,
) -> Digest:
    """The digest of the week ending on week.end, year to date as of that Sunday."""
    standing = build_standing(
        plan,
        unit_code=unit_code,
        year=week.end.year,
        as_of=week.end,
        counts=year_counts,
        bureau_figures=bureau_figures,
        unit_figures=unit_figures,
        week=week_counts,
        previous_week=previous_week_counts,
        targets=targets,
    )
    in_scope = [officer for officer in silent if unit_code is None or officer.unit_code == unit_code]
    total = sum(officers.values()) if unit_code is None else officers.get(unit_code, 0)
    return Digest(
        standing=standing,
        week_start=week.start,
        week_end=week.end,
        officers=total,
        silent=tuple(in_scope),
        year_end=year_end,
    )
