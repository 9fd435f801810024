"""A run is one fire time of its schedule: two reminders a day, catch-up of the latest run only,
digest readers checked again before sending, and delivery bookkeeping kept out of /audit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.clock import SettableClock
from bot.core.records import Delivery, DeliveryKind, DeliveryStatus
from bot.demo.sandbox.standin import BotApiStandIn
from tests.auxil.botprocess import query
from tests.auxil.harness import ADMIN_ID, Harness, make_settings, started, taipei
from tests.auxil.scheduling import dispatcher, run_due, sent_since, services, wait_until

OFFICERS = {501: "陳警員", 502: "王警員"}
LATE_OFFICER = 503
CHIEF_P1, CHIEF_P2 = 601, 602
GROUP_P1, GROUP_P2 = -100601, -100602
TWICE_A_DAY = "0 18,21 * * *"
MONDAY_AND_THURSDAY = "0 8 * * mon,thu"


@pytest.fixture
def clock() -> SettableClock:
    """Monday 2026-12-07 07:00 in Taipei: the real calendar, before the week's digest."""
    return SettableClock(taipei("2026-12-07T07:00:00"))


@pytest.fixture
def schedules() -> dict[str, str]:
    """The cron settings of the bot under test (overridden per test)."""
    return {}


@pytest.fixture
async def harness(
    tmp_path: Path, standin: BotApiStandIn, clock: SettableClock, schedules: dict[str, str]
) -> AsyncIterator[Harness]:
    """The real bot with the test's schedules, polling the stand-in."""
    async with started(standin, clock, make_settings(tmp_path, standin, **schedules)) as running:
        yield running


def reminders(harness: Harness, mark: int, chat: int) -> list[Any]:
    sent = sent_since(harness.standin, mark, chat)
    return [message for message in sent if "還沒有收到您的回報" in (message.plain_text or "")]


async def read_digest(harness: Harness, chat: int) -> None:
    """Take the digest's text and chart off the chat: the next message read there is the bot's reply."""
    for method in ("sendMessage", "sendPhoto"):
        assert (await harness.standin.next_message(chat)).method == method


async def digest_run(harness: Harness) -> list[Delivery]:
    """The recipients of the digest run firing at the clock's time."""
    return await services(harness).repos.deliveries.all(kind=DeliveryKind.DIGEST, fire_at=harness.clock.now())


def rows(harness: Harness, sql: str, *params: object) -> list[tuple[Any, ...]]:
    return query(harness.settings.database_path, sql, params)


async def officers(harness: Harness) -> Harness:
    for officer, name in OFFICERS.items():
        await harness.register(officer, "p1", "officer", name=name)
    return harness


@pytest.mark.parametrize("schedules", [{"reminder_schedule": TWICE_A_DAY}])
async def test_two_reminders_a_day_reach_whoever_still_has_nothing(harness: Harness) -> None:
    await officers(harness)
    harness.clock.set(taipei("2026-12-08T10:00:00"))
    await run_due(harness)  # Monday's digest, still due this week, goes first
    await read_digest(harness, ADMIN_ID)
    mark = len(harness.standin.sent)
    harness.clock.set(taipei("2026-12-08T18:00:00"))
    await run_due(harness)
    assert [len(reminders(harness, mark, officer)) for officer in OFFICERS] == [1, 1]
    harness.clock.set(taipei("2026-12-08T19:00:00"))
    await harness.say(501, "/report dui 1")
    harness.clock.set(taipei("2026-12-08T19:30:00"))
    await harness.register(LATE_OFFICER, "p2", "officer", name="新進員警")
    harness.clock.set(taipei("2026-12-08T21:00:00"))
    await run_due(harness)
    assert len(reminders(harness, mark, 502)) == 2  # still nothing that day: reminded again
    assert len(reminders(harness, mark, LATE_OFFICER)) == 1  # registered after 18:00
    assert len(reminders(harness, mark, 501)) == 1  # reported after 18:00: not again at 21:00
    harness.clock.set(taipei("2026-12-08T21:05:00"))
    await run_due(harness)
    await harness.restart()
    await run_due(harness)
    assert [len(reminders(harness, mark, o)) for o in (501, 502, LATE_OFFICER)] == [1, 2, 1]
    runs = rows(harness, "SELECT fire_at, period, recipients FROM delivery_runs WHERE kind = 'reminder'")
    assert sorted(runs) == [
        ("2026-12-08T10:00:00+00:00", "2026-12-08", 2),  # 18:00 in Taipei
        ("2026-12-08T13:00:00+00:00", "2026-12-08", 2),  # 21:00
    ]


