"""Progress maths: fractions of the year, achievement, pace, projection, weekly need."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.plan import Indicator, load_plan
from bot.core.progress import (
    Actuals,
    Pace,
    Progress,
    compute_progress,
    days_in_year,
    remaining_weeks,
    week_bounds,
    year_fraction,
)

PLAN = load_plan(Path(__file__).resolve().parents[1] / "plan.json")
D = Decimal

# 2021-07-02 is day 183 of 365, leaving 182 days = exactly 26 weeks.
MID_2021 = date(2021, 7, 2)
MID_FRACTION = D(183) / D(365)


def approx(value: Decimal | float | int) -> object:
    """Compare Decimals to 12 significant places."""
    return pytest.approx(D(value), rel=D("1e-12"), abs=D("1e-12"))


def accidents_indicator(direction: str = "less") -> Indicator:
    """A made-up count indicator (for less-is-better counts, which the plan lacks)."""
    return Indicator.model_validate(
        {
            "id": "accidents",
            "kind": "kpi",
            "goal": "traffic_safety",
            "number": 9,
            "name": {"zh": "事故", "en": "Accidents"},
            "measure_text": {"zh": "事故件數", "en": "Accidents"},
            "unit": "件",
            "direction": direction,
            "measure": "count",
            "reporter": "admins",
            "targets": {"110": 100},
        }
    )


def progress(
    indicator_id: str,
    today: date,
    actuals: Actuals,
    *,
    year: int = 2021,
    target: Decimal | str | None = "plan",
) -> Progress:
    """compute_progress for a plan indicator, with the plan's target unless one is given."""
    indicator = PLAN.indicator(indicator_id)
    chosen = indicator.target(year) if target == "plan" else target
    assert not isinstance(chosen, str)
    return compute_progress(indicator, year=year, today=today, actuals=actuals, target=chosen)


# --- calendar helpers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "days"), [(2018, 365), (2020, 366), (2021, 365), (1900, 365), (2000, 366)]
)
def test_days_in_year(year: int, days: int) -> None:
    assert days_in_year(year) == days


@pytest.mark.parametrize(
    ("year", "today", "expected"),
    [
        (2020, date(2020, 1, 1), D(1) / D(366)),
        (2021, date(2021, 1, 1), D(1) / D(365)),
        (2020, date(2020, 2, 29), D(60) / D(366)),
        (2020, date(2020, 3, 1), D(61) / D(366)),
        (2021, date(2021, 3, 1), D(60) / D(365)),
        (2021, MID_2021, MID_FRACTION),
        (2020, date(2020, 12, 31), D(1)),
        (2021, date(2021, 12, 31), D(1)),
        (2021, date(2020, 12, 31), D(0)),
        (2021, date(2019, 6, 1), D(0)),
        (2020, date(2021, 1, 1), D(1)),
        (2018, date(2026, 5, 1), D(1)),
    ],
)
def test_year_fraction(year: int, today: date, expected: Decimal) -> None:
    assert year_fraction(year, today) == expected


@pytest.mark.parametrize(
    ("year", "today", "expected"),
    [
        (2021, MID_2021, D(26)),
        (2021, date(2021, 12, 17), D(2)),
        (2021, date(2021, 12, 24), D(1)),
        (2021, date(2021, 12, 28), D(1)),
        (2021, date(2021, 12, 31), D(1)),
        (2020, date(2020, 12, 17), D(2)),
        (2021, date(2020, 11, 1), D(365) / D(7)),
        (2020, date(2019, 11, 1), D(366) / D(7)),
        (2021, date(2022, 1, 1), D(0)),
    ],
)
def test_remaining_weeks(year: int, today: date, expected: Decimal) -> None:
    assert remaining_weeks(year, today) == expected


