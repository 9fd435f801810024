"""Proposals an admin confirms: a year's targets carried to another, a bureau target split among units."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from bot.core.plan import Indicator, Measure
from bot.core.targets import YearTargets


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
