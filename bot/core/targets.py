"""Targets: the plan file's, merged with admins' amendments, and the one answer to "what is the target".

The plan file sets the targets of its periods; admins amend them and set them for years the file
has no period for (/target, /target carry, /allocate, the bulk import). Every amendment is
stored as a new version; the latest one of an indicator, year and scope (the bureau or a unit)
counts. `YearTargets.target` answers for the whole bot: standing, /targets, the export sheet.
Reading the commands is `bot.core.targets_input`'s; carry and allocation proposals are
`bot.core.targets_proposals`'.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from bot.core.plan import Indicator, Period, Plan

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
