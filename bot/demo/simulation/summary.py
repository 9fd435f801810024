"""The demo's terminal tables: the progress pipeline's rows (bot.core.standing) as plain text.

Nothing is computed here: counts come from the same roll-ups as /progress, and target,
achievement, expected value and pace are the rows the bot shows.
"""

from __future__ import annotations

from bot.core.numbers import number
from bot.core.plan import Measure, roc_year
from bot.core.standing import Basis, Counts, Row, Standing, bureau_counts

BUREAU = "bureau"
"""Key of the whole bureau's totals in `totals_by_scope`."""

NO_VALUE = "—"


def totals_by_scope(counts: Counts) -> dict[str, dict[str, int]]:
    """The roll-ups' counts per unit code, plus the whole bureau's under BUREAU."""
    return {BUREAU: bureau_counts(counts), **{unit: dict(totals) for unit, totals in counts.items()}}


def _cells(row: Row) -> tuple[str, str, str, str]:
    """Target, achievement, expected by now and the count, as the table shows them."""
    progress = row.progress
    suffix = "%" if row.indicator.measure is Measure.REFERENCE_ACHIEVEMENT else progress.unit_of_target
    target = NO_VALUE if progress.target is None else f"{number(progress.target, 0)}{suffix}"
    achieved = NO_VALUE if progress.achievement_pct is None else f"{number(progress.achievement_pct, 1)}%"
    due = (
        NO_VALUE
        if progress.actual is None or progress.expected_by_today is None
        else number(progress.expected_by_today, 1)
    )
    return number(row.own_count or 0), target, achieved, due


def render_table(title: str, standing: Standing) -> str:
    """A fixed-width table of the officer-reported rows: count, target, achieved, due by now, pace, basis."""
    header = f"{'indicator':<20} {'count':>7} {'target':>8} {'achieved':>9} {'due by now':>10}  pace"
    out = [title, header, "-" * len(header)]
    for row in standing.officer_rows:
        count, target, achieved, due = _cells(row)
        pace = row.progress.pace.value
        out.append(
            f"{row.indicator.id:<20} {count:>7} {target:>8} {achieved:>9} {due:>10}  {pace}"
            f"  {row.basis.value}  {row.indicator.name.zh}"
        )
    return "\n".join(out)


def notes(standing: Standing) -> list[str]:
    """Why some lines read as they do: whose figures, a missing reference value, missing targets."""
    rows = standing.officer_rows
    found = []
    allocated = [row.indicator.id for row in rows if row.basis is Basis.UNIT]
    if allocated:
        found.append(f"{', '.join(allocated)}: the unit's own count against its own allocation (/allocate).")
    if any(row.basis is Basis.CONTRIBUTION for row in rows):
        found.append(
            "no allocation to this unit for the other items: count is the unit's own, target, achievement"
            " and pace are the bureau's (the contribution basis, as /progress shows it)."
        )
    for row in rows:
        if row.indicator.measure is Measure.REFERENCE_ACHIEVEMENT and row.progress.actual is None:
            found.append(
                f"{row.indicator.id} is judged against the National Police Agency's yearly reference value,"
                " which an admin enters; none is entered here, so it shows the count and no achievement."
            )
    if not any(row.progress.target is not None for row in rows):
        found.append(f"plan.json sets no targets for {standing.year} (民國{roc_year(standing.year)}年).")
    return found
