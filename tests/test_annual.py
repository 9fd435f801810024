"""How a year ended: strict verdicts, the year /annual is asked for, which digest tells it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from bot.core.annual import Verdict, annual_year, verdict
from bot.core.digest import closing_year
from bot.core.plan import load_plan
from bot.core.progress import Actuals
from bot.core.standing import Scope, judge
from bot.core.targets import YearTargets

PLAN = load_plan(Path(__file__).resolve().parents[1] / "plan.json")


def bureau_verdict(indicator_id: str, actuals: Actuals, *, year: int, as_of: date, final: bool) -> Verdict:
    """The verdict of the bureau's row of an indicator, judged by the one pipeline."""
    counts = {"p1": {indicator_id: actuals.count}} if actuals.count is not None else {}
    scope = Scope.of(None, counts, {indicator_id: actuals}, None, YearTargets(PLAN, year))
    row = judge(PLAN.indicator(indicator_id), scope, year=year, as_of=as_of)
    return verdict(row, final=final)


YEAR_END = date(2020, 12, 31)


@pytest.mark.parametrize(
    ("indicator_id", "actuals", "expected"),
    [
        ("prevention_talks", Actuals(count=49), Verdict.NOT_MET),  # 98 %: on track by pace, not met
        ("prevention_talks", Actuals(count=50), Verdict.MET),
        ("clearance_rate", Actuals(numerator=D(424), denominator=D(500)), Verdict.NOT_MET),  # 84.8 %
        ("clearance_rate", Actuals(numerator=D(425), denominator=D(500)), Verdict.MET),
        ("contract_staff_growth", Actuals(percentage=D("0.1")), Verdict.NOT_MET),  # at most 0 %
        ("contract_staff_growth", Actuals(percentage=D(-2)), Verdict.MET),
        ("a1_fatalities", Actuals(previous_year=D(15), this_year=D(15)), Verdict.NOT_MET),
        ("a1_fatalities", Actuals(previous_year=D(15), this_year=D(14)), Verdict.MET),
        ("dui", Actuals(count=47), Verdict.NO_DATA),  # no NPA reference value entered
        ("drug_enforcement", Actuals(), Verdict.NO_DATA),
    ],
)
def test_a_finished_year_is_judged_strictly(indicator_id: str, actuals: Actuals, expected: Verdict) -> None:
    assert bureau_verdict(indicator_id, actuals, year=2020, as_of=YEAR_END, final=True) is expected


def test_a_year_without_a_target_has_no_verdict() -> None:
    result = bureau_verdict(
        "prevention_talks", Actuals(count=80), year=2025, as_of=date(2025, 12, 31), final=True
    )
    assert result is Verdict.NO_TARGET


def test_while_the_year_runs_only_a_reached_count_is_settled() -> None:
    june = date(2020, 6, 30)
    assert (
        bureau_verdict("prevention_talks", Actuals(count=50), year=2020, as_of=june, final=False)
        is Verdict.MET
    )
    assert (
        bureau_verdict("prevention_talks", Actuals(count=10), year=2020, as_of=june, final=False)
        is Verdict.OPEN
    )
    rate = Actuals(numerator=D(90), denominator=D(100))
    assert bureau_verdict("clearance_rate", rate, year=2020, as_of=june, final=False) is Verdict.OPEN


@pytest.mark.parametrize(
    ("words", "year"),
    [([], 2025), (["114"], 2025), (["2020"], 2020), (["民國109年"], 2020), (["2027"], 2027)],
)
def test_the_year_annual_is_asked_for(words: list[str], year: int) -> None:
    assert annual_year(words, date(2026, 12, 6)) == year


@pytest.mark.parametrize("words", [["2028"], ["1999"], ["abc"], ["2020", "p1"]])
def test_words_that_name_no_single_year(words: list[str]) -> None:
    with pytest.raises(ValueError):
        annual_year(words, date(2026, 12, 6))


@pytest.mark.parametrize(
    ("send_day", "year"),
    [
        (date(2021, 1, 4), 2020),  # Monday; the week of 12/28–1/3
        (date(2021, 1, 7), 2020),  # any day of that week sends the same run
        (date(2024, 1, 1), 2023),  # Monday 1 January: the week covered is 12/25–12/31
        (date(2026, 1, 5), 2025),
        (date(2026, 1, 1), None),  # Thursday: the week covered (12/22–12/28) ends before 31 December
        (date(2026, 1, 8), 2025),  # so a Thursday schedule tells it a week later, once
        (date(2021, 1, 11), None),
        (date(2021, 2, 1), None),
        (date(2020, 12, 28), None),
    ],
)
def test_the_digest_that_tells_how_the_year_ended(send_day: date, year: int | None) -> None:
    assert closing_year(send_day) == year
