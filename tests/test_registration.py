"""Invitations, registration and the command menus, end to end."""

from __future__ import annotations

from tests.auxil.harness import ADMIN_ID, Harness


async def test_invitation_registers_officer_in_unit(harness: Harness) -> None:
    greeting = await harness.register(101, "p1", "officer", name="王小明")
    assert "王小明" in (greeting.plain_text or "")
    assert "第一分局" in (greeting.plain_text or "")
    assert "/report" in (greeting.plain_text or "")


async def test_greeting_follows_telegram_language(harness: Harness) -> None:
    greeting = await harness.register(102, "traffic", "chief", name="Lin", language="en")
    assert "Welcome, Lin" in (greeting.plain_text or "")


async def test_invitation_works_once(harness: Harness) -> None:
    harness.user(ADMIN_ID, "Admin")
    link = await harness.say(ADMIN_ID, "/invite p2 officer")
    code = (link.plain_text or "").split("start=")[1].split()[0]
    harness.user(201, "First")
    harness.user(202, "Second")
    first = await harness.say(201, f"/start {code}")
    second = await harness.say(202, f"/start {code}")
    assert "第二分局" in (first.plain_text or "")
    assert "第二分局" not in (second.plain_text or "")
    assert "邀請" in (second.plain_text or "")


async def test_invitation_expires_after_seven_days(harness: Harness) -> None:
    from datetime import timedelta

    harness.user(ADMIN_ID, "Admin")
    link = await harness.say(ADMIN_ID, "/invite p3 officer")
    code = (link.plain_text or "").split("start=")[1].split()[0]
    harness.clock.advance(timedelta(days=7, seconds=1))
    harness.user(301, "Late")
    late = await harness.say(301, f"/start {code}")
    assert "第三分局" not in (late.plain_text or "")


async def test_only_admins_invite(harness: Harness) -> None:
    await harness.register(103, "p1", "chief")
    answer = await harness.say(103, "/invite p1 officer")
    assert "t.me" not in (answer.plain_text or "")
    assert "管理員" in (answer.plain_text or "")


async def test_invite_usage_on_bad_unit_or_role(harness: Harness) -> None:
    harness.user(ADMIN_ID, "Admin")
    for text in ("/invite", "/invite p9 officer", "/invite p1 boss"):
        answer = await harness.say(ADMIN_ID, text)
        assert "t.me" not in (answer.plain_text or "")
        assert "p1" in (answer.plain_text or "")


async def test_command_menus_registered_in_both_languages(harness: Harness) -> None:
    private = {"type": "all_private_chats"}
    default = harness.standin.commands(scope=private)
    zh = harness.standin.commands(language_code="zh", scope=private)
    en = harness.standin.commands(language_code="en", scope=private)
    assert {name for name, _ in zh} >= {"report", "today", "mine", "undo", "cancel", "lang"}
    assert default == zh
    assert any("回報" in description for _, description in zh)
    assert any("Report" in description for _, description in en)
