"""Admins entering figures with /set through the real bot: versions, audit, progress lines."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bot.core.progress import Actuals
from bot.services import Repositories
from tests.auxil.harness import ADMIN_ID, Harness, taipei


def repos(harness: Harness) -> Repositories:
    assert harness.app is not None
    return harness.app.bot_data.repos


async def figures_of(harness: Harness, year: int, unit_code: str | None) -> dict[str, Actuals]:
    """One scope's figures as progress reads them (every scope's in one read)."""
    return (await repos(harness).figures.actuals_by_scope(year=year)).get(unit_code, {})


@pytest.fixture
async def admin(harness: Harness) -> int:
    harness.clock.set(taipei("2020-06-30T10:00:00"))
    harness.user(ADMIN_ID, "統計科王科員")
    return ADMIN_ID


async def test_set_rate_shows_progress_line_and_supersedes(harness: Harness, admin: int) -> None:
    first = await harness.say(admin, "/set clearance_rate 400/480")
    text = first.plain_text or ""
    assert "全般刑案破獲率" in text and "全局" in text and "民國109年（2020）" in text
    assert "83.3%（400/480）" in text
    assert "目標 85%" in text and "達成率 98%" in text and "符合進度" in text
    assert "第一筆" in text

    second = await harness.say(admin, "/set clearance_rate 412/480 109")
    text = second.plain_text or ""
    assert "85.8%（412/480）" in text
    assert "超前" not in text and "符合進度" in text
    assert "取代先前的 400/480（統計科王科員，2020-06-30 10:00）" in text

    history = await repos(harness).figures.history(indicator="clearance_rate", year=2020, unit_code=None)
    assert [entry.value.text() for entry in history] == ["412/480", "400/480"]
    assert history[0].supersedes == history[1].id
    actuals = await figures_of(harness, 2020, None)
    assert actuals["clearance_rate"] == Actuals(numerator=D(412), denominator=D(480))
    audit = await repos(harness).audit.latest(limit=2)
    assert [(a.action, a.subject, a.old_value, a.new_value) for a in audit] == [
        ("figure.set", "figure:clearance_rate:2020:bureau", "400/480", "412/480"),
        ("figure.set", "figure:clearance_rate:2020:bureau", None, "400/480"),
    ]


async def test_percentage_for_a_unit_and_a_past_year(harness: Harness, admin: int) -> None:
    answer = await harness.say(admin, "/set budget_surplus 2.5% 2019 p2")
    text = answer.plain_text or ""
    assert "第二分局" in text and "民國108年（2019）" in text
    assert "實績 2.5%" in text and "目標 3%" in text and "落後" in text
    assert (await figures_of(harness, 2019, "p2")) == {"budget_surplus": Actuals(percentage=D("2.5"))}
    assert (await figures_of(harness, 2019, None)) == {}


async def test_dui_reference_against_reported_counts(harness: Harness, admin: int) -> None:
    await harness.register(801, "traffic", "officer", name="交通隊員")
    for line in ("/report 酒駕 20", "/report 酒駕 10 yesterday"):
        assert "已記錄" in ((await harness.say(801, line)).plain_text or "")
    answer = await harness.say(admin, "/set dui 60 2020")
    text = answer.plain_text or ""
    assert "已取締 30 件／警政署基準 60 件 ＝ 50%" in text
    assert "目標 80%" in text
    assert (await figures_of(harness, 2020, None))["dui"] == Actuals(reference=D(60))


async def test_a1_deaths_reduction_needs_the_previous_year(harness: Harness, admin: int) -> None:
    alone = await harness.say(admin, "/set a1_fatalities 12 2020")
    assert "前一年尚未輸入" in (alone.plain_text or "")
    await harness.say(admin, "/set a1_fatalities 15 2019")
    both = await harness.say(admin, "/set a1_fatalities 11 2020")
    text = both.plain_text or ""
    assert "2020 年 11 人，前一年 15 人：減少 4 人" in text
    assert "目標 1人" in text
    actuals = await figures_of(harness, 2020, None)
    assert actuals["a1_fatalities"] == Actuals(this_year=D(11), previous_year=D(15))


async def test_year_without_target_says_so(harness: Harness, admin: int) -> None:
    harness.clock.set(taipei("2026-11-27T10:00:00"))
    answer = await harness.say(admin, "/set pc_budget_execution 90")
    assert "民國115年（2026）" in (answer.plain_text or "")
    assert "此年度計畫未設定目標" in (answer.plain_text or "")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/set clearance_rate 85%", "分子/分母"),
        ("/set clearance_rate 5/0", "分母不可為 0"),
        ("/set pc_budget_execution 850", "-100% 與 200%"),
        ("/set a1_fatalities 2.5", "整數"),
        ("/set prevention_talks 12", "由員警每日以 /report 回報"),
        ("/set nothing 12", "找不到指標"),
        ("/set clearance_rate 1/2 p9", "p1, p2"),
        ("/set clearance_rate 1/2 2099", "介於 2000 與 2021"),
    ],
)
async def test_bad_values_are_explained_and_not_stored(
    harness: Harness, admin: int, line: str, expected: str
) -> None:
    answer = await harness.say(admin, line)
    assert expected in (answer.plain_text or "")
    assert all(entry.action != "figure.set" for entry in await repos(harness).audit.latest(limit=50))


async def test_usage_lists_every_settable_indicator(harness: Harness, admin: int) -> None:
    answer = await harness.say(admin, "/set")
    text = answer.plain_text or ""
    for indicator_id in ("clearance_rate", "dui", "a1_fatalities", "learning_hours"):
        assert indicator_id in text
    assert "prevention_talks" not in text


async def test_english_answer(harness: Harness, admin: int) -> None:
    harness.user(ADMIN_ID, "Admin", language="en")
    answer = await harness.say(admin, "/set urine_test 90/100")
    text = answer.plain_text or ""
    assert "Actual 90% (90/100)" in text and "Target 80%" in text and "Whole bureau" in text


async def test_redelivered_set_is_stored_once(harness: Harness, admin: int) -> None:
    update_id = harness.standin.send_text(admin, "/set lpr_cameras 12/20")
    first = await harness.standin.next_message(admin)
    harness.standin.redeliver(update_id)  # the inbox has it already: handled once
    await harness.said_nothing(admin)
    assert "第一筆" in (first.plain_text or "")
    history = await repos(harness).figures.history(indicator="lpr_cameras", year=2020, unit_code=None)
    assert len(history) == 1


@pytest.mark.parametrize("role", ["officer", "chief"])
async def test_only_admins_set(harness: Harness, role: str) -> None:
    await harness.register(802, "p1", role)
    answer = await harness.say(802, "/set clearance_rate 412/480")
    assert "僅限管理員" in (answer.plain_text or "")
    assert await figures_of(harness, 2026, None) == {}
