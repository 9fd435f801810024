"""Where the bureau or a unit stands on every indicator: the view model behind /progress,
the digest and the chart. Pure: numbers, dates and the plan in, rows out.

A unit with its own allocation in plan.json is judged against it. Otherwise the unit's view
shows the bureau's figures against the bureau's target, with the unit's own count beside them
as its contribution (officer-reported indicators).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from bot.core.plan import Direction, Indicator, Measure, Plan
from bot.core.progress import CUMULATIVE_MEASURES, HUNDRED, Actuals, Pace, Progress, compute_progress

BAR_CELLS = 8
CHART_CAP = Decimal(150)

Counts = Mapping[str, Mapping[str, int]]
"""Valid counts: unit code -> indicator id -> total."""


class Basis(StrEnum):
    """Whose figures and target a row shows."""

    BUREAU = "bureau"
    UNIT = "unit"
    CONTRIBUTION = "contribution"


@dataclass(frozen=True)
class Row:
    """One indicator: its progress, on which basis, and the scope's own counts."""

    indicator: Indicator
    progress: Progress
    basis: Basis
    own_count: int | None = None
    basis_count: int | None = None
    week: int | None = None
    previous_week: int | None = None

    @property
    def week_change(self) -> int | None:
        """This week's count minus last week's."""
        if self.week is None or self.previous_week is None:
            return None
        return self.week - self.previous_week


@dataclass(frozen=True)
class Standing:
    """Every indicator of the plan for the bureau (unit_code None) or one unit, as of a day."""

    unit_code: str | None
    year: int
    as_of: date
    rows: tuple[Row, ...]

    @property
    def has_targets(self) -> bool:
        """Whether the plan sets any target for this year."""
        return any(row.progress.target is not None for row in self.rows)

    @property
    def officer_rows(self) -> tuple[Row, ...]:
        """Rows of indicators officers report daily."""
        return tuple(row for row in self.rows if row.indicator.is_officer_reported)

    @property
    def other_rows(self) -> tuple[Row, ...]:
        """Rows of indicators admins enter."""
        return tuple(row for row in self.rows if not row.indicator.is_officer_reported)


@dataclass(frozen=True)
class ChartPoint:
    """One bar of the chart: achievement and the achievement expected by now, in percent."""

    indicator_id: str
    achieved: Decimal | None
    expected: Decimal | None
    pace: Pace


def bureau_counts(counts: Counts) -> dict[str, int]:
    """Sum every unit's counts per indicator."""
    total: dict[str, int] = {}
    for per_unit in counts.values():
        for indicator_id, value in per_unit.items():
            total[indicator_id] = total.get(indicator_id, 0) + value
    return total


def _actuals(indicator: Indicator, count: int, figures: Mapping[str, Actuals]) -> Actuals:
    """Officer counts merged with admin figures (e.g. the NPA's reference value)."""
    entered = figures.get(indicator.id, Actuals())
    if not indicator.is_officer_reported:
        return entered
    return Actuals(
        count=count,
        numerator=entered.numerator,
        denominator=entered.denominator,
        percentage=entered.percentage,
        previous_year=entered.previous_year,
        this_year=entered.this_year,
        reference=entered.reference,
    )


def build_standing(
    plan: Plan,
    *,
    unit_code: str | None,
    year: int,
    as_of: date,
    counts: Counts,
    bureau_figures: Mapping[str, Actuals],
    unit_figures: Mapping[str, Actuals] | None = None,
    week: Counts | None = None,
    previous_week: Counts | None = None,
) -> Standing:
    """Progress of every indicator for the bureau or a unit, with week counts when given."""
    bureau = bureau_counts(counts)
    own = bureau if unit_code is None else dict(counts.get(unit_code, {}))
    week_own = _scope_counts(week, unit_code)
    previous_own = _scope_counts(previous_week, unit_code)
    rows = []
    for indicator in plan.indicators:
        allocated = None if unit_code is None else indicator.unit_target(unit_code, year)
        target: Decimal | None
        if allocated is not None:
            actuals = _actuals(indicator, own.get(indicator.id, 0), unit_figures or {})
            target, basis = allocated, Basis.UNIT
        else:
            actuals = _actuals(indicator, bureau.get(indicator.id, 0), bureau_figures)
            target = indicator.target(year)
            contributes = unit_code is not None and indicator.is_officer_reported
            basis = Basis.CONTRIBUTION if contributes else Basis.BUREAU
        progress = compute_progress(indicator, year=year, today=as_of, actuals=actuals, target=target)
        reported = indicator.is_officer_reported
        rows.append(
            Row(
                indicator=indicator,
                progress=progress,
                basis=basis,
                own_count=own.get(indicator.id, 0) if reported else None,
                basis_count=actuals.count,
                week=week_own.get(indicator.id, 0) if reported and week_own is not None else None,
                previous_week=(
                    previous_own.get(indicator.id, 0) if reported and previous_own is not None else None
                ),
            )
        )
    return Standing(unit_code=unit_code, year=year, as_of=as_of, rows=tuple(rows))


def _scope_counts(counts: Counts | None, unit_code: str | None) -> dict[str, int] | None:
    if counts is None:
        return None
    return bureau_counts(counts) if unit_code is None else dict(counts.get(unit_code, {}))


def achieved_cells(progress: Progress, cells: int = BAR_CELLS) -> int:
    """How many cells of a progress bar are filled: achievement capped at 100 % (full when met)."""
    if progress.pace is Pace.DONE:
        return cells
    if progress.achievement_pct is None:
        return 0
    share = min(max(progress.achievement_pct, Decimal(0)), HUNDRED) / HUNDRED * cells
    return int(share.to_integral_value(rounding=ROUND_HALF_UP))


def bar(progress: Progress, cells: int = BAR_CELLS) -> str:
    """A compact text progress bar, e.g. ▰▰▰▰▰▱▱▱ for 62 %."""
    filled = achieved_cells(progress, cells)
    return "▰" * filled + "▱" * (cells - filled)


def chart_point(row: Row) -> ChartPoint:
    """Achievement and expected achievement in percent of the target, for the chart."""
    progress = row.progress
    indicator = row.indicator
    target = progress.target
    if target is None or progress.achievement_pct is None:
        return ChartPoint(indicator.id, None, None, progress.pace)
    achieved = progress.achievement_pct
    if indicator.measure is Measure.REDUCTION and progress.projected_year_end is not None and target:
        achieved = progress.projected_year_end / target * HUNDRED
    expected = HUNDRED
    if indicator.measure in CUMULATIVE_MEASURES and indicator.direction is Direction.MORE:
        expected = min(progress.year_fraction * HUNDRED, HUNDRED)
    return ChartPoint(indicator.id, min(max(achieved, Decimal(0)), CHART_CAP), expected, progress.pace)
