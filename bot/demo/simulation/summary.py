"""Totals of stored reports against the plan's targets, as plain text for the terminal."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.core.domain import NOTHING_TO_REPORT
from bot.core.plan import Indicator, Measure, Plan, roc_year
from bot.core.progress import Actuals, Progress, compute_progress
from bot.core.records import ExportRow

BUREAU = "bureau"
"""Key of the whole bureau's totals in `sum_reports`."""


@dataclass(frozen=True)
class IndicatorLine:
    """One officer-reported indicator: the year's count and where it stands."""

    indicator: Indicator
    count: int
    progress: Progress


def sum_reports(rows: Iterable[ExportRow], *, year: int) -> dict[str, dict[str, int]]:
    """Valid counts of a year per unit code and for BUREAU, per indicator."""
    totals: dict[str, dict[str, int]] = {BUREAU: {}}
    for row in rows:
        if row.voided_at is not None or row.indicator == NOTHING_TO_REPORT or row.report_date.year != year:
            continue
        for key in (BUREAU, row.unit):
            unit = totals.setdefault(key, {})
            unit[row.indicator] = unit.get(row.indicator, 0) + row.count
    return totals


def progress_lines(
    plan: Plan, totals: Mapping[str, int], *, year: int, today: date, unit_code: str | None = None
) -> list[IndicatorLine]:
    """Progress of every officer-reported indicator, for the bureau or one unit."""
    lines = []
    for indicator in plan.officer_indicators():
        count = totals.get(indicator.id, 0)
        target = indicator.target(year) if unit_code is None else indicator.unit_target(unit_code, year)
        progress = compute_progress(
            indicator, year=year, today=today, actuals=Actuals(count=count), target=target
        )
        lines.append(IndicatorLine(indicator, count, progress))
    return lines


def _number(value: Decimal | None, places: int = 0) -> str:
    return "—" if value is None else f"{value:,.{places}f}"


def render_table(title: str, lines: Sequence[IndicatorLine]) -> str:
    """A fixed-width table: indicator, count, target, achievement, expected by today, pace."""
    header = f"{'indicator':<20} {'count':>7} {'target':>8} {'achieved':>9} {'due by now':>10}  pace"
    out = [title, header, "-" * len(header)]
    for line in lines:
        progress = line.progress
        target = "—" if progress.target is None else f"{_number(progress.target)}{progress.unit_of_target}"
        achieved = _number(progress.achievement_pct, 1)
        achieved = achieved if achieved == "—" else f"{achieved}%"
        due = "—" if progress.actual is None else _number(progress.expected_by_today, 1)
        out.append(
            f"{line.indicator.id:<20} {line.count:>7,} {target:>8} {achieved:>9}"
            f" {due:>10}  {progress.pace.value}"
            f"  {line.indicator.name.zh}"
        )
    return "\n".join(out)


def notes(plan: Plan, *, year: int, unit_code: str | None) -> list[str]:
    """Why some lines cannot be judged: reference values, missing unit targets, missing years."""
    found = []
    indicators = plan.officer_indicators()
    if any(i.measure is Measure.REFERENCE_ACHIEVEMENT for i in indicators):
        found.append(
            "dui is judged against the National Police Agency's yearly reference value, which an"
            " admin enters; none is entered here, so it shows the count and no achievement."
        )
    if unit_code is not None and all(i.unit_target(unit_code, year) is None for i in indicators):
        found.append(f"plan.json sets no targets for unit {unit_code}; only the bureau has targets.")
    if all(i.target(year) is None for i in indicators):
        found.append(f"plan.json sets no targets for {year} (民國{roc_year(year)}年).")
    return found
