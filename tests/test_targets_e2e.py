"""Admins' targets through the real bot: a year outside the plan file, amendments, allocations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from bot.core.targets import Change
from bot.services import Repositories
from tests.auxil.harness import ADMIN_ID, Harness, taipei
from tests.auxil.scheduling import run_due, sent_since
from tests.auxil.seed import add_report

CHIEF_P1 = 601
OFFICER_P1, OFFICER_P2 = 501, 504


def line_after(text: str, marker: str) -> str:
    """The line under the first line containing marker (a digest's year-to-date line)."""
    lines = text.splitlines()
    return lines[next(index for index, line in enumerate(lines) if marker in line) + 1]


def repos(harness: Harness) -> Repositories:
    assert harness.app is not None
    return harness.app.bot_data.repos


@pytest.fixture
async def bureau(harness: Harness) -> Harness:
    """The admin (Admin), p1's chief and an officer each in p1 and p2, on Friday 2026-11-27."""
    await harness.register(CHIEF_P1, "p1", "chief", name="林主管")
    await harness.register(OFFICER_P1, "p1", "officer", name="陳警員")
    await harness.register(OFFICER_P2, "p2", "officer", name="張警員")
    return harness


async def test_a_year_without_a_plan_period_is_judged_against_the_admins_target(bureau: Harness) -> None:
    harness = bureau
    before = (await harness.say(ADMIN_ID, "/progress")).plain_text or ""
    assert "計畫未訂民國115年（2026）的目標" in before
    assert "計畫檔只涵蓋 民國107–110年 (2018–2021)" in before and "/target carry 114 115" in before

    await harness.say(OFFICER_P1, "/report talks 5")
    await harness.say(OFFICER_P2, "/report talks 3")
    answer = (await harness.say(ADMIN_ID, "/target talks 40")).plain_text or ""
    assert "已設定目標：預防犯罪宣導｜全局｜民國115年（2026）" in answer
    assert "不在計畫檔的期程內" in answer
    assert "累計 8 場" in answer and "目標 40場" in answer

    progress = (await harness.say(ADMIN_ID, "/progress")).plain_text or ""
    assert "計畫未訂" not in progress and "民國115年（2026）不在計畫檔的期程內" in progress
    talks = next(line for line in progress.splitlines() if "預防犯罪宣導" in line)
    assert talks.endswith("8/40 場（20%）"), talks

    harness.clock.set(taipei("2026-11-30T08:00:00"))
    mark = len(harness.standin.sent)
    await run_due(harness)
    digest = sent_since(harness.standin, mark, ADMIN_ID)
    text = digest[0].plain_text or ""
    assert text.startswith("🗓") and "計畫未訂" not in text
    assert line_after(text, "預防犯罪宣導").endswith("今年 8/40 場（20%）")


async def test_an_amendment_mid_year_keeps_the_old_value_and_audits_it(bureau: Harness) -> None:
    harness = bureau
    harness.clock.set(taipei("2026-03-02T10:00:00"))
    await harness.say(ADMIN_ID, "/target 酒駕 80%")
    harness.clock.set(taipei("2026-06-30T15:30:00"))
    answer = (await harness.say(ADMIN_ID, "/target dui 85 115")).plain_text or ""
    assert "取代先前的 80%（Admin 2026-03-02 10:00 修訂）" in answer
    assert "舊值仍保留" in answer

    history = await repos(harness).targets.history(indicator="dui", year=2026, unit_code=None)
    assert [(entry.value, entry.change) for entry in history] == [(D(85), Change.SET), (D(80), Change.SET)]
    assert history[0].supersedes == history[1].id
    audit = await repos(harness).audit.latest(limit=2)
    assert [(a.action, a.subject, a.old_value, a.new_value) for a in audit] == [
        ("target.set", "target:dui:2026:bureau", "80", "85"),
        ("target.set", "target:dui:2026:bureau", None, "80"),
    ]
    logged = (await harness.say(ADMIN_ID, "/audit 2")).plain_text or ""
    assert "設定目標 target:dui:2026:bureau" in logged and "80 → 85" in logged, logged
    listed = (await harness.say(ADMIN_ID, "/targets")).plain_text or ""
    assert "防制酒後駕車工作：85%（Admin 2026-06-30 15:30 修訂）" in listed
    assert "全般刑案破獲率：未設定" in listed

    plan_year = (await harness.say(ADMIN_ID, "/target talks 55 2021")).plain_text or ""
    assert "取代先前的 50 場（計畫檔）" in plan_year and "不在計畫檔" not in plan_year
    amended = (await harness.say(ADMIN_ID, "/targets 110")).plain_text or ""
    assert "預防犯罪宣導：55 場（Admin" in amended and "計畫期程：民國107–110年" in amended
    planned = (await harness.say(ADMIN_ID, "/targets 109")).plain_text or ""
    assert "預防犯罪宣導：50 場（計畫檔）" in planned


async def test_auto_allocation_from_last_year_then_the_chief_is_judged_on_the_unit_share(
    bureau: Harness,
) -> None:
    harness = bureau
    for officer_id, count in ((OFFICER_P1, 30), (OFFICER_P2, 10)):
        officer = await repos(harness).users.get(telegram_id=officer_id)
        assert officer is not None
        await add_report(repos(harness), officer, "prevention_talks", count, date(2025, 5, 1))
    await harness.say(OFFICER_P1, "/report talks 6")
    await harness.say(OFFICER_P2, "/report talks 2")
    no_target = (await harness.say(ADMIN_ID, "/allocate talks 2026 auto")).plain_text or ""
    assert "尚未設定 prevention_talks 的全局目標" in no_target

    await harness.say(ADMIN_ID, "/target talks 40")
    proposal = await harness.say(ADMIN_ID, "/allocate talks 2026 auto")
    text = proposal.plain_text or ""
    assert "依民國114年（2025）各單位實績占全局的比例" in text
    assert "第一分局：30 場" in text and "第二分局：10 場" in text
    assert "各單位合計 40 場／全局目標 40 場" in text
    assert await repos(harness).targets.history(indicator="prevention_talks", year=2026, unit_code="p1") == []

    confirm = proposal.button("確認")
    stored = await harness.tap(ADMIN_ID, proposal, "確認")
    assert "已儲存 2 個單位的分配" in (stored.plain_text or "") and not stored.buttons
    audit = (await repos(harness).audit.latest(limit=1))[0]
    assert (audit.action, audit.subject) == ("target.allocate", "allocate:prevention_talks:2026")
    assert audit.new_value == "prevention_talks p1=30; prevention_talks p2=10"
    harness.standin.press(ADMIN_ID, proposal, confirm, check=False)  # a second press of the same button
    await harness.say(ADMIN_ID, "/targets")
    assert "已儲存過" in (harness.standin.answered_callbacks[-1][1] or "")
    p1_versions = await repos(harness).targets.history(
        indicator="prevention_talks", year=2026, unit_code="p1"
    )
    assert [entry.value for entry in p1_versions] == [D(30)]

    progress = (await harness.say(CHIEF_P1, "/progress")).plain_text or ""
    talks = next(line for line in progress.splitlines() if "預防犯罪宣導" in line)
    assert "本單位" in talks and "30" in talks and "6" in talks and "全局" not in talks, talks
    assert progress.count("本單位未分配目標的項目") == 1

    await harness.say(ADMIN_ID, "/target dui 80%")  # a bureau target p1 has no share of
    harness.clock.set(taipei("2026-11-30T08:00:00"))
    mark = len(harness.standin.sent)
    await run_due(harness)
    chief = sent_since(harness.standin, mark, CHIEF_P1)
    digest = chief[0].plain_text or ""
    assert "以本單位分配的目標計算" in digest and digest.count("本單位未分配目標的項目") == 1
    ytd = line_after(digest, "預防犯罪宣導")
    assert "本單位" in ytd and "30" in ytd and "全局" not in ytd, ytd
    photo = chief[1]
    assert photo.method == "sendPhoto" and photo.photo
    assert "第一分局｜民國115年（2026）" in (photo.plain_caption or "")  # the title: test_targets_chart.py


async def test_typed_allocation_is_stored_at_once_with_its_sum(bureau: Harness) -> None:
    harness = bureau
    await harness.say(ADMIN_ID, "/target talks 40 2027")
    answer = (await harness.say(ADMIN_ID, "/allocate talks 2027 p1=12 p2=10")).plain_text or ""
    assert "各單位合計 22 場／全局目標 40 場" in answer and "已儲存 2 個單位" in answer
    listed = (await harness.say(ADMIN_ID, "/targets 2027")).plain_text or ""
    assert "單位分配：p1 12、p2 10（合計 22 場）" in listed
    unit = (await harness.say(ADMIN_ID, "/targets 2027 p1")).plain_text or ""
    assert "預防犯罪宣導：12 場（Admin" in unit and "分配" in unit
    for line, expected in (
        ("/allocate talks 2027 p1=12 p1=3", "p1 寫了兩次"),
        ("/allocate talks 2027 p9=3", "找不到單位代碼「p9」"),
        ("/allocate talks 2027 p1:3", "不是「單位代碼=目標值」"),
        ("/allocate clearance_rate 2027 auto", "無法依實績比例自動分配"),
        ("/allocate talks 2027 p1=2.5", "請輸入整數"),
    ):
        assert expected in ((await harness.say(ADMIN_ID, line)).plain_text or ""), line
    assert (
        len(await repos(harness).targets.history(indicator="prevention_talks", year=2027, unit_code="p1"))
        == 1
    )


async def test_cancel_and_stale_proposals_store_nothing(bureau: Harness) -> None:
    harness = bureau
    proposal = await harness.say(ADMIN_ID, "/target carry 2021 2026")
    assert "共 15 項" in (proposal.plain_text or "")
    cancelled = await harness.tap(ADMIN_ID, proposal, "取消")
    assert "已取消" in (cancelled.plain_text or "")
    assert await repos(harness).targets.amendments_for(year=2026) == []

    proposal = await harness.say(ADMIN_ID, "/target carry 2021 2026")
    await harness.say(ADMIN_ID, "/target talks 50")  # the proposal no longer reads as shown
    stale = await harness.tap(ADMIN_ID, proposal, "確認")
    assert "已過時" in (stale.plain_text or "")
    assert len(await repos(harness).targets.amendments_for(year=2026)) == 1

    forged = await harness.say(ADMIN_ID, "/target carry 2021 2026")
    harness.standin.press(ADMIN_ID, forged, "tc:2021:2026:00000000", check=False)
    assert "已過時" in ((await harness.standin.next_event(ADMIN_ID)).plain_text or "")
    assert len(await repos(harness).targets.amendments_for(year=2026)) == 1
    for data in ("ta:talks:2026:00000000", "ta:clearance_rate:2026:00000000", "tc:1999:2026:00000000"):
        harness.standin.press(ADMIN_ID, forged, data, check=False)
    await harness.say(ADMIN_ID, "/targets")  # handled after the presses
    answers = [text or "" for _, text, _ in harness.standin.answered_callbacks[-3:]]
    assert all("僅供基隆市警察局已登錄同仁使用" in text for text in answers), answers
    assert len(await repos(harness).targets.amendments_for(year=2026)) == 1


@pytest.mark.parametrize("role", ["officer", "chief"])
async def test_only_admins_set_targets(bureau: Harness, role: str) -> None:
    user = OFFICER_P1 if role == "officer" else CHIEF_P1
    for line in ("/target talks 40", "/targets", "/allocate talks 2026 p1=3"):
        assert "僅限管理員" in ((await bureau.say(user, line)).plain_text or "")
    assert await repos(bureau).targets.amendments_for(year=2026) == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/target", "/target carry 來源年度 目標年度"),
        ("/target talks", "/target carry 來源年度 目標年度"),
        ("/target talks 2.5", "請輸入整數"),
        ("/target clearance_rate 300", "-100% 與 200%"),
        ("/target nothing 3", "找不到指標"),
        ("/target talks 3 2099", "介於 2000 與 2027"),
        ("/target talks 3 p9", "找不到單位代碼"),
        ("/target carry 2021", "/target carry 2021 2026"),
        ("/target carry 2021 110", "同為民國110年"),
    ],
)
async def test_bad_targets_are_explained_and_not_stored(bureau: Harness, line: str, expected: str) -> None:
    answer = await bureau.say(ADMIN_ID, line)
    assert expected in (answer.plain_text or "")
    assert all(not entry.action.startswith("target.") for entry in await repos(bureau).audit.latest(limit=50))


async def test_english_targets(bureau: Harness) -> None:
    bureau.user(ADMIN_ID, "Admin", language="en")
    answer = (await bureau.say(ADMIN_ID, "/target clearance_rate 87%")).plain_text or ""
    assert "Target set: Overall criminal case clearance rate | Whole bureau | 2026 (ROC 115)" in answer
    assert "stands outside the plan file" in answer
