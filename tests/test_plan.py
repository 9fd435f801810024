"""The shipped plan.json and the plan model: targets, look-ups, validation errors."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.core.plan import (
    Direction,
    LocalizedText,
    Measure,
    Plan,
    PlanError,
    Reporter,
    load_plan,
    normalize_name,
    plan_summary,
)

PLAN_PATH = Path(__file__).resolve().parents[1] / "plan.json"
ROC_YEARS = ("107", "108", "109", "110")

# 參、三 關鍵績效指標 and 參、四 共同性指標, transcribed from the plan text:
# id: (kind, goal, 編號, 指標名稱, unit, direction, measure, reporter, targets 107–110)
EXPECTED_TABLE: dict[str, tuple[Any, ...]] = {
    "clearance_rate": ("kpi", "fight_crime", 1, "全般刑案破獲率",
                       "%", "more", "rate", "admins", (85, 85, 85, 85)),
    "drug_enforcement": ("kpi", "fight_crime", 2, "加強掃蕩毒品績效",
                         "%", "more", "percentage", "admins", (85, 85, 85, 85)),
    "urine_test": ("kpi", "fight_crime", 3, "應受尿液採驗人到驗率",
                   "%", "more", "rate", "admins", (80, 80, 80, 80)),
    "prevention_talks": ("kpi", "crime_prevention", 1, "預防犯罪宣導",
                         "場", "more", "count", "officers", (50, 50, 50, 50)),
    "dui": ("kpi", "traffic_safety", 1, "防制酒後駕車工作",
            "%", "more", "reference_achievement", "officers", (80, 80, 80, 80)),
    "a1_fatalities": ("kpi", "traffic_safety", 2, "減少A1事故死亡人數",
                      "人", "more", "reduction", "admins", (1, 1, 1, 1)),
    "trafficking": ("kpi", "anti_trafficking", 1, "查處人口販運仲介集團成效",
                    "件", "more", "count", "officers", (3, 3, 3, 3)),
    "protection_order": ("kpi", "protect_vulnerable", 1, "查獲違反保護令罪執行成效",
                         "件", "more", "count", "officers", (50, 50, 50, 50)),
    "domestic_violence": ("kpi", "protect_vulnerable", 2, "查獲違反家庭暴力罪執行成效",
                          "件", "more", "count", "officers", (75, 75, 75, 75)),
    "lpr_cameras": ("kpi", "service_efficiency", 1, "建置車牌辨識監視器鏡頭",
                    "%", "more", "rate", "admins", (80, 80, 80, 80)),
    "pc_budget_execution": ("kpi", "service_efficiency", 2, "汰換本局個人電腦主機",
                            "%", "more", "percentage", "admins", (85, 85, 85, 85)),
    "vehicle_budget_execution": ("kpi", "service_efficiency", 3, "汰換逾期警用車輛",
                                 "%", "more", "percentage", "admins", (85, 85, 85, 85)),
    "budget_surplus": ("common", "fiscal_balance", 1, "各單位當年度經常門業務費賸餘數百分比",
                       "%", "more", "percentage", "admins", (3, 3, 4, 4)),
    "contract_staff_growth": ("common", "contract_staff_control", 1, "約聘僱員額成長率",
                              "%", "less", "percentage", "admins", (0, 0, 0, 0)),
    "learning_hours": ("common", "lifelong_learning", 1, "單位公務人員完成年度學習時數之人數比率",
                       "%", "more", "rate", "admins", (70, 70, 70, 70)),
}  # fmt: skip

EXPECTED_UNITS = {
    "hq": "局本部",
    "p1": "第一分局",
    "p2": "第二分局",
    "p3": "第三分局",
    "p4": "第四分局",
    "cid": "刑事警察大隊",
    "traffic": "交通警察隊",
    "security": "保安警察隊",
    "women_children": "婦幼警察隊",
    "juvenile": "少年警察隊",
}

REQUIRED_ALIASES = {
    "prevention_talks": ["預防犯罪宣導場次", "宣導", "talks", "prevention"],
    "dui": ["取締酒駕件數", "酒駕", "dui", "drunk"],
    "protection_order": ["查獲違反保護令罪移（函）送件數", "保護令", "protection", "po"],
    "domestic_violence": ["查獲違反家庭暴力罪移（函）送件數", "家暴", "dv", "domestic"],
    "trafficking": ["查處人口販運仲介集團件數", "人口販運", "trafficking"],
}


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The shipped plan."""
    return load_plan(PLAN_PATH)


@pytest.fixture
def raw_plan() -> dict[str, Any]:
    """The shipped plan as a fresh JSON dict, for breaking."""
    return json.loads(PLAN_PATH.read_text(encoding="utf-8"))


def test_plan_holds_exactly_the_table_indicators_in_order(plan: Plan) -> None:
    assert [i.id for i in plan.indicators] == list(EXPECTED_TABLE)
    assert len(plan.kpis()) == 12
    assert len(plan.common_indicators()) == 3


