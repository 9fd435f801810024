"""Mid-term plan periods: a later plan that keeps, renames and drops indicators, check-plan, carry."""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.core.clock import SettableClock
from bot.core.plan import PlanError, load_plan
from bot.core.targets import YearTargets
from bot.demo.sandbox.standin import BotApiStandIn
from tests.auxil.harness import ADMIN_ID, Harness, make_settings
from tests.test_cli import ROOT, run_cli

SEED = json.loads((ROOT / "plan.json").read_text(encoding="utf-8"))
KEPT = [indicator["id"] for indicator in SEED["indicators"] if indicator["id"] != "learning_hours"]
NEXT_PLAN = {
    "title": {"zh": "基隆市警察局中程施政計畫（111 至 114 年度）", "en": "Mid-Term Plan (ROC 111–114)"},
    "first": 111,
    "last": 114,
    "indicators": KEPT,
    "names": {"lpr_cameras": {"zh": "車牌辨識鏡頭汰換", "en": "LPR camera renewal"}},
    "targets": {"prevention_talks": {"111": 60, "112": 60}, "clearance_rate": {"111": 86}},
    "unit_targets": {"prevention_talks": {"p1": {"111": 20}}},
}


def two_periods() -> dict[str, Any]:
    """The shipped plan with a second mid-term plan (ROC 111–114) that drops learning_hours."""
    data = copy.deepcopy(SEED)
    data["later_periods"] = [copy.deepcopy(NEXT_PLAN)]
    return data


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_later_period_keeps_renames_and_drops_indicators(tmp_path: Path) -> None:
    plan = load_plan(write(tmp_path, two_periods()))
    assert [period.span() for period in plan.periods()] == [
        "民國107–110年 (2018–2021)",
        "民國111–114年 (2022–2025)",
    ]
    assert plan.period_for(2021) is plan.periods()[0] and plan.period_for(2026) is None
    ids_2022 = [indicator.id for indicator in plan.indicators_for(2022)]
    assert ids_2022 == KEPT and len(plan.indicators_for(2021)) == 15
    assert [i.name.zh for i in plan.indicators_for(2022) if i.id == "lpr_cameras"] == ["車牌辨識鏡頭汰換"]
    assert plan.indicator("lpr_cameras").name.zh == "建置車牌辨識監視器鏡頭"
    assert [i.id for i in plan.indicators_for(2026)] == KEPT  # the latest plan carries on
    targets = YearTargets(plan, 2022)
    assert targets.value("prevention_talks") == Decimal(60) and targets.value("prevention_talks", "p1") == 20
    assert targets.value("dui") is None and YearTargets(plan, 2021).value("dui") == Decimal(80)
    assert plan.years() == [2018, 2019, 2020, 2021, 2022, 2023]


