"""Targets: the plan file's, merged with admins' amendments, and the one answer to "what is the target".

The plan file sets the targets of its periods; admins amend them and set them for years the file
has no period for (/target, /target carry, /allocate, the bulk import). Every amendment is
stored as a new version; the latest one of an indicator, year and scope (the bureau or a unit)
counts. `YearTargets.target` answers for the whole bot: standing, /targets, the export sheet.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum
from typing import Protocol

from bot.core.dates import EARLIEST_COMMAND_YEAR, command_year
from bot.core.figures import FigureInputError, FigureProblem, find_indicator, parse_amount, year_and_unit
from bot.core.plan import Indicator, Measure, Period, Plan
from bot.core.refused import InputRefused
from bot.core.text_input import clean

Scope = tuple[str, str | None]
"""An indicator id and a unit code (None = the bureau)."""


class Change(StrEnum):
    """How a target was amended (the audit action is `target.<value>`)."""

    SET = "set"
    CARRY = "carry"
    ALLOCATE = "allocate"
    IMPORT = "import"


@dataclass(frozen=True)
class Amendment:
    """One stored version of a target set by an admin (entered_by None = the command-line import)."""

    indicator: str
    year: int
    unit_code: str | None
    value: Decimal
    change: Change
    entered_by: int | None
    entered_at: datetime
    id: int = 0
    supersedes: int | None = None


@dataclass(frozen=True)
class Target:
    """A target and where it comes from: the plan file (amendment None) or an amendment."""

    value: Decimal
    amendment: Amendment | None = None

    @property
    def from_plan(self) -> bool:
        """Whether the plan file sets this target (no amendment overrides it)."""
        return self.amendment is None


class YearTargets:
    """The targets of one year: the plan file's period for it, overridden by the latest amendments."""

    def __init__(self, plan: Plan, year: int, amendments: Iterable[Amendment] = ()) -> None:
        self.plan = plan
        self.year = year
        self.period: Period | None = plan.period_for(year)
        latest: dict[Scope, Amendment] = {}
        for amendment in sorted(amendments, key=lambda a: a.id):
            if amendment.year == year:
                latest[(amendment.indicator, amendment.unit_code)] = amendment
        self._amended = latest

    def target(self, indicator_id: str, unit_code: str | None = None) -> Target | None:
        """The target of an indicator this year for the bureau (None) or a unit; None when none is set."""
        amendment = self._amended.get((indicator_id, unit_code))
        if amendment is not None:
            return Target(amendment.value, amendment)
        planned = self.period.target(indicator_id, self.year, unit_code) if self.period else None
        return None if planned is None else Target(planned)

    def value(self, indicator_id: str, unit_code: str | None = None) -> Decimal | None:
        """Only the value of `target`."""
        found = self.target(indicator_id, unit_code)
        return None if found is None else found.value

    def indicators(self) -> tuple[Indicator, ...]:
        """The year's indicators (its period's, or the latest plan's before it)."""
        return self.plan.indicators_for(self.year)

    def allocations(self, indicator_id: str) -> dict[str, Target]:
        """Unit code -> the unit's target of an indicator this year, in the plan's unit order."""
        found = {code: self.target(indicator_id, code) for code in self.plan.units_by_code}
        return {code: target for code, target in found.items() if target is not None}

    def every(self) -> list[tuple[Indicator, str | None, Target]]:
        """Every target of the year: per indicator, the bureau's first, then each unit's."""
        return [
            (indicator, code, target)
            for indicator in self.indicators()
            for code in (None, *self.plan.units_by_code)
            if (target := self.target(indicator.id, code)) is not None
        ]


def plan_spans(plan: Plan) -> str:
    """The years the plan file's periods cover: 民國107–110年 (2018–2021), ..."""
    return ", ".join(period.span() for period in plan.periods()) or "–"


class TargetsSource(Protocol):
    """Admins' amendments to the targets (storage's TargetRepo answers this)."""

    async def amendments_for(self, *, year: int) -> list[Amendment]:
        """The latest amendment of every indicator and scope of a Gregorian year."""
        ...


class NoAmendments:
    """A source without amendments: the plan file's targets alone."""

    async def amendments_for(self, *, year: int) -> list[Amendment]:
        """Nothing, for any year."""
        return []


NO_AMENDMENTS: TargetsSource = NoAmendments()


