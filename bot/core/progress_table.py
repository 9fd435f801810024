"""Progress per unit and indicator for one year: the rows of the export's progress sheet.

Pure: officer counts and admin figures come in as plain mappings, rows come out with
bot.core.progress's Progress and a note where a figure cannot be judged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from bot.core.figures import HUNDRED, figure_progress, is_settable
from bot.core.plan import Indicator, Measure, Plan
from bot.core.progress import Actuals, Progress


class RowNote(StrEnum):
    """Why a row has an empty cell."""

    NO_TARGET = "no_target"
    NO_UNIT_TARGET = "no_unit_target"
    NO_FIGURES = "no_figures"


@dataclass(frozen=True)
class ProgressRow:
    """One indicator for one unit (None = the whole bureau)."""

    unit_code: str | None
    indicator: Indicator
    actuals: Actuals
    progress: Progress
    notes: tuple[RowNote, ...] = ()
    bureau_target: Decimal | None = None
    share_of_bureau: Decimal | None = None


def _count(counts: Mapping[tuple[str, str], int], unit_code: str | None, indicator_id: str) -> int:
    if unit_code is not None:
        return counts.get((unit_code, indicator_id), 0)
    return sum(total for (_, indicator), total in counts.items() if indicator == indicator_id)


def _actuals(
    indicator: Indicator,
    unit_code: str | None,
    counts: Mapping[tuple[str, str], int],
    figures: Mapping[str, Actuals],
) -> Actuals | None:
    """The indicator's Actuals for the scope; None when a unit has no admin figure for it."""
    entered = figures.get(indicator.id)
    if indicator.is_officer_reported:
        count = _count(counts, unit_code, indicator.id)
        if indicator.measure is Measure.REFERENCE_ACHIEVEMENT:
            return Actuals(count=count, reference=entered.reference if entered else None)
        return Actuals(count=count)
    if entered is None and unit_code is not None:
        return None
    return entered or Actuals()


def _notes(
    row_target: Decimal | None, progress: Progress, indicator: Indicator, year: int
) -> tuple[RowNote, ...]:
    notes = []
    if row_target is None:
        notes.append(RowNote.NO_TARGET if indicator.target(year) is None else RowNote.NO_UNIT_TARGET)
    if progress.actual is None:
        notes.append(RowNote.NO_FIGURES)
    return tuple(notes)


def progress_rows(
    plan: Plan,
    *,
    year: int,
    today: date,
    scopes: Sequence[str | None],
    counts: Mapping[tuple[str, str], int],
    figures: Mapping[str | None, Mapping[str, Actuals]],
) -> list[ProgressRow]:
    """Rows for every scope (None = the bureau) and indicator of the plan.

    A unit gets a row for an admin-entered indicator only when a figure was entered for
    that unit. A unit without its own target gets none (empty cell and a note), with its
    share of the bureau's count beside the bureau target.
    """
    rows = []
    for unit_code in scopes:
        for indicator in plan.indicators:
            if not indicator.is_officer_reported and not is_settable(indicator):
                continue
            actuals = _actuals(indicator, unit_code, counts, figures.get(unit_code, {}))
            if actuals is None:
                continue
            progress = figure_progress(
                indicator, year=year, today=today, actuals=actuals, unit_code=unit_code
            )
            share = None
            if unit_code is not None and progress.target is None and indicator.measure is Measure.COUNT:
                bureau = _count(counts, None, indicator.id)
                share = Decimal(actuals.count or 0) / bureau * HUNDRED if bureau else None
            rows.append(
                ProgressRow(
                    unit_code=unit_code,
                    indicator=indicator,
                    actuals=actuals,
                    progress=progress,
                    notes=_notes(progress.target, progress, indicator, year),
                    bureau_target=indicator.target(year),
                    share_of_bureau=share,
                )
            )
    return rows
