"""The simulated bureau: its roster and its officers' daily habits, deterministic with a seed."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.core.domain import Role
from bot.core.plan import Plan, load_plan
from bot.demo.simulation.behaviour import Activity, Population
from bot.demo.simulation.bureau import (
    BUREAU_STRENGTH,
    UNIT_WEIGHTS,
    Channel,
    Habit,
    allocate,
    build_roster,
    spread_sample,
)

PLAN = Path(__file__).resolve().parent.parent / "plan.json"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(PLAN)


@pytest.fixture(scope="module")
def year_of_activity(plan: Plan) -> list[Activity]:
    """A full-strength bureau's 2021, day by day."""
    roster = build_roster(plan, seed=7)
    population = Population(roster.officers, seed=7)
    days = [date(2021, 1, 1) + timedelta(days=n) for n in range(365)]
    return [activity for day in days for activity in population.day(day)]


def test_roster_has_the_bureaus_strength_in_every_unit(plan: Plan) -> None:
    roster = build_roster(plan, seed=1)
    assert len(roster.officers) == BUREAU_STRENGTH == sum(UNIT_WEIGHTS.values())
    assert roster.unit_strength() == dict(UNIT_WEIGHTS)
    assert {chief.unit_code for chief in roster.chiefs} == set(plan.units_by_code)
    assert all(chief.role is Role.CHIEF for chief in roster.chiefs) and roster.admin.role is Role.ADMIN
    ids = [person.telegram_id for person in roster.everyone]
    assert len(set(ids)) == len(ids)


def test_roster_mixes_habits_channels_and_languages(plan: Plan) -> None:
    officers = build_roster(plan, seed=1).officers
    habits = Counter(officer.habit for officer in officers)
    channels = Counter(officer.channel for officer in officers)
    assert habits[Habit.DILIGENT] > habits[Habit.REGULAR] > habits[Habit.FORGETFUL] > 100
    assert channels[Channel.ONE_LINE] > 3 * channels[Channel.GUIDED] > 0
    assert 0 < sum(officer.english for officer in officers) < len(officers) // 5
    assert 0 < sum(officer.taps_nothing for officer in officers) < len(officers)


def test_same_seed_same_bureau_other_seed_other_bureau(plan: Plan) -> None:
    assert build_roster(plan, seed=3) == build_roster(plan, seed=3)
    assert build_roster(plan, seed=3) != build_roster(plan, seed=4)
    officers = build_roster(plan, officers=40, seed=3).officers
    first, second = Population(officers, seed=5), Population(officers, seed=5)
    for offset in range(60):
        day = date(2021, 3, 1) + timedelta(days=offset)
        assert list(first.day(day)) == list(second.day(day))


def test_allocate_is_proportional_and_staffs_every_unit() -> None:
    assert allocate(10, [("a", 1), ("b", 1000)]) == {"a": 1, "b": 9}
    assert sum(allocate(57, [("a", 3), ("b", 5), ("c", 7)]).values()) == 57
    with pytest.raises(ValueError, match="cannot staff"):
        allocate(2, [("a", 1), ("b", 1), ("c", 1)])


def test_spread_sample_takes_every_unit_in_turn(plan: Plan) -> None:
    officers = build_roster(plan, seed=1).officers
    sample = spread_sample(officers, 30)
    assert len(sample) == 30 and Counter(person.unit_code for person in sample) == dict.fromkeys(
        plan.units_by_code, 3
    )


def test_days_must_follow_each_other(plan: Plan) -> None:
    population = Population(build_roster(plan, officers=10).officers)
    list(population.day(date(2021, 1, 1)))
    with pytest.raises(ValueError, match="follow each other"):
        list(population.day(date(2021, 1, 3)))


def _per_officer(activities: list[Activity], plan: Plan, indicator: str) -> dict[str, float]:
    strength = build_roster(plan, seed=7).unit_strength()
    totals: Counter[str] = Counter()
    for activity in activities:
        totals[activity.person.unit_code] += sum(c.count for c in activity.counts if c.indicator == indicator)
    return {unit: totals[unit] / strength[unit] for unit in strength}


def test_units_report_what_they_do(year_of_activity: list[Activity], plan: Plan) -> None:
    dui = _per_officer(year_of_activity, plan, "dui")
    assert max(dui, key=lambda unit: dui[unit]) == "traffic"
    assert dui["traffic"] > 5 * dui["p1"]
    for indicator in ("domestic_violence", "protection_order"):
        rates = _per_officer(year_of_activity, plan, indicator)
        assert max(rates, key=lambda unit: rates[unit]) == "women_children"
    talks = Counter[str]()
    for activity in year_of_activity:
        talks[activity.person.unit_code] += sum(
            c.count for c in activity.counts if c.indicator == "prevention_talks"
        )
    assert sum(talks[p] for p in ("p1", "p2", "p3", "p4")) > 0.6 * sum(talks.values())


def test_a_year_lands_near_the_plans_targets(year_of_activity: list[Activity], plan: Plan) -> None:
    totals: Counter[str] = Counter()
    for activity in year_of_activity:
        for count in activity.counts:
            totals[count.indicator] += count.count
    assert 35 <= totals["prevention_talks"] <= 70  # target 50
    assert 30 <= totals["protection_order"] <= 70  # target 50
    assert 50 <= totals["domestic_violence"] <= 100  # target 75
    assert 0 <= totals["trafficking"] <= 8  # target 3: rare
    assert 700 <= totals["dui"] <= 1400


def test_habits_show_in_who_reports_and_when(year_of_activity: list[Activity]) -> None:
    said: Counter[Habit] = Counter()
    seen: Counter[Habit] = Counter()
    late = 0
    for activity in year_of_activity:
        person = activity.person
        if person.taps_nothing:
            seen[person.habit] += 1
            said[person.habit] += not activity.silent
        late += sum(count.day < activity.day for count in activity.counts)
    share = {habit: said[habit] / seen[habit] for habit in Habit}
    assert share[Habit.DILIGENT] > share[Habit.REGULAR] > share[Habit.FORGETFUL] > 0
    assert late > 0


def test_officers_are_sometimes_away_and_rest_two_days_a_week(year_of_activity: list[Activity]) -> None:
    silent_streaks = Counter[int]()
    by_person: dict[int, list[Activity]] = {}
    for activity in year_of_activity:
        by_person.setdefault(activity.person.index, []).append(activity)
    for activities in by_person.values():
        person = activities[0].person
        if person.habit is not Habit.DILIGENT or not person.taps_nothing:
            continue
        streak = 0
        for activity in activities:
            streak = streak + 1 if activity.silent else 0
            silent_streaks[streak] += 1
        rest_days = [a for a in activities if a.day.weekday() in person.rest_weekdays]
        assert all(a.nothing_day is None for a in rest_days)
    assert any(length >= 5 for length in silent_streaks)  # leave, training, sick leave
