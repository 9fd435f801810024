"""Backups: online copies during a burst of reports, restored and compared row by row;
the CLI; the nightly job keeping the newest N."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.core.clock import SettableClock
from bot.demo.sandbox.standin import BotApiStandIn
from bot.scheduling.backup_job import JOB_NAME
from bot.scheduling.backups import backup_name, to_prune
from storage.backup import BackupError, integrity_problems, take_backup
from tests.auxil.harness import Harness, make_settings, started, taipei

OFFICERS = {1101: "p1", 1102: "p2", 1103: "p3", 1104: "p4", 1105: "traffic"}
REPORTS_EACH = 12
TABLES = ("users", "invitations", "reports", "report_voids", "audit", "admin_figures")


def table_rows(path: Path, table: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()


def test_prune_keeps_the_newest_backups_only() -> None:
    names = [backup_name(taipei(f"2026-11-{day:02d}T03:00:00")) for day in (25, 27, 26, 24)]
    assert to_prune([*names, "notes.txt", "fieldbot-latest.sqlite3"], keep=2) == [
        "fieldbot-20261124-030000.sqlite3",
        "fieldbot-20261125-030000.sqlite3",
    ]
    assert to_prune(names, keep=10) == []


def test_integrity_check_finds_a_damaged_copy(tmp_path: Path) -> None:
    source = tmp_path / "source.sqlite3"
    with closing(sqlite3.connect(source)) as connection:
        connection.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, text TEXT)")
        connection.execute("CREATE INDEX t_text ON t (text)")
        connection.executemany("INSERT INTO t (text) VALUES (?)", [(f"row {n} " * 20,) for n in range(2000)])
        connection.commit()
    copy = tmp_path / "copy.sqlite3"
    take_backup(source, copy)
    assert integrity_problems(copy) == []
    assert table_rows(copy, "t") == table_rows(source, "t")
    data = bytearray(copy.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 4096] = b"\xff" * 4096
    copy.write_bytes(bytes(data))
    assert integrity_problems(copy) != []
    with pytest.raises(BackupError):
        take_backup(tmp_path / "missing.sqlite3", tmp_path / "never.sqlite3")
    assert not (tmp_path / "never.sqlite3").exists()


async def test_backup_during_a_burst_of_reports_restores_row_by_row(harness: Harness, tmp_path: Path) -> None:
    for officer, unit in OFFICERS.items():
        await harness.register(officer, unit, "officer")
    database = harness.settings.database_path
    # The first confirmation hangs a moment: the first backups surely see the burst half done.
    harness.standin.hang_next("sendMessage", 0.3)
    for number in range(REPORTS_EACH):
        for officer in OFFICERS:
            harness.standin.send_text(officer, f"/report 宣導 {number % 5 + 1} 第{number}場")
    waits = [
        harness.standin.next_message(officer, timeout=30) for officer in OFFICERS for _ in range(REPORTS_EACH)
    ]
    replies = asyncio.gather(*waits)
    backups: list[Path] = []
    while not replies.done() or not backups:
        path = tmp_path / f"burst-{len(backups):03d}.sqlite3"
        await asyncio.to_thread(take_backup, database, path)
        backups.append(path)
    await replies
    total = len(OFFICERS) * REPORTS_EACH
    live_reports = table_rows(database, "reports")
    assert len(live_reports) == total
    counts = []
    for path in backups:
        assert integrity_problems(path) == []
        reports = table_rows(path, "reports")
        counts.append(len(reports))
        assert reports == live_reports[: len(reports)]  # a committed prefix, row for row
        added = [row for row in table_rows(path, "audit") if row[3] == "report.add"]
        assert len(added) == len(reports)  # each report with its audit row, never one without
    assert counts[0] < total and counts == sorted(counts)

    chosen = next(path for path, count in zip(backups, counts, strict=True) if 0 < count < total)
    snapshot = {table: table_rows(chosen, table) for table in TABLES}
    # Updates the backup holds in its inbox but had not handled yet are handled after the restore.
    # (an update whose report was written but not yet marked done is not written again).
    pending = [row for row in table_rows(chosen, "inbox") if row[4] is None and row[3] == 0]
    await harness.stop()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(chosen, database)
    await harness.start()
    for table in TABLES:
        restored = table_rows(database, table)
        assert restored[: len(snapshot[table])] == snapshot[table], table
    restored_reports = table_rows(database, "reports")
    assert len(restored_reports) == len(snapshot["reports"]) + len(pending)
    officer = next(iter(OFFICERS))
    expected = sum(row[5] for row in restored_reports if row[1] == officer)
    harness.standin.send_text(officer, "/mine")
    mine = await harness.standin.next_message(officer)
    while "本週" not in (mine.plain_text or ""):  # confirmations of the updates handled after the restore
        mine = await harness.standin.next_message(officer)
    assert f"預防犯罪宣導：本週 {expected}｜今年 {expected} 場" in (mine.plain_text or "")
    saved = await harness.say(officer, "/report 宣導 1 還原後")
    assert "已記錄" in (saved.plain_text or "")
    assert table_rows(database, "reports")[-1][0] == len(restored_reports) + 1


async def test_cli_backup_while_the_bot_runs(
    harness: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await harness.register(1201, "p1", "officer")
    await harness.say(1201, "/report 酒駕 2")
    monkeypatch.setenv("DATABASE_PATH", str(harness.settings.database_path))
    target = tmp_path / "copies" / "manual.sqlite3"
    assert await asyncio.to_thread(main, ["backup", str(target)]) == 0
    assert table_rows(target, "reports") == table_rows(harness.settings.database_path, "reports")
    assert await asyncio.to_thread(main, ["backup", "--check", str(target)]) == 0
    target.write_bytes(b"not a database" * 100)
    assert await asyncio.to_thread(main, ["backup", "--check", str(target)]) == 1
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "nowhere.sqlite3"))
    assert await asyncio.to_thread(main, ["backup", str(tmp_path / "x.sqlite3")]) == 1


@pytest.fixture
async def backed_up(tmp_path: Path, standin: BotApiStandIn, clock: SettableClock) -> AsyncIterator[Harness]:
    settings = make_settings(
        tmp_path, standin, backup_dir=str(tmp_path / "backups"), backup_keep=2, backup_time="02:30"
    )
    async with started(standin, clock, settings) as running:
        yield running


async def test_nightly_job_takes_backups_and_keeps_the_newest(backed_up: Harness, tmp_path: Path) -> None:
    assert backed_up.app is not None and backed_up.app.job_queue is not None
    (job,) = backed_up.app.job_queue.get_jobs_by_name(JOB_NAME)
    next_run = job.next_t
    assert next_run is not None
    local = next_run.astimezone(backed_up.settings.tz)
    assert (local.hour, local.minute) == (2, 30)
    await backed_up.register(1301, "p2", "officer")
    folder = tmp_path / "backups"
    for day in range(3):
        backed_up.clock.set(taipei("2026-11-28T02:30:00") + timedelta(days=day))
        await backed_up.say(1301, f"/report 宣導 {day + 1}")
        await job.run(backed_up.app)
    names = sorted(path.name for path in folder.iterdir())
    assert names == ["fieldbot-20261129-023000.sqlite3", "fieldbot-20261130-023000.sqlite3"]
    newest = folder / names[-1]
    assert integrity_problems(newest) == []
    assert [row[5] for row in table_rows(newest, "reports")] == [1, 2, 3]


async def test_no_job_without_backup_dir(harness: Harness) -> None:
    assert harness.app is not None and harness.app.job_queue is not None
    assert harness.app.job_queue.get_jobs_by_name(JOB_NAME) == ()


def test_backup_settings() -> None:
    from bot.settings import SettingsError, load_settings

    assert load_settings(backup_dir="").backup_dir is None
    settings = load_settings(backup_dir="/srv/backups", backup_keep="7", backup_time="01:15")
    assert (settings.backup_dir, settings.backup_keep, settings.backup_time.hour) == (
        Path("/srv/backups"),
        7,
        1,
    )
    with pytest.raises(SettingsError, match="BACKUP_KEEP"):
        load_settings(backup_keep="0")
