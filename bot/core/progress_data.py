"""Gather what progress and digests need from storage and the figures source, then build them.

Every digest of one week comes from three reads (totals per unit and indicator for the year,
the week and the week before from the daily roll-ups; officers without a report that week;
officers per unit), however many units there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Protocol

from bot.core.digest import Digest, build_digest, closing_year, covered_week, silent_officers
from bot.core.figure_source import NO_FIGURES, FiguresSource, ScopeFigures
from bot.core.plan import Plan
from bot.core.progress import Actuals
from bot.core.records import DateRange, QuietOfficer, UnitTotals
from bot.core.standing import Standing, build_standing
from bot.core.targets import NO_AMENDMENTS, TargetsSource, YearTargets

NestedCounts = dict[str, dict[str, int]]


class RollUps(Protocol):
    """What progress reads from the daily and monthly roll-ups (storage's ProgressRepo)."""

    async def totals(self, *, ranges: Sequence[DateRange], unit_code: str | None = None) -> list[UnitTotals]:
        """Per unit and indicator, the valid counts summed over each date range (in order)."""
        ...

    async def quiet_officers(
        self, *, start: date, end: date, unit_code: str | None = None
    ) -> list[QuietOfficer]:
        """Active officers with no valid report from start to end, with their away days."""
        ...

    async def officer_counts(self, *, registered_before: datetime | None = None) -> dict[str, int]:
        """Active officers per unit (only those registered before an instant, when one is given)."""
        ...


def _nest(rows: Sequence[UnitTotals], column: int) -> NestedCounts:
    """unit -> indicator -> total for one of the requested date ranges."""
    nested: NestedCounts = {}
    for row in rows:
        if row.totals[column]:
            nested.setdefault(row.unit_code, {})[row.indicator] = row.totals[column]
    return nested


def _unit_figures(figures: ScopeFigures, unit_code: str | None) -> dict[str, Actuals]:
    """A unit's own figures; the bureau's scope has none beside the bureau's."""
    return figures.get(unit_code, {}) if unit_code is not None else {}


def year_to_date(year: int, today: date) -> DateRange:
    """1 January to today, clamped to the year (empty before it starts)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    return DateRange(start, min(max(today, start - timedelta(days=1)), end))


class ProgressData:
    """Builds standings and digests for the bureau and its units."""

    def __init__(
        self,
        progress: RollUps,
        plan: Plan,
        tz: tzinfo,
        figures: FiguresSource = NO_FIGURES,
        targets: TargetsSource = NO_AMENDMENTS,
    ) -> None:
        self._progress = progress
        self._plan = plan
        self._tz = tz
        self._figures = figures
        self._targets = targets

    async def targets(self, year: int) -> YearTargets:
        """The year's targets: the plan file's, amended by admins."""
        return YearTargets(self._plan, year, await self._targets.amendments_for(year=year))

    async def year_counts(self, *, year: int, today: date) -> NestedCounts:
        """Valid counts of the year up to today from the roll-ups: unit -> indicator -> total."""
        rows = await self._progress.totals(ranges=[year_to_date(year, today)], unit_code=None)
        return _nest(rows, 0)

    async def standing(self, *, unit_code: str | None, year: int, today: date) -> Standing:
        """Where the bureau (unit_code None) or a unit stands in a year, as of today."""
        return (await self.standings(unit_codes=[unit_code], year=year, today=today))[0]

    async def standings(self, *, unit_codes: Sequence[str | None], year: int, today: date) -> list[Standing]:
        """Standings of several scopes in a year, as of today, from one read of the roll-ups."""
        counts = await self.year_counts(year=year, today=today)
        figures = await self._figures.actuals_by_scope(year=year)
        targets = await self.targets(year)
        as_of = min(today, date(year, 12, 31))
        return [
            build_standing(
                self._plan,
                unit_code=unit_code,
                year=year,
                as_of=as_of,
                counts=counts,
                bureau_figures=figures.get(None, {}),
                unit_figures=_unit_figures(figures, unit_code),
                targets=targets,
            )
            for unit_code in unit_codes
        ]

    async def digests(self, *, send_day: date, unit_codes: Sequence[str | None]) -> dict[str | None, Digest]:
        """The digests sent on send_day (covering the week before) for the bureau and units."""
        monday, sunday = covered_week(send_day)
        week = DateRange(monday, sunday)
        previous = DateRange(monday - timedelta(days=7), sunday - timedelta(days=7))
        year = sunday.year
        rows = await self._progress.totals(ranges=[year_to_date(year, sunday), week, previous])
        candidates = await self._progress.quiet_officers(start=monday, end=sunday)
        week_over = datetime.combine(sunday + timedelta(days=1), time(0), tzinfo=self._tz)
        officers = await self._progress.officer_counts(registered_before=week_over)
        silent = silent_officers(candidates, week, self._tz)
        figures = await self._figures.actuals_by_scope(year=year)
        year_counts, week_counts, previous_counts = (_nest(rows, column) for column in range(3))
        year_ends = await self._year_ends(send_day, unit_codes)
        targets = await self.targets(year)
        digests = {}
        for unit_code in unit_codes:
            digests[unit_code] = build_digest(
                self._plan,
                unit_code=unit_code,
                week=week,
                year_counts=year_counts,
                week_counts=week_counts,
                previous_week_counts=previous_counts,
                bureau_figures=figures.get(None, {}),
                unit_figures=_unit_figures(figures, unit_code),
                officers=officers,
                silent=silent,
                year_end=year_ends.get(unit_code),
                targets=targets,
            )
        return digests

    async def _year_ends(
        self, send_day: date, unit_codes: Sequence[str | None]
    ) -> dict[str | None, Standing]:
        """How the old year ended, for the digest whose week holds its 31 December (else nothing)."""
        year = closing_year(send_day)
        if year is None:
            return {}
        standings = await self.standings(unit_codes=unit_codes, year=year, today=date(year, 12, 31))
        return dict(zip(unit_codes, standings, strict=True))

    async def digest(self, *, send_day: date, unit_code: str | None) -> Digest:
        """One digest sent on send_day."""
        return (await self.digests(send_day=send_day, unit_codes=[unit_code]))[unit_code]
