"""Outsiders get one polite refusal and nothing else: no figure, no name, no unit."""

from __future__ import annotations

import re

from bot.core.callbacks import (
    CallbackData,
    ConfirmReport,
    ConfirmUndo,
    NothingToReport,
    PickIndicator,
    encode,
)
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


async def test_outsider_gets_refusal_for_everything(harness: Harness) -> None:
    await harness.register(701, "p1", "officer", name="林秘密")
    await harness.say(701, "/report dui 7")
    harness.user(OUTSIDER, "Stranger")
    secrets = ["林秘密", "第一分局", "局本部", "Admin"]
    for text in COMMANDS:
        answer = await harness.say(OUTSIDER, text)
        plain = answer.plain_text or ""
        assert "僅供" in plain, (text, plain)
        assert not re.search(r"\d", plain), (text, plain)
        assert not _leaks(plain, secrets), (text, plain)
        assert answer.reply_markup is None


async def test_outsider_buttons_are_refused(harness: Harness) -> None:
    await harness.register(702, "p1", "officer")
    menu = await harness.say(702, "/report")
    harness.user(OUTSIDER, "Stranger")
    for data in FORGED:
        harness.standin.press(OUTSIDER, menu, encode(data), check=False)
    await harness.standin.no_message(OUTSIDER, within=0.5)
    answers = harness.standin.answered_callbacks[-len(FORGED) :]
    assert all("僅供" in (text or "") for _, text, _ in answers)
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
    await harness.standin.no_message(703, within=0.5)
    harness.standin.press(703, menu, "u:1", check=False)
    await harness.standin.no_message(703, within=0.5)
    mine = await harness.say(703, "/mine")
    assert "今年 999" not in (mine.plain_text or "")