@pytest.mark.parametrize(
    ("day", "monday", "sunday"),
    [
        (date(2021, 7, 1), date(2021, 6, 28), date(2021, 7, 4)),
        (date(2021, 6, 28), date(2021, 6, 28), date(2021, 7, 4)),
        (date(2021, 7, 4), date(2021, 6, 28), date(2021, 7, 4)),
        (date(2020, 12, 31), date(2020, 12, 28), date(2021, 1, 3)),
        (date(2020, 2, 29), date(2020, 2, 24), date(2020, 3, 1)),
    ],
)
def test_week_bounds(day: date, monday: date, sunday: date) -> None:
    assert week_bounds(day) == (monday, sunday)


# --- counts (prevention_talks: 50 場 a year, more is better) -------------------------------


@pytest.mark.parametrize(
    ("today", "count", "pace"),
    [
        (MID_2021, 25, Pace.ON_TRACK),
        (MID_2021, 24, Pace.ON_TRACK),
        (MID_2021, 23, Pace.BEHIND),
        (MID_2021, 26, Pace.ON_TRACK),
        (MID_2021, 27, Pace.AHEAD),
        (MID_2021, 10, Pace.BEHIND),
        (MID_2021, 50, Pace.DONE),
        (MID_2021, 61, Pace.DONE),
        (date(2021, 1, 1), 0, Pace.BEHIND),
        (date(2021, 1, 1), 1, Pace.AHEAD),
        (date(2021, 12, 31), 48, Pace.ON_TRACK),
        (date(2021, 12, 31), 47, Pace.BEHIND),
        (date(2022, 1, 10), 49, Pace.BEHIND),
        (date(2022, 1, 10), 50, Pace.DONE),
        (date(2020, 12, 1), 0, Pace.ON_TRACK),
    ],
)
def test_count_pace(today: date, count: int, pace: Pace) -> None:
    assert progress("prevention_talks", today, Actuals(count=count)).pace is pace


def test_count_mid_year_figures() -> None:
    result = progress("prevention_talks", MID_2021, Actuals(count=25))
    assert result.indicator_id == "prevention_talks"
    assert result.year == 2021
    assert result.actual == D(25)
    assert result.target == D(50)
    assert result.achievement_pct == D(50)
    assert result.expected_by_today == approx(D(50) * 183 / 365)
    assert result.projected_year_end == approx(D(25) * 365 / 183)
    assert result.needed_per_week == approx(D(25) / 26)
    assert result.needed_unit == "場"
    assert result.unit_of_target == "場"
    assert result.year_fraction == MID_FRACTION


@pytest.mark.parametrize(
    ("year", "today", "expected"),
    [
        (2020, date(2020, 7, 1), D(50) * 183 / 366),
        (2021, date(2021, 7, 2), D(50) * 183 / 365),
        (2020, date(2020, 1, 1), D(50) / 366),
        (2020, date(2020, 12, 31), D(50)),
        (2021, date(2020, 12, 31), D(0)),
        (2020, date(2021, 3, 1), D(50)),
    ],
)
def test_count_expected_by_today(year: int, today: date, expected: Decimal) -> None:
    result = progress("prevention_talks", today, Actuals(count=0), year=year)
    assert result.expected_by_today == approx(expected)


def test_count_last_day_of_leap_year() -> None:
    result = progress("prevention_talks", date(2020, 12, 31), Actuals(count=49), year=2020)
    assert result.expected_by_today == D(50)
    assert result.projected_year_end == D(49)
    assert result.needed_per_week == D(1)
    assert result.pace is Pace.ON_TRACK


def test_count_after_the_year() -> None:
    result = progress("prevention_talks", date(2022, 2, 1), Actuals(count=40))
    assert result.expected_by_today == D(50)
    assert result.projected_year_end == D(40)
    assert result.needed_per_week is None
    assert result.achievement_pct == D(80)
    assert result.pace is Pace.BEHIND


def test_count_before_the_year() -> None:
    result = progress("prevention_talks", date(2020, 11, 1), Actuals(count=0))
    assert result.expected_by_today == D(0)
    assert result.projected_year_end is None
    assert result.needed_per_week == approx(D(50) * 7 / 365)
    assert result.year_fraction == D(0)


def test_count_done_needs_nothing_more() -> None:
    result = progress("prevention_talks", MID_2021, Actuals(count=55))
    assert result.needed_per_week == D(0)
    assert result.achievement_pct == D(110)


