"""Run `python -m bot run` as a real process against the in-process Bot API stand-in."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from bot.core.clock import SystemClock
from bot.core.domain import Role
from bot.demo.sandbox.standin import BotApiStandIn
from storage.database import Database
from storage.invitations import InvitationRepo
from tests.auxil.harness import ADMIN_ID, TOKEN

ROOT = Path(__file__).resolve().parents[2]
READY_WITHIN = 20.0


QUIET_SCHEDULE = "0 0 29 2 *"


@dataclass
class BotProcess:
    """One bot process at a time on `database`, restarted as often as a test likes."""

    standin: BotApiStandIn
    database: Path
    name: str = "bot"
    extra_env: dict[str, str] = field(default_factory=dict)
    process: asyncio.subprocess.Process | None = None
    starts: int = 0
    _log: IO[bytes] | None = None

    @property
    def log_path(self) -> Path:
        """Where the process's output goes (every start appends)."""
        return self.database.with_name(f"{self.name}.log")

    def env(self) -> dict[str, str]:
        """The environment of the bot process: the stand-in, the test database, the plan."""
        keep = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_"))}
        return {
            **keep,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": self.standin.url,
            "DATABASE_PATH": str(self.database),
            "PLAN_PATH": str(ROOT / "plan.json"),
            "ADMIN_IDS": str(ADMIN_ID),
            "LOG_LEVEL": "INFO",
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
            # the process runs on the real clock: scheduled digests and reminders stay out of
            # the way whatever the time of day (they fire on 29 February only)
            "DIGEST_SCHEDULE": QUIET_SCHEDULE,
            "REMINDER_SCHEDULE": QUIET_SCHEDULE,
            **self.extra_env,
        }

    async def start(self, *, ready: bool = True) -> None:
        """Start the process; with `ready`, wait until it polls the stand-in."""
        assert self.process is None or self.process.returncode is not None, "already running"
        calls_before = len(self.standin.calls)
        self._log = self._log or self.log_path.open("ab")
        self._log.write(f"----- start {self.starts + 1} of {self.name}\n".encode())
        self._log.flush()
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run",
            cwd=self.database.parent, env=self.env(), stdout=self._log, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        self.starts += 1
        if ready:
            await self.polling_since(calls_before)

    async def polling_since(self, calls_before: int) -> None:
        """Wait until a getUpdates call arrives after `calls_before` calls."""
        deadline = asyncio.get_running_loop().time() + READY_WITHIN
        while not any(name == "getUpdates" for name, _ in self.standin.calls[calls_before:]):
            assert self.process is not None
            if self.process.returncode is not None or asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"the bot did not start polling:\n{self.log_tail()}")
            await asyncio.sleep(0.02)

    async def kill(self) -> None:
        """kill -9: no chance to finish anything."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def terminate(self, within: float = 15.0) -> int:
        """SIGTERM, then the exit status (fails if the process outlives `within` seconds)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return await self.exit_status(within)

    async def exit_status(self, within: float = 15.0) -> int:
        """Wait for the process to end by itself and return its status."""
        assert self.process is not None
        try:
            return await asyncio.wait_for(self.process.wait(), within)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            raise AssertionError(f"the bot was still running after {within} s:\n{self.log_tail()}") from None

    async def close(self) -> None:
        """Make sure nothing is left running."""
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 40) -> str:
        """The end of the process's output."""
        if self._log is not None:
            self._log.flush()
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


async def seed_officers(database: Path, officer_ids: Iterable[int], unit: str = "p1") -> None:
    """Register officers straight in storage, as redeemed invitations would."""
    db = Database(database)
    await db.open()
    invitations = InvitationRepo(db)
    now = SystemClock().now()
    try:
        for officer_id in officer_ids:
            code = f"seed-{officer_id}"
            await invitations.create(
                code=code, unit_code=unit, role=Role.OFFICER, created_by=ADMIN_ID, now=now,
                valid_for=timedelta(days=1),
            )  # fmt: skip
            await invitations.redeem(
                code=code, telegram_id=officer_id, full_name=f"Officer {officer_id}", username=None, now=now
            )
    finally:
        await db.close()


def query(database: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Read the database the way an operator would, side by side with a running bot."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def integrity(database: Path) -> str:
    """`PRAGMA integrity_check` of the database file."""
    return str(query(database, "PRAGMA integrity_check")[0][0])


async def wait_until(condition: Any, *, within: float, what: str, poll: float = 0.1) -> None:
    """Poll `condition()` until true; fail naming `what` after `within` seconds."""
    deadline = asyncio.get_running_loop().time() + within
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{what}: not reached within {within} s")
        await asyncio.sleep(poll)


async def say(standin: BotApiStandIn, user_id: int, text: str, timeout: float = 10.0) -> str:
    """Send a private message to the bot process and return the plain text of its next message."""
    standin.send_text(user_id, text)
    return (await standin.next_message(user_id, timeout=timeout)).plain_text or ""


def stored_reports(database: Path, indicator: str = "dui") -> dict[tuple[int, int], list[int]]:
    """Counts stored per (officer, message id) for one indicator."""
    found: dict[tuple[int, int], list[int]] = {}
    for officer, message_id, count in query(
        database, "SELECT officer_id, message_id, count FROM reports WHERE indicator = ?", (indicator,)
    ):
        found.setdefault((officer, message_id), []).append(count)
    return found


async def handled(database: Path, update_id: int, within: float = 10.0) -> None:
    """Wait until the bot has finished the update (its inbox row is done): the positive sign after
    which a test may check that the bot said nothing."""
    sql = "SELECT 1 FROM inbox WHERE update_id = ? AND done_at IS NOT NULL"
    await wait_until(
        lambda: bool(query(database, sql, (update_id,))), within=within, what=f"update {update_id} handled"
    )


def pending_updates(database: Path) -> int:
    """Stored updates not yet handled to the end."""
    return int(query(database, "SELECT COUNT(*) FROM inbox WHERE done_at IS NULL")[0][0])
