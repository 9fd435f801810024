"""Digests and reminders through the real bot and the stand-in, fired with the settable clock."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, date

import pytest

from bot.core.clock import SettableClock
from bot.core.domain import Role
from bot.core.records import DeliveryKind, DeliveryStatus
from tests.auxil.botprocess import query
from tests.auxil.harness import ADMIN_ID, Harness, taipei
from tests.auxil.scheduling import dispatcher, run_due, sent_since, services, wait_until
from tests.auxil.seed import add_report

CHIEF_P1, CHIEF_P2 = 601, 602
OFFICERS = {501: ("p1", "陳警員"), 502: ("p1", "王警員"), 503: ("p1", "李警員"), 504: ("p2", "張警員")}
GROUP, SUPERGROUP = -100500, -1009500
DIGEST_RUN = taipei("2021-03-08T08:00:00")  # the digest covering 2021-W09
REMINDER_RUN = taipei("2021-03-09T20:00:00")


@pytest.fixture
def clock() -> SettableClock:
    """Friday 2021-03-05 10:00 in Taipei: inside the plan's years."""
    return SettableClock(taipei("2021-03-05T10:00:00"))


@pytest.fixture
async def bureau(harness: Harness) -> Harness:
    """Two chiefs, four officers and the admin; reports in the week of 1–7 March and before."""
    await harness.register(CHIEF_P1, "p1", "chief", name="林主管")
    await harness.register(CHIEF_P2, "p2", "chief", name="黃主管")
    for user_id, (unit, name) in OFFICERS.items():
        await harness.register(user_id, unit, "officer", name=name)
    await harness.say(501, "/report dui 3 2021-03-03")
    await harness.say(501, "/report talks 2 2021-03-04")
    await harness.say(501, "/report dui 2 2021-02-26")
    await harness.say(504, "/report dui 5 2021-03-02")
    repos = services(harness).repos
    officer = await repos.users.get(telegram_id=501)
    assert officer is not None
    await add_report(repos, officer, "dui", 10, date(2021, 1, 15))
    return harness


def texts(messages: list) -> list[str]:  # type: ignore[type-arg]
    return [m.plain_text or m.plain_caption or "" for m in messages]


def methods(messages: list) -> list[str]:  # type: ignore[type-arg]
    return [m.method for m in messages]


async def digest_statuses(harness: Harness) -> dict[int, DeliveryStatus]:
    rows = await services(harness).repos.deliveries.all(kind=DeliveryKind.DIGEST, fire_at=DIGEST_RUN)
    return {row.chat_id: row.status for row in rows}


async def test_the_digest_fires_at_its_time_and_reaches_the_right_people(bureau: Harness) -> None:
    harness, standin = bureau, bureau.standin
    mark = len(standin.sent)
    harness.clock.set(taipei("2021-03-08T07:59:00"))
    await run_due(harness)
    assert standin.sent[mark:] == []
    harness.clock.set(taipei("2021-03-08T08:00:00"))
    await run_due(harness)
    chief = sent_since(standin, mark, CHIEF_P1)
    assert methods(chief) == ["sendMessage", "sendPhoto"]
    text = texts(chief)[0]
    assert text.startswith("🗓 第一分局週報｜3/1（週一）–3/7（週日）")
    assert "取締酒駕：本週 3（上週 2，+1）" in text
    assert "本單位 15 件｜全局 20 件（尚無基準值）" in text
    assert "預防犯罪宣導：本週 2（上週 0，+2）" in text
    assert "本單位 2 場｜全局 2/50 場（4%）" in text
    assert "📭 本週完全沒有回報：2／3 人" in text and "李警員、王警員" in text
    assert "第一分局｜民國110年（2021）目標達成率與預期進度" in texts(chief)[1]
    assert chief[1].photo is not None and chief[1].photo.startswith(b"\x89PNG")
    other = texts(sent_since(standin, mark, CHIEF_P2))
    assert "取締酒駕：本週 5（上週 0，+5）" in other[0] and "👍 本週每位同仁都有回報（共 1 人）" in other[0]
    admin = texts(sent_since(standin, mark, ADMIN_ID))
    assert admin[0].startswith("🗓 全局週報") and "取締酒駕：本週 8（上週 2，+6）" in admin[0]
    assert "2／4 人" in admin[0] and "第一分局 2" in admin[0] and "王警員" not in admin[0]
    for officer in OFFICERS:
        assert sent_since(standin, mark, officer) == []
    assert set((await digest_statuses(harness)).values()) == {DeliveryStatus.SENT}


