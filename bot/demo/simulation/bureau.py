"""Who works in the simulated bureau: officers of every unit, a chief per unit, an admin."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.core.domain import Role
from bot.core.plan import Plan

BUREAU_STRENGTH = 1154
"""Officers who report, across all units (the bureau's strength)."""

UNIT_WEIGHTS: Mapping[str, int] = {
    "hq": 120,
    "p1": 190,
    "p2": 170,
    "p3": 180,
    "p4": 175,
    "cid": 95,
    "traffic": 85,
    "security": 70,
    "women_children": 30,
    "juvenile": 39,
}
"""Officers per unit at full strength (sums to BUREAU_STRENGTH); other units weigh 50."""

FIRST_OFFICER_ID = 7_000_001
FIRST_CHIEF_ID = 6_000_001
ADMIN_ID = 9_000_001
ENGLISH_SHARE = 0.08
GUIDED_SHARE = 0.15
TAPS_NOTHING_SHARE = 0.55
HABIT_SHARES = (("diligent", 0.45), ("regular", 0.35), ("forgetful", 0.20))

_SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周葉蘇莊呂江何蕭羅高潘簡朱鍾游彭詹胡施沈余盧梁"
_GIVEN = "志明建宏俊傑家豪冠宇承翰宗翰彥廷雅婷怡君淑芬美玲欣怡佳穎詩涵子軒柏翰宇軒品妤思妤冠廷信宏文彬國華"


class Habit(StrEnum):
    """How reliably an officer reports."""

    DILIGENT = "diligent"
    REGULAR = "regular"
    FORGETFUL = "forgetful"


class Channel(StrEnum):
    """How an officer tells the bot about counts."""

    ONE_LINE = "one_line"
    GUIDED = "guided"


@dataclass(frozen=True, slots=True)
class Person:
    """One simulated Telegram user of the bureau."""

    index: int
    telegram_id: int
    name: str
    unit_code: str
    role: Role
    language_code: str
    habit: Habit
    channel: Channel
    taps_nothing: bool
    rest_weekdays: tuple[int, int]

    @property
    def english(self) -> bool:
        """Whether the person's Telegram is set to English."""
        return self.language_code.startswith("en")


@dataclass(frozen=True)
class Roster:
    """Everyone in the simulated bureau."""

    officers: tuple[Person, ...]
    chiefs: tuple[Person, ...]
    admin: Person

    @property
    def everyone(self) -> tuple[Person, ...]:
        """Admin, chiefs and officers."""
        return (self.admin, *self.chiefs, *self.officers)

    def unit_strength(self) -> dict[str, int]:
        """Officers per unit code."""
        strength: dict[str, int] = {}
        for officer in self.officers:
            strength[officer.unit_code] = strength.get(officer.unit_code, 0) + 1
        return strength


def allocate(total: int, weights: Sequence[tuple[str, int]]) -> dict[str, int]:
    """Split `total` people over units in proportion to the weights, at least one each."""
    if total < len(weights):
        raise ValueError(f"{total} officers cannot staff {len(weights)} units")
    whole = sum(weight for _, weight in weights)
    shares = {code: max(1, total * weight // whole) for code, weight in weights}
    remainders = sorted(weights, key=lambda item: (-(total * item[1] % whole), item[0]))
    index = 0
    while sum(shares.values()) < total:
        shares[remainders[index % len(remainders)][0]] += 1
        index += 1
    while sum(shares.values()) > total:
        largest = max(shares, key=lambda code: shares[code])
        shares[largest] -= 1
    return shares


def _name(rng: random.Random) -> str:
    given = rng.randrange(0, len(_GIVEN) // 2) * 2
    return rng.choice(_SURNAMES) + _GIVEN[given : given + 2]


def _habit(rng: random.Random) -> Habit:
    draw = rng.random()
    for habit, share in HABIT_SHARES:
        if draw < share:
            return Habit(habit)
        draw -= share
    return Habit.FORGETFUL


def _person(rng: random.Random, index: int, telegram_id: int, unit: str, role: Role) -> Person:
    first_rest = rng.randrange(7)
    return Person(
        index=index,
        telegram_id=telegram_id,
        name=_name(rng),
        unit_code=unit,
        role=role,
        language_code="en" if rng.random() < ENGLISH_SHARE else "zh-hant",
        habit=_habit(rng),
        channel=Channel.GUIDED if rng.random() < GUIDED_SHARE else Channel.ONE_LINE,
        taps_nothing=rng.random() < TAPS_NOTHING_SHARE,
        rest_weekdays=(first_rest, (first_rest + 1 + rng.randrange(6)) % 7),
    )


def build_roster(plan: Plan, *, officers: int = BUREAU_STRENGTH, seed: int = 0) -> Roster:
    """The bureau's people for the plan's units: the same seed gives the same people."""
    rng = random.Random(seed)
    weights = [(unit.code, UNIT_WEIGHTS.get(unit.code, 50)) for unit in plan.units]
    shares = allocate(officers, weights)
    people: list[Person] = []
    for unit, _ in weights:
        for _ in range(shares[unit]):
            index = len(people)
            people.append(_person(rng, index, FIRST_OFFICER_ID + index, unit, Role.OFFICER))
    chiefs = tuple(
        _person(rng, officers + number, FIRST_CHIEF_ID + number, unit, Role.CHIEF)
        for number, (unit, _) in enumerate(weights)
    )
    admin = _person(rng, officers + len(chiefs), ADMIN_ID, plan.units[0].code, Role.ADMIN)
    return Roster(officers=tuple(people), chiefs=chiefs, admin=admin)


def spread_sample(
    officers: Sequence[Person], size: int, priority: Mapping[int, int] | None = None
) -> tuple[Person, ...]:
    """`size` officers taken unit by unit in turn, so that every unit is represented.

    Within a unit, officers with a higher `priority` (by Telegram id) come first.
    """
    by_unit: dict[str, list[Person]] = {}
    for officer in officers:
        by_unit.setdefault(officer.unit_code, []).append(officer)
    rank = priority or {}
    queues = [
        sorted(people, key=lambda person: (rank.get(person.telegram_id, 0), -person.index))
        for people in by_unit.values()
    ]
    chosen: list[Person] = []
    while len(chosen) < min(size, len(officers)):
        for queue in queues:
            if queue and len(chosen) < size:
                chosen.append(queue.pop())
    return tuple(sorted(chosen, key=lambda person: person.index))
