"""Gathering progress from storage and a figures source with the agreed signature."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.figure_source import NO_FIGURES, FiguresSource, ScopeFigures
from bot.core.plan import load_plan
from bot.core.progress import Actuals, Pace
from bot.core.progress_data import ProgressData
from bot.core.standing import Basis
from bot.services import Repositories
from tests.auxil.seed import add_member, add_report, open_repos
from tests.test_standing import plan_with_allocation

PLAN = load_plan(Path(__file__).resolve().parents[1] / "plan.json")
TZ = ZoneInfo("Asia/Taipei")


class Figures:
    """A figures source like the admins' one: the bureau's figures, and p2's own."""

    def __init__(self) -> None:
        self.asked: list[int] = []

    async def actuals_by_scope(self, *, year: int) -> ScopeFigures:
        self.asked.append(year)
        return {
            None: {
                "clearance_rate": Actuals(numerator=Decimal(90), denominator=Decimal(100)),
                "dui": Actuals(reference=Decimal(10)),
            },
            "p2": {
                "clearance_rate": Actuals(numerator=Decimal(60), denominator=Decimal(100)),
                "dui": Actuals(reference=Decimal(4)),
            },
        }


@pytest.fixture
async def repos(tmp_path: Path) -> AsyncIterator[Repositories]:
    opened = await open_repos(tmp_path / "bot.sqlite3")
    first = await add_member(opened, 1, "p1")
    second = await add_member(opened, 2, "p2")
    await add_report(opened, first, "dui", 3, date(2021, 3, 2))
    await add_report(opened, second, "dui", 2, date(2021, 3, 3))
    await add_report(opened, first, "prevention_talks", 5, date(2021, 2, 26))
    await add_report(opened, first, "dui", 9, date(2020, 12, 30))
    try:
        yield opened
    finally:
        await opened.db.close()


async def test_without_a_source_admin_indicators_have_no_data(repos: Repositories) -> None:
    data = ProgressData(repos.progress, PLAN, TZ)
    standing = await data.standing(unit_code=None, year=2021, today=date(2021, 3, 10))
    rows = {row.indicator.id: row for row in standing.rows}
    assert rows["clearance_rate"].progress.pace is Pace.NO_DATA
    assert rows["dui"].basis_count == 5 and rows["dui"].progress.actual is None
    assert rows["prevention_talks"].progress.actual == Decimal(5)
    assert await NO_FIGURES.actuals_by_scope(year=2021) == {}


async def test_a_source_with_the_agreed_signature_fills_them_in(repos: Repositories) -> None:
    figures = Figures()
    source: FiguresSource = figures
    data = ProgressData(repos.progress, PLAN, TZ, figures=source)
    standing = await data.standing(unit_code=None, year=2021, today=date(2021, 3, 10))
    rows = {row.indicator.id: row for row in standing.rows}
    assert rows["clearance_rate"].progress.actual == Decimal(90)
    assert rows["dui"].progress.actual == Decimal(50)
    assert figures.asked == [2021]


async def test_one_rule_for_units_with_and_without_an_allocation(repos: Repositories) -> None:
    figures = Figures()
    data = ProgressData(repos.progress, plan_with_allocation(), TZ, figures=figures)
    p2 = await data.standing(unit_code="p2", year=2021, today=date(2021, 3, 10))
    assert figures.asked == [2021]
    rate, dui, talks = (p2.row(key) for key in ("clearance_rate", "dui", "prevention_talks"))
    # a rate the unit has its own figure for: its own value against the bureau's target
    assert rate.basis is Basis.UNIT_AT_BUREAU_TARGET
    assert (rate.progress.actual, rate.progress.target) == (Decimal(60), Decimal(85))
    # the reference achievement and counts: the bureau's figures, the unit's count beside them
    assert dui.basis is Basis.CONTRIBUTION and (dui.progress.actual, dui.own_count) == (Decimal(50), 2)
    assert talks.basis is Basis.CONTRIBUTION and talks.progress.target == Decimal(50)
    p1 = await data.standing(unit_code="p1", year=2021, today=date(2021, 3, 10))
    assert figures.asked == [2021, 2021]
    talks = p1.row("prevention_talks")
    assert talks.basis is Basis.UNIT
    assert (talks.progress.actual, talks.progress.target) == (Decimal(5), Decimal(20))


async def test_every_scope_from_one_read_of_the_figures(repos: Repositories) -> None:
    figures = Figures()
    data = ProgressData(repos.progress, plan_with_allocation(), TZ, figures=figures)
    scopes = [None, "p1", "p2"]
    standings = await data.standings(unit_codes=scopes, year=2021, today=date(2021, 3, 10))
    assert figures.asked == [2021]
    rates = [standing.row("clearance_rate") for standing in standings]
    assert [(rate.basis, rate.progress.actual) for rate in rates] == [
        (Basis.BUREAU, Decimal(90)),
        (Basis.BUREAU, Decimal(90)),  # p1 has no figure of its own: the bureau's, shown as such
        (Basis.UNIT_AT_BUREAU_TARGET, Decimal(60)),
    ]


async def test_digests_for_every_unit_from_one_pass(repos: Repositories) -> None:
    figures = Figures()
    data = ProgressData(repos.progress, PLAN, TZ, figures=figures)
    digests = await data.digests(send_day=date(2021, 3, 8), unit_codes=[None, *PLAN.units_by_code])
    assert len(digests) == 11 and figures.asked == [2021]
    bureau_dui = next(row for row in digests[None].standing.rows if row.indicator.id == "dui")
    assert (bureau_dui.week, bureau_dui.previous_week, bureau_dui.basis_count) == (5, 0, 5)
    p1_talks = next(row for row in digests["p1"].standing.rows if row.indicator.id == "prevention_talks")
    assert (p1_talks.week, p1_talks.previous_week) == (0, 5)
    assert digests["p1"].officers == 1 and digests["p1"].silent == ()
    new_year = await data.digest(send_day=date(2021, 1, 4), unit_code="p1")
    dui = next(row for row in new_year.standing.rows if row.indicator.id == "dui")
    assert (new_year.standing.year, dui.week, dui.own_count) == (2021, 9, 0)
