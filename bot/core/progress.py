"""Progress maths: year-to-date value, achievement, pace, projection, weekly need.

Pure functions of numbers, dates and the plan: no telegram, no SQL, no user-facing text.
Values are unrounded Decimals; presentation code rounds them.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from bot.core.plan import Direction, Indicator, Measure

# Pace thresholds, all in one place: within ±5 % of the expected value is on track.
ON_TRACK_TOLERANCE = Decimal("0.05")
DAYS_PER_WEEK = 7
MIN_REMAINING_WEEKS = Decimal(1)
HUNDRED = Decimal(100)
ZERO = Decimal(0)

CUMULATIVE_MEASURES = frozenset({Measure.COUNT, Measure.REFERENCE_ACHIEVEMENT})


class Pace(StrEnum):
    """How an indicator stands against what the target requires by today."""

    AHEAD = "ahead"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NO_TARGET = "no_target"
    NO_DATA = "no_data"
    DONE = "done"


@dataclass(frozen=True)
class Actuals:
    """Raw year-to-date figures; which fields matter depends on the indicator's measure."""

    count: int | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    percentage: Decimal | None = None
    previous_year: Decimal | None = None
    this_year: Decimal | None = None
    reference: Decimal | None = None


@dataclass(frozen=True)
class Progress:
    """Where one indicator stands in one year, as of one day."""

    indicator_id: str
    year: int
    actual: Decimal | None
    target: Decimal | None
    achievement_pct: Decimal | None
    expected_by_today: Decimal | None
    pace: Pace
    projected_year_end: Decimal | None
    needed_per_week: Decimal | None
    unit_of_target: str
    needed_unit: str | None = None
    year_fraction: Decimal = ZERO


@dataclass(frozen=True)
class _Clock:
    """How far through the year 'today' is."""

    elapsed_days: int
    total_days: int
    remaining_weeks: Decimal
    over: bool

    @property
    def started(self) -> bool:
        """Whether the year has begun."""
        return self.elapsed_days > 0

    def pro_rata(self, value: Decimal) -> Decimal:
        """The share of a yearly value due by today."""
        return value * self.elapsed_days / self.total_days

    def extrapolate(self, value: Decimal) -> Decimal | None:
        """A year-to-date value scaled to the whole year; None before the year starts."""
        if not self.started:
            return None
        return value * self.total_days / self.elapsed_days


@dataclass(frozen=True)
class _Figures:
    """Measure-specific figures before judging pace."""

    actual: Decimal | None
    expected: Decimal | None
    projected: Decimal | None = None
    needed_total: Decimal | None = None
    judged: Decimal | None = None
    judged_against: Decimal | None = None
    needed_unit: str | None = None


def days_in_year(year: int) -> int:
    """366 in leap years, else 365."""
    return 366 if calendar.isleap(year) else 365


def year_fraction(year: int, today: date) -> Decimal:
    """Days elapsed including today / days in year; 0 before the year, 1 after."""
    elapsed = _elapsed_days(year, today)
    return Decimal(elapsed) / Decimal(days_in_year(year))


def remaining_weeks(year: int, today: date) -> Decimal:
    """Weeks left after today (at least 1 inside or before the year; 0 once it is over)."""
    if today > date(year, 12, 31):
        return ZERO
    days_left = days_in_year(year) - _elapsed_days(year, today)
    return max(Decimal(days_left) / DAYS_PER_WEEK, MIN_REMAINING_WEEKS)


def week_bounds(day: date) -> tuple[date, date]:
    """Monday and Sunday of the ISO week containing day."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def _elapsed_days(year: int, today: date) -> int:
    """Days of the year up to and including today, clamped to the year."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    if today < start:
        return 0
    if today > end:
        return days_in_year(year)
    return (today - start).days + 1


def _clock(year: int, today: date) -> _Clock:
    """Build the clock for a year as seen on today."""
    return _Clock(
        elapsed_days=_elapsed_days(year, today),
        total_days=days_in_year(year),
        remaining_weeks=remaining_weeks(year, today),
        over=today > date(year, 12, 31),
    )


def compute_progress(
    indicator: Indicator,
    *,
    year: int,
    today: date,
    actuals: Actuals,
    target: Decimal | None,
) -> Progress:
    """Progress of an indicator in a Gregorian year as of today, against the given target."""
    clock = _clock(year, today)
    figures = _FIGURES[indicator.measure](indicator, clock, actuals, target)
    needed = None
    if figures.needed_total is not None and not clock.over:
        needed = figures.needed_total / clock.remaining_weeks
    return Progress(
        indicator_id=indicator.id,
        year=year,
        actual=figures.actual,
        target=target,
        achievement_pct=_achievement(figures.actual, target, indicator.direction),
        expected_by_today=figures.expected,
        pace=_pace(indicator, clock, figures, target),
        projected_year_end=figures.projected,
        needed_per_week=needed,
        unit_of_target=indicator.unit,
        needed_unit=figures.needed_unit if needed is not None else None,
        year_fraction=year_fraction(year, today),
    )


def _count_figures(
    indicator: Indicator, clock: _Clock, actuals: Actuals, target: Decimal | None
) -> _Figures:
    """A count summed over the year, judged against the pro-rata target."""
    actual = None if actuals.count is None else Decimal(actuals.count)
    expected = None if target is None else clock.pro_rata(target)
    needed = None
    if actual is not None and target is not None and indicator.direction is Direction.MORE:
        needed = max(target - actual, ZERO)
    return _cumulative(indicator, clock, actual, expected, needed)