@pytest.mark.parametrize(
    ("year", "target"),
    [(2026, "plan"), (2017, "plan"), (2021, None)],
)
def test_no_target_is_never_invented(year: int, target: Decimal | str | None) -> None:
    today = date(year, 7, 2)
    result = progress("prevention_talks", today, Actuals(count=25), year=year, target=target)
    assert result.pace is Pace.NO_TARGET
    assert result.target is None
    assert result.achievement_pct is None
    assert result.expected_by_today is None
    assert result.needed_per_week is None
    assert result.actual == D(25)


def test_count_zero_target() -> None:
    result = progress("prevention_talks", MID_2021, Actuals(count=0), target=D(0))
    assert result.target == D(0)
    assert result.achievement_pct is None
    assert result.expected_by_today == D(0)
    assert result.needed_per_week == D(0)
    assert result.pace is Pace.DONE


def test_count_missing_data() -> None:
    result = progress("prevention_talks", MID_2021, Actuals())
    assert result.pace is Pace.NO_DATA
    assert result.actual is None
    assert result.achievement_pct is None
    assert result.projected_year_end is None
    assert result.needed_per_week is None
    assert result.expected_by_today == approx(D(50) * 183 / 365)


def test_unit_target_is_used_as_given() -> None:
    result = progress("trafficking", MID_2021, Actuals(count=1), target=D(1))
    assert result.pace is Pace.DONE
    assert result.achievement_pct == D(100)


# --- less-is-better counts ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "count", "pace", "achievement"),
    [
        (MID_2021, 40, Pace.AHEAD, D(250)),
        (MID_2021, 50, Pace.ON_TRACK, D(200)),
        (MID_2021, 52, Pace.ON_TRACK, D(100) * 100 / 52),
        (MID_2021, 60, Pace.BEHIND, D(100) * 100 / 60),
        (MID_2021, 120, Pace.BEHIND, D(100) * 100 / 120),
        (date(2022, 1, 3), 80, Pace.AHEAD, D(125)),
        (date(2022, 1, 3), 100, Pace.ON_TRACK, D(100)),
        (date(2022, 1, 3), 101, Pace.BEHIND, D(100) * 100 / 101),
        (MID_2021, 0, Pace.AHEAD, D(100)),
    ],
)
def test_less_is_better_count(today: date, count: int, pace: Pace, achievement: Decimal) -> None:
    indicator = accidents_indicator()
    result = compute_progress(
        indicator, year=2021, today=today, actuals=Actuals(count=count), target=D(100)
    )
    assert result.pace is pace
    assert result.achievement_pct == approx(achievement)
    assert result.needed_per_week is None


def test_less_is_better_count_never_done() -> None:
    result = compute_progress(
        accidents_indicator(), year=2021, today=MID_2021, actuals=Actuals(count=0), target=D(100)
    )
    assert result.pace is not Pace.DONE


# --- reference achievement (dui: count / NPA reference, target 80 %) ----------------------


@pytest.mark.parametrize(
    ("today", "count", "reference", "pace"),
    [
        (MID_2021, 300, D(1000), Pace.BEHIND),
        (MID_2021, 400, D(1000), Pace.ON_TRACK),
        (MID_2021, 420, D(1000), Pace.ON_TRACK),
        (MID_2021, 430, D(1000), Pace.AHEAD),
        (MID_2021, 800, D(1000), Pace.DONE),
        (date(2022, 1, 5), 790, D(1000), Pace.BEHIND),
        (MID_2021, 300, None, Pace.NO_DATA),
        (MID_2021, 300, D(0), Pace.NO_DATA),
    ],
)
def test_reference_achievement_pace(
    today: date, count: int, reference: Decimal | None, pace: Pace
) -> None:
    result = progress("dui", today, Actuals(count=count, reference=reference))
    assert result.pace is pace


