"""The admins hear about a failing backup once, and again when it works; /status shows the bot's state."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.clock import SettableClock
from bot.demo.sandbox.standin import BotApiStandIn
from bot.scheduling.backup_job import JOB_NAME
from tests.auxil.botprocess import wait_until
from tests.auxil.harness import ADMIN_ID, Harness, make_settings
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
    running = Harness(standin=standin, clock=clock, settings=settings)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


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
    assert "回報機器人 0.1.0" in answer and "polling" in answer
    assert "收件匣：1 則待處理" in answer  # /status itself, being handled
    assert re.search(r"下次摘要：\d{4}-\d\d-\d\d 08:00\n下次提醒：\d{4}-\d\d-\d\d 20:00", answer), answer
    assert "最近備份：尚無" in answer
    assert "注意：備份：未設定 BACKUP_DIR" in answer  # what the doctor would report
    refused = (await harness.say(OFFICER, "/status")).plain_text or ""
    assert refused == "此指令僅限管理員使用。"