def _reference_figures(
    indicator: Indicator, clock: _Clock, actuals: Actuals, target: Decimal | None
) -> _Figures:
    """Counts as a percentage of the NPA's reference value; the need is in counts."""
    expected = None if target is None else clock.pro_rata(target)
    reference = actuals.reference
    if actuals.count is None or reference is None or reference <= 0:
        return _Figures(actual=None, expected=expected)
    count = Decimal(actuals.count)
    actual = count / reference * HUNDRED
    needed = None if target is None else max(reference * target / HUNDRED - count, ZERO)
    return _cumulative(indicator, clock, actual, expected, needed)


def _cumulative(
    indicator: Indicator,
    clock: _Clock,
    actual: Decimal | None,
    expected: Decimal | None,
    needed: Decimal | None,
) -> _Figures:
    """Figures of a value that adds up over the year: judged against what is due by today."""
    return _Figures(
        actual=actual,
        expected=expected,
        projected=_projected_cumulative(actual, clock),
        needed_total=needed,
        judged=actual,
        judged_against=expected,
        needed_unit=indicator.daily_unit,
    )


def _rate_figures(
    indicator: Indicator, clock: _Clock, actuals: Actuals, target: Decimal | None
) -> _Figures:
    """numerator / denominator in percent, compared with the target directly."""
    numerator, denominator = actuals.numerator, actuals.denominator
    if numerator is None or denominator is None or denominator <= 0:
        return _level_figures(None, target)
    return _level_figures(numerator / denominator * HUNDRED, target)


def _percentage_figures(
    indicator: Indicator, clock: _Clock, actuals: Actuals, target: Decimal | None
) -> _Figures:
    """A percentage entered by an admin, compared with the target directly."""
    return _level_figures(actuals.percentage, target)


def _level_figures(value: Decimal | None, target: Decimal | None) -> _Figures:
    """Figures for a non-cumulative value: expected is the target, projection is the value."""
    return _Figures(
        actual=value, expected=target, projected=value, judged=value, judged_against=target
    )


def _reduction_figures(
    indicator: Indicator, clock: _Clock, actuals: Actuals, target: Decimal | None
) -> _Figures:
    """previous_year - this_year; during the year this_year is projected pro rata."""
    previous, this_year = actuals.previous_year, actuals.this_year
    if previous is None:
        return _Figures(actual=None, expected=None)
    expected = None if target is None else previous - clock.pro_rata(previous - target)
    if this_year is None:
        return _Figures(actual=None, expected=expected)
    actual = previous - this_year
    if clock.over:
        return _Figures(actual, expected, actual, judged=actual, judged_against=target)
    projected_this_year = clock.extrapolate(this_year)
    if projected_this_year is None:
        return _Figures(actual, expected, None, judged=actual, judged_against=expected)
    projected = previous - projected_this_year
    return _Figures(actual, expected, projected, judged=projected, judged_against=target)


_FIGURES = {
    Measure.COUNT: _count_figures,
    Measure.REFERENCE_ACHIEVEMENT: _reference_figures,
    Measure.RATE: _rate_figures,
    Measure.PERCENTAGE: _percentage_figures,
    Measure.REDUCTION: _reduction_figures,
}


def _projected_cumulative(actual: Decimal | None, clock: _Clock) -> Decimal | None:
    """Year-end value of a cumulative figure at the current pace."""
    if actual is None:
        return None
    return actual if clock.over else clock.extrapolate(actual)


def _achievement(
    actual: Decimal | None, target: Decimal | None, direction: Direction
) -> Decimal | None:
    """Percent of target achieved (>= 100 means met); None when undefined."""
    if actual is None or target is None:
        return None
    if direction is Direction.MORE:
        return None if target == 0 else actual / target * HUNDRED
    if actual > 0 and target > 0:
        return target / actual * HUNDRED
    return HUNDRED if actual <= target else ZERO


def _pace(indicator: Indicator, clock: _Clock, figures: _Figures, target: Decimal | None) -> Pace:
    """Judge the figures: done, ahead, on track or behind (or why it cannot be judged)."""
    if target is None:
        return Pace.NO_TARGET
    actual = figures.actual
    if actual is None:
        return Pace.NO_DATA
    direction = indicator.direction
    cumulative = indicator.measure in CUMULATIVE_MEASURES
    if cumulative and direction is Direction.MORE and actual >= target:
        return Pace.DONE
    if clock.over:
        return _final_pace(actual, target, direction)
    if figures.judged is None or figures.judged_against is None:
        return Pace.NO_DATA
    return _band_pace(figures.judged, figures.judged_against, direction)


def _band_pace(value: Decimal, reference: Decimal, direction: Direction) -> Pace:
    """Ahead, on track (within the tolerance band) or behind, the right way round."""
    band = abs(reference) * ON_TRACK_TOLERANCE
    margin = value - reference if direction is Direction.MORE else reference - value
    if margin > band:
        return Pace.AHEAD
    if margin >= -band:
        return Pace.ON_TRACK
    return Pace.BEHIND


def _final_pace(value: Decimal, target: Decimal, direction: Direction) -> Pace:
    """Judge a finished year strictly: a missed target is behind, however close."""
    margin = value - target if direction is Direction.MORE else target - value
    if margin < 0:
        return Pace.BEHIND
    return _band_pace(value, target, direction)