async def test_each_recipient_reads_it_in_their_language(bureau: Harness) -> None:
    harness = bureau
    offer = await harness.say(ADMIN_ID, "/lang")
    await harness.tap(ADMIN_ID, offer, "English")
    mark = len(harness.standin.sent)
    harness.clock.set(taipei("2021-03-08T08:00:00"))
    await run_due(harness)
    admin = texts(sent_since(harness.standin, mark, ADMIN_ID))
    assert admin[0].startswith("🗓 Bureau weekly digest | Mon 3/1 – Sun 3/7")
    assert "DUI stops: week 8 (previous 2, +6)" in admin[0]
    assert texts(sent_since(harness.standin, mark, CHIEF_P1))[0].startswith("🗓 第一分局週報")


async def test_a_restart_right_after_sending_does_not_repeat_it(bureau: Harness) -> None:
    harness = bureau
    harness.clock.set(taipei("2021-03-08T08:00:00"))
    await run_due(harness)
    mark = len(harness.standin.sent)
    await harness.restart()
    await run_due(harness)
    harness.clock.set(taipei("2021-03-10T12:00:00"))
    await run_due(harness)
    assert harness.standin.sent[mark:] == []


async def test_a_digest_missed_while_the_bot_was_down_is_sent_once_on_start(bureau: Harness) -> None:
    harness = bureau
    harness.clock.set(taipei("2021-03-08T07:00:00"))
    await harness.stop()
    harness.clock.set(taipei("2021-03-09T09:30:00"))
    mark = len(harness.standin.sent)
    await harness.start()
    await wait_until(lambda: len(sent_since(harness.standin, mark, CHIEF_P2)) == 2)
    await run_due(harness)
    await harness.restart()
    await run_due(harness)
    for chat in (ADMIN_ID, CHIEF_P1, CHIEF_P2):
        assert methods(sent_since(harness.standin, mark, chat)) == ["sendMessage", "sendPhoto"]


async def test_a_digest_missed_for_a_whole_week_is_not_sent_late(bureau: Harness) -> None:
    harness = bureau
    await harness.stop()
    harness.clock.set(taipei("2021-03-15T07:00:00"))
    mark = len(harness.standin.sent)
    await harness.start()
    await run_due(harness)
    assert harness.standin.sent[mark:] == []


async def test_a_crash_in_the_middle_of_the_fan_out_sends_the_rest_and_none_twice(bureau: Harness) -> None:
    harness, standin = bureau, bureau.standin
    harness.clock.set(taipei("2021-03-08T08:00:00"))
    mark = len(standin.sent)
    standin.hang_next("sendPhoto", 0, times=2)
    standin.fail_next("sendPhoto", status=429, retry_after=1)
    running = asyncio.create_task(dispatcher(harness).run_due(harness.clock.now()))
    await wait_until(lambda: standin.too_many_requests_count == 1, timeout=15)
    running.cancel()  # the process dies while the rate limiter waits: the third photo is not sent
    with contextlib.suppress(asyncio.CancelledError):
        await running
    assert methods(sent_since(standin, mark, CHIEF_P2)) == ["sendMessage"]
    await harness.restart()
    await wait_until(lambda: len(sent_since(standin, mark, CHIEF_P2)) == 2, timeout=15)
    await run_due(harness)
    for chat in (ADMIN_ID, CHIEF_P1, CHIEF_P2):
        assert methods(sent_since(standin, mark, chat)) == ["sendMessage", "sendPhoto"]
    assert set((await digest_statuses(harness)).values()) == {DeliveryStatus.SENT}
    logged = query(
        harness.settings.database_path,
        "SELECT chat_id, event FROM delivery_log WHERE fire_at = ? AND event != 'failed_attempt'"
        " ORDER BY chat_id, id",
        (DIGEST_RUN.astimezone(UTC).isoformat(),),
    )
    assert logged == [(None, "planned")] + [
        (chat, event) for chat in sorted((ADMIN_ID, CHIEF_P1, CHIEF_P2)) for event in ("part_sent", "sent")
    ]


