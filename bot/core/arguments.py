"""Arguments of /progress, /digest and /away, read from what people type on phones."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.core.plan import MAX_ROC_YEAR, Plan, gregorian_year
from bot.core.text_input import clean

BUREAU_WORDS = frozenset({"bureau", "all", "全局", "本局", "全部"})
MAX_AWAY_DAYS = 366
_YEAR = re.compile(r"^\d{2,4}$")
_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_FIRST_YEAR, _LAST_YEAR = 1912, gregorian_year(MAX_ROC_YEAR)


class ScopeError(ValueError):
    """Arguments that name no unit or year."""


@dataclass(frozen=True)
class ScopeRequest:
    """What /progress or /digest asked for: a unit (None = the bureau) if given, and a year if given."""

    unit_given: bool = False
    unit_code: str | None = None
    year: int | None = None


def parse_scope(args: Sequence[str], plan: Plan, *, allow_year: bool = True) -> ScopeRequest:
    """Read `[unit code | bureau] [year]` in either order; a year may be Gregorian or ROC (110)."""
    request = ScopeRequest()
    for raw in args:
        word = clean(raw).lower()
        if not request.unit_given and word in BUREAU_WORDS:
            request = ScopeRequest(True, None, request.year)
        elif not request.unit_given and word in plan.units_by_code:
            request = ScopeRequest(True, word, request.year)
        elif allow_year and request.year is None and _YEAR.match(word):
            request = ScopeRequest(request.unit_given, request.unit_code, _year(word))
        else:
            raise ScopeError(raw)
    return request


def _year(word: str) -> int:
    number = int(word)
    year = gregorian_year(number) if number <= MAX_ROC_YEAR else number
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise ScopeError(word)
    return year


class AwayProblem(StrEnum):
    """Why an /away date was not accepted; each has a message in the catalog."""

    USAGE = "usage"
    NOT_A_DATE = "not_a_date"
    PAST = "past"
    TOO_FAR = "too_far"


@dataclass(frozen=True)
class AwayInputError(Exception):
    """An /away argument that is not a usable date."""

    problem: AwayProblem


def parse_away_until(args: Sequence[str], today: date) -> date:
    """The last day away (inclusive): YYYY-MM-DD from today to a year ahead."""
    if len(args) != 1:
        raise AwayInputError(AwayProblem.USAGE)
    match = _ISO_DATE.match(clean(args[0]))
    if match is None:
        raise AwayInputError(AwayProblem.NOT_A_DATE)
    try:
        until = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as error:
        raise AwayInputError(AwayProblem.NOT_A_DATE) from error
    if until < today:
        raise AwayInputError(AwayProblem.PAST)
    if until > today + timedelta(days=MAX_AWAY_DAYS):
        raise AwayInputError(AwayProblem.TOO_FAR)
    return until
