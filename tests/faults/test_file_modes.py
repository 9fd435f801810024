"""Only the bot's user reads what the bot writes: files 0600, the folders it creates 0700.

The processes are started under umask 022, as from a login shell, so that only the bot's own
umask and chmods can make the files private.
"""

from __future__ import annotations

import asyncio
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.demo.sandbox.standin import BotApiStandIn
from tests.auxil.botprocess import BotProcess, say, seed_officers

pytestmark = pytest.mark.faults

OFFICER = 74_001


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def login_shell_umask() -> Iterator[None]:
    """Processes started meanwhile inherit umask 022: new files 0644, new folders 0755."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


async def cli(bot: BotProcess, *args: str) -> str:
    """Run `python -m bot ARGS` beside the running bot, in its folder and environment."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=bot.database.parent, env=bot.env(),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, errors = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, errors.decode()
    return errors.decode()


async def test_database_side_files_backups_exports_and_new_folders_are_private(
    bot: BotProcess, standin: BotApiStandIn, login_shell_umask: None
) -> None:
    home = bot.database.parent  # where the processes run
    bot.extra_env = {"DATABASE_PATH": "state/db/bot.sqlite3"}
    database = home / "state" / "db" / "bot.sqlite3"
    side_files = [database.with_name(f"bot.sqlite3{suffix}") for suffix in ("-wal", "-shm", ".lock")]
    await bot.start()
    await seed_officers(database, [OFFICER])
    standin.user(OFFICER, f"Officer {OFFICER}")
    assert "已記錄" in await say(standin, OFFICER, "/report dui 2")
    assert {path.name: mode(path) for path in [database, *side_files]} == {
        "bot.sqlite3": 0o600, "bot.sqlite3-wal": 0o600, "bot.sqlite3-shm": 0o600, "bot.sqlite3.lock": 0o600,
    }  # fmt: skip
    assert mode(home / "state") == mode(home / "state" / "db") == 0o700

    await cli(bot, "backup", "backups/daily/manual.sqlite3")
    assert mode(home / "backups" / "daily" / "manual.sqlite3") == 0o600
    assert mode(home / "backups") == mode(home / "backups" / "daily") == 0o700

    await cli(bot, "export", "--format", "xlsx", "--out", "exports/2026.xlsx")
    assert mode(home / "exports" / "2026.xlsx") == 0o600 and mode(home / "exports") == 0o700
    earlier = home / "exports" / "reports.csv"  # written before, readable by everyone
    earlier.write_text("old\n", encoding="utf-8")
    earlier.chmod(0o644)
    await cli(bot, "export", "--format", "csv", "--out", "exports/reports.csv")
    assert f"{OFFICER},Officer {OFFICER},dui,2," in earlier.read_text(encoding="utf-8-sig")
    assert mode(earlier) == 0o600
    assert await bot.terminate() == 0, bot.log_tail()


async def test_a_database_from_before_is_made_private_at_start_up(
    bot: BotProcess, standin: BotApiStandIn, login_shell_umask: None
) -> None:
    await bot.start()
    assert await bot.terminate() == 0, bot.log_tail()
    lock = bot.database.with_name("bot.sqlite3.lock")
    for path in (bot.database, lock):
        path.chmod(0o644)  # as an older version, under umask 022, left them
    await bot.start()
    assert mode(bot.database) == mode(lock) == 0o600
    assert f"{bot.database} was mode 0o644, is now 0o600" in bot.log_tail()
    assert await bot.terminate() == 0, bot.log_tail()
