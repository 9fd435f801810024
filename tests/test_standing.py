"""The progress view model: one line per indicator, unit allocation against contribution."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bot.core.domain import Language
from bot.core.plan import Indicator, Plan, load_plan
from bot.core.progress import Actuals, Pace, compute_progress
from bot.core.standing import Basis, Row, achieved_cells, bar, build_standing, bureau_counts, chart_point
from bot.rendering.i18n import Catalog
from bot.rendering.progress_text import ProgressTexts, number, to_plain

PLAN_PATH = Path(__file__).resolve().parents[1] / "plan.json"
PLAN = load_plan(PLAN_PATH)
CATALOG = Catalog.load()
ZH = ProgressTexts(CATALOG, Language.ZH, PLAN)
EN = ProgressTexts(CATALOG, Language.EN, PLAN)
D = Decimal
MID_2021 = date(2021, 7, 2)


def accidents(direction: str = "less") -> Indicator:
    """A made-up count indicator (the plan has no less-is-better count)."""
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


def plan_with_allocation() -> Plan:
    """The plan, with 第一分局 allocated 20 prevention talks in 民國110年."""
    data = json.loads(PLAN_PATH.read_text(encoding="utf-8"))
    for indicator in data["indicators"]:
        if indicator["id"] == "prevention_talks":
            indicator["unit_targets"] = {"p1": {"110": 20}}
    return Plan.model_validate(data)


def line(indicator: Indicator, actuals: Actuals, today: date, target: Decimal | None, count: int = 0) -> str:
    progress = compute_progress(indicator, year=today.year, today=today, actuals=actuals, target=target)
    row = Row(indicator=indicator, progress=progress, basis=Basis.BUREAU, own_count=count, basis_count=count)
    return to_plain(ZH.line(row, unit_view=False))


TALKS = PLAN.indicator("prevention_talks")
DUI = PLAN.indicator("dui")
CLEARANCE = PLAN.indicator("clearance_rate")
A1 = PLAN.indicator("a1_fatalities")
STAFF = PLAN.indicator("contract_staff_growth")


@pytest.mark.parametrize(
    ("indicator", "actuals", "today", "target", "expected"),
    [
        (TALKS, Actuals(count=31), MID_2021, D(50), "🟢 預防犯罪宣導 ▰▰▰▰▰▱▱▱ 31/50 場（62%）"),
        (TALKS, Actuals(count=50), MID_2021, D(50), "✅ 預防犯罪宣導 ▰▰▰▰▰▰▰▰ 50/50 場（100%）"),
        (TALKS, Actuals(count=5), MID_2021, D(50), "🔴 預防犯罪宣導 ▰▱▱▱▱▱▱▱ 5/50 場（10%）"),
        (TALKS, Actuals(count=26), MID_2021, D(50), "🔵 預防犯罪宣導 ▰▰▰▰▱▱▱▱ 26/50 場（52%）"),
        (TALKS, Actuals(count=12), date(2026, 5, 1), None, "➖ 預防犯罪宣導 ▱▱▱▱▱▱▱▱ 12 場"),
        (TALKS, Actuals(count=0), MID_2021, D(0), "✅ 預防犯罪宣導 ▰▰▰▰▰▰▰▰ 0/0 場"),
        (TALKS, Actuals(count=0), date(2021, 1, 1), D(50), "🔴 預防犯罪宣導 ▱▱▱▱▱▱▱▱ 0/50 場（0%）"),
        (TALKS, Actuals(count=1), date(2021, 1, 1), D(50), "🟢 預防犯罪宣導 ▱▱▱▱▱▱▱▱ 1/50 場（2%）"),
        (TALKS, Actuals(count=49), date(2020, 12, 31), D(50), "🔵 預防犯罪宣導 ▰▰▰▰▰▰▰▰ 49/50 場（98%）"),
        (TALKS, Actuals(count=50), date(2020, 12, 31), D(50), "✅ 預防犯罪宣導 ▰▰▰▰▰▰▰▰ 50/50 場（100%）"),
        (TALKS, Actuals(count=25), date(2020, 7, 1), D(50), "🔵 預防犯罪宣導 ▰▰▰▰▱▱▱▱ 25/50 場（50%）"),
        (accidents(), Actuals(count=40), MID_2021, D(100), "🟢 事故 ▰▰▰▰▰▰▰▰ 40 件（上限 100）"),
        (accidents(), Actuals(count=70), MID_2021, D(100), "🔴 事故 ▰▰▰▰▰▰▰▰ 70 件（上限 100）"),
        (
            DUI,
            Actuals(count=440, reference=D(800)),
            MID_2021,
            D(80),
            "🟢 取締酒駕 ▰▰▰▰▰▰▱▱ 55%（440 件，目標 80%）",
        ),
        (DUI, Actuals(count=440), MID_2021, D(80), "⚪ 取締酒駕 ▱▱▱▱▱▱▱▱ 440 件（尚無基準值）"),
        (
            DUI,
            Actuals(count=440, reference=D(0)),
            MID_2021,
            D(80),
            "⚪ 取締酒駕 ▱▱▱▱▱▱▱▱ 440 件（尚無基準值）",
        ),
        (
            DUI,
            Actuals(count=9, reference=D(800)),
            date(2026, 5, 1),
            None,
            "➖ 取締酒駕 ▱▱▱▱▱▱▱▱ 1.1%（9 件）",
        ),
        (
            CLEARANCE,
            Actuals(numerator=D(410), denominator=D(500)),
            MID_2021,
            D(85),
            "🔵 刑案破獲率 ▰▰▰▰▰▰▰▰ 82%（目標 85%）",
        ),
        (
            CLEARANCE,
            Actuals(numerator=D(410), denominator=D(0)),
            MID_2021,
            D(85),
            "⚪ 刑案破獲率 ▱▱▱▱▱▱▱▱ 尚無資料",
        ),
        (CLEARANCE, Actuals(), MID_2021, D(85), "⚪ 刑案破獲率 ▱▱▱▱▱▱▱▱ 尚無資料"),
        (STAFF, Actuals(percentage=D("0.5")), MID_2021, D(0), "🔴 約聘僱員額成長 ▱▱▱▱▱▱▱▱ 0.5%（目標 ≤0%）"),
        (STAFF, Actuals(percentage=D(-1)), MID_2021, D(0), "🟢 約聘僱員額成長 ▰▰▰▰▰▰▰▰ -1%（目標 ≤0%）"),
        (
            A1,
            Actuals(previous_year=D(12), this_year=D(4)),
            MID_2021,
            D(1),
            "🟢 A1事故死亡減少 ▰▰▰▰▰▰▰▰ 預估減少 4 人（目標 1）",
        ),
        (
            A1,
            Actuals(previous_year=D(12), this_year=D(10)),
            date(2021, 12, 31),
            D(1),
            "🟢 A1事故死亡減少 ▰▰▰▰▰▰▰▰ 減少 2 人（目標 1）",
        ),
        (A1, Actuals(previous_year=D(12)), MID_2021, D(1), "⚪ A1事故死亡減少 ▱▱▱▱▱▱▱▱ 尚無資料"),
    ],
)
def test_one_line_per_indicator(
    indicator: Indicator, actuals: Actuals, today: date, target: Decimal | None, expected: str
) -> None:
    assert line(indicator, actuals, today, target, actuals.count or 0) == expected


def test_line_in_english_translates_units() -> None:
    progress = compute_progress(TALKS, year=2021, today=MID_2021, actuals=Actuals(count=31), target=D(50))
    row = Row(indicator=TALKS, progress=progress, basis=Basis.BUREAU, own_count=31, basis_count=31)
    assert to_plain(EN.line(row, unit_view=False)) == "🟢 Prevention talks ▰▰▰▰▰▱▱▱ 31/50 talks (62%)"


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (D("62.5"), 0, "63"),
        (D("1234.56"), 1, "1,234.6"),
        (D("0.04"), 1, "0"),
        (D("-0.04"), 1, "0"),
        (D("7.80"), 1, "7.8"),
        (12, 1, "12"),
        (D(-3), 1, "-3"),
    ],
)
def test_numbers(value: Decimal | int, places: int, text: str) -> None:
    assert number(value, places) == text


@pytest.mark.parametrize(
    ("achievement", "cells"), [(None, 0), (D(0), 0), (D(6), 0), (D(7), 1), (D(62), 5), (D(99), 8)]
)
def test_bar_cells(achievement: Decimal | None, cells: int) -> None:
    progress = compute_progress(TALKS, year=2021, today=MID_2021, actuals=Actuals(count=1), target=D(50))
    adjusted = type(progress)(**{**progress.__dict__, "achievement_pct": achievement, "pace": Pace.BEHIND})
    assert achieved_cells(adjusted) == cells
    assert len(bar(adjusted)) == 8


COUNTS = {"p1": {"prevention_talks": 12, "dui": 140}, "p2": {"prevention_talks": 19, "dui": 300}}


def test_bureau_sums_every_unit() -> None:
    assert bureau_counts(COUNTS) == {"prevention_talks": 31, "dui": 440}
    standing = build_standing(
        PLAN, unit_code=None, year=2021, as_of=MID_2021, counts=COUNTS, bureau_figures={}
    )
    talks = next(row for row in standing.rows if row.indicator.id == "prevention_talks")
    assert (talks.basis, talks.progress.actual, talks.progress.target, talks.own_count) == (
        Basis.BUREAU,
        D(31),
        D(50),
        31,
    )
    assert [row.indicator.id for row in standing.rows] == [i.id for i in PLAN.indicators]
    assert len(standing.officer_rows) == 5 and len(standing.other_rows) == 10


def test_a_unit_with_an_allocation_is_judged_against_it() -> None:
    plan = plan_with_allocation()
    standing = build_standing(
        plan, unit_code="p1", year=2021, as_of=MID_2021, counts=COUNTS, bureau_figures={}
    )
    rows = {row.indicator.id: row for row in standing.rows}
    talks = rows["prevention_talks"]
    assert (talks.basis, talks.progress.actual, talks.progress.target) == (Basis.UNIT, D(12), D(20))
    texts = ProgressTexts(CATALOG, Language.ZH, plan)
    assert to_plain(texts.line(talks, unit_view=True)) == "🟢 預防犯罪宣導 ▰▰▰▰▰▱▱▱ 本單位 12/20 場（60%）"
    dui = rows["dui"]
    assert (dui.basis, dui.own_count, dui.basis_count) == (Basis.CONTRIBUTION, 140, 440)
    clearance = rows["clearance_rate"]
    assert clearance.basis is Basis.BUREAU
    assert to_plain(texts.line(clearance, unit_view=True)) == "⚪ 刑案破獲率 ▱▱▱▱▱▱▱▱ 全局 尚無資料"


def test_a_unit_without_an_allocation_shows_its_contribution_beside_the_bureau() -> None:
    plan = plan_with_allocation()
    for unit_code, year in (("p2", 2021), ("p1", 2020)):
        standing = build_standing(
            plan, unit_code=unit_code, year=year, as_of=date(year, 7, 2), counts=COUNTS, bureau_figures={}
        )
        talks = next(row for row in standing.rows if row.indicator.id == "prevention_talks")
        assert (talks.basis, talks.progress.actual, talks.progress.target) == (
            Basis.CONTRIBUTION,
            D(31),
            D(50),
        )
        own = COUNTS[unit_code]["prevention_talks"]
        expected = f"本單位 {own} 場｜全局 31/50 場（62%）"
        assert to_plain(ZH.line(talks, unit_view=True)).endswith(expected)


def test_admin_figures_for_the_bureau_and_the_reference_value() -> None:
    figures = {
        "dui": Actuals(reference=D(800), count=999),
        "clearance_rate": Actuals(numerator=D(1), denominator=D(2)),
    }
    standing = build_standing(
        PLAN, unit_code=None, year=2021, as_of=MID_2021, counts=COUNTS, bureau_figures=figures
    )
    rows = {row.indicator.id: row for row in standing.rows}
    assert rows["dui"].progress.actual == D(55)  # the count comes from reports, not from the figures
    assert rows["clearance_rate"].progress.actual == D(50)


def test_standing_text_says_when_the_plan_has_no_target() -> None:
    standing = build_standing(
        PLAN, unit_code="p1", year=2026, as_of=date(2026, 11, 27), counts=COUNTS, bureau_figures={}
    )
    text = to_plain(ZH.standing(standing))
    assert "計畫未訂民國115年（2026）的目標" in text
    assert "➖ 預防犯罪宣導 ▱▱▱▱▱▱▱▱ 本單位 12 場｜全局 31 場" in text
    assert "<" not in text
    assert len(text.splitlines()) <= 25


def test_standing_text_header() -> None:
    standing = build_standing(
        PLAN, unit_code=None, year=2021, as_of=MID_2021, counts=COUNTS, bureau_figures={}
    )
    lines = to_plain(ZH.standing(standing)).splitlines()
    assert lines[:2] == ["📊 全局進度｜民國110年（2021）", "截至 7/2（週五），全年已過 50%"]
    english = to_plain(EN.standing(standing)).splitlines()
    assert english[:2] == ["📊 Bureau progress | 2021 (ROC 110)", "As of Fri 7/2; 50% of the year has passed"]


@pytest.mark.parametrize(
    ("indicator", "actuals", "today", "target", "achieved", "expected"),
    [
        (TALKS, Actuals(count=31), MID_2021, D(50), D(62), D(183) / D(365) * 100),
        (TALKS, Actuals(count=400), MID_2021, D(50), D(150), D(183) / D(365) * 100),
        (TALKS, Actuals(count=3), date(2026, 1, 1), None, None, None),
        (
            CLEARANCE,
            Actuals(numerator=D(410), denominator=D(500)),
            MID_2021,
            D(85),
            D(82) / D(85) * 100,
            D(100),
        ),
        (A1, Actuals(previous_year=D(12), this_year=D(4)), MID_2021, D(1), D(150), D(100)),
        (A1, Actuals(previous_year=D(12), this_year=D(6)), MID_2021, D(1), None, D(100)),
        (DUI, Actuals(count=440), MID_2021, D(80), None, None),
    ],
)
def test_chart_points(
    indicator: Indicator,
    actuals: Actuals,
    today: date,
    target: Decimal | None,
    achieved: Decimal | None,
    expected: Decimal | None,
) -> None:
    progress = compute_progress(indicator, year=today.year, today=today, actuals=actuals, target=target)
    point = chart_point(Row(indicator=indicator, progress=progress, basis=Basis.BUREAU))
    if achieved is None and indicator is A1:
        assert progress.projected_year_end is not None
        achieved = progress.projected_year_end * 100  # a forecast reduction of about 0.04 of 1
    assert point.achieved == (None if achieved is None else pytest.approx(achieved))
    assert point.expected == (None if expected is None else pytest.approx(expected))