def _later(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        node: Any = data["later_periods"][0]
        *parents, last = path.split(".")
        for part in parents:
            node = node[part]
        node[last] = value

    return mutate


def _second_copy(data: dict[str, Any]) -> None:
    data["later_periods"].append({**copy.deepcopy(NEXT_PLAN), "first": 114, "last": 117, "targets": {}})


BROKEN_PERIODS = [
    ("overlaps the first period", _later("first", 110),
     "later_periods[0].first", "overlaps the first period (targets in indicators), 民國107–110年"),
    ("overlaps another later period", _second_copy, "later_periods[1].first", "overlaps later_periods[0]"),
    ("ends before it starts", _later("last", 109), "later_periods[0].last", "before it starts"),
    ("targeted but undefined", _later("targets.no_such_kpi", {"111": 3}),
     "later_periods[0].targets.no_such_kpi", "targeted but not defined in the plan"),
    ("targeted but not in the period", _later("targets.learning_hours", {"111": 70}),
     "later_periods[0].targets.learning_hours", "not one of the period's indicators"),
    ("listed but undefined", _later("indicators", [*KEPT, "ghost"]), "later_periods[0].indicators[14]",
     "'ghost' is not defined"),
    ("listed twice", _later("indicators", [*KEPT, "dui"]),
     "later_periods[0].indicators[14]", "duplicate 'dui'"),
    ("a year outside the period", _later("targets.dui", {"115": 80}),
     "later_periods[0].targets.dui.115", "outside the period (民國111–114年)"),
    ("an unknown unit", _later("unit_targets.dui", {"p9": {"111": 1}}),
     "later_periods[0].unit_targets.dui.p9", "unknown unit 'p9'"),
    ("renames what it lacks", _later("names.learning_hours", {"zh": "x", "en": "x"}),
     "later_periods[0].names.learning_hours", "renamed but not in"),
    ("a Gregorian year key", _later("targets.dui", {"2022": 80}),
     "later_periods[0].targets.dui.2022", "ROC year"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "field", "message"),
    [pytest.param(mutate, field, message, id=name) for name, mutate, field, message in BROKEN_PERIODS],
)
def test_check_plan_names_each_bad_period(
    tmp_path: Path, mutate: Callable[[dict[str, Any]], None], field: str, message: str
) -> None:
    data = two_periods()
    mutate(data)
    path = write(tmp_path, data)
    with pytest.raises(PlanError) as caught:
        load_plan(path)
    line = next((line for line in str(caught.value).splitlines() if f"{path}: {field}: " in line), "")
    assert message in line, str(caught.value)


def test_check_plan_command_summarises_and_refuses_periods(tmp_path: Path) -> None:
    good = run_cli("check-plan", str(write(tmp_path, two_periods())))
    assert good.returncode == 0, good.stderr
    assert "period 民國111–114年 (2022–2025): Mid-Term Plan (ROC 111–114), 14 indicators" in good.stdout
    data = two_periods()
    _later("first", 110)(data)
    bad = run_cli("check-plan", str(write(tmp_path, data)))
    assert bad.returncode == 1 and "later_periods[0].first: 民國110–114年 overlaps" in bad.stderr


@pytest.fixture
async def later_plan(tmp_path: Path, standin: BotApiStandIn, clock: SettableClock) -> AsyncIterator[Harness]:
    """The bot on a plan file with two periods, on 2026-11-27."""
    settings = make_settings(tmp_path, standin, plan_path=write(tmp_path, two_periods()))
    running = Harness(standin=standin, clock=clock, settings=settings)
    await running.start()
    running.user(ADMIN_ID, "Admin")
    try:
        yield running
    finally:
        await running.stop()


async def test_carry_says_which_indicators_the_new_year_dropped(later_plan: Harness) -> None:
    harness = later_plan
    proposal = await harness.say(ADMIN_ID, "/target carry 2021 2022")
    text = proposal.plain_text or ""
    assert "把民國110年（2021）的目標沿用到民國111年（2022），共 14 項" in text
    assert "預防犯罪宣導｜全局：50 場（原 60 場）" in text
    assert "全般刑案破獲率｜全局：85%（原 86%）" in text
    assert "車牌辨識鏡頭汰換｜全局：80%\n" in text
    dropped = "⚠️ 民國111年（2022）的計畫期程已沒有這些指標，不沿用："
    assert dropped + "單位公務人員完成年度學習時數之人數比率" in text

    stored = await harness.tap(ADMIN_ID, proposal, "確認")
    assert "已儲存 14 項目標" in (stored.plain_text or "")
    listed = (await harness.say(ADMIN_ID, "/targets 2022")).plain_text or ""
    assert "計畫期程：民國111–114年 (2022–2025)" in listed
    assert "預防犯罪宣導：50 場（Admin" in listed and "沿用）" in listed
    assert "單位分配：p1 20（合計 20 場）" in listed
    assert "學習時數" not in listed
    progress = (await harness.say(ADMIN_ID, "/progress 2022")).plain_text or ""
    assert "車牌辨識鏡頭汰換" in progress and "學習時數" not in progress
    audit = (await harness.app.bot_data.repos.audit.latest(limit=1))[0] if harness.app else None
    assert audit is not None and (audit.action, audit.subject) == ("target.carry", "carry:2021:2022")

    dropped = (await harness.say(ADMIN_ID, "/target learning_hours 70 2022")).plain_text or ""
    assert "不在民國111年（2022）的計畫期程內" in dropped and "未儲存" in dropped
    refused = (await harness.say(ADMIN_ID, "/allocate learning_hours 2022 p1=70")).plain_text or ""
    assert "不在民國111年（2022）的計畫期程內" in refused
    kept = (await harness.say(ADMIN_ID, "/target learning_hours 71 2021")).plain_text or ""
    assert "取代先前的 70%（計畫檔）" in kept
