"""/progress, /digest, /subscribe, /away and the digest CLI through the real bot."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.core.clock import SettableClock
from bot.core.domain import Role
from tests.auxil.harness import ADMIN_ID, Harness, taipei
from tests.auxil.scheduling import services
from tests.auxil.seed import add_member, add_report, open_repos

CHIEF, OTHER_CHIEF, OFFICER = 601, 602, 501
GROUP = -100700


@pytest.fixture
def clock() -> SettableClock:
    """Wednesday 2021-03-10 10:00 in Taipei."""
    return SettableClock(taipei("2021-03-10T10:00:00"))


@pytest.fixture
async def people(harness: Harness) -> Harness:
    harness.clock.set(taipei("2021-03-01T09:00:00"))
    await harness.register(CHIEF, "p1", "chief", name="林主管")
    await harness.register(OTHER_CHIEF, "p2", "chief", name="黃主管")
    await harness.register(OFFICER, "p1", "officer", name="陳警員")
    await harness.register(502, "p1", "officer", name="王警員")
    harness.clock.set(taipei("2021-03-10T10:00:00"))
    await harness.say(OFFICER, "/report talks 4 2021-03-03")
    await harness.say(OFFICER, "/report dui 6")
    return harness


async def test_officers_are_pointed_to_mine(people: Harness) -> None:
    answer = await people.say(OFFICER, "/progress")
    assert "/mine" in (answer.plain_text or "")
    answer = await people.say(OFFICER, "/digest")
    assert "主管與管理員" in (answer.plain_text or "")


async def test_a_chief_sees_the_own_unit_only(people: Harness) -> None:
    answer = (await people.say(CHIEF, "/progress")).plain_text or ""
    assert answer.startswith("📊 第一分局進度｜民國110年（2021）")
    assert "預防犯罪宣導 ▰▱▱▱▱▱▱▱ 本單位 4 場｜全局 4/50 場（8%）" in answer
    assert "取締酒駕 ▱▱▱▱▱▱▱▱ 本單位 6 件｜全局 6 件（尚無基準值）" in answer
    for other in ("/progress p2", "/progress bureau", "/digest p2"):
        refused = (await people.say(CHIEF, other)).plain_text or ""
        assert "只能查看本單位（第一分局）" in refused, other
    assert "進度" in ((await people.say(CHIEF, "/progress p1 110")).plain_text or "")


async def test_an_admin_sees_the_bureau_or_any_unit_in_any_year(people: Harness) -> None:
    bureau = (await people.say(ADMIN_ID, "/progress")).plain_text or ""
    assert bureau.startswith("📊 全局進度｜民國110年（2021）")
    assert "刑案破獲率 ▱▱▱▱▱▱▱▱ 尚無資料" in bureau
    unit = (await people.say(ADMIN_ID, "/progress 2020 p2")).plain_text or ""
    assert unit.startswith("📊 第二分局進度｜民國109年（2020）")
    assert "截至 12/31（週四）" in unit
    future = (await people.say(ADMIN_ID, "/progress 111")).plain_text or ""
    assert "計畫未訂民國111年（2022）的目標" in future
    written = (await people.say(ADMIN_ID, "/progress 民國109年 p2")).plain_text or ""
    assert written.startswith("📊 第二分局進度｜民國109年（2020）")
    too_far = (await people.say(ADMIN_ID, "/progress 115")).plain_text or ""
    assert too_far.startswith("用法")
    usage = (await people.say(ADMIN_ID, "/progress p9")).plain_text or ""
    assert usage.startswith("用法") and "p1" in usage


async def test_a_chief_gets_the_digest_now_with_names_and_chart(people: Harness) -> None:
    harness = people
    harness.standin.send_text(CHIEF, "/digest")
    text = await harness.standin.next_message(CHIEF, timeout=15)
    chart = await harness.standin.next_message(CHIEF, timeout=15)
    assert (text.plain_text or "").startswith("🗓 第一分局週報｜3/1（週一）–3/7（週日）")
    assert "預防犯罪宣導：本週 4（上週 0，+4）" in (text.plain_text or "")
    assert "取締酒駕：本週 0" in (text.plain_text or "")
    assert "1／2 人" in (text.plain_text or "") and "王警員" in (text.plain_text or "")
    assert chart.method == "sendPhoto" and chart.photo is not None
    harness.standin.send_text(ADMIN_ID, "/digest p1")
    admin = await harness.standin.next_message(ADMIN_ID, timeout=15)
    await harness.standin.next_message(ADMIN_ID, timeout=15)
    assert "1／2 人" in (admin.plain_text or "") and "王警員" not in (admin.plain_text or "")


async def test_subscribe_and_unsubscribe_in_the_unit_group(people: Harness) -> None:
    standin = people.standin
    standin.group(GROUP, "第一分局")
    private = await people.say(CHIEF, "/subscribe")
    assert "群組" in (private.plain_text or "")
    standin.send_text(OFFICER, "/subscribe", chat_id=GROUP)
    assert "只有單位主管" in ((await standin.next_message(GROUP)).plain_text or "")
    standin.send_text(OTHER_CHIEF, "/unsubscribe", chat_id=GROUP)
    assert "沒有訂閱" in ((await standin.next_message(GROUP)).plain_text or "")
    standin.send_text(CHIEF, "/subscribe", chat_id=GROUP)
    assert "第一分局" in ((await standin.next_message(GROUP)).plain_text or "")
    standin.send_text(OTHER_CHIEF, "/unsubscribe", chat_id=GROUP)
    assert "只有該單位主管或管理員" in ((await standin.next_message(GROUP)).plain_text or "")
    standin.send_text(ADMIN_ID, "/unsubscribe", chat_id=GROUP)
    assert "已取消" in ((await standin.next_message(GROUP)).plain_text or "")
    assert await services(people).repos.subscriptions.all() == []
    standin.send_text(CHIEF, "/progress", chat_id=GROUP)
    assert "私人對話" in ((await standin.next_message(GROUP)).plain_text or "")


async def test_away_and_back(people: Harness) -> None:
    harness = people
    for text, expected in [
        ("/away", "用法"),
        ("/away tomorrow", "看不懂"),
        ("/away 2021-02-30", "看不懂"),
        ("/away 2021-03-09", "已經過了"),
        ("/away 2022-06-01", "最多只能暫停一年"),
        ("/back", "沒有暫停"),
    ]:
        assert expected in ((await harness.say(OFFICER, text)).plain_text or ""), text
    paused = (await harness.say(OFFICER, "/away 2021-03-12")).plain_text or ""
    assert "2021-03-10（週三） 至 2021-03-12（週五）" in paused and "2021-03-13（週六） 起恢復" in paused
    status = (await harness.say(OFFICER, "/away")).plain_text or ""
    assert "暫停提醒至 2021-03-12" in status
    repos = services(harness).repos
    assert not await repos.progress.needs_reminder(officer_id=OFFICER, day=date(2021, 3, 12))
    assert "歡迎回來" in ((await harness.say(OFFICER, "/back")).plain_text or "")
    assert await repos.progress.needs_reminder(officer_id=502, day=date(2021, 3, 10))
    assert await repos.progress.needs_reminder(officer_id=OFFICER, day=date(2021, 3, 11))
    assert "只寄給員警" in ((await harness.say(CHIEF, "/away 2021-03-12")).plain_text or "")


async def test_help_lists_the_new_commands_by_role(people: Harness) -> None:
    assert "/away" in ((await people.say(OFFICER, "/help")).plain_text or "")
    chief = (await people.say(CHIEF, "/help")).plain_text or ""
    assert "/progress" in chief and "/subscribe" in chief and "/invite" not in chief


def test_the_digest_cli_prints_plain_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    database = tmp_path / "bot.sqlite3"

    async def seed() -> None:
        repos = await open_repos(database)
        officer = await add_member(repos, 1, "p1", name="<陳警員>")
        await add_member(repos, 2, "p1", Role.OFFICER, name="王警員")
        await add_report(repos, officer, "dui", 7, date(2021, 3, 2))
        await add_report(repos, officer, "dui", 2, date(2021, 2, 24))
        await repos.db.close()

    asyncio.run(seed())
    monkeypatch.setenv("DATABASE_PATH", str(database))
    monkeypatch.setenv("PLAN_PATH", str(Path(__file__).resolve().parents[1] / "plan.json"))
    assert main(["digest", "--unit", "p1", "--date", "2021-03-08"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("🗓 第一分局週報｜3/1（週一）–3/7（週日）")
    assert "取締酒駕：本週 7（上週 2，+5）" in out and "1／2 人" in out
    assert "<" not in out and "&lt;" not in out and "王警員" not in out
    assert main(["digest", "--date", "2021-03-08", "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("🗓 Bureau weekly digest")
    assert main(["digest", "--unit", "p9"]) == 2
    assert "unknown unit" in capsys.readouterr().err


async def test_a_voided_report_leaves_progress_and_digest(people: Harness) -> None:
    ask = await people.say(OFFICER, "/undo")
    await people.tap(OFFICER, ask, "撤銷")
    answer = (await people.say(CHIEF, "/progress")).plain_text or ""
    assert "本單位 0 件｜全局 0 件" in answer
    assert "本單位 4 場｜全局 4/50 場" in answer
