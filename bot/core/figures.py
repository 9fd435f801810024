"""Figures admins enter with /set: which indicators take one, parsing and sane ranges.

Pure functions of text, numbers and the plan. What a value means depends on the
indicator's measure:

- rate: `numerator/denominator` (e.g. cases cleared / cases occurred, `412/480`);
- percentage: `85` or `85%`;
- reduction: the year's figure itself (e.g. A1 deaths in that year); the reduction is
  the previous year's figure minus this one;
- reference achievement: the National Police Agency's reference count for the year;
  the officers' reported counts are measured against it;
- count (an admin-reported count): the year's total.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from bot.core.dates import EARLIEST_COMMAND_YEAR, command_year, looks_like_year
from bot.core.numbers import number
from bot.core.plan import Indicator, Measure, Plan, Reporter, normalize_name
from bot.core.progress import Actuals
from bot.core.refused import InputRefused
from bot.core.text_input import clean, parse_int

# Sane ranges, all in one place. A rate may pass 100 % (cases of earlier years cleared
# this year, more cameras built than planned) but not 200 %; a percentage may be
# negative (a shrinking staff, an overspent budget) but not below -100 %.
MAX_RATE_PART = 10_000_000
MAX_RATE_PERCENT = Decimal(200)
MIN_PERCENTAGE = Decimal(-100)
MAX_PERCENTAGE = Decimal(200)
MAX_DECIMALS = 2
MAX_YEARLY_FIGURE = 1_000_000
HUNDRED = Decimal(100)

_DECIMAL = re.compile(r"^[+-]?\d{1,9}(?:\.\d{1,9})?$")

class FigureProblem(StrEnum):
    """Why a /set was not accepted; each has a message `figure.problem_<value>` in the catalog."""

    USAGE = "usage"
    UNKNOWN_INDICATOR = "unknown_indicator"
    NOT_SETTABLE = "not_settable"
    NOT_A_RATE = "not_a_rate"
    ZERO_DENOMINATOR = "zero_denominator"
    RATE_TOO_HIGH = "rate_too_high"
    NOT_A_PERCENTAGE = "not_a_percentage"
    PERCENTAGE_OUT_OF_RANGE = "percentage_out_of_range"
    NOT_A_WHOLE_NUMBER = "not_a_whole_number"
    NUMBER_OUT_OF_RANGE = "number_out_of_range"
    BAD_YEAR = "bad_year"
    UNKNOWN_UNIT = "unknown_unit"


class FigureInputError(InputRefused[FigureProblem]):
    """Input that cannot become a figure, with the values the answer needs."""


@dataclass(frozen=True)
class FigureValue:
    """A validated value: `value` alone, or `value / denominator` for a rate."""

    value: Decimal
    denominator: Decimal | None = None

    def text(self) -> str:
        """The value as an admin would type it: 412/480, 85, 12."""
        shown = number(self.value, MAX_DECIMALS)
        return shown if self.denominator is None else f"{shown}/{number(self.denominator, MAX_DECIMALS)}"


@dataclass(frozen=True)
class SetRequest:
    """A validated /set: which indicator, what value, for which year and unit (None = bureau)."""

    indicator: Indicator
    value: FigureValue
    year: int
    unit_code: str | None


def is_settable(indicator: Indicator) -> bool:
    """Whether admins enter a figure for the indicator (admin-reported, or an NPA reference)."""
    return indicator.reporter is Reporter.ADMINS or indicator.measure is Measure.REFERENCE_ACHIEVEMENT


def settable_indicators(plan: Plan) -> list[Indicator]:
    """Indicators that take a figure from admins, in plan order."""
    return [indicator for indicator in plan.indicators if is_settable(indicator)]


def find_indicator(plan: Plan, text: str) -> Indicator:
    """Find an indicator by id, alias or full name; refuse a name the plan does not know."""
    indicator = plan.resolve_indicator(text)
    if indicator is None:
        folded = normalize_name(text)
        indicator = next(
            (i for i in plan.indicators if folded in {normalize_name(i.name.zh), normalize_name(i.name.en)}),
            None,
        )
    if indicator is None:
        raise FigureInputError(FigureProblem.UNKNOWN_INDICATOR, {"given": text})
    return indicator


def resolve_settable(plan: Plan, text: str) -> Indicator:
    """Find an indicator by id, alias or full name, and check that admins set it."""
    indicator = find_indicator(plan, text)
    if not is_settable(indicator):
        raise FigureInputError(FigureProblem.NOT_SETTABLE, {"indicator": indicator.id})
    return indicator


def _decimal(text: str) -> Decimal | None:
    """A plain decimal number such as 85 or 85.5 (commas as thousands separators allowed)."""
    text = text.replace(",", "")
    if not _DECIMAL.match(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
        return None


def _decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _parse_rate(text: str) -> FigureValue:
    parts = text.split("/")
    numbers = [parse_int(part) for part in parts] if len(parts) == 2 else []
    counts = [number for number in numbers if number is not None and number >= 0]
    if len(counts) != 2:
        raise FigureInputError(FigureProblem.NOT_A_RATE)
    numerator, denominator = counts
    if denominator == 0:
        raise FigureInputError(FigureProblem.ZERO_DENOMINATOR)
    if numerator > MAX_RATE_PART or denominator > MAX_RATE_PART:
        raise FigureInputError(FigureProblem.NUMBER_OUT_OF_RANGE, {"minimum": 0, "maximum": MAX_RATE_PART})
    if Decimal(numerator) / Decimal(denominator) * HUNDRED > MAX_RATE_PERCENT:
        raise FigureInputError(FigureProblem.RATE_TOO_HIGH, {"maximum": MAX_RATE_PERCENT})
    return FigureValue(Decimal(numerator), Decimal(denominator))


def _parse_percentage(text: str) -> FigureValue:
    value = _decimal(text.removesuffix("%").strip())
    if value is None or _decimals(value) > MAX_DECIMALS:
        raise FigureInputError(FigureProblem.NOT_A_PERCENTAGE, {"places": MAX_DECIMALS})
    if not MIN_PERCENTAGE <= value <= MAX_PERCENTAGE:
        raise FigureInputError(
            FigureProblem.PERCENTAGE_OUT_OF_RANGE, {"minimum": MIN_PERCENTAGE, "maximum": MAX_PERCENTAGE}
        )
    return FigureValue(value)


def _parse_whole(text: str, minimum: int) -> FigureValue:
    value = parse_int(text)
    if value is None:
        raise FigureInputError(FigureProblem.NOT_A_WHOLE_NUMBER)
    if not minimum <= value <= MAX_YEARLY_FIGURE:
        raise FigureInputError(
            FigureProblem.NUMBER_OUT_OF_RANGE, {"minimum": minimum, "maximum": MAX_YEARLY_FIGURE}
        )
    return FigureValue(Decimal(value))


def parse_value(indicator: Indicator, text: str) -> FigureValue:
    """Read a value typed for an indicator, checked against its measure and a sane range."""
    text = clean(text)
    match indicator.measure:
        case Measure.RATE:
            return _parse_rate(text)
        case Measure.PERCENTAGE:
            return _parse_percentage(text)
        case Measure.REFERENCE_ACHIEVEMENT:
            return _parse_whole(text, minimum=1)
        case Measure.REDUCTION | Measure.COUNT:
            return _parse_whole(text, minimum=0)


def parse_set(words: list[str], *, plan: Plan, today: date) -> SetRequest:
    """Parse the words after /set: `<indicator> <value> [year] [unit code]` (year and unit in any order)."""
    if len(words) < 2 or len(words) > 4:
        raise FigureInputError(FigureProblem.USAGE)
    indicator = resolve_settable(plan, words[0])
    value = parse_value(indicator, words[1])
    year, unit_code = year_and_unit(words[2:], plan=plan, today=today)
    return SetRequest(indicator=indicator, value=value, year=year, unit_code=unit_code)


def year_and_unit(words: list[str], *, plan: Plan, today: date) -> tuple[int, str | None]:
    """`[year] [unit code]` in any order: the year (this year by default) and the unit (None = bureau)."""
    year: int | None = None
    unit_code: str | None = None
    for word in words:
        if looks_like_year(word) and year is None:
            year = command_year(word, today)
            if year is None:
                raise FigureInputError(
                    FigureProblem.BAD_YEAR, {"minimum": EARLIEST_COMMAND_YEAR, "maximum": today.year + 1}
                )
        elif not looks_like_year(word) and unit_code is None:
            unit_code = clean(word).lower()
            if plan.unit(unit_code) is None:
                raise FigureInputError(FigureProblem.UNKNOWN_UNIT, {"given": word})
        else:
            raise FigureInputError(FigureProblem.USAGE)
    return year or today.year, unit_code


def parse_amount(text: str, *, percent: bool) -> FigureValue:
    """A percentage or a whole number from 0, read and range-checked exactly as /set reads them."""
    return _parse_percentage(clean(text)) if percent else _parse_whole(clean(text), minimum=0)


def actuals_from(measure: Measure, value: FigureValue) -> Actuals:
    """The Actuals field a stored figure fills (reduction figures are combined by the caller)."""
    match measure:
        case Measure.RATE:
            return Actuals(numerator=value.value, denominator=value.denominator)
        case Measure.PERCENTAGE:
            return Actuals(percentage=value.value)
        case Measure.REFERENCE_ACHIEVEMENT:
            return Actuals(reference=value.value)
        case Measure.REDUCTION:
            return Actuals(this_year=value.value)
        case Measure.COUNT:
            return Actuals(count=int(value.value))
