"""Parsing and validating admin figures (/set) against each indicator's measure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from bot.core.dates import command_year
from bot.core.figures import (
    FigureInputError,
    FigureProblem,
    FigureValue,
    parse_set,
    parse_value,
    settable_indicators,
)
from bot.core.plan import load_plan

PLAN = load_plan("plan.json")
TODAY = date(2020, 6, 30)


def test_settable_indicators_are_the_admin_ones_and_dui() -> None:
    ids = [indicator.id for indicator in settable_indicators(PLAN)]
    assert ids == [
        "clearance_rate",
        "drug_enforcement",
        "urine_test",
        "dui",
        "a1_fatalities",
        "lpr_cameras",
        "pc_budget_execution",
        "vehicle_budget_execution",
        "budget_surplus",
        "contract_staff_growth",
        "learning_hours",
    ]


@pytest.mark.parametrize(
    ("indicator", "text", "value"),
    [
        ("clearance_rate", "412/480", FigureValue(D(412), D(480))),
        ("clearance_rate", "４１２／４８０", FigureValue(D(412), D(480))),
        ("clearance_rate", "1,412/1,480", FigureValue(D(1412), D(1480))),
        ("lpr_cameras", "25/20", FigureValue(D(25), D(20))),
        ("pc_budget_execution", "85", FigureValue(D(85))),
        ("pc_budget_execution", "85%", FigureValue(D(85))),
        ("pc_budget_execution", "85.25％", FigureValue(D("85.25"))),
        ("contract_staff_growth", "-2.5%", FigureValue(D("-2.5"))),
        ("a1_fatalities", "12", FigureValue(D(12))),
        ("a1_fatalities", "0", FigureValue(D(0))),
        ("dui", "800", FigureValue(D(800))),
    ],
)
def test_values_accepted(indicator: str, text: str, value: FigureValue) -> None:
    assert parse_value(PLAN.indicator(indicator), text) == value


@pytest.mark.parametrize(
    ("indicator", "text", "problem"),
    [
        ("clearance_rate", "85%", FigureProblem.NOT_A_RATE),
        ("clearance_rate", "85", FigureProblem.NOT_A_RATE),
        ("clearance_rate", "4.5/6", FigureProblem.NOT_A_RATE),
        ("clearance_rate", "-4/6", FigureProblem.NOT_A_RATE),
        ("clearance_rate", "1/2/3", FigureProblem.NOT_A_RATE),
        ("clearance_rate", "5/0", FigureProblem.ZERO_DENOMINATOR),
        ("clearance_rate", "4120/480", FigureProblem.RATE_TOO_HIGH),
        ("clearance_rate", "20000000/20000000", FigureProblem.NUMBER_OUT_OF_RANGE),
        ("pc_budget_execution", "850", FigureProblem.PERCENTAGE_OUT_OF_RANGE),
        ("pc_budget_execution", "-101", FigureProblem.PERCENTAGE_OUT_OF_RANGE),
        ("pc_budget_execution", "85.125", FigureProblem.NOT_A_PERCENTAGE),
        ("pc_budget_execution", "412/480", FigureProblem.NOT_A_PERCENTAGE),
        ("pc_budget_execution", "eighty", FigureProblem.NOT_A_PERCENTAGE),
        ("a1_fatalities", "12.5", FigureProblem.NOT_A_WHOLE_NUMBER),
        ("a1_fatalities", "-1", FigureProblem.NUMBER_OUT_OF_RANGE),
        ("dui", "0", FigureProblem.NUMBER_OUT_OF_RANGE),
        ("dui", "2000000", FigureProblem.NUMBER_OUT_OF_RANGE),
    ],
)
def test_values_refused(indicator: str, text: str, problem: FigureProblem) -> None:
    with pytest.raises(FigureInputError) as caught:
        parse_value(PLAN.indicator(indicator), text)
    assert caught.value.problem is problem


@pytest.mark.parametrize(
    ("text", "year"),
    [("2020", 2020), ("109", 2020), ("民國109", 2020), ("109年", 2020), ("2021", 2021), ("110", 2021)],
)
def test_years(text: str, year: int) -> None:
    assert command_year(text, TODAY) == year


@pytest.mark.parametrize("text", ["2022", "1999", "88", "20200", "x", "2020.5"])
def test_years_refused(text: str) -> None:
    assert command_year(text, TODAY) is None


def test_parse_set_defaults_to_this_year_and_the_bureau() -> None:
    request = parse_set(["clearance_rate", "412/480"], plan=PLAN, today=TODAY)
    assert (request.indicator.id, request.year, request.unit_code) == ("clearance_rate", 2020, None)


def test_parse_set_takes_year_and_unit_in_any_order_and_names() -> None:
    first = parse_set(["learning_hours", "70/80", "p1", "109"], plan=PLAN, today=TODAY)
    name = "單位公務人員完成年度學習時數之人數比率"
    second = parse_set([name, "70/80", "2020", "P1"], plan=PLAN, today=TODAY)
    assert first == second
    assert (first.year, first.unit_code) == (2020, "p1")
    assert parse_set(["酒駕", "800"], plan=PLAN, today=TODAY).indicator.id == "dui"


@pytest.mark.parametrize(
    ("words", "problem"),
    [
        ([], FigureProblem.USAGE),
        (["clearance_rate"], FigureProblem.USAGE),
        (["clearance_rate", "1/2", "2020", "p1", "p2"], FigureProblem.USAGE),
        (["clearance_rate", "1/2", "2020", "2019"], FigureProblem.USAGE),
        (["nope", "1/2"], FigureProblem.UNKNOWN_INDICATOR),
        (["prevention_talks", "12"], FigureProblem.NOT_SETTABLE),
        (["clearance_rate", "1/2", "p9"], FigureProblem.UNKNOWN_UNIT),
        (["clearance_rate", "1/2", "2030"], FigureProblem.BAD_YEAR),
    ],
)
def test_parse_set_refusals(words: list[str], problem: FigureProblem) -> None:
    with pytest.raises(FigureInputError) as caught:
        parse_set(words, plan=PLAN, today=TODAY)
    assert caught.value.problem is problem


def test_figure_value_text_uses_the_one_number_format() -> None:
    assert FigureValue(D("85.50")).text() == "85.5"
    assert FigureValue(D("85.8333")).text() == "85.83"
    assert FigureValue(D("-0.001")).text() == "0"
    assert FigureValue(D(3318), D(3764)).text() == "3,318/3,764"
    assert FigureValue(D("62.125")).text() == "62.13"  # half up, not to even