# ---------------------------------------------------------------------------------- reading commands
class TargetProblem(StrEnum):
    """Why /target carry or /allocate was refused; each has a message `targets.problem_<value>`."""

    CARRY_USAGE = "carry_usage"
    SAME_YEAR = "same_year"
    ALLOCATE_USAGE = "allocate_usage"
    SHARE_USAGE = "share_usage"
    DUPLICATE_UNIT = "duplicate_unit"
    NOT_SPLITTABLE = "not_splittable"
    NO_BUREAU_TARGET = "no_bureau_target"


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


# ---------------------------------------------------------------------------------- reading values
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
    return TargetRequest(indicator, value, year, unit_code)


# ---------------------------------------------------------------------------------- proposals
@dataclass(frozen=True)
class Proposed:
    """One target a proposal would store, with the value it replaces (None = none set)."""

    indicator: str
    unit_code: str | None
    value: Decimal
    current: Decimal | None


def fingerprint(items: Iterable[Proposed]) -> str:
    """Eight hex digits naming a proposal's content: a confirm button for another content is stale."""
    text = ";".join(f"{p.indicator}:{p.unit_code}:{p.value}:{p.current}" for p in items)
    return hashlib.sha256(text.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class CarryProposal:
    """Every target of one year proposed for another, and the old year's indicators the new one lacks."""

    source: YearTargets
    goal: YearTargets
    items: tuple[Proposed, ...]
    dropped: tuple[Indicator, ...]


def propose_carry(source: YearTargets, goal: YearTargets) -> CarryProposal:
    """Carry every target (bureau and units) of `source`'s year to `goal`'s year where it differs."""
    kept = {indicator.id for indicator in goal.indicators()}
    items = tuple(
        Proposed(indicator.id, code, target.value, goal.value(indicator.id, code))
        for indicator, code, target in source.every()
        if indicator.id in kept and goal.value(indicator.id, code) != target.value
    )
    dropped = tuple(indicator for indicator in source.indicators() if indicator.id not in kept)
    return CarryProposal(source, goal, items, dropped)


def can_auto_allocate(indicator: Indicator) -> bool:
    """Whether a bureau target splits into units' shares: a count officers report."""
    return indicator.measure is Measure.COUNT and indicator.is_officer_reported


def split(total: Decimal, weights: Mapping[str, int]) -> dict[str, Decimal]:
    """Whole shares of `total` in proportion to the weights, summing to it (largest remainders)."""
    weight_sum = sum(weights.values())
    whole = int(total)
    if weight_sum <= 0:
        return {}
    exact = {code: Decimal(whole) * weight / weight_sum for code, weight in weights.items() if weight > 0}
    shares = {code: value.to_integral_value(rounding=ROUND_FLOOR) for code, value in exact.items()}
    left = whole - int(sum(shares.values()))
    for code in sorted(exact, key=lambda c: (shares[c] - exact[c], list(exact).index(c)))[:left]:
        shares[code] += 1
    return shares


@dataclass(frozen=True)
class AllocationProposal:
    """A split of a bureau target among units, and what it was weighted by."""

    indicator: Indicator
    year: int
    bureau: Decimal | None
    items: tuple[Proposed, ...]
    weights: Mapping[str, int]
    by_officers: bool

    @property
    def total(self) -> Decimal:
        """The sum of the units' shares."""
        return sum((item.value for item in self.items), Decimal(0))


def propose_allocation(
    targets: YearTargets,
    indicator: Indicator,
    *,
    bureau: Decimal,
    last_year: Mapping[str, int],
    officers: Mapping[str, int],
) -> AllocationProposal:
    """Split the bureau target by last year's counts per unit, or by active officers without history."""
    by_officers = sum(last_year.values()) <= 0
    source = officers if by_officers else last_year
    weights = {code: source.get(code, 0) for code in targets.plan.units_by_code}
    return _allocation(targets, indicator, split(bureau, weights), weights, by_officers=by_officers)


def allocation_of(
    targets: YearTargets, indicator: Indicator, shares: Mapping[str, Decimal]
) -> AllocationProposal:
    """Shares typed by an admin, as an allocation beside the year's bureau target."""
    return _allocation(targets, indicator, shares, {}, by_officers=False)


def _allocation(
    targets: YearTargets,
    indicator: Indicator,
    shares: Mapping[str, Decimal],
    weights: Mapping[str, int],
    *,
    by_officers: bool,
) -> AllocationProposal:
    current = {code: targets.value(indicator.id, code) for code in shares}
    items = tuple(Proposed(indicator.id, code, share, current[code]) for code, share in shares.items())
    bureau = targets.value(indicator.id)
    return AllocationProposal(indicator, targets.year, bureau, items, weights, by_officers)
