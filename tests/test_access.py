"""Outsiders get one polite refusal and nothing else: no figure, no name, no unit."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from bot.core.callbacks import (
    CallbackData,
    ConfirmReport,
    ConfirmUndo,
    NothingToReport,
    PickIndicator,
    decode,
    encode,
)
from bot.demo.sandbox.records import SentMessage
from tests.auxil.botprocess import handled, query
from tests.auxil.harness import Harness

OUTSIDER = 666
COMMANDS = [
    "/start",
    "/start bogus-code",
    "/help",
    "/report",
    "/report dui 3",
    "/today",
    "/mine",
    "/undo",
    "/cancel",
    "/lang",
    "/invite p1 admin",
    "/progress",
    "/export",
    "/officers",
    "/audit",
    "/digest",
    "hello",
    "3",
    "酒駕 3",
]
FORGED: list[CallbackData] = [
    PickIndicator("dui", "0123abcd"),
    ConfirmUndo(1),
    NothingToReport(__import__("datetime").date(2026, 11, 27)),
    ConfirmReport("dui", 3, __import__("datetime").date(2026, 11, 27), "0123abcd"),
]


def _leaks(text: str, secrets: list[str]) -> list[str]:
    return [secret for secret in secrets if secret in text]


async def test_outsider_gets_one_refusal_an_hour_for_anything(harness: Harness) -> None:
    await harness.register(701, "p1", "officer", name="林秘密")
    await harness.say(701, "/report dui 7")
    harness.user(OUTSIDER, "Stranger")
    secrets = ["林秘密", "第一分局", "局本部", "Admin"]
    for text in COMMANDS:
        harness.clock.advance(timedelta(minutes=61))  # an hour since the last refusal
        answer = await harness.say(OUTSIDER, text)
        plain = answer.plain_text or ""
        assert "僅供" in plain, (text, plain)
        assert not re.search(r"\d", plain), (text, plain)
        assert not _leaks(plain, secrets), (text, plain)
        assert answer.reply_markup is None
        again = [harness.standin.send_text(OUTSIDER, text) for _ in range(3)]  # within the hour
        await handled(harness.settings.database_path, again[-1])
        assert harness.standin.unread(OUTSIDER) == [], text


async def test_outsider_buttons_are_refused_once_an_hour(harness: Harness) -> None:
    await harness.register(702, "p1", "officer")
    menu = await harness.say(702, "/report")
    harness.user(OUTSIDER, "Stranger")
    answered = len(harness.standin.answered_callbacks)
    presses = [harness.standin.press(OUTSIDER, menu, encode(data), check=False) for data in FORGED]
    await handled(harness.settings.database_path, presses[-1])
    answers = harness.standin.answered_callbacks[answered:]
    assert len(answers) == 1 and "僅供" in (answers[0][1] or "")
    assert harness.standin.unread(OUTSIDER) == []
    mine = await harness.say(702, "/mine")
    assert "今年 0" in (mine.plain_text or "") and "今年 3" not in (mine.plain_text or "")


async def test_refusal_in_outsiders_language(harness: Harness) -> None:
    harness.user(OUTSIDER, "Stranger", language="en")
    answer = await harness.say(OUTSIDER, "/report dui 3")
    assert "only for registered staff" in (answer.plain_text or "")


async def test_forged_callback_from_member_is_refused(harness: Harness) -> None:
    await harness.register(703, "p1", "officer")
    menu = await harness.say(703, "/report")
    harness.standin.press(703, menu, "r:ok:dui:999:20261127:zzzzzzzz", check=False)
    harness.standin.press(703, menu, "u:1", check=False)
    await harness.said_nothing(703)
    mine = await harness.say(703, "/mine")
    assert "今年 999" not in (mine.plain_text or "")


async def _to_confirmation(harness: Harness, officer: int) -> SentMessage:
    """The guided report up to its confirmation step: DUI, 2, today."""
    menu = await harness.say(officer, "/report")
    await harness.tap(officer, menu, "取締酒駕")
    await harness.tap(officer, menu, "2")
    asked = await harness.tap(officer, menu, "今天")
    assert "請確認" in (asked.plain_text or ""), asked.plain_text
    return menu


async def test_forged_or_stale_confirm_reaching_the_confirm_step_stores_nothing(harness: Harness) -> None:
    officer = 704
    await harness.register(officer, "p1", "officer")
    cancelled = await _to_confirmation(harness, officer)
    stale = cancelled.button("確認")
    assert "已取消" in ((await harness.say(officer, "/cancel")).plain_text or "")
    current = await _to_confirmation(harness, officer)
    shown = decode(current.button("確認"))
    assert isinstance(shown, ConfirmReport) and stale != current.button("確認")
    forged = [
        stale,  # a button of the cancelled flow, pressed while this one waits for its confirmation
        encode(replace(shown, count=7)),
        encode(replace(shown, day=shown.day - timedelta(days=1))),
        encode(replace(shown, indicator="prevention_talks")),
        encode(replace(shown, nonce="0badc0de")),
    ]
    for data in forged:
        answered = len(harness.standin.answered_callbacks)
        harness.standin.press(officer, current, data, check=False)
        await harness.said_nothing(officer)
        answer = harness.standin.answered_callbacks[answered][1] or ""
        assert "僅供" in answer, (data, answer)
        current = await _to_confirmation(harness, officer)  # a refused press ends the flow: start again
    assert "取締酒駕：本週 0｜今年 0" in ((await harness.say(officer, "/mine")).plain_text or "")
    current = await _to_confirmation(harness, officer)
    done = await harness.tap(officer, current, "確認")
    assert "已記錄" in (done.plain_text or "")
    assert "取締酒駕：本週 2｜今年 2" in ((await harness.say(officer, "/mine")).plain_text or "")


async def test_a_group_hears_one_refusal_an_hour_and_only_for_commands_to_this_bot(harness: Harness) -> None:
    group, first, second = -100_990, 711, 712
    harness.standin.group(group, "閒聊群組")
    harness.user(first, "Eve")
    harness.user(second, "Trudy")
    path = harness.settings.database_path
    await handled(path, harness.standin.send_text(first, "/report@otherbot dui 3", chat_id=group))
    assert harness.standin.unread(group) == []  # not for this bot: no answer (the refusal is audited)
    harness.clock.advance(timedelta(minutes=61))
    harness.standin.send_text(first, "/report dui 3", chat_id=group)
    assert "僅供" in ((await harness.standin.next_message(group)).plain_text or "")
    harness.clock.advance(timedelta(seconds=30))  # the bureau's refusal budget has refilled; the group's not
    await handled(path, harness.standin.send_text(second, "/today", chat_id=group))
    assert harness.standin.unread(group) == []
    harness.clock.advance(timedelta(minutes=61))
    harness.standin.send_text(second, "/today", chat_id=group)
    assert "僅供" in ((await harness.standin.next_message(group)).plain_text or "")
    refused = query(path, "SELECT subject FROM audit WHERE action = 'access.refused' ORDER BY id")
    assert refused == [(str(first),), (str(first),), (str(second),), (str(second),)]
