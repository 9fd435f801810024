"""`python -m bot doctor` run as an operator runs it: a line per check, exit status 1 on a problem."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import sys
from pathlib import Path

from bot.demo.sandbox.standin import BotApiStandIn
from storage.database import Database
from tests.auxil.botprocess import ROOT
from tests.auxil.unwritable import unwritable

OTHER_TOKEN = "654321:SOME-OTHER-TOKEN-abcdef"


def _env(tmp_path: Path, standin: BotApiStandIn, **overrides: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_", "BACKUP_"))}
    backups = tmp_path / "backups"
    backups.mkdir(exist_ok=True)
    return {
        **keep,
        "TELEGRAM_BOT_TOKEN": standin.token,
        "TELEGRAM_API_BASE_URL": standin.url,
        "DATABASE_PATH": str(tmp_path / "bot.sqlite3"),
        "PLAN_PATH": str(ROOT / "plan.json"),
        "BACKUP_DIR": str(backups),
        "PYTHONPATH": str(ROOT),
        **overrides,
    }


async def _doctor(tmp_path: Path, env: dict[str, str]) -> tuple[int, list[str]]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "doctor", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(process.communicate(), 60)
    text = out.decode()
    print(text)
    assert process.returncode is not None
    return process.returncode, text.splitlines()


def _line(lines: list[str], start: str) -> str:
    found = [line for line in lines if line.split(maxsplit=1)[-1].startswith(start)]
    assert len(found) == 1, f"one line about {start!r} expected:\n" + "\n".join(lines)
    return found[0]


async def _database(tmp_path: Path) -> None:
    db = Database(tmp_path / "bot.sqlite3")
    await db.open()
    await db.close()


async def test_a_healthy_setup_has_no_problem(tmp_path: Path, standin: BotApiStandIn) -> None:
    await _database(tmp_path)
    status, lines = await _doctor(tmp_path, _env(tmp_path, standin))
    assert status == 0
    assert not [line for line in lines if line.startswith("problem")]
    assert _line(lines, "token:").startswith("ok") and "@keelung_field_bot" in _line(lines, "token:")
    assert _line(lines, "database:").startswith("ok") and "integrity ok" in _line(lines, "database:")
    assert _line(lines, "clock:").startswith("ok")
    assert _line(lines, "webhook:").startswith("ok")
    assert _line(lines, "backups:").startswith("warning")  # none taken yet
    assert all(standin.token not in line for line in lines)


async def test_a_wrong_token(tmp_path: Path, standin: BotApiStandIn) -> None:
    status, lines = await _doctor(tmp_path, _env(tmp_path, standin, TELEGRAM_BOT_TOKEN=OTHER_TOKEN))
    assert status == 1
    assert _line(lines, "token:").startswith("problem") and "refused the token" in _line(lines, "token:")
    assert all(OTHER_TOKEN not in line for line in lines)


async def test_an_unreachable_bot_api(tmp_path: Path, standin: BotApiStandIn) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    status, lines = await _doctor(tmp_path, _env(tmp_path, standin, TELEGRAM_API_BASE_URL=closed))
    assert status == 1
    assert _line(lines, "Bot API:").startswith("problem") and "cannot reach" in _line(lines, "Bot API:")


async def test_a_broken_plan(tmp_path: Path, standin: BotApiStandIn) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text('{"units": [', encoding="utf-8")
    status, lines = await _doctor(tmp_path, _env(tmp_path, standin, PLAN_PATH=str(plan)))
    assert status == 1
    assert _line(lines, "plan:").startswith("problem") and str(plan) in _line(lines, "plan:")


async def test_an_unwritable_backup_folder(tmp_path: Path, standin: BotApiStandIn) -> None:
    env = _env(tmp_path, standin)
    with unwritable(tmp_path / "backups"):
        status, lines = await _doctor(tmp_path, env)
    assert status == 1
    assert _line(lines, "backups:").startswith("problem") and "not writable" in _line(lines, "backups:")


async def test_a_clock_that_is_off(tmp_path: Path, standin: BotApiStandIn) -> None:
    standin.clock_offset = 300.0  # Telegram's Date is five minutes ahead of this machine
    status, lines = await _doctor(tmp_path, _env(tmp_path, standin))
    assert status == 1
    clock = _line(lines, "clock:")
    assert clock.startswith("problem") and "timedatectl" in clock
    seconds = int(re.search(r"clock: ([-+]\d+) s off", clock)[1])  # type: ignore[index]
    assert -302 <= seconds <= -298  # the Date header counts whole seconds


async def test_the_doctor_changes_nothing(tmp_path: Path, standin: BotApiStandIn) -> None:
    status, lines = await _doctor(tmp_path, _env(tmp_path, standin))
    assert status == 0, lines
    assert _line(lines, "database:").startswith("warning")
    assert not (tmp_path / "bot.sqlite3").exists()
    assert [name for name, _ in standin.calls] == ["getMe", "getWebhookInfo"]
