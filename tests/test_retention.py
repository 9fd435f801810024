"""What the bot says it did not keep, it does not keep: a refused note, an outsider's name and
messages are gone from the database file, its write-ahead log and a fresh backup, byte for byte,
once their updates are handled."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import closing
from pathlib import Path

import pytest

from bot.core.clock import SettableClock
from bot.demo.sandbox.standin import BotApiStandIn
from bot.scheduling.backup_job import JOB_NAME
from storage.database import Database
from tests.auxil.botprocess import query, wait_until
from tests.auxil.harness import Harness, make_settings, started, taipei

OFFICER, OUTSIDER = 1401, 1402
GROUP = -100140
KEPT_NOTE = "路檢三處留存字樣"
REFUSED_PHONE = ("0912-345-678", "0912345678", "相對人王大明")
REFUSED_ID = ("A 123 456 789", "A123456789", "被害人李小華")
OUTSIDER_NAME = ("Mallory", "甄可疑")
OUTSIDER_TEXT = ("私訊祕密內容", "0955-111-222", "群組祕密內容")


@pytest.fixture
async def backed_up(tmp_path: Path, standin: BotApiStandIn, clock: SettableClock) -> AsyncIterator[Harness]:
    """The bot with nightly backups into tmp_path/backups, on the real calendar's today."""
    clock.set(taipei("2026-12-06T09:00:00"))
    settings = make_settings(tmp_path, standin, backup_dir=str(tmp_path / "backups"))
    async with started(standin, clock, settings) as running:
        yield running


def handled(database: Path, update_id: int) -> bool:
    """Whether the update was handled to the end (a positive marker, not a pause)."""
    rows = query(database, "SELECT done_at IS NOT NULL FROM inbox WHERE update_id = ?", (update_id,))
    return bool(rows and rows[0][0])


def found_in(data: bytes, words: Iterable[str]) -> list[str]:
    """The words whose UTF-8 bytes occur in the data."""
    return [word for word in words if word.encode() in data]


async def test_refused_notes_and_outsiders_leave_no_bytes_behind(backed_up: Harness, tmp_path: Path) -> None:
    harness = backed_up
    database = harness.settings.database_path
    await harness.register(OFFICER, "women_children", "officer", name="林警員")
    kept = await harness.say(OFFICER, f"/report 家暴 1 今天 {KEPT_NOTE}")
    assert "已記錄" in (kept.plain_text or "")
    refused = await harness.say(OFFICER, f"/report 保護令 1 今天 {REFUSED_PHONE[2]}電話 {REFUSED_PHONE[0]}")
    assert "未儲存" in (refused.plain_text or "")
    refused = await harness.say(OFFICER, f"/report 家暴 1 今天 {REFUSED_ID[2]} {REFUSED_ID[0]}")
    assert "未儲存" in (refused.plain_text or "")
    harness.user(OUTSIDER, " ".join(OUTSIDER_NAME))
    harness.standin.group(GROUP, "第一分局群組")
    updates = [
        harness.standin.send_text(OUTSIDER, f"{OUTSIDER_TEXT[0]} {OUTSIDER_TEXT[1]}"),
        harness.standin.send_text(OUTSIDER, OUTSIDER_TEXT[2], chat_id=GROUP),
    ]
    answer = await harness.standin.next_message(OUTSIDER)
    assert "僅供基隆市警察局已登錄同仁使用" in (answer.plain_text or "")
    for update_id in updates:
        await wait_until(lambda u=update_id: handled(database, u), within=10, what=f"update {update_id}")
    pending = "SELECT 1 FROM inbox WHERE done_at IS NULL"
    await wait_until(lambda: not query(database, pending), within=10, what="every update handled")

    # Every handled update keeps its id and kind, nothing else.
    for update_id, payload in query(database, "SELECT update_id, payload FROM inbox"):
        assert json.loads(payload) == {"update_id": update_id, "kind": "message"}
    refusals = query(database, "SELECT subject, new_value FROM audit WHERE action = 'access.refused'")
    assert refusals and {subject for subject, _ in refusals} == {str(OUTSIDER)}

    assert harness.app is not None and harness.app.job_queue is not None
    (prune,) = harness.app.job_queue.get_jobs_by_name("inbox.prune")
    await prune.run(harness.app)  # the hourly job: prune, then checkpoint and empty the log
    wal = database.with_name(database.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    (nightly,) = harness.app.job_queue.get_jobs_by_name(JOB_NAME)
    await nightly.run(harness.app)
    (backup,) = (tmp_path / "backups").iterdir()

    gone = (*REFUSED_PHONE, *REFUSED_ID, *OUTSIDER_NAME, *OUTSIDER_TEXT)
    for path in (database, backup):
        data = path.read_bytes()
        assert found_in(data, (KEPT_NOTE, "林警員")) == [KEPT_NOTE, "林警員"], path  # the search does find
        assert found_in(data, gone) == [], path


async def test_an_older_file_is_cut_and_rebuilt_when_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    scripts = sorted((Path(__file__).resolve().parents[1] / "storage" / "migrations").glob("00[1-4]_*.sql"))
    with closing(sqlite3.connect(path, isolation_level=None)) as old:
        old.execute("PRAGMA journal_mode=WAL")
        old.execute("PRAGMA secure_delete=OFF")  # as files were written before
        for script in scripts:
            old.executescript(script.read_text(encoding="utf-8"))
        old.execute("PRAGMA user_version=4")

        def update(update_id: int, text: str) -> str:
            return json.dumps(
                {"update_id": update_id, "message": {"text": text, "from": {"first_name": "X"}}},
                ensure_ascii=False,
            )

        rows = [(1, update(1, "已處理祕密"), "2026-12-01"), (2, update(2, "已刪除祕密" * 2000), "2026-11-01")]
        rows.append((3, update(3, "待處理內容"), None))
        old.executemany(
            "INSERT INTO inbox (update_id, payload, received_at, done_at) VALUES (?, ?, '', ?)", rows
        )
        old.execute("DELETE FROM inbox WHERE update_id = 2")  # its pages freed, their bytes left behind
        old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert "已刪除祕密".encode() in path.read_bytes()

    db = Database(path)
    await db.open()
    await db.close()
    data = path.read_bytes()
    assert found_in(data, ("已處理祕密", "已刪除祕密", "待處理內容")) == ["待處理內容"]  # kept for replay
    (done, pending) = query(path, "SELECT update_id, payload FROM inbox ORDER BY update_id")
    assert json.loads(done[1]) == {"update_id": 1, "kind": "message"}
    assert json.loads(pending[1])["message"]["text"] == "待處理內容"