@pytest.mark.parametrize("indicator_id", list(EXPECTED_TABLE))
def test_indicator_matches_table(plan: Plan, indicator_id: str) -> None:
    kind, goal, number, name, unit, direction, measure, reporter, targets = EXPECTED_TABLE[
        indicator_id
    ]
    indicator = plan.indicator(indicator_id)
    assert (indicator.kind, indicator.goal, indicator.number) == (kind, goal, number)
    assert indicator.name.zh == name
    assert (indicator.unit, indicator.direction, indicator.measure) == (unit, direction, measure)
    assert indicator.reporter == reporter
    assert indicator.targets == {y: Decimal(t) for y, t in zip(ROC_YEARS, targets, strict=True)}
    for roc, expected in zip(ROC_YEARS, targets, strict=True):
        value = indicator.target(int(roc) + 1911)
        assert isinstance(value, Decimal)
        assert str(value) == str(expected)


def test_goals_are_the_six_strategic_and_three_common(plan: Plan) -> None:
    kinds = [(g.kind, g.number) for g in plan.goals]
    assert kinds == [("kpi", n) for n in range(1, 7)] + [("common", n) for n in range(1, 4)]
    assert plan.goal("fight_crime").name.zh == "加強打擊犯罪，有效維護社會治安"
    assert plan.goal("fight_crime").dimension.get("en") == "Business results"


def test_special_units_and_measure_texts(plan: Plan) -> None:
    dui = plan.indicator("dui")
    assert dui.count_unit == "件"
    assert dui.daily_unit == "件"
    assert dui.measure_text.zh == "年度取締酒駕件數警政署目標值達成率"
    assert plan.indicator("prevention_talks").daily_unit == "場"
    assert plan.indicator("lpr_cameras").measure_text.zh == "建置車牌辨識監視器鏡頭20支"
    assert plan.indicator("protection_order").measure_text.zh == "查獲違反保護令罪移（函）送件數"


def test_years_and_targets_outside_the_plan(plan: Plan) -> None:
    assert plan.years() == [2018, 2019, 2020, 2021]
    assert plan.roc_years() == [107, 108, 109, 110]
    assert plan.indicator("budget_surplus").target(2020) == Decimal(4)
    assert plan.indicator("budget_surplus").target(2019) == Decimal(3)
    assert plan.indicator("prevention_talks").target(2017) is None
    assert plan.indicator("prevention_talks").target(2026) is None
    assert plan.indicator("prevention_talks").unit_target("p1", 2018) is None


def test_officer_and_admin_indicators(plan: Plan) -> None:
    officer_ids = [i.id for i in plan.officer_indicators()]
    assert officer_ids == [
        "prevention_talks",
        "dui",
        "trafficking",
        "protection_order",
        "domestic_violence",
    ]
    assert len(plan.admin_indicators()) == 10
    for indicator in plan.officer_indicators():
        assert indicator.max_daily_count is not None and indicator.max_daily_count >= 1
        assert indicator.reporter is Reporter.OFFICERS
        assert indicator.measure in (Measure.COUNT, Measure.REFERENCE_ACHIEVEMENT)


@pytest.mark.parametrize(
    ("indicator_id", "alias"),
    [(i, alias) for i, aliases in REQUIRED_ALIASES.items() for alias in aliases],
)
def test_required_aliases_present_and_resolve(plan: Plan, indicator_id: str, alias: str) -> None:
    assert alias in plan.indicator(indicator_id).aliases
    resolved = plan.resolve_indicator(alias)
    assert resolved is not None and resolved.id == indicator_id


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("宣導", "prevention_talks"),
        ("  預防犯罪宣導場次 ", "prevention_talks"),
        ("查獲違反保護令罪移(函)送件數", "protection_order"),
        ("查獲違反保護令罪移（函）送件數", "protection_order"),
        ("查獲違反家庭暴力罪移(函)送件數", "domestic_violence"),
        ("家暴", "domestic_violence"),
        ("Talks", "prevention_talks"),
        ("DUI", "dui"),
        ("ＤＵＩ", "dui"),
        ("Drunk", "dui"),
        ("PO", "protection_order"),
        ("dv", "domestic_violence"),
        ("Domestic", "domestic_violence"),
        ("TRAFFICKING", "trafficking"),
        ("人口販運", "trafficking"),
        ("clearance_rate", "clearance_rate"),
        ("Budget_Surplus", "budget_surplus"),
    ],
)
def test_resolve_indicator(plan: Plan, text: str, expected: str) -> None:
    resolved = plan.resolve_indicator(text)
    assert resolved is not None
    assert resolved.id == expected


@pytest.mark.parametrize("text", ["", "   ", "speeding", "宣導宣導", "酒"])
def test_resolve_unknown_is_none(plan: Plan, text: str) -> None:
    assert plan.resolve_indicator(text) is None


def test_indicator_lookup_unknown_raises_key_error(plan: Plan) -> None:
    with pytest.raises(KeyError):
        plan.indicator("nope")