async def test_stopping_the_bot_during_the_fan_out_leaves_the_rest_for_the_restart(bureau: Harness) -> None:
    harness, standin = bureau, bureau.standin
    standin.group(GROUP, "第一分局群組")
    standin.send_text(CHIEF_P1, "/subscribe", chat_id=GROUP)
    await standin.next_message(GROUP)
    harness.clock.set(taipei("2021-03-08T08:00:00"))
    mark = len(standin.sent)
    standin.hang_next("sendMessage", 0.3, times=8)
    assert harness.app is not None and harness.app.job_queue is not None
    harness.app.job_queue.run_once(dispatcher(harness).tick, when=0)
    await wait_until(lambda: len(standin.sent) > mark, timeout=15)
    await harness.stop()  # waits for the message in flight, then the fan-out stops
    chats = (ADMIN_ID, CHIEF_P1, CHIEF_P2, GROUP)
    done_before = sum(len(sent_since(standin, mark, chat)) for chat in chats)
    assert 1 <= done_before < 2 * len(chats)
    await harness.start()
    await wait_until(lambda: len(sent_since(standin, mark, GROUP)) == 2, timeout=15)
    await run_due(harness)
    for chat in chats:
        assert methods(sent_since(standin, mark, chat)) == ["sendMessage", "sendPhoto"]


async def test_a_429_during_the_fan_out_is_waited_out_and_retried(bureau: Harness) -> None:
    harness, standin = bureau, bureau.standin
    harness.clock.set(taipei("2021-03-08T08:00:00"))
    mark = len(standin.sent)
    standin.fail_next("sendMessage", status=429, retry_after=1)
    await run_due(harness)
    assert standin.too_many_requests_count == 1
    for chat in (ADMIN_ID, CHIEF_P1, CHIEF_P2):
        assert methods(sent_since(standin, mark, chat)) == ["sendMessage", "sendPhoto"]


async def test_a_recipient_who_blocked_the_bot_does_not_stop_the_others(bureau: Harness) -> None:
    harness, standin = bureau, bureau.standin
    standin.block(CHIEF_P1, notify=False)
    harness.clock.set(taipei("2021-03-08T08:00:00"))
    mark = len(standin.sent)
    await run_due(harness)
    assert sent_since(standin, mark, CHIEF_P1) == []
    assert methods(sent_since(standin, mark, CHIEF_P2)) == ["sendMessage", "sendPhoto"]
    assert methods(sent_since(standin, mark, ADMIN_ID)) == ["sendMessage", "sendPhoto"]
    statuses = await digest_statuses(harness)
    assert statuses[CHIEF_P1] is DeliveryStatus.UNREACHABLE and statuses[CHIEF_P2] is DeliveryStatus.SENT
    await run_due(harness)
    assert sent_since(standin, mark, CHIEF_P1) == []