@pytest.mark.parametrize("schedules", [{"reminder_schedule": TWICE_A_DAY}])
async def test_after_downtime_only_the_latest_reminder_of_the_day_is_sent(harness: Harness) -> None:
    await officers(harness)
    harness.clock.set(taipei("2026-12-08T17:00:00"))
    await run_due(harness)
    await harness.stop()
    harness.clock.set(taipei("2026-12-08T21:30:00"))  # 18:00 and 21:00 passed while down
    mark = len(harness.standin.sent)
    await harness.start()
    await wait_until(lambda: all(len(reminders(harness, mark, o)) == 1 for o in OFFICERS), timeout=15)
    await run_due(harness)
    assert [len(reminders(harness, mark, officer)) for officer in OFFICERS] == [1, 1]
    runs = rows(harness, "SELECT fire_at FROM delivery_runs WHERE kind = 'reminder'")
    assert runs == [("2026-12-08T13:00:00+00:00",)]  # 21:00 in Taipei; 18:00 was never planned
    await harness.stop()
    harness.clock.set(taipei("2026-12-09T10:00:00"))  # yesterday's reminders are stale
    await harness.start()
    await run_due(harness)
    assert [len(reminders(harness, mark, officer)) for officer in OFFICERS] == [1, 1]
    assert len(rows(harness, "SELECT 1 FROM delivery_runs WHERE kind = 'reminder'")) == 1


@pytest.mark.parametrize("schedules", [{"digest_schedule": MONDAY_AND_THURSDAY}])
async def test_after_downtime_only_the_weeks_latest_digest_is_sent_and_never_last_weeks(
    harness: Harness,
) -> None:
    standin = harness.standin
    await chiefs(harness)
    await harness.stop()
    harness.clock.set(taipei("2026-12-11T10:00:00"))  # Friday: Monday's and Thursday's runs missed
    mark = len(standin.sent)
    await harness.start()
    await wait_until(lambda: len(sent_since(standin, mark, CHIEF_P1)) == 2, timeout=15)
    await run_due(harness)
    for reader in (ADMIN_ID, CHIEF_P1, CHIEF_P2):
        assert [m.method for m in sent_since(standin, mark, reader)] == ["sendMessage", "sendPhoto"]
    runs = rows(harness, "SELECT fire_at, period FROM delivery_runs WHERE kind = 'digest'")
    assert runs == [("2026-12-10T00:00:00+00:00", "2026-W49")]  # Thursday 08:00, covering 11/30–12/6
    await harness.stop()
    harness.clock.set(taipei("2026-12-14T07:59:00"))  # Monday before 08:00: Thursday's run was last week
    mark = len(standin.sent)
    await harness.start()
    await run_due(harness)
    harness.clock.set(taipei("2026-12-14T08:00:00"))
    await run_due(harness)
    assert [m.method for m in sent_since(standin, mark, CHIEF_P1)] == ["sendMessage", "sendPhoto"]
    assert "12/7（週一）–12/13（週日）" in (sent_since(standin, mark, CHIEF_P1)[0].plain_text or "")


@pytest.mark.parametrize(
    ("schedules", "weekday"),
    [
        ({"digest_schedule": "0 8 * * 1"}, "Monday"),
        ({"digest_schedule": "0 8 * * 0"}, "Sunday"),
        ({"digest_schedule": "0 8 * * 7"}, "Sunday"),
        ({}, "Monday"),
    ],
)
async def test_the_digest_weekday_means_what_cron_means(harness: Harness, weekday: str) -> None:
    await chiefs(harness)
    assert harness.app is not None and harness.app.job_queue is not None
    (job,) = harness.app.job_queue.get_jobs_by_name("digest")
    assert job.next_t is not None
    fire = job.next_t.astimezone(harness.settings.tz)
    assert (fire.strftime("%A"), fire.hour, fire.minute) == (weekday, 8, 0)
    harness.clock.set(fire)
    mark = len(harness.standin.sent)
    await run_due(harness)
    assert [m.method for m in sent_since(harness.standin, mark, CHIEF_P1)] == ["sendMessage", "sendPhoto"]


async def chiefs(harness: Harness) -> Harness:
    await harness.register(CHIEF_P1, "p1", "chief", name="林主管")
    await harness.register(CHIEF_P2, "p2", "chief", name="黃主管")
    return harness


async def test_a_chief_disabled_between_planning_and_sending_gets_nothing(harness: Harness) -> None:
    await chiefs(harness)
    harness.clock.set(taipei("2026-12-07T08:00:00"))
    await dispatcher(harness).record_due_recipients(harness.clock.now())
    await harness.say(ADMIN_ID, f"/disable {CHIEF_P1}")
    mark = len(harness.standin.sent)
    await run_due(harness)
    for reader in (CHIEF_P2, ADMIN_ID):
        assert [m.method for m in sent_since(harness.standin, mark, reader)] == ["sendMessage", "sendPhoto"]
    assert sent_since(harness.standin, mark, CHIEF_P1) == []
    planned = await digest_run(harness)
    assert {d.chat_id: d.status for d in planned}[CHIEF_P1] is DeliveryStatus.SKIPPED