def test_reference_achievement_figures() -> None:
    result = progress("dui", MID_2021, Actuals(count=300, reference=D(1000)))
    assert result.actual == D(30)
    assert result.target == D(80)
    assert result.achievement_pct == D("37.5")
    assert result.expected_by_today == approx(D(80) * 183 / 365)
    assert result.projected_year_end == approx(D(30) * 365 / 183)
    assert result.needed_per_week == approx(D(500) / 26)
    assert result.needed_unit == "件"
    assert result.unit_of_target == "%"


def test_reference_missing_says_nothing_invented() -> None:
    result = progress("dui", MID_2021, Actuals(count=300))
    assert result.actual is None
    assert result.achievement_pct is None
    assert result.projected_year_end is None
    assert result.needed_per_week is None


# --- rates and percentages (compared with the target directly) -----------------------------


@pytest.mark.parametrize(
    ("indicator_id", "today", "actuals", "value", "pace"),
    [
        ("clearance_rate", MID_2021, Actuals(numerator=D(90), denominator=D(100)), D(90),
         Pace.AHEAD),
        ("clearance_rate", MID_2021, Actuals(numerator=D(85), denominator=D(100)), D(85),
         Pace.ON_TRACK),
        ("clearance_rate", MID_2021, Actuals(numerator=D(82), denominator=D(100)), D(82),
         Pace.ON_TRACK),
        ("clearance_rate", MID_2021, Actuals(numerator=D(70), denominator=D(100)), D(70),
         Pace.BEHIND),
        ("clearance_rate", date(2022, 1, 2), Actuals(numerator=D(84), denominator=D(100)), D(84),
         Pace.BEHIND),
        ("lpr_cameras", MID_2021, Actuals(numerator=D(16), denominator=D(20)), D(80),
         Pace.ON_TRACK),
        ("learning_hours", date(2021, 1, 1), Actuals(numerator=D(1), denominator=D(3)),
         D(100) / 3, Pace.BEHIND),
        ("pc_budget_execution", MID_2021, Actuals(percentage=D(86)), D(86), Pace.ON_TRACK),
        ("vehicle_budget_execution", MID_2021, Actuals(percentage=D(95)), D(95), Pace.AHEAD),
        ("drug_enforcement", date(2021, 12, 31), Actuals(percentage=D(60)), D(60), Pace.BEHIND),
    ],
)  # fmt: skip
def test_level_measures(
    indicator_id: str, today: date, actuals: Actuals, value: Decimal, pace: Pace
) -> None:
    result = progress(indicator_id, today, actuals)
    assert result.actual == approx(value)
    assert result.pace is pace
    assert result.expected_by_today == result.target
    assert result.projected_year_end == result.actual
    assert result.needed_per_week is None
    assert result.target is not None
    assert result.achievement_pct == approx(value / result.target * 100)


@pytest.mark.parametrize(
    "actuals",
    [
        Actuals(numerator=D(5), denominator=D(0)),
        Actuals(numerator=D(5)),
        Actuals(denominator=D(10)),
        Actuals(count=5),
    ],
)
def test_rate_without_usable_data(actuals: Actuals) -> None:
    result = progress("clearance_rate", MID_2021, actuals)
    assert result.pace is Pace.NO_DATA
    assert result.actual is None
    assert result.expected_by_today == D(85)


def test_percentage_without_data() -> None:
    assert progress("pc_budget_execution", MID_2021, Actuals()).pace is Pace.NO_DATA


@pytest.mark.parametrize(
    ("year", "value", "pace", "achievement"),
    [
        (2018, D("3.1"), Pace.ON_TRACK, D("3.1") / 3 * 100),
        (2020, D("3.1"), Pace.BEHIND, D("3.1") / 4 * 100),
        (2020, D(5), Pace.AHEAD, D(125)),
    ],
)
def test_budget_surplus_targets_by_year(
    year: int, value: Decimal, pace: Pace, achievement: Decimal
) -> None:
    result = progress("budget_surplus", date(year, 6, 1), Actuals(percentage=value), year=year)
    assert result.pace is pace
    assert result.achievement_pct == approx(achievement)