async def test_a_group_upgraded_to_a_supergroup_is_followed(bureau: Harness) -> None:
    harness, standin = bureau, bureau.standin
    standin.group(GROUP, "第一分局群組")
    standin.send_text(CHIEF_P1, "/subscribe", chat_id=GROUP)
    done = await standin.next_message(GROUP)
    assert "第一分局" in (done.plain_text or "")
    standin.migrate_group(GROUP, SUPERGROUP)
    harness.clock.set(taipei("2021-03-08T08:00:00"))
    mark = len(standin.sent)
    await run_due(harness)
    group = sent_since(standin, mark, SUPERGROUP)
    assert methods(group) == ["sendMessage", "sendPhoto"]
    assert texts(group)[0].startswith("🗓 第一分局週報") and "李警員" not in texts(group)[0]
    subscriptions = await services(harness).repos.subscriptions.all()
    assert [(s.chat_id, s.unit_code) for s in subscriptions] == [(SUPERGROUP, "p1")]
    harness.clock.set(taipei("2021-03-15T08:00:00"))
    await run_due(harness)
    assert methods(sent_since(standin, mark, SUPERGROUP)) == ["sendMessage", "sendPhoto"] * 2


async def test_the_reminder_skips_those_who_reported_and_those_away(bureau: Harness) -> None:
    harness, standin = bureau, bureau.standin
    harness.clock.set(taipei("2021-03-09T10:00:00"))
    await run_due(harness)  # the week's digest, due since Monday, goes first
    await harness.say(501, "/report dui 1")
    menu = await harness.say(502, "/report")
    await harness.tap(502, menu, "無事可報")
    away = await harness.say(503, "/away 2021-03-12")
    assert "3/12" in (away.plain_text or "") or "2021-03-12" in (away.plain_text or "")
    await harness.say(504, "/away 2021-03-20")
    await harness.say(504, "/back")
    mark = len(standin.sent)
    harness.clock.set(taipei("2021-03-09T19:59:00"))
    await run_due(harness)
    assert standin.sent[mark:] == []
    harness.clock.set(taipei("2021-03-09T20:00:00"))
    await run_due(harness)
    for quiet in (501, 502, 503, CHIEF_P1, CHIEF_P2, ADMIN_ID):
        assert sent_since(standin, mark, quiet) == []
    assert len(sent_since(standin, mark, 504)) == 1
    reminder = await standin.next_message(504)
    assert "還沒有收到您的回報" in (reminder.plain_text or "")
    assert [data for _, data in reminder.buttons] == ["r:go", "n:20210309"]
    standin.press(504, reminder, reminder.button("回報"))
    menu = await standin.next_message(504)
    assert "請選擇項目" in (menu.plain_text or "")
    await harness.restart()
    await run_due(harness)
    assert len(sent_since(standin, mark, 504)) == 2  # the reminder and the report menu, nothing more


async def test_nothing_today_from_the_reminder_is_recorded(bureau: Harness) -> None:
    harness = bureau
    harness.clock.set(taipei("2021-03-09T20:00:00"))
    await run_due(harness)
    reminder = await harness.standin.next_message(503)
    done = await harness.tap(503, reminder, "無事可報")
    assert "無事可報" in (done.plain_text or "")
    repos = services(harness).repos
    assert not await repos.progress.needs_reminder(officer_id=503, day=date(2021, 3, 9))


async def test_an_officer_who_reports_after_planning_is_not_reminded(bureau: Harness) -> None:
    harness, standin = bureau, bureau.standin
    harness.clock.set(taipei("2021-03-09T20:00:00"))
    await dispatcher(harness).record_due_recipients(harness.clock.now())
    await harness.say(502, "/report talks 1")
    mark = len(standin.sent)
    await run_due(harness)
    assert sent_since(standin, mark, 502) == []
    assert len(sent_since(standin, mark, 501)) == 1
    rows = await services(harness).repos.deliveries.all(kind=DeliveryKind.REMINDER, fire_at=REMINDER_RUN)
    assert {row.chat_id: row.status for row in rows}[502] is DeliveryStatus.SKIPPED


async def test_chiefs_and_admins_are_never_reminded(bureau: Harness) -> None:
    harness = bureau
    harness.clock.set(taipei("2021-03-09T20:00:00"))
    await run_due(harness)
    rows = await services(harness).repos.deliveries.all(kind=DeliveryKind.REMINDER, fire_at=REMINDER_RUN)
    members = [await services(harness).repos.users.get(telegram_id=row.chat_id) for row in rows]
    assert {member.role for member in members if member is not None} == {Role.OFFICER}
    assert sorted(row.chat_id for row in rows) == sorted(OFFICERS)


