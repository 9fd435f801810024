"""The mid-term plan: pydantic models for plan.json, loading and look-ups."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    model_validator,
)

ROC_OFFSET = 1911
MAX_ROC_YEAR = 199
_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
_WHITESPACE = re.compile(r"\s+")


class PlanError(Exception):
    """A plan file that cannot be read or does not validate; the message names the field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PlanProblems(ValueError):
    """Cross-field problems found by a model validator, each with a relative field path."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{path}: {msg}" for path, msg in self.problems))


class Kind(StrEnum):
    """Whether an indicator or goal is a key performance one or a common one."""

    KPI = "kpi"
    COMMON = "common"


class Direction(StrEnum):
    """Whether a higher or a lower value is better."""

    MORE = "more"
    LESS = "less"


class Measure(StrEnum):
    """How an indicator's value is obtained."""

    COUNT = "count"
    RATE = "rate"
    PERCENTAGE = "percentage"
    REDUCTION = "reduction"
    REFERENCE_ACHIEVEMENT = "reference_achievement"


class Reporter(StrEnum):
    """Who supplies the figures: officers daily, or admins."""

    OFFICERS = "officers"
    ADMINS = "admins"


def roc_year(gregorian_year: int) -> int:
    """Convert a Gregorian year to a ROC (民國) year."""
    return gregorian_year - ROC_OFFSET


def gregorian_year(roc: int) -> int:
    """Convert a ROC (民國) year to a Gregorian year."""
    return roc + ROC_OFFSET


