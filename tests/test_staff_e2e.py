"""Admins managing people through the real bot: /officers, /role, /move, /disable, /enable,
/invites, /revoke and /audit; chiefs and officers are refused."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.core.domain import Role
from bot.services import Repositories
from tests.auxil.harness import ADMIN_ID, Harness

OFFICER = 601
CHIEF = 602


def repos(harness: Harness) -> Repositories:
    assert harness.app is not None
    return harness.app.bot_data.repos


@pytest.fixture
async def people(harness: Harness) -> Harness:
    await harness.register(OFFICER, "p1", "officer", name="陳警員")
    await harness.register(CHIEF, "p1", "chief", name="林主管")
    return harness


async def test_officers_lists_role_unit_and_last_report(people: Harness) -> None:
    await people.say(OFFICER, "/report 酒駕 2 yesterday")
    answer = await people.say(ADMIN_ID, "/officers")
    text = answer.plain_text or ""
    assert "共 3 人" in text
    assert "陳警員 601｜員警｜第一分局｜最後回報 2026-11-26" in text
    assert "林主管 602｜主管｜第一分局｜未曾回報" in text
    assert "Admin 9001｜管理員｜局本部" in text
    only_p1 = await people.say(ADMIN_ID, "/officers p1")
    assert "共 2 人" in (only_p1.plain_text or "") and "Admin" not in (only_p1.plain_text or "")
    assert "陳警員 601｜員警｜最後回報 2026-11-26" in (only_p1.plain_text or "")
    bad = await people.say(ADMIN_ID, "/officers p9")
    assert "單位代碼" in (bad.plain_text or "")


async def test_officers_pages_through_a_large_unit(harness: Harness) -> None:
    harness.user(ADMIN_ID, "Admin")
    await harness.say(ADMIN_ID, "/help")
    now = harness.clock.now()
    for number in range(60):
        code = f"bulk{number:03d}"
        await repos(harness).invitations.create(
            code=code,
            unit_code="p3",
            role=Role.OFFICER,
            created_by=ADMIN_ID,
            now=now,
            valid_for=timedelta(days=1),
        )
        await repos(harness).invitations.redeem(
            code=code, telegram_id=10_000 + number, full_name=f"員警{number:03d}", username=None, now=now
        )
    first = await harness.say(ADMIN_ID, "/officers p3")
    assert "第 1/3 頁" in (first.plain_text or "")
    assert len((first.plain_text or "").splitlines()) == 1 + 25
    assert [label for label, _ in first.buttons] == ["下一頁 ▶"]
    second = await harness.tap(ADMIN_ID, first, "下一頁")
    assert "第 2/3 頁" in (second.plain_text or "") and "員警025" in (second.plain_text or "")
    assert [label for label, _ in second.buttons] == ["◀ 上一頁", "下一頁 ▶"]
    third = await harness.tap(ADMIN_ID, second, "下一頁")
    assert "員警059" in (third.plain_text or "")
    assert len((third.plain_text or "").splitlines()) == 1 + 10
    everyone = await harness.say(ADMIN_ID, "/officers")
    assert len(everyone.text or "") < 4096


async def test_role_change_is_audited_and_takes_effect(people: Harness) -> None:
    answer = await people.say(ADMIN_ID, f"/role {OFFICER} chief")
    assert "陳警員（601）的角色：員警 → 主管" in (answer.plain_text or "")
    member = await repos(people).users.get(telegram_id=OFFICER)
    assert member is not None and member.role is Role.CHIEF
    entry = (await repos(people).audit.latest(limit=1))[0]
    assert (entry.action, entry.subject, entry.actor_id) == ("user.role", str(OFFICER), ADMIN_ID)
    assert (entry.old_value, entry.new_value) == ('{"role": "officer"}', '{"role": "chief"}')
    again = await people.say(ADMIN_ID, f"/role {OFFICER} chief")
    assert "沒有變更" in (again.plain_text or "")
    missing = await people.say(ADMIN_ID, "/role 424242 chief")
    assert "找不到" in (missing.plain_text or "")
    for bad in ("/role", f"/role {OFFICER}", f"/role {OFFICER} boss", "/role abc chief"):
        assert "用法" in ((await people.say(ADMIN_ID, bad)).plain_text or "")


async def test_last_active_admin_cannot_be_demoted_or_disabled(people: Harness) -> None:
    for line in (f"/role {ADMIN_ID} officer", f"/disable {ADMIN_ID}"):
        answer = await people.say(ADMIN_ID, line)
        assert "唯一的有效管理員" in (answer.plain_text or "")
    admin = await repos(people).users.get(telegram_id=ADMIN_ID)
    assert admin is not None and admin.role is Role.ADMIN and admin.active
    promoted = await people.say(ADMIN_ID, f"/role {CHIEF} admin")
    assert "主管 → 管理員" in (promoted.plain_text or "")
    demoted = await people.say(CHIEF, f"/role {ADMIN_ID} officer")
    assert "管理員 → 員警" in (demoted.plain_text or "")
    refused = await people.say(CHIEF, f"/disable {CHIEF}")
    assert "唯一的有效管理員" in (refused.plain_text or "")
    assert "僅限管理員" in ((await people.say(ADMIN_ID, f"/role {ADMIN_ID} admin")).plain_text or "")


async def test_disabled_user_is_refused_until_enabled(people: Harness) -> None:
    answer = await people.say(ADMIN_ID, f"/disable {OFFICER}")
    assert "已停用 陳警員" in (answer.plain_text or "")
    refused = await people.say(OFFICER, "/report 酒駕 1")
    assert "僅供基隆市警察局已登錄同仁使用" in (refused.plain_text or "")
    listing = await people.say(ADMIN_ID, "/officers p1")
    assert "（停用）" in (listing.plain_text or "")
    assert "已恢復" in ((await people.say(ADMIN_ID, f"/enable {OFFICER}")).plain_text or "")
    assert "已記錄" in ((await people.say(OFFICER, "/report 酒駕 1")).plain_text or "")
    changes = [e.action for e in await repos(people).audit.latest(limit=5) if e.action != "access.refused"]
    assert changes[:3] == ["report.add", "user.enable", "user.disable"]
    refusals = [e for e in await repos(people).audit.latest(limit=5) if e.action == "access.refused"]
    assert [e.subject for e in refusals] == [str(OFFICER)]


async def test_move_keeps_past_reports_with_their_unit(people: Harness) -> None:
    await people.say(OFFICER, "/report 宣導 2")
    moved = await people.say(ADMIN_ID, f"/move {OFFICER} P2")
    assert "已由第一分局調到第二分局" in (moved.plain_text or "")
    await people.say(OFFICER, "/report 宣導 3")
    rows = [row async for row in repos(people).reports.export_rows()]
    assert [(row.unit, row.count) for row in rows] == [("p1", 2), ("p2", 3)]
    entry = (await repos(people).audit.latest(limit=2))[1]
    assert (entry.action, entry.old_value, entry.new_value) == (
        "user.move",
        '{"unit": "p1"}',
        '{"unit": "p2"}',
    )
    assert "單位代碼" in ((await people.say(ADMIN_ID, f"/move {OFFICER} nowhere")).plain_text or "")


async def test_invites_and_revoke(people: Harness) -> None:
    link = await people.say(ADMIN_ID, "/invite p4 officer")
    code = re.search(r"start=([\w-]+)", link.plain_text or "")
    assert code
    listing = await people.say(ADMIN_ID, "/invites")
    text = listing.plain_text or ""
    assert "未使用的邀請（1 筆）" in text and code[1] in text and "第四分局｜員警" in text
    revoked = await people.say(ADMIN_ID, f"/revoke {code[1]}")
    assert "已撤銷邀請" in (revoked.plain_text or "")
    assert "目前沒有未使用的邀請" in ((await people.say(ADMIN_ID, "/invites")).plain_text or "")
    assert "沒有可撤銷的邀請" in ((await people.say(ADMIN_ID, f"/revoke {code[1]}")).plain_text or "")
    people.user(603, "遲到者")
    late = await people.say(603, f"/start {code[1]}")
    assert "第四分局" not in (late.plain_text or "")
    latest = await repos(people).audit.latest(limit=2)
    assert [e.action for e in latest] == ["access.refused", "invitation.revoke"]
    entry = latest[1]
    assert (entry.action, entry.subject) == ("invitation.revoke", code[1])
    assert '"state": "open"' in (entry.old_value or "") and entry.new_value == '{"state": "revoked"}'


async def test_audit_shows_who_what_when_and_old_new(people: Harness) -> None:
    await people.say(ADMIN_ID, f"/role {OFFICER} chief")
    await people.say(ADMIN_ID, f"/move {OFFICER} p3")
    answer = await people.say(ADMIN_ID, "/audit 2")
    lines = (answer.plain_text or "").splitlines()
    assert lines[0] == "最近 2 筆異動（新到舊）"
    assert lines[1] == "11/27 10:00 Admin：調動單位 601"
    assert lines[2] == "　unit=p1 → unit=p3"
    assert lines[3] == "11/27 10:00 Admin：變更角色 601"
    assert lines[4] == "　role=officer → role=chief"
    assert "用法" in ((await people.say(ADMIN_ID, "/audit 0")).plain_text or "")
    full = await people.say(ADMIN_ID, "/audit 50")
    assert len(full.text or "") <= 4096


ADMIN_COMMANDS = [
    "/officers",
    f"/role {OFFICER} admin",
    f"/move {OFFICER} p2",
    f"/disable {ADMIN_ID}",
    f"/enable {OFFICER}",
    "/invites",
    "/revoke abc",
    "/audit",
    "/set clearance_rate 1/2",
]


@pytest.mark.parametrize("user", [OFFICER, CHIEF])
async def test_chiefs_and_officers_are_refused(people: Harness, user: int) -> None:
    before = len(await repos(people).audit.latest(limit=100))
    for line in ADMIN_COMMANDS:
        answer = await people.say(user, line)
        assert answer.plain_text == "此指令僅限管理員使用。", line
    assert len(await repos(people).audit.latest(limit=100)) == before
    people.standin.press(user, answer, "o:*:1", check=False)
    await people.said_nothing(user)
    assert "僅供基隆市警察局已登錄同仁使用" in (people.standin.answered_callbacks[-1][1] or "")
    assert all("已登錄人員" not in (message.text or "") for message in people.standin.messages_to(user))


async def test_help_shows_each_role_its_commands(people: Harness) -> None:
    admin = (await people.say(ADMIN_ID, "/help")).plain_text or ""
    chief = (await people.say(CHIEF, "/help")).plain_text or ""
    officer = (await people.say(OFFICER, "/help")).plain_text or ""
    assert "/set" in admin and "/audit" in admin and "/export" in admin
    assert "/export" in chief and "/set" not in chief
    assert "/export" not in officer and "/officers" not in officer
