"""Who holds what: a group's subscription stays with its unit and ends with its holder's standing;
an invitation tells its inviter who redeemed it; a database failure in the access check is
handled again until the officer gets the answer."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timedelta
from typing import Any

import pytest

from bot.intake import inbox as inbox_module
from tests.auxil.botprocess import query, wait_until
from tests.auxil.harness import ADMIN_ID, Harness
from tests.auxil.scheduling import services

CHIEF, OTHER_CHIEF, SAME_UNIT_CHIEF = 601, 602, 603
GROUP, OTHER_GROUP = -100700, -100800


def subscriptions(harness: Harness) -> list[tuple[Any, ...]]:
    return query(
        harness.settings.database_path, "SELECT chat_id, unit_code, subscribed_by FROM chat_subscriptions"
    )


def audited(harness: Harness, action: str) -> list[tuple[Any, ...]]:
    sql = "SELECT actor_id, subject FROM audit WHERE action = ? ORDER BY id"
    return query(harness.settings.database_path, sql, (action,))


async def in_group(harness: Harness, user: int, text: str, group: int = GROUP) -> str:
    harness.standin.send_text(user, text, chat_id=group)
    return (await harness.standin.next_message(group)).plain_text or ""


@pytest.fixture
async def chiefs(harness: Harness) -> Harness:
    await harness.register(CHIEF, "p1", "chief", name="林主管")
    await harness.register(OTHER_CHIEF, "p2", "chief", name="黃主管")
    await harness.register(SAME_UNIT_CHIEF, "p1", "chief", name="周副主管")
    harness.standin.group(GROUP, "第一分局")
    harness.standin.group(OTHER_GROUP, "第一分局勤務")
    return harness


async def test_a_group_held_by_one_unit_cannot_be_taken_over(chiefs: Harness) -> None:
    assert "第一分局" in await in_group(chiefs, CHIEF, "/subscribe")
    refused = await in_group(chiefs, OTHER_CHIEF, "/subscribe")
    assert "已訂閱 第一分局 的週報" in refused and "/unsubscribe" in refused
    assert subscriptions(chiefs) == [(GROUP, "p1", CHIEF)]
    assert "第一分局" in await in_group(chiefs, SAME_UNIT_CHIEF, "/subscribe")  # the same unit: fine
    assert subscriptions(chiefs) == [(GROUP, "p1", SAME_UNIT_CHIEF)]
    assert [subject for _, subject in audited(chiefs, "subscription.add")] == [f"chat:{GROUP}"] * 2


@pytest.mark.parametrize(
    ("command", "ends"),
    [
        (f"/disable {CHIEF}", True),
        (f"/role {CHIEF} officer", True),
        (f"/move {CHIEF} p2", True),
        (f"/role {CHIEF} admin", False),  # an admin may keep any unit's digest in a group
    ],
)
async def test_disable_role_and_move_end_the_persons_subscriptions(
    chiefs: Harness, command: str, ends: bool
) -> None:
    await in_group(chiefs, CHIEF, "/subscribe")
    await in_group(chiefs, CHIEF, "/subscribe", group=OTHER_GROUP)
    answer = (await chiefs.say(ADMIN_ID, command)).plain_text or ""
    assert answer.startswith("✅"), answer
    if ends:
        assert f"群組 {GROUP} 已停止接收 第一分局 的週報" in answer, answer
        assert f"群組 {OTHER_GROUP} 已停止接收" in answer, answer
        assert subscriptions(chiefs) == []
        assert audited(chiefs, "subscription.end") == [
            (ADMIN_ID, f"chat:{OTHER_GROUP}"),
            (ADMIN_ID, f"chat:{GROUP}"),
        ]
        assert await services(chiefs).repos.subscriptions.all() == []
    else:
        assert "停止接收" not in answer
        assert len(subscriptions(chiefs)) == 2 and audited(chiefs, "subscription.end") == []


async def test_an_unchanged_member_keeps_the_subscription(chiefs: Harness) -> None:
    await in_group(chiefs, CHIEF, "/subscribe")
    answer = (await chiefs.say(ADMIN_ID, f"/move {CHIEF} p1")).plain_text or ""
    assert "停止接收" not in answer and subscriptions(chiefs) == [(GROUP, "p1", CHIEF)]


async def test_the_inviter_hears_who_redeemed_the_link_in_their_language(harness: Harness) -> None:
    harness.user(ADMIN_ID, "Admin", language="en")
    await harness.say(ADMIN_ID, "/lang")
    offer = harness.standin.last_message(ADMIN_ID)
    await harness.tap(ADMIN_ID, offer, "English")
    link = (await harness.say(ADMIN_ID, "/invite p2 chief")).plain_text or ""
    code = link.split("start=")[1].split()[0]
    harness.user(801, "黃新主管")
    greeting = await harness.say(801, f"/start {code}")
    assert "黃新主管" in (greeting.plain_text or "")
    notice = (await harness.standin.next_message(ADMIN_ID)).plain_text or ""
    assert (
        notice
        == "Your invitation was redeemed: 黃新主管 (801) is now registered as chief of Second Precinct."
    )
    harness.standin.send_text(801, f"/start {code}")  # the same link again: no second notice
    assert "黃新主管" in ((await harness.standin.next_message(801)).plain_text or "")
    await harness.said_nothing(ADMIN_ID)


async def test_an_admin_invitation_expires_in_a_day_others_in_a_week(harness: Harness) -> None:
    harness.user(ADMIN_ID, "Admin")
    codes = {}
    for role in ("admin", "officer"):
        link = (await harness.say(ADMIN_ID, f"/invite p1 {role}")).plain_text or ""
        codes[role] = link.split("start=")[1].split()[0]
    expiry = dict(query(harness.settings.database_path, "SELECT role, expires_at FROM invitations"))
    created = dict(query(harness.settings.database_path, "SELECT role, created_at FROM invitations"))
    assert datetime.fromisoformat(expiry["admin"]) - datetime.fromisoformat(created["admin"]) == timedelta(
        hours=24
    )
    assert datetime.fromisoformat(expiry["officer"]) - datetime.fromisoformat(
        created["officer"]
    ) == timedelta(days=7)
    harness.clock.advance(timedelta(hours=24, seconds=1))
    harness.user(811, "Late Admin")
    late = (await harness.say(811, f"/start {codes['admin']}")).plain_text or ""
    assert (
        "僅供" in late
        and query(harness.settings.database_path, "SELECT 1 FROM users WHERE telegram_id = 811") == []
    )
    harness.user(812, "Officer")
    assert "歡迎" in ((await harness.say(812, f"/start {codes['officer']}")).plain_text or "")


async def test_a_database_failure_in_the_access_check_is_handled_again(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await harness.register(901, "p1", "officer", name="陳警員")
    monkeypatch.setattr(inbox_module, "FIRST_PAUSE", 0.05)
    repos = services(harness).repos
    real_get = repos.users.get
    failures = 0
    back = asyncio.Event()

    async def failing_get(*, telegram_id: int) -> Any:
        nonlocal failures
        if not back.is_set():
            failures += 1
            raise sqlite3.OperationalError("disk I/O error")
        return await real_get(telegram_id=telegram_id)

    monkeypatch.setattr(repos.users, "get", failing_get)
    update_id = harness.standin.send_text(901, "/report dui 4")
    path = harness.settings.database_path
    await wait_until(lambda: failures >= 3, within=10, what="the access check tried three times", poll=0.01)
    assert query(path, "SELECT done_at FROM inbox WHERE update_id = ?", (update_id,)) == [(None,)]
    assert harness.standin.unread(901) == [] and query(path, "SELECT COUNT(*) FROM reports") == [(0,)]
    back.set()  # the database is back
    confirmation = (await harness.standin.next_message(901, timeout=10)).plain_text or ""
    assert "已記錄" in confirmation and "4" in confirmation
    assert query(path, "SELECT count FROM reports") == [(4,)]