def normalize_name(text: str) -> str:
    """Fold text for matching: NFKC, case-folded, trimmed, inner whitespace collapsed."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _WHITESPACE.sub(" ", folded).strip()


def _check_roc_year(key: str) -> str:
    """Accept a ROC year written as digits, e.g. '107'."""
    if not key.isascii() or not key.isdigit() or key.startswith("0"):
        raise ValueError(f"year key {key!r} is not a ROC year such as '107'")
    if not 1 <= int(key) <= MAX_ROC_YEAR:
        raise ValueError(
            f"year key {key!r} is not a ROC year (ROC = Gregorian - {ROC_OFFSET}, e.g. '107')"
        )
    return key


RocYearKey = Annotated[str, AfterValidator(_check_roc_year)]
Identifier = Annotated[str, Field(pattern=_ID_PATTERN)]
NonEmpty = Annotated[str, Field(min_length=1)]
YearTargets = dict[RocYearKey, Decimal]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class LocalizedText(BaseModel):
    """A text in Traditional Chinese and English."""

    model_config = _FROZEN

    zh: NonEmpty
    en: NonEmpty

    def get(self, lang: str) -> str:
        """Return the text in 'zh' or 'en' (anything not starting with 'en' gives zh)."""
        return self.en if lang.lower().startswith("en") else self.zh


class Unit(BaseModel):
    """A unit of the bureau (precinct or specialist corps)."""

    model_config = _FROZEN

    code: Identifier
    name: LocalizedText


class Goal(BaseModel):
    """A strategic goal (關鍵策略目標 or 共同性目標) grouping indicators."""

    model_config = _FROZEN

    id: Identifier
    kind: Kind
    number: Annotated[int, Field(ge=1)]
    name: LocalizedText
    dimension: LocalizedText


class Indicator(BaseModel):
    """A key performance or common indicator with its yearly targets."""

    model_config = _FROZEN

    id: Identifier
    kind: Kind
    goal: Identifier
    number: Annotated[int, Field(ge=1)]
    name: LocalizedText
    measure_text: LocalizedText
    unit: NonEmpty
    count_unit: NonEmpty | None = None
    direction: Direction
    measure: Measure
    reporter: Reporter
    aliases: tuple[NonEmpty, ...] = ()
    max_daily_count: Annotated[int, Field(ge=1)] | None = None
    targets: YearTargets = Field(default_factory=dict)
    unit_targets: dict[Identifier, YearTargets] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check_reporting(self) -> Indicator:
        """Officer-reported indicators need aliases, a daily maximum and a countable unit."""
        if self.reporter is Reporter.OFFICERS:
            problems = list(self._officer_problems())
            if problems:
                raise PlanProblems(problems)
        return self

    def _officer_problems(self) -> Iterable[tuple[str, str]]:
        """Yield what an officer-reported indicator lacks."""
        if self.measure not in (Measure.COUNT, Measure.REFERENCE_ACHIEVEMENT):
            yield "measure", f"officers report daily counts; {self.measure} is not one"
        if not self.aliases:
            yield "aliases", "an officer-reported indicator needs at least one alias"
        if self.max_daily_count is None:
            yield "max_daily_count", "an officer-reported indicator needs max_daily_count >= 1"
        if self.count_unit is None and self.unit == "%":
            yield "count_unit", "needed when the target is a percentage"
        for index, alias in enumerate(self.aliases):
            if not normalize_name(alias):
                yield f"aliases[{index}]", "alias is blank"

    @property
    def is_officer_reported(self) -> bool:
        """Whether officers report this indicator daily."""
        return self.reporter is Reporter.OFFICERS

    @property
    def daily_unit(self) -> str:
        """Unit of one daily count (count_unit, else the target's unit)."""
        return self.count_unit or self.unit

    def target(self, year: int) -> Decimal | None:
        """The first period's bureau-wide target as written here (judge through `bot.core.targets`)."""
        return self.targets.get(str(roc_year(year)))

    def unit_target(self, unit_code: str, year: int) -> Decimal | None:
        """The first period's allocation to a unit as written here, or None."""
        return self.unit_targets.get(unit_code, {}).get(str(roc_year(year)))


class Period(BaseModel):
    """One mid-term plan: its ROC years, its indicators (ids of the plan's) and their targets.

    A later plan keeps an indicator by listing its id (reports keep counting for it), adds one
    defined in the plan's `indicators`, renames one in `names`, and drops one by leaving it out.
    """

    model_config = _FROZEN

    title: LocalizedText
    first: Annotated[int, Field(ge=1, le=MAX_ROC_YEAR)]
    last: Annotated[int, Field(ge=1, le=MAX_ROC_YEAR)]
    indicators: tuple[Identifier, ...]
    names: dict[Identifier, LocalizedText] = Field(default_factory=dict)
    targets: dict[Identifier, YearTargets] = Field(default_factory=dict)
    unit_targets: dict[Identifier, dict[Identifier, YearTargets]] = Field(default_factory=dict)

    def covers(self, roc: int) -> bool:
        """Whether a ROC year belongs to the period."""
        return self.first <= roc <= self.last

    def span(self) -> str:
        """'民國107–110年 (2018–2021)'."""
        first, last = self.first, self.last
        return f"民國{first}–{last}年 ({gregorian_year(first)}–{gregorian_year(last)})"

    def target(self, indicator_id: str, year: int, unit_code: str | None = None) -> Decimal | None:
        """The period's target of an indicator for a Gregorian year, bureau-wide or a unit's."""
        by_year = (
            self.targets.get(indicator_id, {})
            if unit_code is None
            else self.unit_targets.get(indicator_id, {}).get(unit_code, {})
        )
        return by_year.get(str(roc_year(year)))

    def problems(self, plan: Plan) -> Iterable[tuple[str, str]]:
        """Yield what is wrong with the period inside the plan (unknown ids, years outside it)."""
        if self.last < self.first:
            yield "last", f"the period ends (民國{self.last}年) before it starts (民國{self.first}年)"
        defined = {indicator.id for indicator in plan.indicators}
        listed = set(self.indicators)
        yield from _duplicates("indicators", "", list(self.indicators))
        for index, indicator_id in enumerate(self.indicators):
            if indicator_id not in defined:
                yield f"indicators[{index}]", f"indicator {indicator_id!r} is not defined in the plan"
        for indicator_id in self.names:
            if indicator_id not in listed:
                yield f"names.{indicator_id}", f"{indicator_id!r} is renamed but not in the period"
        for indicator_id, by_year in self.targets.items():
            yield from self._targeted(f"targets.{indicator_id}", indicator_id, by_year, defined)
        codes = {unit.code for unit in plan.units}
        for indicator_id, by_unit in self.unit_targets.items():
            for code, by_year in by_unit.items():
                path = f"unit_targets.{indicator_id}.{code}"
                if code not in codes:
                    yield path, f"unknown unit {code!r}"
                yield from self._targeted(path, indicator_id, by_year, defined)

    def _targeted(
        self, path: str, indicator_id: str, by_year: YearTargets, defined: set[str]
    ) -> Iterable[tuple[str, str]]:
        if indicator_id not in defined:
            yield path, f"indicator {indicator_id!r} is targeted but not defined in the plan"
        elif indicator_id not in self.indicators:
            yield path, f"indicator {indicator_id!r} is targeted but not one of the period's indicators"
        for year in by_year:
            if not self.covers(int(year)):
                yield f"{path}.{year}", f"year {year} is outside the period (民國{self.first}–{self.last}年)"


class Plan(BaseModel):
    """The whole plan: goals, indicators, units and the mid-term periods after the first.

    The first period is the targets written in `indicators` (the source's 107–110 table);
    `later_periods` holds the plans after it.
    """

    model_config = _FROZEN

    title: LocalizedText
    source: str = ""
    goals: tuple[Goal, ...]
    indicators: tuple[Indicator, ...]
    units: tuple[Unit, ...] = ()
    later_periods: tuple[Period, ...] = ()

    _by_id: dict[str, Indicator] = PrivateAttr(default_factory=dict)
    _periods: list[Period] = PrivateAttr(default_factory=list)
    _in_period: dict[int, tuple[Indicator, ...]] = PrivateAttr(default_factory=dict)
    _by_name: dict[str, Indicator] = PrivateAttr(default_factory=dict)
    _units: dict[str, Unit] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _check_references(self) -> Plan:
        """Ids are unique, goals and units exist, aliases do not clash."""
        problems = [
            *_duplicates("goals", "id", [g.id for g in self.goals]),
            *_duplicates("indicators", "id", [i.id for i in self.indicators]),
            *_duplicates("units", "code", [u.code for u in self.units]),
            *self._goal_problems(),
            *self._unit_target_problems(),
            *_alias_clashes(self.indicators),
            *self._period_problems(),
        ]
        if problems:
            raise PlanProblems(problems)
        return self

    def _goal_problems(self) -> Iterable[tuple[str, str]]:
        """Yield indicators whose goal is unknown or of another kind, or numbered twice."""
        goals = {goal.id: goal for goal in self.goals}
        seen: set[tuple[str, int]] = set()
        for index, indicator in enumerate(self.indicators):
            goal = goals.get(indicator.goal)
            if goal is None:
                yield f"indicators[{index}].goal", f"unknown goal {indicator.goal!r}"
            elif goal.kind is not indicator.kind:
                yield f"indicators[{index}].kind", f"{indicator.kind} but goal is {goal.kind}"
            key = (indicator.goal, indicator.number)
            if key in seen:
                yield f"indicators[{index}].number", f"number {indicator.number} used twice"
            seen.add(key)

    def _unit_target_problems(self) -> Iterable[tuple[str, str]]:
        """Yield unit allocations that name a unit not in the plan."""
        codes = {unit.code for unit in self.units}
        for index, indicator in enumerate(self.indicators):
            for code in indicator.unit_targets:
                if code not in codes:
                    yield f"indicators[{index}].unit_targets.{code}", f"unknown unit {code!r}"

    def _period_problems(self) -> Iterable[tuple[str, str]]:
        """Yield problems inside each later period, and periods whose years overlap another's."""
        first = _first_period(self)
        earlier = [("the first period (targets in indicators)", first)] if first else []
        for index, period in enumerate(self.later_periods):
            prefix = f"later_periods[{index}]"
            for path, message in period.problems(self):
                yield _join_path(prefix, path), message
            for name, other in earlier:
                if period.first <= other.last and other.first <= period.last:
                    years = f"民國{period.first}–{period.last}年 overlaps {name}"
                    yield f"{prefix}.first", f"{years}, 民國{other.first}–{other.last}年"
            earlier.append((f"later_periods[{index}]", period))

    def model_post_init(self, context: Any, /) -> None:
        """Build the look-up indexes."""
        self._by_id.update((i.id, i) for i in self.indicators)
        self._units.update((u.code, u) for u in self.units)
        for indicator in self.indicators:
            for name in (indicator.id, *indicator.aliases):
                self._by_name.setdefault(normalize_name(name), indicator)
        first = _first_period(self)
        every = [first, *self.later_periods] if first else list(self.later_periods)
        self._periods.extend(sorted(every, key=lambda period: period.first))
        for index, period in enumerate(self._periods):
            self._in_period[index] = tuple(
                indicator.model_copy(update={"name": period.names[indicator.id]})
                if indicator.id in period.names
                else indicator
                for indicator in self.indicators
                if indicator.id in period.indicators
            )

    def periods(self) -> tuple[Period, ...]:
        """Every mid-term period, the first (targets in `indicators`) included, in year order."""
        return tuple(self._periods)

    def period_for(self, year: int) -> Period | None:
        """The period a Gregorian year belongs to, or None when no plan covers it."""
        return next((period for period in self._periods if period.covers(roc_year(year))), None)

    def indicators_for(self, year: int) -> tuple[Indicator, ...]:
        """The indicators of a Gregorian year, named as its period names them.

        A year outside every period takes the indicators of the latest period before it (a
        plan carried forward), or of the first period when it comes before them all.
        """
        if not self._periods:
            return self.indicators
        roc = roc_year(year)
        before = [index for index, period in enumerate(self._periods) if period.first <= roc]
        return self._in_period[before[-1] if before else 0]

    def plan_target(self, indicator_id: str, year: int, unit_code: str | None = None) -> Decimal | None:
        """The plan file's target of an indicator for a Gregorian year, bureau-wide or a unit's."""
        period = self.period_for(year)
        return period.target(indicator_id, year, unit_code) if period else None

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id; KeyError if unknown."""
        return self._by_id[indicator_id]

    def officer_indicators(self) -> list[Indicator]:
        """Indicators officers report daily, in file order."""
        return [i for i in self.indicators if i.reporter is Reporter.OFFICERS]

    def admin_indicators(self) -> list[Indicator]:
        """Indicators admins enter, in file order."""
        return [i for i in self.indicators if i.reporter is Reporter.ADMINS]

    def kpis(self) -> list[Indicator]:
        """Key performance indicators, in file order."""
        return [i for i in self.indicators if i.kind is Kind.KPI]

    def common_indicators(self) -> list[Indicator]:
        """Common indicators, in file order."""
        return [i for i in self.indicators if i.kind is Kind.COMMON]

    def goal(self, goal_id: str) -> Goal:
        """The goal with this id; KeyError if unknown."""
        for goal in self.goals:
            if goal.id == goal_id:
                return goal
        raise KeyError(goal_id)

    def resolve_indicator(self, text: str) -> Indicator | None:
        """Find an indicator by id or alias (case, width and spacing ignored)."""
        return self._by_name.get(normalize_name(text))

    def unit(self, code: str) -> Unit | None:
        """The unit with this code, or None."""
        return self._units.get(code)

    @property
    def units_by_code(self) -> Mapping[str, Unit]:
        """Units keyed by code (read-only)."""
        return MappingProxyType(self._units)

    def roc_years(self) -> list[int]:
        """ROC years for which any period sets a target, ascending."""
        keys = {int(year) for period in self._periods for y in period.targets.values() for year in y}
        return sorted(keys)

    def years(self) -> list[int]:
        """Gregorian years for which any target is set, ascending."""
        return [gregorian_year(year) for year in self.roc_years()]


def _first_period(plan: Plan) -> Period | None:
    """The first period: the targets written in the indicators themselves (None when there are none)."""
    targeted = [i for i in plan.indicators if i.targets or i.unit_targets]
    years = [int(year) for i in targeted for t in (i.targets, *i.unit_targets.values()) for year in t]
    if not years:
        return None
    return Period(
        title=plan.title,
        first=min(years),
        last=max(years),
        indicators=tuple(i.id for i in targeted),
        targets={i.id: i.targets for i in targeted if i.targets},
        unit_targets={i.id: i.unit_targets for i in targeted if i.unit_targets},
    )


def _duplicates(field: str, key: str, values: Sequence[str]) -> Iterable[tuple[str, str]]:
    """Yield every repeated value after its first occurrence (key "" when the value is the item)."""
    first: dict[str, int] = {}
    for index, value in enumerate(values):
        if value in first:
            earlier = f"{field}[{first[value]}]"
            path = f"{field}[{index}].{key}" if key else f"{field}[{index}]"
            yield path, f"duplicate {value!r} (first at {earlier})"
        first.setdefault(value, index)


def _alias_clashes(indicators: Sequence[Indicator]) -> Iterable[tuple[str, str]]:
    """Yield aliases that, once normalised, name another indicator too."""
    owners = {normalize_name(i.id): i.id for i in indicators}
    for index, indicator in enumerate(indicators):
        for alias_index, alias in enumerate(indicator.aliases):
            folded = normalize_name(alias)
            owner = owners.setdefault(folded, indicator.id)
            if owner != indicator.id:
                yield (
                    f"indicators[{index}].aliases[{alias_index}]",
                    f"alias {alias!r} already names {owner!r}",
                )


def load_plan(path: str | Path) -> Plan:
    """Read and validate plan.json; raise PlanError naming the file and failing field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(f"{path}: cannot read plan file: {exc}") from exc
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise PlanError(
            f"{path}: line {exc.lineno}, column {exc.colno}: invalid JSON: {exc.msg}"
        ) from exc
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        raise PlanError(_format_errors(path, exc)) from exc


def _format_errors(path: Path, exc: ValidationError) -> str:
    """One line per problem: file, field path, message."""
    lines = [f"{path}: {field}: {message}" for field, message in _flatten_errors(exc)]
    return "\n".join(lines)


def _flatten_errors(exc: ValidationError) -> Iterable[tuple[str, str]]:
    """Yield (field path, message) for each pydantic error, expanding PlanProblems."""
    for error in exc.errors():
        prefix = format_loc(error["loc"])
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, PlanProblems):
            for relative, message in cause.problems:
                yield _join_path(prefix, relative), message
        elif isinstance(cause, ValueError):
            yield prefix or "(root)", str(cause)
        else:
            yield prefix or "(root)", error["msg"]


