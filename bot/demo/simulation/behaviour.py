"""What each officer does on each day: pure, deterministic with a seed, day after day.

The same model feeds the simulator (through the bot) and the history generator (through
storage), so years of generated history look like the weeks the demo drives over HTTP.

Rates are counts per officer per duty day, chosen so that a full-strength bureau lands near
the plan's yearly targets: traffic officers stop most drunk drivers, the women and children
corps handles most domestic-violence and protection-order cases, prevention talks are given
mostly in the precincts, and trafficking rings are rare.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from bot.demo.simulation.bureau import Habit, Person

REPORTING_TIME = time(21, 0)
"""When, in the bureau's time zone, officers send the day's reports (end of the day shift)."""
PRECINCTS = ("p1", "p2", "p3", "p4")
DEFAULT_RATES: Mapping[str, float] = {"prevention_talks": 0.00002, "dui": 0.0004}
UNIT_RATES: Mapping[str, Mapping[str, float]] = {
    **{p: {"prevention_talks": 0.00026, "dui": 0.0027, "protection_order": 0.00016,
           "domestic_violence": 0.00022} for p in PRECINCTS},
    "traffic": {"dui": 0.026, "prevention_talks": 0.00005},
    "women_children": {"protection_order": 0.0027, "domestic_violence": 0.0046,
                       "prevention_talks": 0.0004, "trafficking": 0.00013},
    "juvenile": {"prevention_talks": 0.0004, "domestic_violence": 0.0002},
    "cid": {"trafficking": 0.00008, "domestic_violence": 0.00016, "dui": 0.0004},
    "security": {"dui": 0.0012},
    "hq": {"prevention_talks": 0.00004},
}  # fmt: skip
"""Expected count per officer per duty day, by unit and indicator."""

SAME_DAY = {Habit.DILIGENT: 0.97, Habit.REGULAR: 0.85, Habit.FORGETFUL: 0.55}
"""Chance that an officer with something to report reports it the same day."""
LATE = {Habit.DILIGENT: 0.8, Habit.REGULAR: 0.6, Habit.FORGETFUL: 0.4}
"""Chance that a forgotten report is sent the next day (dated yesterday)."""
SAYS_NOTHING = {Habit.DILIGENT: 0.92, Habit.REGULAR: 0.7, Habit.FORGETFUL: 0.3}
"""Chance that an officer who taps 'nothing to report' does so on a quiet duty day."""
AWAY_START = 1 / 150
"""Chance per day of starting leave, training or sick leave."""
AWAY_DAYS = (3, 14)
NOTE_SHARE = 0.1
NOTES = {
    "prevention_talks": ("社區反詐騙宣導", "校園法治教育", "銀髮族防詐講座"),
    "dui": ("路檢", "專案勤務"),
    "domestic_violence": ("轄區通報",),
    "protection_order": ("夜間訪查",),
    "trafficking": ("專案查緝",),
}


@dataclass(frozen=True, slots=True)
class Count:
    """A count an officer reports: what, how many, for which day, with an optional note."""

    indicator: str
    count: int
    day: date
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Activity:
    """What one officer tells the bot on one day (possibly nothing at all)."""

    person: Person
    day: date
    counts: tuple[Count, ...] = ()
    nothing_day: date | None = None

    @property
    def silent(self) -> bool:
        """Whether the officer says nothing today."""
        return not self.counts and self.nothing_day is None


@dataclass
class _State:
    rng: random.Random
    away_until: date | None = None
    pending: tuple[Count, ...] = ()
    last_day: date | None = None


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw by inverting the distribution function (one uniform draw when zero)."""
    uniform = rng.random()
    term = cdf = math.exp(-mean)
    count = 0
    while uniform >= cdf and term > 0:
        count += 1
        term *= mean / count
        cdf += term
    return count


def rates_for(unit_code: str) -> Mapping[str, float]:
    """Expected count per duty day for each indicator in a unit."""
    return UNIT_RATES.get(unit_code, DEFAULT_RATES)


@dataclass
class Population:
    """Officers' day-by-day behaviour; call `day()` for consecutive dates."""

    officers: Sequence[Person]
    seed: int = 0
    indicators: frozenset[str] | None = None
    _states: dict[int, _State] = field(default_factory=dict)
    _cumulative: dict[str, list[tuple[str, float]]] = field(default_factory=dict)

    def _state(self, person: Person) -> _State:
        state = self._states.get(person.index)
        if state is None:
            state = _State(random.Random(self.seed * 1_000_003 + person.index))
            self._states[person.index] = state
        return state

    def day(self, day: date) -> Iterator[Activity]:
        """What every officer does on `day`, in roster order (silent ones included)."""
        for person in self.officers:
            yield self._activity(person, self._state(person), day)

    def _activity(self, person: Person, state: _State, day: date) -> Activity:
        if state.last_day is not None and day != state.last_day + timedelta(days=1):
            raise ValueError(f"days must follow each other: {state.last_day} then {day}")
        state.last_day = day
        rng = state.rng
        late = state.pending if state.pending and rng.random() < LATE[person.habit] else ()
        state.pending = ()
        if state.away_until is not None and day <= state.away_until:
            return Activity(person, day)
        if rng.random() < AWAY_START:
            state.away_until = day + timedelta(days=rng.randint(*AWAY_DAYS) - 1)
            return Activity(person, day)
        if day.weekday() in person.rest_weekdays:
            return Activity(person, day, counts=late)
        counts = self._counts(person, rng, day)
        if counts and rng.random() >= SAME_DAY[person.habit]:
            state.pending, counts = counts, ()
        if counts or late:
            return Activity(person, day, counts=late + counts)
        says_nothing = person.taps_nothing and rng.random() < SAYS_NOTHING[person.habit]
        return Activity(person, day, nothing_day=day if says_nothing else None)

    def _counts(self, person: Person, rng: random.Random, day: date) -> tuple[Count, ...]:
        """Draw the day's events for all indicators at once, then which indicator each is."""
        rates = self._rates(person.unit_code)
        events = poisson(rng, rates[-1][1]) if rates else 0
        if not events:
            return ()
        counts: dict[str, int] = {}
        for _ in range(events):
            pick = rng.random() * rates[-1][1]
            indicator = next((name for name, upper in rates if pick < upper), rates[-1][0])
            counts[indicator] = counts.get(indicator, 0) + 1
        return tuple(
            Count(name, count, day, rng.choice(NOTES[name]) if rng.random() < NOTE_SHARE else None)
            for name, count in counts.items()
        )

    def _rates(self, unit_code: str) -> list[tuple[str, float]]:
        """(indicator, cumulative rate) for a unit's indicators, cached."""
        cached = self._cumulative.get(unit_code)
        if cached is None:
            cached, total = [], 0.0
            for indicator, rate in rates_for(unit_code).items():
                if self.indicators is None or indicator in self.indicators:
                    total += rate
                    cached.append((indicator, total))
            self._cumulative[unit_code] = cached
        return cached