def test_units(plan: Plan) -> None:
    assert {code: unit.name.zh for code, unit in plan.units_by_code.items()} == EXPECTED_UNITS
    p1 = plan.unit("p1")
    assert p1 is not None and p1.name.get("en") == "First Precinct"
    assert plan.unit("p9") is None


def test_localized_text_get() -> None:
    text = LocalizedText(zh="中", en="English")
    assert text.get("zh") == "中"
    assert text.get("en") == "English"


def test_plan_summary(plan: Plan) -> None:
    summary = plan_summary(plan)
    assert "基隆市警察局中程施政計畫" in summary
    assert "民國107–110年 (2018–2021)" in summary
    assert "12 KPIs, 3 common" in summary
    assert "goals: 9" in summary
    assert "units: 10" in summary
    assert "prevention_talks, dui, trafficking, protection_order, domestic_violence" in summary


def test_normalize_name_folds_width_case_and_space() -> None:
    assert normalize_name("  （函） ＡＢ  c ") == "(函) ab c"


def _write(tmp_path: Path, data: Any) -> Path:
    """Write a plan dict to a file and return its path."""
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    return path


def test_unit_targets_and_exact_decimals(tmp_path: Path, raw_plan: dict[str, Any]) -> None:
    talks = raw_plan["indicators"][3]
    talks["unit_targets"] = {"p1": {"107": 10}, "p2": {"107": 12.5}}
    plan = load_plan(_write(tmp_path, raw_plan))
    indicator = plan.indicator("prevention_talks")
    assert indicator.unit_target("p1", 2018) == Decimal(10)
    assert str(indicator.unit_target("p2", 2018)) == "12.5"
    assert indicator.unit_target("p1", 2019) is None
    assert indicator.unit_target("hq", 2018) is None


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation that sets a dotted path (list indexes as numbers) to value."""

    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


def _rename_year(data: dict[str, Any]) -> None:
    """Key a target by a Gregorian year instead of a ROC one."""
    targets = data["indicators"][3]["targets"]
    targets["2018"] = targets.pop("107")


def _duplicate_alias(data: dict[str, Any]) -> None:
    """Give trafficking an alias that already names dui."""
    data["indicators"][6]["aliases"].append("ＤＲＵＮＫ")


BROKEN_PLANS = [
    ("duplicate indicator id", _set("indicators.4.id", "prevention_talks"), "indicators[4].id"),
    ("unknown goal", _set("indicators.0.goal", "no_such_goal"), "indicators[0].goal"),
    ("duplicate goal id", _set("goals.1.id", "fight_crime"), "goals[1].id"),
    ("duplicate unit code", _set("units.2.code", "p1"), "units[2].code"),
    ("gregorian year key", _rename_year, "indicators[3].targets.2018"),
    ("non-numeric year key", _set("indicators.5.targets.next", 1), "indicators[5].targets.next"),
    ("bad target value", _set("indicators.3.targets.107", "lots"), "indicators[3].targets.107"),
    ("negative max_daily_count", _set("indicators.3.max_daily_count", -1),
     "indicators[3].max_daily_count"),
    ("zero max_daily_count", _set("indicators.4.max_daily_count", 0),
     "indicators[4].max_daily_count"),
    ("officer indicator without aliases", _set("indicators.3.aliases", []),
     "indicators[3].aliases"),
    ("officer indicator without max", _set("indicators.6.max_daily_count", None),
     "indicators[6].max_daily_count"),
    ("alias clash", _duplicate_alias, "indicators[6].aliases[6]"),
    ("unknown unit in allocation", _set("indicators.3.unit_targets", {"p9": {"107": 1}}),
     "indicators[3].unit_targets.p9"),
    ("bad direction", _set("indicators.0.direction", "up"), "indicators[0].direction"),
    ("unknown field", _set("indicators.2.traget", {}), "indicators[2].traget"),
    ("missing title", lambda data: data.pop("title"), "title"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "field"),
    [pytest.param(mutate, field, id=name) for name, mutate, field in BROKEN_PLANS],
)
def test_broken_plan_names_the_field(
    tmp_path: Path,
    raw_plan: dict[str, Any],
    mutate: Callable[[dict[str, Any]], None],
    field: str,
) -> None:
    data = copy.deepcopy(raw_plan)
    mutate(data)
    path = _write(tmp_path, data)
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    assert f"{path}: {field}: " in str(caught.value)


def test_invalid_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{\n  "title": {"zh": "x", "en": "y"},\n  "goals": [,]\n}\n', encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    message = str(caught.value)
    assert str(path) in message
    assert "line 3" in message


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    with pytest.raises(PlanError, match=r"absent\.json"):
        load_plan(path)


def test_top_level_must_be_an_object(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match=r"\(root\)"):
        load_plan(_write(tmp_path, []))


def test_enums_are_strings(plan: Plan) -> None:
    indicator = plan.indicator("contract_staff_growth")
    assert indicator.direction is Direction.LESS
    assert indicator.direction == "less"