def format_loc(loc: Sequence[int | str]) -> str:
    """Render a pydantic location as 'indicators[3].targets.107'."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part != "[key]":
            path += f".{part}" if path else part
    return path


def _join_path(prefix: str, relative: str) -> str:
    """Append a relative field path to a prefix."""
    if not prefix:
        return relative
    return prefix + (relative if relative.startswith("[") else f".{relative}")


def _year_span(plan: Plan) -> str:
    """'民國107–110年 (2018–2021)', or 'none' when no year has a target."""
    roc = plan.roc_years()
    if not roc:
        return "none"
    first, last = roc[0], roc[-1]
    return f"民國{first}–{last}年 ({gregorian_year(first)}–{gregorian_year(last)})"


def plan_summary(plan: Plan) -> str:
    """A short plain-text summary for the operator (python -m bot check-plan)."""
    kpi_goals = sum(1 for goal in plan.goals if goal.kind is Kind.KPI)
    officer_ids = ", ".join(i.id for i in plan.officer_indicators()) or "none"
    return "\n".join(
        [
            f"{plan.title.zh} / {plan.title.en}",
            f"years: {_year_span(plan)}",
            f"goals: {len(plan.goals)} ({kpi_goals} strategic, "
            f"{len(plan.goals) - kpi_goals} common)",
            f"indicators: {len(plan.kpis())} KPIs, {len(plan.common_indicators())} common",
            f"units: {len(plan.units)}",
            f"officer-reported: {officer_ids}",
            *(
                f"period {period.span()}: {period.title.en}, {len(period.indicators)} indicators"
                for period in plan.periods()
            ),
        ]
    )
