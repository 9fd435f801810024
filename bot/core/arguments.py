"""Arguments of /progress, /digest, /away and /export, read from what people type on phones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.core.dates import command_year, looks_like_year, parse_date
from bot.core.plan import Plan
from bot.core.refused import InputRefused
from bot.core.text_input import clean

BUREAU_WORDS = frozenset({"bureau", "all", "全局", "本局", "全部"})
MAX_AWAY_DAYS = 366


class ScopeError(ValueError):
    """Arguments that name no unit or year."""


@dataclass(frozen=True)
class ScopeRequest:
    """What /progress or /digest asked for: a unit (None = the bureau) if given, and a year if given."""

    unit_given: bool = False
    unit_code: str | None = None
    year: int | None = None


def parse_scope(
    args: Sequence[str], plan: Plan, *, today: date, allow_year: bool = True
) -> ScopeRequest:
    """Read `[unit code | bureau] [year]` in either order; the year as `command_year` reads it."""
    request = ScopeRequest()
    for raw in args:
        word = clean(raw).lower()
        if not request.unit_given and word in BUREAU_WORDS:
            request = ScopeRequest(True, None, request.year)
        elif not request.unit_given and word in plan.units_by_code:
            request = ScopeRequest(True, word, request.year)
        elif allow_year and request.year is None and (year := command_year(word, today)) is not None:
            request = ScopeRequest(request.unit_given, request.unit_code, year)
        else:
            raise ScopeError(raw)
    return request


class AwayProblem(StrEnum):
    """Why an /away date was not accepted; each has a message in the catalog."""

    USAGE = "usage"
    NOT_A_DATE = "not_a_date"
    PAST = "past"
    TOO_FAR = "too_far"


class AwayInputError(InputRefused[AwayProblem]):
    """An /away argument that is not a usable date."""


def parse_away_until(args: Sequence[str], today: date) -> date:
    """The last day away (inclusive): YYYY-MM-DD from today to a year ahead."""
    if len(args) != 1:
        raise AwayInputError(AwayProblem.USAGE)
    until = parse_date(args[0])
    if until is None:
        raise AwayInputError(AwayProblem.NOT_A_DATE)
    if until < today:
        raise AwayInputError(AwayProblem.PAST)
    if until > today + timedelta(days=MAX_AWAY_DAYS):
        raise AwayInputError(AwayProblem.TOO_FAR)
    return until


FORMATS = ("xlsx", "csv")


@dataclass(frozen=True)
class ExportRequest:
    """What /export was asked for: a year, a format and optionally one unit."""

    year: int
    file_format: str
    unit_code: str | None


def parse_export_args(words: list[str], *, plan: Plan, today: date) -> ExportRequest:
    """Read `[year] [csv|xlsx] [unit code]` in any order; ValueError when a word fits none."""
    year: int | None = None
    file_format: str | None = None
    unit_code: str | None = None
    for word in (clean(word).lower() for word in words):
        if word in FORMATS and file_format is None:
            file_format = word
        elif looks_like_year(word) and year is None:
            year = command_year(word, today)
            if year is None:
                raise ValueError(f"not a year: {word}")
        elif plan.unit(word) is not None and unit_code is None:
            unit_code = word
        else:
            raise ValueError(f"unexpected: {word}")
    return ExportRequest(year=year or today.year, file_format=file_format or FORMATS[0], unit_code=unit_code)