async def test_the_jobs_wake_at_the_cron_times_with_grace_and_coalescing(harness: Harness) -> None:
    assert harness.app is not None and harness.app.job_queue is not None
    queue = harness.app.job_queue
    tz = harness.settings.tz
    for name, weekday, hour in (("digest", "Monday", 8), ("reminder", None, 20)):
        (job,) = queue.get_jobs_by_name(name)
        assert job.job.misfire_grace_time == 3600 and job.job.coalesce
        fire = job.next_t
        assert fire is not None
        local = fire.astimezone(tz)
        assert (local.hour, local.minute) == (hour, 0)
        if weekday is not None:
            assert local.strftime("%A") == weekday
    assert queue.get_jobs_by_name("sweep")


async def test_a_reminder_missed_while_down_is_sent_the_same_day_only(bureau: Harness) -> None:
    harness, standin = bureau, bureau.standin
    harness.clock.set(taipei("2021-03-09T10:00:00"))
    await run_due(harness)  # the week's digest first
    await harness.stop()
    harness.clock.set(taipei("2021-03-09T21:30:00"))
    mark = len(standin.sent)
    await harness.start()
    await wait_until(lambda: all(len(sent_since(standin, mark, officer)) == 1 for officer in OFFICERS))
    await harness.stop()
    harness.clock.set(taipei("2021-03-11T10:00:00"))  # Wednesday's reminder passed while down: too late now
    await harness.start()
    await run_due(harness)
    for officer in OFFICERS:
        assert len(sent_since(standin, mark, officer)) == 1


async def test_the_reminder_speaks_the_language_telegram_reported_at_registration(bureau: Harness) -> None:
    harness = bureau
    await harness.register(509, "p3", "officer", name="Chen", language="en")
    harness.clock.set(taipei("2021-03-09T20:00:00"))
    await run_due(harness)
    reminder = await harness.standin.next_message(509)
    assert "還沒有收到" not in (reminder.plain_text or "")
    assert any("Nothing to report" in label for label, _ in reminder.buttons)


async def test_officers_registered_after_the_week_are_not_counted_in_its_digest(harness: Harness) -> None:
    await harness.register(520, "p4", "chief", name="周主管")
    await harness.register(521, "p4", "officer", name="新進員警")
    digest = await harness.say(520, "/digest")
    text = digest.plain_text or ""
    assert "每位同仁都有回報" not in text
    assert "尚無登錄的員警" in text


async def test_the_digest_a_chief_asks_for_is_the_one_the_schedule_sent_that_week(bureau: Harness) -> None:
    harness, standin = bureau, bureau.standin
    harness.clock.set(taipei("2021-03-08T08:00:00"))
    mark = len(standin.sent)
    await run_due(harness)
    scheduled = sent_since(standin, mark, CHIEF_P1)
    harness.clock.set(taipei("2021-03-10T15:00:00"))  # later the same week: the same week is covered
    mark = len(standin.sent)
    standin.send_text(CHIEF_P1, "/digest")
    await wait_until(lambda: len(sent_since(standin, mark, CHIEF_P1)) == 2, timeout=15)
    asked = sent_since(standin, mark, CHIEF_P1)
    assert methods(scheduled) == methods(asked) == ["sendMessage", "sendPhoto"]
    assert "王警員" in (scheduled[0].plain_text or "")  # the chief's copy names the silent officers
    assert asked[0].text == scheduled[0].text and asked[0].parse_mode == scheduled[0].parse_mode
    assert asked[1].caption == scheduled[1].caption and asked[1].caption
    assert asked[1].photo is not None and asked[1].photo.startswith(b"\x89PNG")
    assert asked[1].photo == scheduled[1].photo
    assert scheduled[1].file is not None and asked[1].file is not None
    assert asked[1].file.filename == scheduled[1].file.filename == "digest.png"