async def subscribe(harness: Harness, chief: int, group: int) -> None:
    harness.standin.group(group, f"群組 {group}")
    harness.standin.send_text(chief, "/subscribe", chat_id=group)
    await harness.standin.next_message(group)


async def test_a_group_gets_the_digest_only_while_its_subscriber_is_the_units_chief(harness: Harness) -> None:
    standin = harness.standin
    await chiefs(harness)
    await subscribe(harness, CHIEF_P1, GROUP_P1)
    await subscribe(harness, CHIEF_P2, GROUP_P2)
    harness.clock.set(taipei("2026-12-07T08:00:00"))
    await dispatcher(harness).record_due_recipients(harness.clock.now())
    await harness.say(ADMIN_ID, f"/role {CHIEF_P2} officer")  # after planning, before sending
    mark = len(standin.sent)
    await run_due(harness)
    assert [m.method for m in sent_since(standin, mark, GROUP_P1)] == ["sendMessage", "sendPhoto"]
    assert sent_since(standin, mark, GROUP_P2) == []
    await read_digest(harness, ADMIN_ID)
    await harness.say(ADMIN_ID, f"/move {CHIEF_P1} p3")  # still a chief, of another unit
    harness.clock.set(taipei("2026-12-14T08:00:00"))
    mark = len(standin.sent)
    await run_due(harness)
    assert [m.method for m in sent_since(standin, mark, ADMIN_ID)] == ["sendMessage", "sendPhoto"]
    assert [m.method for m in sent_since(standin, mark, CHIEF_P1)] == ["sendMessage", "sendPhoto"]
    assert sent_since(standin, mark, GROUP_P1) == [] and sent_since(standin, mark, GROUP_P2) == []
    planned = await digest_run(harness)
    assert {d.chat_id for d in planned} == {ADMIN_ID, CHIEF_P1}


async def test_delivery_bookkeeping_is_logged_once_and_stays_out_of_the_audit_trail(harness: Harness) -> None:
    await chiefs(harness)
    harness.clock.set(taipei("2026-12-07T08:00:00"))
    await run_due(harness)
    await run_due(harness)
    await harness.restart()
    await run_due(harness)
    sent = rows(harness, "SELECT chat_id, COUNT(*) FROM delivery_log WHERE event = 'sent' GROUP BY chat_id")
    assert sorted(sent) == sorted([(ADMIN_ID, 1), (CHIEF_P1, 1), (CHIEF_P2, 1)])
    planned = rows(harness, "SELECT kind, COUNT(*) FROM delivery_log WHERE event = 'planned' GROUP BY kind")
    assert planned == [("digest", 1)]
    assert rows(harness, "SELECT COUNT(*) FROM audit WHERE action LIKE 'delivery%'") == [(0,)]


async def test_audit_shows_peoples_changes_by_kind_and_by_person(harness: Harness) -> None:
    await chiefs(harness)
    await officers(harness)
    await harness.say(ADMIN_ID, "/set clearance_rate 412/480 2025")
    await harness.say(ADMIN_ID, "/role 502 chief")
    await harness.say(501, "/report dui 2")
    harness.clock.set(taipei("2026-12-07T08:00:00"))
    await run_due(harness)  # a digest run: bookkeeping that /audit does not show
    await read_digest(harness, ADMIN_ID)
    latest = (await harness.say(ADMIN_ID, "/audit 3")).plain_text or ""
    assert latest.splitlines()[0] == "最近 3 筆異動（新到舊）"
    assert "陳警員：回報" in latest and "Admin：變更角色 502" in latest and "Admin：設定數據" in latest
    figures = (await harness.say(ADMIN_ID, "/audit set")).plain_text or ""
    assert figures.splitlines()[0] == "最近 1 筆異動：set（新到舊）"
    assert "設定數據 figure:clearance_rate:2025" in figures and "變更角色" not in figures
    person = (await harness.say(ADMIN_ID, "/audit 502 5")).plain_text or ""
    assert person.splitlines()[0] == "最近 2 筆異動：502（新到舊）"
    assert "Admin：變更角色 502" in person and "登錄 502" in person and "回報" not in person
    own = (await harness.say(ADMIN_ID, "/audit 501")).plain_text or ""
    assert "陳警員：回報" in own and "變更角色" not in own and "設定數據" not in own
    roles = (await harness.say(ADMIN_ID, "/audit role")).plain_text or ""
    assert roles.splitlines()[0] == "最近 1 筆異動：role（新到舊）"
    none = (await harness.say(ADMIN_ID, "/audit delivery")).plain_text or ""
    assert none.startswith("沒有符合「delivery」的異動") and "set, report" in none
    for bad in ("/audit 0", "/audit 20 30", "/audit 設定", "/audit set role"):
        assert "用法" in ((await harness.say(ADMIN_ID, bad)).plain_text or ""), bad
