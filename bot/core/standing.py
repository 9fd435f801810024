"""Where the bureau or a unit stands on every indicator: the one progress pipeline behind
/progress, the digests, the chart, the /set answer, the .xlsx progress sheet and the demo's
summary. Pure: roll-up counts, admin figures, dates and the plan in, rows out.

The rule, for a scope (the bureau, or a unit) and an indicator:

- the bureau: its own figures against its own target;
- a unit with its own allocation (plan.json, /allocate): the unit's own figures against it;
- a unit without one, for a rate or a percentage it has its own admin-entered figure for:
  that figure against the bureau's target (every unit aims at the same rate);
- otherwise (counts, reductions, the DUI reference achievement, no unit figure): the bureau's
  figures against the bureau's target, with the unit's own count beside them as its
  contribution (officer-reported indicators).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from bot.core.plan import Direction, Indicator, Measure, Period, Plan
from bot.core.progress import CUMULATIVE_MEASURES, HUNDRED, Actuals, Pace, Progress, compute_progress
from bot.core.targets import YearTargets

BAR_CELLS = 8
CHART_CAP = Decimal(150)

Counts = Mapping[str, Mapping[str, int]]
"""Valid counts: unit code -> indicator id -> total."""

SHARED_RATE_MEASURES = frozenset({Measure.RATE, Measure.PERCENTAGE})
"""Measures whose bureau target every unit aims at as it stands (a rate, not a share of a total)."""


class Basis(StrEnum):
    """Whose figures and target a row shows."""

    BUREAU = "bureau"
    UNIT = "unit"
    CONTRIBUTION = "contribution"
    UNIT_AT_BUREAU_TARGET = "unit_at_bureau_target"


@dataclass(frozen=True)
class Row:
    """One indicator: its progress, on which basis, the figures judged and the scope's own counts."""

    indicator: Indicator
    progress: Progress
    basis: Basis
    actuals: Actuals = field(default_factory=Actuals)
    own_count: int | None = None
    basis_count: int | None = None
    bureau_count: int | None = None
    week: int | None = None
    previous_week: int | None = None

    @property
    def week_change(self) -> int | None:
        """This week's count minus last week's."""
        if self.week is None or self.previous_week is None:
            return None
        return self.week - self.previous_week

    @property
    def share_of_bureau(self) -> Decimal | None:
        """The scope's own count in percent of the bureau's (officer-reported indicators)."""
        if self.own_count is None or not self.bureau_count:
            return None
        return Decimal(self.own_count) / self.bureau_count * HUNDRED


@dataclass(frozen=True)
class Standing:
    """Every indicator of the plan for the bureau (unit_code None) or one unit, as of a day."""

    unit_code: str | None
    year: int
    as_of: date
    rows: tuple[Row, ...]
    period: Period | None = None

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

    def row(self, indicator_id: str) -> Row:
        """The row of one indicator (KeyError when the plan has none by that id)."""
        for row in self.rows:
            if row.indicator.id == indicator_id:
                return row
        raise KeyError(indicator_id)


@dataclass(frozen=True)
class ChartPoint:
    """One bar of the chart: achievement and the achievement expected by now, in percent."""

    indicator_id: str
    achieved: Decimal | None
    expected: Decimal | None
    pace: Pace


@dataclass(frozen=True)
class Scope:
    """What the pipeline judges a scope from: its own and the bureau's counts and admin figures."""

    unit_code: str | None
    own_counts: Mapping[str, int]
    bureau_counts: Mapping[str, int]
    bureau_figures: Mapping[str, Actuals]
    unit_figures: Mapping[str, Actuals]
    targets: YearTargets

    @classmethod
    def of(
        cls,
        unit_code: str | None,
        counts: Counts,
        bureau_figures: Mapping[str, Actuals],
        unit_figures: Mapping[str, Actuals] | None,
        targets: YearTargets,
    ) -> Scope:
        """The scope of the bureau (unit_code None) or a unit, from the roll-ups' counts per unit."""
        bureau = bureau_counts(counts)
        own = bureau if unit_code is None else dict(counts.get(unit_code, {}))
        unit = {} if unit_code is None else dict(unit_figures or {})
        return cls(unit_code, own, bureau, bureau_figures, unit, targets)


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
    return replace(entered, count=count)


def _basis(indicator: Indicator, scope: Scope) -> Basis:
    """Which rule applies to the indicator for the scope (see the module's docstring)."""
    if scope.unit_code is None:
        return Basis.BUREAU
    if scope.targets.value(indicator.id, scope.unit_code) is not None:
        return Basis.UNIT
    if indicator.measure in SHARED_RATE_MEASURES and indicator.id in scope.unit_figures:
        return Basis.UNIT_AT_BUREAU_TARGET
    return Basis.CONTRIBUTION if indicator.is_officer_reported else Basis.BUREAU


def judge(indicator: Indicator, scope: Scope, *, year: int, as_of: date) -> Row:
    """The one rule: the actual, the target and the verdict of an indicator for a scope."""
    basis = _basis(indicator, scope)
    own = scope.own_counts.get(indicator.id, 0)
    bureau = scope.bureau_counts.get(indicator.id, 0)
    if basis in (Basis.UNIT, Basis.UNIT_AT_BUREAU_TARGET):
        actuals = _actuals(indicator, own, scope.unit_figures)
    else:
        actuals = _actuals(indicator, bureau, scope.bureau_figures)
    target = scope.targets.value(indicator.id, scope.unit_code if basis is Basis.UNIT else None)
    progress = compute_progress(indicator, year=year, today=as_of, actuals=actuals, target=target)
    reported = indicator.is_officer_reported
    return Row(
        indicator=indicator,
        progress=progress,
        basis=basis,
        actuals=actuals,
        own_count=own if reported else None,
        basis_count=actuals.count,
        bureau_count=bureau if reported else None,
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
    targets: YearTargets | None = None,
) -> Standing:
    """Progress of the year's indicators for the bureau or a unit, with week counts when given.

    `targets` are the year's targets with admins' amendments; without them, the plan file's.
    """
    targets = targets or YearTargets(plan, year)
    scope = Scope.of(unit_code, counts, bureau_figures, unit_figures, targets)
    week_own = _scope_counts(week, unit_code)
    previous_own = _scope_counts(previous_week, unit_code)
    rows = []
    for indicator in targets.indicators():
        row = judge(indicator, scope, year=year, as_of=as_of)
        if indicator.is_officer_reported:
            row = replace(
                row,
                week=None if week_own is None else week_own.get(indicator.id, 0),
                previous_week=None if previous_own is None else previous_own.get(indicator.id, 0),
            )
        rows.append(row)
    return Standing(unit_code=unit_code, year=year, as_of=as_of, rows=tuple(rows), period=targets.period)


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
