"""The durable inbox in process: idempotent handlers, per-user order, refusals audited sparingly."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from telegram import Update

from bot.intake.order import PerUserOrder
from bot.settings import SettingsError, load_settings
from tests.auxil.botprocess import handled, query
from tests.auxil.harness import ADMIN_ID, Harness

OFFICER = 601


def state(harness: Harness) -> dict[str, list[tuple[Any, ...]]]:
    """Every table, the audit trail included, but not the inbox's own bookkeeping."""
    path = harness.settings.database_path
    tables = [name for (name,) in query(path, "SELECT name FROM sqlite_master WHERE type = 'table'")]
    kept = [t for t in tables if not t.startswith("inbox")]
    return {t: sorted(query(path, f"SELECT * FROM {t}"), key=repr) for t in kept}


async def handle_again(harness: Harness, update_id: int) -> None:
    """Run an update's handlers a second time, as after a crash between their effect and 'done'."""
    assert harness.app is not None
    await harness.app.process_update(Update.de_json(harness.standin.update(update_id), harness.app.bot))


async def _register(harness: Harness) -> int:
    harness.user(ADMIN_ID, "Admin")
    link = await harness.say(ADMIN_ID, "/invite p1 officer")
    code = (link.plain_text or "").split("start=")[1].split()[0]
    harness.user(OFFICER, "陳警員")
    update_id = harness.standin.send_text(OFFICER, f"/start {code}")
    await harness.standin.next_message(OFFICER)
    return update_id


async def _invite(harness: Harness) -> int:
    harness.user(ADMIN_ID, "Admin")
    update_id = harness.standin.send_text(ADMIN_ID, "/invite p2 chief")
    await harness.standin.next_message(ADMIN_ID)
    return update_id


async def _one_line(harness: Harness) -> int:
    await harness.register(OFFICER, "p1", "officer")
    update_id = harness.standin.send_text(OFFICER, "/report dui 3 today 路檢")
    await harness.standin.next_message(OFFICER)
    return update_id


async def _press(harness: Harness, opening: str, *labels: str) -> int:
    await harness.register(OFFICER, "p1", "officer")
    message = await harness.say(OFFICER, opening)
    for label in labels[:-1]:
        message = await harness.tap(OFFICER, message, label)
    update_id = harness.standin.press(OFFICER, message, message.button(labels[-1]))
    await harness.standin.next_event(OFFICER)
    return update_id


async def _undo(harness: Harness) -> int:
    await harness.register(OFFICER, "p1", "officer")
    await harness.say(OFFICER, "/report dui 3")
    message = await harness.say(OFFICER, "/undo")
    update_id = harness.standin.press(OFFICER, message, message.button("撤銷"))
    await harness.standin.next_event(OFFICER)
    return update_id


async def _command(harness: Harness, text: str) -> int:
    await harness.register(OFFICER, "p1", "officer")
    await harness.say(OFFICER, "/report talks 2")
    update_id = harness.standin.send_text(OFFICER, text)
    await harness.standin.next_message(OFFICER)
    return update_id