@pytest.mark.parametrize(
    ("growth", "pace", "achievement"),
    [
        (D(-2), Pace.AHEAD, D(100)),
        (D(0), Pace.ON_TRACK, D(100)),
        (D("0.5"), Pace.BEHIND, D(0)),
        (D(3), Pace.BEHIND, D(0)),
    ],
)
def test_less_is_better_percentage_with_zero_target(
    growth: Decimal, pace: Pace, achievement: Decimal
) -> None:
    result = progress("contract_staff_growth", MID_2021, Actuals(percentage=growth))
    assert result.target == D(0)
    assert result.pace is pace
    assert result.achievement_pct == achievement


# --- reduction (a1_fatalities: previous year's deaths - this year's, target 1 人) ----------


@pytest.mark.parametrize(
    ("today", "previous", "this_year", "actual", "projected", "pace"),
    [
        (date(2022, 2, 1), D(10), D(8), D(2), D(2), Pace.AHEAD),
        (date(2022, 2, 1), D(10), D(9), D(1), D(1), Pace.ON_TRACK),
        (date(2022, 2, 1), D(10), D(10), D(0), D(0), Pace.BEHIND),
        (date(2022, 2, 1), D(10), D(12), D(-2), D(-2), Pace.BEHIND),
        (MID_2021, D(10), D(4), D(6), D(10) - D(4) * 365 / 183, Pace.AHEAD),
        (MID_2021, D(10), D(5), D(5), D(10) - D(5) * 365 / 183, Pace.BEHIND),
        (date(2021, 12, 31), D(10), D(9), D(1), D(1), Pace.ON_TRACK),
        (date(2020, 12, 1), D(10), D(0), D(10), None, Pace.ON_TRACK),
    ],
)
def test_reduction(
    today: date,
    previous: Decimal,
    this_year: Decimal,
    actual: Decimal,
    projected: Decimal | None,
    pace: Pace,
) -> None:
    actuals = Actuals(previous_year=previous, this_year=this_year)
    result = progress("a1_fatalities", today, actuals)
    assert result.actual == actual
    assert result.pace is pace
    if projected is None:
        assert result.projected_year_end is None
    else:
        assert result.projected_year_end == approx(projected)
    assert result.needed_per_week is None
    assert result.unit_of_target == "人"


def test_reduction_expected_by_today() -> None:
    actuals = Actuals(previous_year=D(10), this_year=D(4))
    mid = progress("a1_fatalities", MID_2021, actuals)
    assert mid.expected_by_today == approx(D(10) - D(9) * 183 / 365)
    over = progress("a1_fatalities", date(2022, 1, 1), actuals)
    assert over.expected_by_today == D(1)


@pytest.mark.parametrize(
    "actuals",
    [Actuals(), Actuals(previous_year=D(10)), Actuals(this_year=D(3))],
)
def test_reduction_without_data(actuals: Actuals) -> None:
    result = progress("a1_fatalities", MID_2021, actuals)
    assert result.pace is Pace.NO_DATA
    assert result.actual is None


# --- properties --------------------------------------------------------------------------

PACE_ORDER = [Pace.BEHIND, Pace.ON_TRACK, Pace.AHEAD, Pace.DONE]
days_2020 = st.integers(min_value=0, max_value=365).map(lambda n: date(2020, 1, 1) + timedelta(n))


@given(
    target=st.integers(min_value=1, max_value=1000),
    low=st.integers(min_value=0, max_value=2000),
    extra=st.integers(min_value=0, max_value=2000),
    today=days_2020,
)
def test_achievement_and_pace_monotone_in_actual(
    target: int, low: int, extra: int, today: date
) -> None:
    indicator = PLAN.indicator("prevention_talks")

    def run(count: int) -> Progress:
        return compute_progress(
            indicator, year=2020, today=today, actuals=Actuals(count=count), target=D(target)
        )

    smaller, larger = run(low), run(low + extra)
    assert smaller.achievement_pct is not None and larger.achievement_pct is not None
    assert smaller.achievement_pct <= larger.achievement_pct
    assert PACE_ORDER.index(smaller.pace) <= PACE_ORDER.index(larger.pace)
    assert larger.needed_per_week is not None and smaller.needed_per_week is not None
    assert larger.needed_per_week <= smaller.needed_per_week
