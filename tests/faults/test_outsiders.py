"""Outsiders and disabled officers: every command, random text and forged buttons get one polite
refusal with no figure and no name, and nothing is written but (throttled) audit rows."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler

from bot.core.domain import Language
from bot.rendering.i18n import Catalog
from tests.auxil.botprocess import query
from tests.auxil.harness import ADMIN_ID, Harness

pytestmark = pytest.mark.faults

OFFICER, DISABLED, OUTSIDER = 501, 502, 503
NAMES = ("陳警員", "林停權", "第一分局", "第二分局", "First Precinct", "Second Precinct")
REFUSED = {Catalog.load().plain(language, "access.refused") for language in Language}
BOOKKEEPING = {"inbox", "inbox_offset", "audit"}
FORGED = [
    "u:1", "u:2", "u:x", "l:en", "l:zh", "r:go", "r:x", "n:20261127", "n:99991231",
    "r:i:dui:deadbeef", "r:c:dui:3:deadbeef", "r:o:dui:3:deadbeef", "r:d:dui:3:20261127:deadbeef",
    "r:ok:dui:3:20261127:deadbeef", "r:ok:dui:999999:20261127:deadbeef", "r:ok:dui:1:00000101:deadbeef",
]  # fmt: skip


def commands_of(handlers: Iterable[BaseHandler[Any, Any, Any]]) -> set[str]:
    """Every command the application answers, conversations included."""
    found: set[str] = set()
    for handler in handlers:
        if isinstance(handler, CommandHandler):
            found |= set(handler.commands)
        elif isinstance(handler, ConversationHandler):
            found |= commands_of(handler.entry_points) | commands_of(handler.fallbacks)
            for state in handler.states.values():
                found |= commands_of(state)
    return found


def snapshot(harness: Harness) -> dict[str, list[tuple[Any, ...]]]:
    """Every table but the inbox and the audit trail."""
    path = harness.settings.database_path
    tables = [name for (name,) in query(path, "SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: sorted(query(path, f"SELECT * FROM {t}"), key=repr) for t in tables if t not in BOOKKEEPING}


def audit_rows(harness: Harness) -> list[tuple[Any, ...]]:
    """The audit trail: (action, subject)."""
    return query(harness.settings.database_path, "SELECT action, subject FROM audit ORDER BY id")


@pytest.fixture
async def world(harness: Harness) -> dict[str, Any]:
    """An officer and a disabled officer with reports, an outsider; a refusal message for each."""
    await harness.register(OFFICER, "p1", "officer", name="陳警員")
    await harness.say(OFFICER, "/report dui 3 today 路檢")
    await harness.register(DISABLED, "p2", "officer", name="林停權")
    await harness.say(DISABLED, "/report talks 2 today 宣導")
    assert harness.app is not None
    async with harness.app.bot_data.repos.db.write() as connection:  # what an admin's "disable" does
        await connection.execute("UPDATE users SET active = 0 WHERE telegram_id = ?", (DISABLED,))
    harness.user(OUTSIDER, "Mallory")
    refusals = {who: await harness.say(who, "/start") for who in (DISABLED, OUTSIDER)}
    for refusal in refusals.values():
        assert refusal.plain_text in REFUSED
    commands = sorted(commands_of(h for group in harness.app.handlers.values() for h in group))
    assert {"report", "today", "mine", "undo", "invite", "lang"} <= set(commands)
    return {"refusals": refusals, "commands": commands, "before": snapshot(harness)}


def _check_answer(text: str | None) -> None:
    assert text in REFUSED, text
    assert not re.search(r"\d", text or ""), text
    assert not any(name in (text or "") for name in NAMES), text


async def _say(harness: Harness, who: int, text: str) -> None:
    _check_answer((await harness.say(who, text)).plain_text)


async def _press(harness: Harness, world: dict[str, Any], who: int, data: str) -> None:
    answered = len(harness.standin.answered_callbacks)
    harness.standin.press(who, world["refusals"][who], data, check=False)
    for _ in range(500):
        if len(harness.standin.answered_callbacks) > answered:
            break
        await asyncio.sleep(0.01)
    _, text, _ = harness.standin.answered_callbacks[answered]
    _check_answer(text)


def _nothing_written(harness: Harness, world: dict[str, Any]) -> None:
    assert snapshot(harness) == world["before"]
    refused = [row for row in audit_rows(harness) if row[0] == "access.refused"]
    assert sorted(refused) == sorted({("access.refused", str(DISABLED)), ("access.refused", str(OUTSIDER))})
    assert {action for action, _ in audit_rows(harness)} <= {
        "user.admin_from_settings", "invitation.create", "user.register", "report.add", "access.refused",
        "delivery.plan",  # the scheduler's own bookkeeping when the bot starts
    }  # fmt: skip


async def test_every_command_is_refused(harness: Harness, world: dict[str, Any]) -> None:
    for who in (OUTSIDER, DISABLED):
        for command in world["commands"]:
            for text in (f"/{command}", f"/{command} dui 3", f"/{command}@keelung_field_bot 1 2026-11-27"):
                await _say(harness, who, text)
        for data in FORGED:
            await _press(harness, world, who, data)
    _nothing_written(harness, world)
    assert ADMIN_ID not in (OUTSIDER, DISABLED)


text_or_command = st.one_of(
    st.text(min_size=1, max_size=300).filter(str.strip),
    st.tuples(
        st.sampled_from(["report", "today", "mine", "undo", "lang", "invite", "start", "help", "cancel"]),
        st.sampled_from(["", "@keelung_field_bot", "@otherbot"]),
        st.text(max_size=60),
    ).map(lambda parts: f"/{parts[0]}{parts[1]} {parts[2]}".strip()),
)
callback_data = st.one_of(
    st.sampled_from(FORGED),
    st.text(min_size=1, max_size=64).filter(lambda data: len(data.encode()) <= 64),
    st.integers(min_value=-(10**15), max_value=10**15).map(lambda n: f"u:{n}"),
)
action = st.one_of(st.tuples(st.just("say"), text_or_command), st.tuples(st.just("press"), callback_data))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(who=st.sampled_from([OUTSIDER, DISABLED]), actions=st.lists(action, min_size=1, max_size=4))
async def test_random_text_and_forged_buttons_get_nothing(
    harness: Harness, world: dict[str, Any], who: int, actions: list[tuple[str, str]]
) -> None:
    for kind, value in actions:
        if kind == "say":
            await _say(harness, who, value)
        else:
            await _press(harness, world, who, value)
    _nothing_written(harness, world)
