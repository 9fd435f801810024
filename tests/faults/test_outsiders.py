"""Outsiders and disabled officers, against `python -m bot run`: every command, random text and
forged buttons, in a private chat and in a group, get at most one polite refusal an hour with no
figure and no name; nothing is written but the inbox's own rows and one audit row per user."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler

from bot.app import build_application
from bot.core.domain import Language, Role
from bot.demo.sandbox.records import SentMessage
from bot.demo.sandbox.standin import BotApiStandIn
from bot.rendering.i18n import Catalog
from tests.auxil.botprocess import BotProcess, handled, query
from tests.auxil.harness import make_settings
from tests.auxil.seed import add_member, add_report, open_repos

pytestmark = pytest.mark.faults

OFFICER, DISABLED, OUTSIDER, GROUP_OUTSIDER, LATER_IN_GROUP = 501, 502, 503, 504, 505
GROUP = -100_555
NAMES = ("陳警員", "林停權", "第一分局", "第二分局", "First Precinct", "Second Precinct")
REFUSED = {Catalog.load().plain(language, "access.refused") for language in Language}
FORGED = [
    "u:1", "u:2", "u:x", "l:en", "l:zh", "r:go", "r:x", "n:20261127", "n:99991231",
    "r:i:dui:deadbeef", "r:c:dui:3:deadbeef", "r:o:dui:3:deadbeef", "r:d:dui:3:20261127:deadbeef",
    "r:ok:dui:3:20261127:deadbeef", "r:ok:dui:999999:20261127:deadbeef", "r:ok:dui:1:00000101:deadbeef",
]  # fmt: skip
_ACTIONS = {"user.admin_from_settings", "invitation.create", "user.register", "report.add", "user.disable"}


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


def tables(database: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the database, the inbox and the audit trail included."""
    names = [name for (name,) in query(database, "SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {name: sorted(query(database, f"SELECT * FROM {name}"), key=repr) for name in names}


class World:
    """The running bot, its people, the updates the test sent and the refusals it saw."""

    def __init__(self, bot: BotProcess, standin: BotApiStandIn, commands: list[str]) -> None:
        self.bot, self.standin, self.commands = bot, standin, commands
        self.before: dict[str, list[tuple[Any, ...]]] = {}
        self.sent: list[int] = []
        self.refusals: dict[int, SentMessage] = {}

    def say(self, who: int, text: str, chat_id: int | None = None) -> None:
        self.sent.append(self.standin.send_text(who, text, chat_id=chat_id))

    def press(self, who: int, data: str, chat_id: int | None = None) -> None:
        message = self.refusals[chat_id or who]
        self.sent.append(self.standin.press(who, message, data, chat_id=chat_id, check=False))

    async def all_handled(self) -> None:
        """The positive sign: every update sent so far is done."""
        await handled(self.bot.database, self.sent[-1], within=30)
        for update_id in self.sent:
            await handled(self.bot.database, update_id)

    def check_nothing_written(self) -> None:
        """Every table as before, but the inbox's rows of these updates and one audit row per refused user."""
        now = tables(self.bot.database)
        for name, rows in now.items():
            if name not in {"inbox", "inbox_offset", "audit"}:
                assert rows == self.before[name], name
        assert [offset for _, offset in now["inbox_offset"]] == [max(self.sent) + 1]  # polling went on
        new_inbox = [row for row in now["inbox"] if row not in self.before["inbox"]]
        assert sorted(row[0] for row in new_inbox) == sorted(
            set(self.sent) - {r[0] for r in self.before["inbox"]}
        )
        new_audit = [row for row in now["audit"] if row not in self.before["audit"]]
        refused = sorted(row[4] for row in new_audit if row[3] == "access.refused")
        assert refused == sorted(str(who) for who in (DISABLED, OUTSIDER, GROUP_OUTSIDER, LATER_IN_GROUP)), (
            new_audit
        )
        assert {row[3] for row in new_audit} == {"access.refused"}, new_audit
        # delivery bookkeeping stays out of the audit trail
        assert {row[3] for row in self.before["audit"]} <= _ACTIONS


def check_answer(text: str | None) -> None:
    assert text in REFUSED, text
    assert not re.search(r"\d", text or ""), text
    assert not any(name in (text or "") for name in NAMES), text


async def seed(database: Path) -> None:
    repos = await open_repos(database)
    try:
        officer = await add_member(repos, OFFICER, "p1", name="陳警員")
        await add_report(repos, officer, "dui", 3, date(2026, 11, 27))
        disabled = await add_member(repos, DISABLED, "p2", Role.OFFICER, name="林停權")
        await add_report(repos, disabled, "prevention_talks", 2, date(2026, 11, 27))
        await repos.users.set_active(telegram_id=DISABLED, active=False, actor_id=1, now=datetime.now(UTC))
    finally:
        await repos.db.close()


@pytest.fixture
async def world(bot: BotProcess, standin: BotApiStandIn, tmp_path: Path) -> AsyncIterator[World]:
    """A running bot with an officer, a disabled officer and their reports; two outsiders; a group.

    Each of the refused people has had their one refusal of the hour: in private chats the
    outsider and the disabled officer, in the group the group's outsider; a second outsider in
    the group was refused without a word, the group having heard one refusal this hour.
    """
    app = build_application(make_settings(tmp_path / "commands", standin))
    commands = sorted(commands_of(h for group in app.handlers.values() for h in group))
    assert {"report", "today", "mine", "undo", "invite", "lang", "subscribe"} <= set(commands)
    await seed(bot.database)
    standin.user(DISABLED, "林停權")
    standin.user(OUTSIDER, "Mallory")
    standin.user(GROUP_OUTSIDER, "Eve")
    standin.user(LATER_IN_GROUP, "Trudy")
    standin.group(GROUP, "第一分局")
    await bot.start()
    world = World(bot, standin, commands)
    world.before = tables(bot.database)
    for who, chat in ((DISABLED, None), (OUTSIDER, None), (GROUP_OUTSIDER, GROUP)):
        world.say(who, "/report dui 3", chat_id=chat)
        world.refusals[chat or who] = refusal = await standin.next_message(chat or who, timeout=10)
        check_answer(refusal.plain_text)
    world.say(LATER_IN_GROUP, "/report dui 3", chat_id=GROUP)  # refused too, but the group heard one already
    await world.all_handled()
    assert standin.unread(GROUP) == []
    try:
        yield world
    finally:
        assert await bot.terminate() == 0, bot.log_tail()


async def test_every_command_and_button_in_private_and_group_chats(world: World) -> None:
    standin = world.standin
    answered = len(standin.answered_callbacks)
    for who, chat in ((OUTSIDER, None), (DISABLED, None), (OUTSIDER, GROUP), (GROUP_OUTSIDER, GROUP)):
        for command in world.commands:
            for text in (f"/{command}", f"/{command} dui 3", f"/{command}@keelung_field_bot 1 2026-11-27"):
                world.say(who, text, chat_id=chat)
        for data in FORGED:
            world.press(who, data, chat_id=chat)
    await world.all_handled()
    for chat in (OUTSIDER, DISABLED, GROUP):
        assert standin.unread(chat) == [], chat  # refused within the hour already: nothing more
    for _, text, _ in standin.answered_callbacks[answered:]:
        check_answer(text)
    world.check_nothing_written()


text_or_command = st.one_of(
    st.text(min_size=1, max_size=300).filter(str.strip),
    st.tuples(
        st.sampled_from(["report", "today", "mine", "undo", "lang", "invite", "start", "help", "subscribe"]),
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
where = st.sampled_from([(OUTSIDER, None), (DISABLED, None), (GROUP_OUTSIDER, GROUP), (DISABLED, GROUP)])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(place=where, actions=st.lists(action, min_size=1, max_size=4))
async def test_random_text_and_forged_buttons_get_nothing(
    world: World, place: tuple[int, int | None], actions: list[tuple[str, str]]
) -> None:
    who, chat = place
    answered = len(world.standin.answered_callbacks)
    for kind, value in actions:
        if kind == "say":
            world.say(who, value, chat_id=chat)
        else:
            world.press(who, value, chat_id=chat)
    await world.all_handled()
    assert world.standin.unread(chat or who) == []
    for _, text, _ in world.standin.answered_callbacks[answered:]:
        check_answer(text)
    world.check_nothing_written()
