"""Officers reporting through the real bot: guided flow, one line, corrections, bad input."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.core.domain import Language
from bot.rendering.export import CSV_HEADER
from tests.auxil.harness import Harness, taipei

OFFICER = 501


@pytest.fixture
async def officer(harness: Harness) -> int:
    await harness.register(OFFICER, "p1", "officer", name="陳警員")
    return OFFICER


def year_total(text: str | None) -> int:
    match = re.search(r"累計：(\d+)", text or "")
    assert match, text
    return int(match[1])


async def test_guided_report_with_buttons(harness: Harness, officer: int) -> None:
    menu = await harness.say(officer, "/report")
    assert "取消" in [label for label, _ in menu.buttons]
    step = await harness.tap(officer, menu, "取締酒駕")
    step = await harness.tap(officer, step, "3")
    assert "今天 11/27（週五）" in [label for label, _ in step.buttons]
    step = await harness.tap(officer, step, "今天")
    assert "2026-11-27" in (step.plain_text or "")
    done = await harness.tap(officer, step, "確認")
    assert "已記錄" in (done.plain_text or "")
    assert "2026-11-27（週五）" in (done.plain_text or "")
    assert year_total(done.plain_text) == 3


async def test_guided_report_with_typed_count_and_date(harness: Harness, officer: int) -> None:
    menu = await harness.say(officer, "/report")
    await harness.tap(officer, menu, "預防犯罪宣導")
    asked_day = await harness.say(officer, "１２")
    other = await harness.tap(officer, asked_day, "其他日期")
    assert len(other.buttons) == 8 + 1
    harness.standin.send_text(officer, "2026-11-20")
    confirm = await harness.standin.next_message(officer)
    assert "2026-11-20" in (confirm.plain_text or "")
    done = await harness.tap(officer, confirm, "確認")
    assert year_total(done.plain_text) == 12


async def test_guided_flow_refuses_bad_typed_count_and_stays(harness: Harness, officer: int) -> None:
    menu = await harness.say(officer, "/report")
    await harness.tap(officer, menu, "人口販運")
    refused = await harness.say(officer, "6")
    assert "0 到 5" in (refused.plain_text or "")
    asked_day = await harness.say(officer, "2")
    assert "哪一天" in (asked_day.plain_text or "")


async def test_cancel_leaves_flow_without_storing(harness: Harness, officer: int) -> None:
    menu = await harness.say(officer, "/report")
    await harness.tap(officer, menu, "取締酒駕")
    cancelled = await harness.say(officer, "/cancel")
    assert "未儲存" in (cancelled.plain_text or "")
    today = await harness.say(officer, "/today")
    assert "還沒有回報" in (today.plain_text or "")


async def test_double_tap_on_confirm_stores_once(harness: Harness, officer: int) -> None:
    menu = await harness.say(officer, "/report")
    step = await harness.tap(officer, menu, "取締酒駕")
    step = await harness.tap(officer, step, "2")
    confirm = await harness.tap(officer, step, "今天")
    data = confirm.button("確認")
    harness.standin.press(officer, confirm, data)
    harness.standin.press(officer, confirm, data)
    await harness.standin.next_event(officer)
    mine = await harness.say(officer, "/mine")
    assert "取締酒駕：本週 2｜今年 2" in (mine.plain_text or "")


async def test_night_shift_offers_yesterday_first(harness: Harness, officer: int) -> None:
    harness.clock.set(taipei("2026-11-28T02:30:00"))
    menu = await harness.say(officer, "/report")
    assert any("11/27" in label for label, _ in menu.buttons)
    step = await harness.tap(officer, menu, "取締酒駕")
    step = await harness.tap(officer, step, "1")
    assert "昨天" in step.buttons[0][0]


async def test_one_line_report_and_year_total(harness: Harness, officer: int) -> None:
    first = await harness.say(officer, "/report 酒駕 3")
    assert year_total(first.plain_text) == 3
    second = await harness.say(officer, "/report dui 4 昨天 深夜路檢")
    assert "2026-11-26" in (second.plain_text or "") and "深夜路檢" in (second.plain_text or "")
    assert year_total(second.plain_text) == 7


async def test_note_is_escaped_not_interpreted(harness: Harness, officer: int) -> None:
    saved = await harness.say(officer, "/report dui 1 today <b>警示</b> & 路檢")
    assert "<b>警示</b> & 路檢" in (saved.plain_text or "")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/report", None),
        ("/report dui", "用法"),
        ("/report burglary 3", "找不到項目"),
        ("/report dui -2", "0 到 50"),
        ("/report dui 51", "0 到 50"),
        ("/report dui 3.5", "0 到 50"),
        ("/report dui 99999999999999999999999", "0 到 50"),
        ("/report dui 3 2026-11-28", "未來"),
        ("/report dui 3 2026-11-19", "太久"),
        ("/report dui 3 1911-01-01", "太久"),
        ("/report dui 3 2026-02-30", "YYYY-MM-DD"),
        ("/report dui 3 today " + "字" * 5000, "備註最多"),
    ],
)
async def test_bad_input_is_explained_and_nothing_stored(
    harness: Harness, officer: int, line: str, expected: str | None
) -> None:
    answer = await harness.say(officer, line)
    if expected is not None:
        assert expected in (answer.plain_text or ""), answer.plain_text
    mine = await harness.say(officer, "/mine")
    assert "今年 0" in (mine.plain_text or "") and "今年 1" not in (mine.plain_text or "")


async def test_redelivered_update_counts_once(harness: Harness, officer: int) -> None:
    update_id = harness.standin.send_text(officer, "/report dui 5")
    first = await harness.standin.next_message(officer)
    harness.standin.redeliver(update_id)  # the inbox has it already: handled once
    assert year_total(first.plain_text) == 5
    mine = await harness.say(officer, "/mine")  # the next message: no second confirmation came first
    assert "取締酒駕：本週 5｜今年 5" in (mine.plain_text or "")


async def test_edited_report_message_is_ignored(harness: Harness, officer: int) -> None:
    update_id = harness.standin.send_text(officer, "/report dui 5")
    sent = await harness.standin.next_message(officer)
    assert year_total(sent.plain_text) == 5
    message_id = harness.standin.update(update_id)["message"]["message_id"]
    harness.standin.edit_text(officer, message_id, "/report dui 9")
    mine = await harness.say(officer, "/mine")  # the next message: the edit got no answer before it
    assert "取締酒駕：本週 5｜今年 5" in (mine.plain_text or "")


async def test_nothing_to_report_is_recorded(harness: Harness, officer: int) -> None:
    menu = await harness.say(officer, "/report")
    done = await harness.tap(officer, menu, "無事可報")
    assert "無事可報" in (done.plain_text or "")
    today = await harness.say(officer, "/today")
    assert "無事可報" in (today.plain_text or "")


async def test_undo_voids_latest_after_confirmation(harness: Harness, officer: int) -> None:
    await harness.say(officer, "/report dui 3")
    await harness.say(officer, "/report talks 2")
    ask = await harness.say(officer, "/undo")
    assert "預防犯罪宣導 2" in (ask.plain_text or "")
    done = await harness.tap(officer, ask, "撤銷")
    assert "已撤銷" in (done.plain_text or "")
    mine = await harness.say(officer, "/mine")
    assert "預防犯罪宣導：本週 0｜今年 0" in (mine.plain_text or "")
    assert "取締酒駕：本週 3｜今年 3" in (mine.plain_text or "")
    today = await harness.say(officer, "/today")
    assert "已撤銷" in (today.plain_text or "")


async def test_undo_only_within_a_day(harness: Harness, officer: int) -> None:
    await harness.say(officer, "/report dui 3")
    harness.clock.advance(timedelta(hours=25))
    answer = await harness.say(officer, "/undo")
    assert "沒有可撤銷" in (answer.plain_text or "")


async def test_undo_button_of_another_officers_report_is_refused(harness: Harness, officer: int) -> None:
    await harness.say(officer, "/report dui 3")
    theirs = (await harness.say(officer, "/undo")).button("撤銷")
    other = 502
    await harness.register(other, "p1", "officer", name="林警員")
    await harness.say(other, "/report talks 2")
    own_ask = await harness.say(other, "/undo")
    assert theirs.startswith("u:") and theirs != own_ask.button("撤銷")
    harness.standin.press(other, own_ask, theirs, check=False)
    await harness.said_nothing(other)
    assert "僅供基隆市警察局已登錄同仁使用" in (harness.standin.answered_callbacks[-1][1] or "")
    today = await harness.say(officer, "/today")
    assert "已撤銷" not in (today.plain_text or "")
    mine = await harness.say(officer, "/mine")
    assert "取締酒駕：本週 3｜今年 3" in (mine.plain_text or "")
    still_theirs = await harness.say(officer, "/undo")
    assert still_theirs.button("撤銷") == theirs


async def test_language_switch(harness: Harness, officer: int) -> None:
    offer = await harness.say(officer, "/lang")
    changed = await harness.tap(officer, offer, "English")
    assert "English" in (changed.plain_text or "")
    saved = await harness.say(officer, "/report dui 2")
    assert "Saved" in (saved.plain_text or "") and "DUI stops" in (saved.plain_text or "")
    assert Language.EN.value == "en"


async def test_stale_button_after_restart_is_refused(harness: Harness, officer: int) -> None:
    menu = await harness.say(officer, "/report")
    await harness.restart()
    harness.standin.press(officer, menu, menu.button("取締酒駕"))
    await harness.said_nothing(officer)
    assert harness.standin.answered_callbacks[-1][1] is not None
    mine = await harness.say(officer, "/mine")
    assert "取締酒駕：本週 0｜今年 0" in (mine.plain_text or "")


async def test_report_in_group_asks_for_private_chat(harness: Harness, officer: int) -> None:
    harness.standin.group(-1001, "第一分局")
    harness.standin.send_text(officer, "/report dui 3", chat_id=-1001)
    answer = await harness.standin.next_message(-1001)
    assert "私人對話" in (answer.plain_text or "")
    harness.standin.send_text(officer, "/report@otherbot dui 3", chat_id=-1001)
    harness.standin.send_text(officer, "/report dui 3", chat_id=-1001)  # handled after, in order
    assert (await harness.standin.next_message(-1001)).plain_text == answer.plain_text


async def test_csv_export_holds_every_report(harness: Harness, officer: int, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.rendering.export import export_csv_file

    await harness.say(officer, "/report dui 3 today 路檢")
    await harness.say(officer, "/report talks 1")
    ask = await harness.say(officer, "/undo")
    await harness.tap(officer, ask, "撤銷")
    out = tmp_path / "reports.csv"
    rows = await export_csv_file(harness.settings.database_path, out, year=2026)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(CSV_HEADER)
    assert rows == 2 and len(lines) == 3
    dui = lines[1].split(",")
    assert dui[2:7] == ["p1", str(officer), "陳警員", "dui", "3"] and dui[7] == "路檢" and dui[9] == ""
    talks = lines[2].split(",")
    assert talks[5] == "prevention_talks" and talks[9] != ""
