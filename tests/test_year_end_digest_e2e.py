"""The first digest of a new year says how the old year ended, before the new year's figures.

It is the digest whose covered week holds 31 December: with the Monday schedule, the first one
sent in January. Fired by the dispatcher at the schedule's time, through the real bot and the
stand-in (which refuses a text over 4,096 characters and a caption over 1,024).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.core.clock import SettableClock
from tests.auxil.answers import say_each
from tests.auxil.harness import ADMIN_ID, Harness, taipei
from tests.auxil.scheduling import run_due, sent_since, services
from tests.auxil.seed import add_member, add_report

JUNE = datetime(2020, 6, 1, tzinfo=UTC)
CHIEF_P1, OFFICER_P1, OFFICER_P2, ENGLISH_ADMIN = 801, 802, 803, 804


@pytest.fixture
def clock() -> SettableClock:
    """Monday 2020-12-28 in Taipei: the last week of 民國109年."""
    return SettableClock(taipei("2020-12-28T09:00:00"))


async def staff(harness: Harness) -> None:
    """A chief and two officers; a second admin who reads English."""
    await harness.register(CHIEF_P1, "p1", "chief", name="林主管")
    await harness.register(OFFICER_P1, "p1", "officer", name="陳警員")
    await harness.register(OFFICER_P2, "p2", "officer", name="張警員")
    await harness.register(ENGLISH_ADMIN, "hq", "admin", name="Admin Two", language="en")


async def digest_texts(harness: Harness, send: str) -> dict[int, str]:
    """Fire the digest at a Monday's 08:00; every recipient's text by chat."""
    harness.clock.set(taipei(send))
    mark = len(harness.standin.sent)
    await run_due(harness)
    texts = {}
    for chat in (CHIEF_P1, ADMIN_ID, ENGLISH_ADMIN):
        messages = sent_since(harness.standin, mark, chat)
        assert [message.method for message in messages] == ["sendMessage", "sendPhoto"], chat
        texts[chat] = messages[0].plain_text or ""
    return texts


def section(text: str, title: str) -> list[str]:
    """The lines of the year-end section: after its title, up to the blank line."""
    lines = text.splitlines()
    start = lines.index(title) + 1
    return lines[start : lines.index("", start)]


async def test_the_first_monday_of_2021_says_how_2020_ended(harness: Harness) -> None:
    await staff(harness)
    for user, text in (
        (OFFICER_P1, "/report talks 20 2020-12-28"),
        (OFFICER_P1, "/report talks 10 yesterday"),
        (OFFICER_P2, "/report talks 20"),
        (OFFICER_P2, "/report talks 5 yesterday"),
        (OFFICER_P2, "/report 人口販運 2"),
    ):
        assert "已記錄" in ((await harness.say(user, text)).plain_text or ""), text
    await say_each(
        harness, ADMIN_ID, ("/set clearance_rate 412/480 2020", "/set urine_test 79/100 2020"), "已設定"
    )
    harness.clock.set(taipei("2021-01-02T10:00:00"))
    assert "已記錄" in ((await harness.say(OFFICER_P1, "/report talks 3")).plain_text or "")

    texts = await digest_texts(harness, "2021-01-04T08:00:00")
    chief = texts[CHIEF_P1]
    lines = chief.splitlines()
    assert lines[0] == "🗓 第一分局週報｜12/28（週一）–1/3（週日）"
    assert lines[1] == "📘 民國109年（2020）全年成果"
    old_year = section(chief, "📘 民國109年（2020）全年成果")
    assert len(old_year) == 15  # every indicator of the plan, one line each
    assert "✅ 預防犯罪宣導：本單位 30 場｜全局 55/50 場（110%） 達成" in old_year
    assert "❌ 人口販運集團：本單位 0 件｜全局 2/3 件（67%） 未達成" in old_year
    assert "⚪ 掃蕩毒品績效：全局 尚無資料" in old_year
    bureau = texts[ADMIN_ID]
    assert "✅ 刑案破獲率：85.8%（目標 85%） 達成" in section(bureau, "📘 民國109年（2020）全年成果")
    assert "❌ 尿液採驗到驗率：79%（目標 80%） 未達成" in section(bureau, "📘 民國109年（2020）全年成果")
    # then the new year's figures: only the 3 talks of 2 January count for 2021
    assert chief.index("全年成果") < chief.index("民國110年（2021）")
    new_year = chief[chief.index("民國110年（2021）") :]
    assert "今年 本單位 3 場｜全局 3/50 場（6%）" in new_year
    english = texts[ENGLISH_ADMIN]
    assert english.splitlines()[1] == "📘 2020 (ROC 109): how the year ended"
    assert "✅ Prevention talks: 55/50 talks (110%) met" in english


async def test_a_digest_later_in_the_year_has_no_year_end(harness: Harness) -> None:
    await staff(harness)
    await digest_texts(harness, "2021-01-04T08:00:00")
    for monday in ("2021-01-11T08:00:00", "2021-02-01T08:00:00"):
        texts = await digest_texts(harness, monday)  # the digests arrive: the positive marker
        for text in texts.values():
            assert "全年成果" not in text and "how the year ended" not in text, monday
            assert "民國110年（2021）" in text or "2021 (ROC 110)" in text


@pytest.mark.parametrize(
    ("registered", "send", "title", "new_year"),
    [
        # the week of 29 December 2025 to 4 January 2026: ROC 114 has no targets in the plan
        ("2025-12-29T09:00:00", "2026-01-05T08:00:00", "📘 民國114年（2025）全年成果", "民國115年（2026）"),
        # 1 January 2024 is a Monday: the week covered is the last one of 2023
        ("2023-12-26T09:00:00", "2024-01-01T08:00:00", "📘 民國112年（2023）全年成果", "民國112年（2023）"),
    ],
)
async def test_the_real_calendars_first_mondays(
    harness: Harness, registered: str, send: str, title: str, new_year: str
) -> None:
    harness.clock.set(taipei(registered))
    await staff(harness)
    assert "已記錄" in ((await harness.say(OFFICER_P1, "/report talks 4")).plain_text or "")
    chief = (await digest_texts(harness, send))[CHIEF_P1]
    assert chief.splitlines()[1] == title
    old_year = section(chief, title)
    # the talks reported, and one line for the 14 indicators with neither target nor figures
    assert old_year == [
        "➖ 預防犯罪宣導：本單位 4 場｜全局 4 場 無目標",
        "➖ 其餘 14 項：未訂目標，也沒有數據",
    ]
    assert chief.index(title) < chief.index("\n" + new_year + "\n")


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Senior Sergeant Chen Wei-Ming", "✅ Learning hours: unit 86.3% (target 70%) met"),
        # names as long as Telegram allows a first name: the old year in one line instead
        ("Senior Sergeant First Class Chen Wei-Ming of the Anle Station", "✅ met: 14 | ❌ not met: 1"),
    ],
)
async def test_a_long_year_end_digest_still_fits_one_message(harness: Harness, name: str, shown: str) -> None:
    """40 silent officers with long names and every figure entered: the English chief's copy fits."""
    harness.clock.set(taipei("2020-12-28T09:00:00"))
    await harness.register(CHIEF_P1, "p1", "chief", name="Chief", language="en")
    repos = services(harness).repos
    officer = None
    for number in range(40):
        officer = await add_member(repos, 9100 + number, "p1", name=f"{name} {number:02d}", registered=JUNE)
    assert officer is not None
    for indicator in ("prevention_talks", "dui", "trafficking", "protection_order", "domestic_violence"):
        await add_report(repos, officer, indicator, 1234, date(2020, 6, 1))
    figures = (
        "/set clearance_rate 412/480 2020 p1",
        "/set drug_enforcement 86.25 2020 p1",
        "/set urine_test 1234/1500 2020 p1",
        "/set dui 1500 2020",
        "/set a1_fatalities 15 2019",
        "/set a1_fatalities 11 2020",
        "/set lpr_cameras 17/20 2020 p1",
        "/set pc_budget_execution 85.5 2020 p1",
        "/set vehicle_budget_execution 99.75 2020 p1",
        "/set budget_surplus 4.25 2020 p1",
        "/set contract_staff_growth 1.5 2020 p1",
        "/set learning_hours 345/400 2020 p1",
    )
    await say_each(harness, ADMIN_ID, figures, "已設定")
    harness.clock.set(taipei("2021-01-04T08:00:00"))
    mark = len(harness.standin.sent)
    await run_due(harness)
    messages = sent_since(harness.standin, mark, CHIEF_P1)
    assert [message.method for message in messages] == ["sendMessage", "sendPhoto"]
    text = messages[0].plain_text or ""
    lines = text.splitlines()
    assert lines[1] == "📘 2020 (ROC 109): how the year ended" and shown in section(text, lines[1])
    assert f"{name} 29" in text
    assert len(text.encode("utf-16-le")) // 2 <= 4096
