"""How a year ended: each indicator's verdict, and which scopes the year's result sheet holds.

Pure: standings from the one progress pipeline (bot/core/standing.py) in, verdicts out. The sheet
(/annual, `python -m bot annual`) and the first digest of a new year read the same rows that
/progress shows; only the verdict is judged here, strictly, once the year is over.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from bot.core.dates import command_year
from bot.core.plan import Direction
from bot.core.progress import CUMULATIVE_MEASURES
from bot.core.standing import Basis, Row, Standing


class Verdict(StrEnum):
    """An indicator's result for its year."""

    MET = "met"
    NOT_MET = "not_met"
    OPEN = "open"
    NO_TARGET = "no_target"
    NO_DATA = "no_data"


def last_finished_year(today: date) -> int:
    """The latest year whose 31 December has passed: what /annual shows when no year is given."""
    return today.year - 1


def annual_year(words: Sequence[str], today: date) -> int:
    """The year /annual and `python -m bot annual` are asked for: none given is the last finished one.

    A year is read like every command reads one (2025, 114, 民國114年); ValueError otherwise.
    """
    if not words:
        return last_finished_year(today)
    year = command_year(words[0], today) if len(words) == 1 else None
    if year is None:
        raise ValueError(f"not one year: {' '.join(words)}")
    return year


def year_over(year: int, today: date) -> bool:
    """Whether the whole year lies before today (its figures are final)."""
    return today > date(year, 12, 31)


def verdict(row: Row, *, final: bool) -> Verdict:
    """Met or not met against the row's target, the right way round, with no tolerance.

    While the year runs (`final` False) only a count that already reached its target is settled;
    everything else is still open.
    """
    progress, indicator = row.progress, row.indicator
    if progress.target is None:
        return Verdict.NO_TARGET
    if progress.actual is None:
        return Verdict.NO_DATA
    if indicator.direction is Direction.MORE:
        met = progress.actual >= progress.target
    else:
        met = progress.actual <= progress.target
    if final:
        return Verdict.MET if met else Verdict.NOT_MET
    settled = met and indicator.direction is Direction.MORE and indicator.measure in CUMULATIVE_MEASURES
    return Verdict.MET if settled else Verdict.OPEN


def row_has_figures(row: Row) -> bool:
    """Whether the row's figures hold anything: a count above zero, or any figure entered."""
    actuals = row.actuals
    entered = (
        actuals.numerator,
        actuals.denominator,
        actuals.percentage,
        actuals.previous_year,
        actuals.this_year,
        actuals.reference,
    )
    return bool(actuals.count) or any(value is not None for value in entered)


def has_figures(standing: Standing) -> bool:
    """Whether anything was reported or entered for the scope's year."""
    return any(row_has_figures(row) for row in standing.rows)


def has_own_targets(standing: Standing) -> bool:
    """Whether a unit is judged against a target of its own on any indicator (a sheet of its own)."""
    return any(row.basis is Basis.UNIT for row in standing.rows)


def sheet_standings(standings: Sequence[Standing]) -> list[Standing]:
    """The bureau first, then every unit with a target of its own, in the order given."""
    return [s for s in standings if s.unit_code is None or has_own_targets(s)]