SCENARIOS: dict[str, Callable[[Harness], Awaitable[int]]] = {
    "registration": _register,
    "invite": _invite,
    "one-line report": _one_line,
    "guided report": lambda h: _press(h, "/report", "取締酒駕", "2", "今天", "確認"),
    "nothing to report": lambda h: _press(h, "/report", "無事可報"),
    "undo": _undo,
    "language": lambda h: _press(h, "/lang", "English"),
    "today": lambda h: _command(h, "/today"),
    "mine": lambda h: _command(h, "/mine"),
    "help": lambda h: _command(h, "/help"),
    "cancel": lambda h: _command(h, "/cancel"),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
async def test_handling_an_update_twice_changes_nothing(harness: Harness, scenario: str) -> None:
    update_id = await SCENARIOS[scenario](harness)
    before = state(harness)
    await handle_again(harness, update_id)
    assert state(harness) == before


async def test_handled_again_the_answer_is_repeated(harness: Harness) -> None:
    update_id = await _one_line(harness)
    first = harness.standin.last_message(OFFICER).plain_text
    await handle_again(harness, update_id)
    assert (await harness.standin.next_message(OFFICER)).plain_text == first


async def test_writes_are_counted_on_the_update_and_it_is_marked_done(harness: Harness) -> None:
    update_id = await _one_line(harness)
    path = harness.settings.database_path
    await handled(path, update_id)
    rows = query(path, "SELECT writes, done_at IS NOT NULL FROM inbox WHERE update_id = ?", (update_id,))
    assert rows == [(1, 1)]
    read_only = harness.standin.send_text(OFFICER, "/today")
    await harness.standin.next_message(OFFICER)
    await harness.stop()
    assert query(path, "SELECT writes, done_at IS NOT NULL FROM inbox WHERE update_id = ?", (read_only,)) == [
        (0, 1)
    ]


async def test_refusals_are_audited_and_answered_once_per_user_per_hour(harness: Harness) -> None:
    harness.user(777, "Mallory")
    sent = [harness.standin.send_text(777, "/report dui 3") for _ in range(5)]
    assert "僅供" in ((await harness.standin.next_message(777)).plain_text or "")
    await handled(harness.settings.database_path, sent[-1])
    assert harness.standin.unread(777) == []  # the other four got no answer
    harness.clock.advance(timedelta(minutes=61))
    assert "僅供" in ((await harness.say(777, "hello")).plain_text or "")
    rows = query(
        harness.settings.database_path,
        "SELECT actor_id, new_value FROM audit WHERE action = 'access.refused'",
    )
    assert [actor for actor, _ in rows] == [777, 777]
    assert '"who": "outsider"' in rows[0][1]


async def test_one_users_updates_run_in_order_and_other_users_run_meanwhile() -> None:
    processor = PerUserOrder(running_at_once=4)
    await processor.initialize()
    log: list[str] = []
    release = asyncio.Event()

    def update(update_id: int, user_id: int) -> Update:
        user = {"id": user_id, "is_bot": False, "first_name": "U"}
        return Update.de_json(
            {
                "update_id": update_id,
                "message": {
                    "message_id": update_id,
                    "date": 0,
                    "chat": {"id": user_id, "type": "private"},
                    "from": user,
                    "text": "x",
                },
            },
            None,
        )

    b1_done = asyncio.Event()

    async def work(name: str, wait: bool) -> None:
        log.append(f"{name}+")
        if wait:
            await release.wait()
        log.append(f"{name}-")
        if name == "b1":
            b1_done.set()

    tasks = [
        asyncio.create_task(processor.process_update(update(1, 10), work("a1", wait=True))),
        asyncio.create_task(processor.process_update(update(2, 10), work("a2", wait=False))),
        asyncio.create_task(processor.process_update(update(3, 20), work("b1", wait=False))),
    ]
    await asyncio.wait_for(b1_done.wait(), 5)
    assert log == ["a1+", "b1+", "b1-"]  # user 20 is not held up by user 10's first update
    release.set()
    await asyncio.gather(*tasks)
    assert log == ["a1+", "b1+", "b1-", "a1-", "a2+", "a2-"]


def test_webhook_settings_need_a_strong_secret() -> None:
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET"):
        load_settings(webhook_url="https://bot.example.org/tg")
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET"):
        load_settings(webhook_url="https://bot.example.org/tg", webhook_secret="short")
    with pytest.raises(SettingsError, match="WEBHOOK_URL"):
        load_settings(webhook_url="bot.example.org", webhook_secret="a" * 20)
    settings = load_settings(webhook_url="https://bot.example.org/tg", webhook_secret="a" * 20)
    assert settings.webhook_secret is not None and settings.webhook_port == 8443
