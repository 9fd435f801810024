"""The admins hear about trouble once per problem and once when it is over; /status shows the bot's state."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from telegram.error import NetworkError

from bot.core.clock import SettableClock
from bot.demo.sandbox.standin import BotApiStandIn
from bot.scheduling.backup_job import JOB_NAME
from bot.scheduling.dispatcher import dispatcher_of
from bot.service.alerts import AlertMonitor, monitor_of
from bot.service.vitals import API_FAILURES_ALERT
from tests.auxil.botprocess import wait_until
from tests.auxil.harness import ADMIN_ID, Harness, make_settings, started, taipei
from tests.auxil.unwritable import lock, unlock

OFFICER = 701
FAILED = "每夜備份失敗"
WORKS_AGAIN = "備份已恢復正常"


@pytest.fixture
async def backed_up(tmp_path: Path, standin: BotApiStandIn, clock: SettableClock) -> AsyncIterator[Harness]:
    """The bot with nightly backups into tmp/backups, retried every 0.6 s after a failure."""
    (tmp_path / "backups").mkdir()
    settings = make_settings(
        tmp_path, standin, backup_dir=tmp_path / "backups", backup_retry_minutes=0.01, disk_low_mb=0
    )
    async with started(standin, clock, settings) as running:
        yield running


def _texts(harness: Harness, needle: str) -> list[str]:
    return [
        m.plain_text or "" for m in harness.standin.messages_to(ADMIN_ID) if needle in (m.plain_text or "")
    ]


def _attempts(harness: Harness, outcome: str) -> float:
    assert harness.app is not None
    registry = harness.app.bot_data.vitals.registry
    return registry.get_sample_value("fieldbot_backup_attempts_total", {"outcome": outcome}) or 0.0


async def test_a_failing_backup_is_told_once_and_its_end_too(backed_up: Harness, tmp_path: Path) -> None:
    harness = backed_up
    harness.user(ADMIN_ID, "Admin")
    await harness.say(ADMIN_ID, "/status")  # the admin has written to the bot
    assert harness.app is not None and harness.app.job_queue is not None
    folder = tmp_path / "backups"
    lock(folder)
    try:
        await harness.app.job_queue.get_jobs_by_name(JOB_NAME)[0].run(harness.app)
        await wait_until(lambda: _attempts(harness, "failed") >= 4, within=20, what="four failed attempts")
    finally:
        unlock(folder)
    await wait_until(lambda: bool(_texts(harness, WORKS_AGAIN)), within=20, what="the all-clear")
    alerts = _texts(harness, FAILED)
    assert len(alerts) == 1, alerts
    assert "python -m bot doctor" in alerts[0] and str(folder) in alerts[0]
    assert len(_texts(harness, WORKS_AGAIN)) == 1
    assert _attempts(harness, "ok") == 1
    assert len(list(folder.glob("fieldbot-*.sqlite3"))) == 1
    messages = harness.standin.messages_to(ADMIN_ID)
    assert messages.index(next(m for m in messages if FAILED in (m.plain_text or ""))) < len(messages) - 1


async def test_status_shows_the_bots_own_state_to_admins_only(harness: Harness) -> None:
    await harness.register(OFFICER, "p1", "officer")
    await harness.say(OFFICER, "/report 酒駕 2")
    answer = (await harness.say(ADMIN_ID, "/status")).plain_text or ""
    assert "回報機器人 0.1.0，長輪詢，已執行" in answer
    assert "收件匣：1 則待處理" in answer  # /status itself, being handled
    assert re.search(r"下次摘要：\d{4}-\d\d-\d\d 08:00\n下次提醒：\d{4}-\d\d-\d\d 20:00", answer), answer
    assert "最近備份：尚無" in answer
    assert "注意：備份：未設定 BACKUP_DIR" in answer  # what the doctor would report
    refused = (await harness.say(OFFICER, "/status")).plain_text or ""
    assert refused == "此指令僅限管理員使用。"


async def test_admins_help_lists_targets_and_status_and_officers_help_does_not(harness: Harness) -> None:
    await harness.register(OFFICER, "p1", "officer")
    admin_help = (await harness.say(ADMIN_ID, "/help")).plain_text or ""
    for command in (
        "/status",
        "/target 指標 數值",
        "/target carry",
        "/targets",
        "/allocate",
        "/audit [種類|編號]",
    ):
        assert command in admin_help, command
    officer_help = (await harness.say(OFFICER, "/help")).plain_text or ""
    assert "/report" in officer_help
    assert not any(command in officer_help for command in ("/status", "/target", "/allocate", "/audit"))


def _monitor(harness: Harness) -> AlertMonitor:
    assert harness.app is not None
    monitor = monitor_of(harness.app)
    assert monitor is not None
    return monitor


async def test_a_reminder_still_pending_an_hour_late_is_told_and_then_its_delivery(
    harness: Harness, clock: SettableClock
) -> None:
    await harness.register(OFFICER, "p1", "officer")
    assert harness.app is not None
    clock.set(taipei("2026-11-27T21:30:00"))  # the 20:00 reminder is an hour and a half late
    harness.standin.fail_next("sendMessage", status=502)
    dispatcher = dispatcher_of(harness.app)
    await dispatcher.run_due(clock.now())
    await _monitor(harness).review()
    late = _texts(harness, "每日提醒延遲")
    assert len(late) == 1 and "2026-11-27" in late[0] and "1 位收件者" in late[0], late
    await dispatcher.run_due(clock.now())
    assert "提醒" in (harness.standin.last_message(OFFICER).plain_text or "")
    await _monitor(harness).review()
    assert len(_texts(harness, "摘要與提醒已送出")) == 1


async def test_low_disk_is_told_again_only_after_six_hours(harness: Harness, clock: SettableClock) -> None:
    harness.user(ADMIN_ID, "Admin")
    await harness.say(ADMIN_ID, "/status")
    settings = harness.settings
    settings.disk_low_mb = 10**12  # more than any disk: free space is "low"
    monitor = _monitor(harness)
    for minutes in (0, 1, 60, 359):
        clock.set(taipei("2026-12-06T09:00:00") + timedelta(minutes=minutes))
        await monitor.review()
    assert len(_texts(harness, "磁碟空間不足")) == 1
    clock.set(taipei("2026-12-06T15:00:00"))  # six hours after the first message
    await monitor.review()
    assert len(_texts(harness, "磁碟空間不足")) == 2
    settings.disk_low_mb = 0
    await monitor.review()
    await monitor.review()
    assert len(_texts(harness, "磁碟空間已恢復充足")) == 1


async def test_a_bot_api_outage_is_told_once_it_answers_again(harness: Harness) -> None:
    harness.user(ADMIN_ID, "Admin")
    await harness.say(ADMIN_ID, "/status")
    assert harness.app is not None
    standin, bot = harness.standin, harness.app.bot
    calls = len(standin.calls)
    standin.hang_next("getUpdates", 20)  # the next poll gets no answer: no success comes in between
    polls = lambda: [name for name, _ in standin.calls[calls:] if name == "getUpdates"]  # noqa: E731
    await wait_until(lambda: bool(polls()), within=5, what="the poll that hangs")
    standin.fail_next("getMe", status=502, times=API_FAILURES_ALERT)
    for _ in range(API_FAILURES_ALERT):
        with pytest.raises(NetworkError):
            await bot.get_me()
    monitor = _monitor(harness)
    await bot.get_me()  # it answers again
    await monitor.review()
    await monitor.review()
    told = _texts(harness, "Telegram Bot API 曾經失敗")
    assert len(told) == 1 and f"{API_FAILURES_ALERT} 次呼叫失敗" in told[0], told
