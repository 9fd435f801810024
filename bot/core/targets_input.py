"""Reading /target, /target carry and /allocate: values as /set reads them, years, unit shares."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from bot.core.dates import EARLIEST_COMMAND_YEAR, command_year
from bot.core.figures import FigureInputError, FigureProblem, find_indicator, parse_amount, year_and_unit
from bot.core.plan import Indicator, Plan
from bot.core.refused import InputRefused
from bot.core.targets_proposals import can_auto_allocate
from bot.core.text_input import clean


def takes_percent(indicator: Indicator) -> bool:
    """Whether the indicator's target is a percentage (rates, percentages, the DUI achievement)."""
    return indicator.unit == "%"


def parse_target(indicator: Indicator, text: str) -> Decimal:
    """A target value typed for an indicator: a percentage or a whole number, as /set reads them."""
    return parse_amount(text, percent=takes_percent(indicator)).value


@dataclass(frozen=True)
class TargetRequest:
    """A validated `/target <indicator> <value> [year] [unit code]`."""

    indicator: Indicator
    value: Decimal
    year: int
    unit_code: str | None


def parse_target_command(words: list[str], *, plan: Plan, today: date) -> TargetRequest:
    """Parse the words after /target (year and unit in any order, this year and the bureau by default)."""
    if not 2 <= len(words) <= 4:
        raise FigureInputError(FigureProblem.USAGE)
    indicator = find_indicator(plan, words[0])
    value = parse_target(indicator, words[1])
    year, unit_code = year_and_unit(words[2:], plan=plan, today=today)
    check_in_year(plan, indicator, year)
    return TargetRequest(indicator, value, year, unit_code)


def check_in_year(plan: Plan, indicator: Indicator, year: int) -> None:
    """Refuse a target for an indicator the year's plan period dropped."""
    if all(kept.id != indicator.id for kept in plan.indicators_for(year)):
        raise TargetInputError(TargetProblem.NOT_IN_YEAR, {"indicator": indicator.id, "year": year})


class TargetProblem(StrEnum):
    """Why /target or /allocate was refused; each has a message `targets.problem_<value>`."""

    CARRY_USAGE = "carry_usage"
    SAME_YEAR = "same_year"
    ALLOCATE_USAGE = "allocate_usage"
    SHARE_USAGE = "share_usage"
    DUPLICATE_UNIT = "duplicate_unit"
    NOT_SPLITTABLE = "not_splittable"
    NO_BUREAU_TARGET = "no_bureau_target"
    NOT_IN_YEAR = "not_in_year"


class TargetInputError(InputRefused[TargetProblem]):
    """Input that cannot become a carry or an allocation, with the values the answer needs."""


def _year(word: str, today: date) -> int:
    year = command_year(word, today)
    if year is None:
        span: dict[str, object] = {"minimum": EARLIEST_COMMAND_YEAR, "maximum": today.year + 1}
        raise FigureInputError(FigureProblem.BAD_YEAR, span)
    return year


def parse_carry(words: list[str], *, today: date) -> tuple[int, int]:
    """The two years after `/target carry`: from which year, to which."""
    if len(words) != 2:
        raise TargetInputError(TargetProblem.CARRY_USAGE)
    source, goal = (_year(word, today) for word in words)
    if source == goal:
        raise TargetInputError(TargetProblem.SAME_YEAR, {"year": source})
    return source, goal


@dataclass(frozen=True)
class AllocationRequest:
    """A validated /allocate: the indicator, the year, and each unit's share (None = propose by history)."""

    indicator: Indicator
    year: int
    shares: Mapping[str, Decimal] | None


def parse_allocation(words: list[str], *, plan: Plan, today: date) -> AllocationRequest:
    """Parse `/allocate <indicator> <year> p1=12 p2=10 …` or `/allocate <indicator> <year> auto`."""
    if len(words) < 3:
        raise TargetInputError(TargetProblem.ALLOCATE_USAGE)
    indicator = find_indicator(plan, words[0])
    year = _year(words[1], today)
    check_in_year(plan, indicator, year)
    if len(words) == 3 and clean(words[2]).lower() == "auto":
        if not can_auto_allocate(indicator):
            raise TargetInputError(TargetProblem.NOT_SPLITTABLE, {"indicator": indicator.id})
        return AllocationRequest(indicator, year, None)
    shares: dict[str, Decimal] = {}
    for word in words[2:]:
        code, equals, value = clean(word).partition("=")
        code = code.strip().lower()
        if not equals or not code or not value:
            raise TargetInputError(TargetProblem.SHARE_USAGE, {"given": word})
        if plan.unit(code) is None:
            raise FigureInputError(FigureProblem.UNKNOWN_UNIT, {"given": code})
        if code in shares:
            raise TargetInputError(TargetProblem.DUPLICATE_UNIT, {"unit": code})
        shares[code] = parse_target(indicator, value)
    return AllocationRequest(indicator, year, shares)
