"""Memory: peak RSS of the bot process holding four years of reports while 1,154 officers report.

    python -m bench.memory [--officers 1154] [--years 4]

Runs the bot as its own process, exactly as in production (`python -m bot run`), against
the stand-in as another process (`python -m bot.demo.sandbox`), on a copy of the four-year
database from bench.history_db (built through storage, not HTTP). Once the bot polls, every
officer sends one /report through the stand-in's control API at the same moment; the
benchmark waits for every confirmation. RSS is sampled with psutil every 20 ms, and the
kernel's high-water mark (VmHWM in /proc/<pid>/status, Linux) gives the true peak.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import aiohttp
import psutil

from bench.history_db import PLAN, ROOT, describe, ensure_history
from bench.ingest import report_lines
from bench.machine import describe as describe_machine
from bench.machine import emit, print_machine
from bot.core.plan import load_plan
from bot.demo.sim_runner import QUIET_SCHEDULE
from bot.demo.simulation.bureau import ADMIN_ID, BUREAU_STRENGTH, Person

TOKEN = "300000003:BENCH-memory-stand-in-token"
GOAL_MB = 150
SAMPLE_SECONDS = 0.02
TIMEOUT = 900.0
MB = 2**20


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _peak_rss(pid: int) -> int | None:
    """The kernel's high-water mark of the process's resident set, in bytes (Linux)."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return None
    for line in status.read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return None


@contextlib.contextmanager
def _process(command: Sequence[str], *, env: dict[str, str], cwd: Path, log: Path) -> Any:
    with log.open("w") as output:
        process = subprocess.Popen(
            command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=output, text=True
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


class Control:
    """The stand-in's control API, over HTTP."""

    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session, self.base = session, base

    async def post(self, action: str, body: dict[str, Any]) -> Any:
        """POST /_control/<action> and return its result."""
        async with self.session.post(f"{self.base}/_control/{action}", json=body) as response:
            payload = await response.json()
        if not payload.get("ok"):
            raise RuntimeError(f"{action}: {payload}")
        return payload["result"]

    async def get(self, what: str) -> Any:
        """GET /_control/<what> and return its result."""
        async with self.session.get(f"{self.base}/_control/{what}") as response:
            payload = await response.json()
        return payload["result"]


@contextlib.asynccontextmanager
async def _sampling(pid: int, samples: list[int]) -> AsyncIterator[None]:
    process = psutil.Process(pid)

    async def sample() -> None:
        while True:
            with contextlib.suppress(psutil.Error):
                samples.append(process.memory_info().rss)
            await asyncio.sleep(SAMPLE_SECONDS)

    task = asyncio.create_task(sample())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _wait_polling(control: Control, bot: subprocess.Popen[str]) -> None:
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:
        if bot.poll() is not None:
            raise RuntimeError("the bot exited before polling; see its log")
        calls = await control.get("calls?since=0")
        if any(call["method"] == "getUpdates" for call in calls["calls"]):
            return
        await asyncio.sleep(0.1)
    raise TimeoutError("the bot did not start polling within 60 s")


async def _drive(control: Control, officers: Sequence[Person], lines: Sequence[str]) -> dict[str, Any]:
    connections = asyncio.Semaphore(64)

    async def limited(action: str, body: dict[str, Any]) -> Any:
        async with connections:
            return await control.post(action, body)

    await asyncio.gather(
        *(
            limited(
                "user", {"user_id": o.telegram_id, "first_name": o.name, "language_code": o.language_code}
            )
            for o in officers
        )
    )
    before = (await control.get("sent?since=0"))["next"]
    started = time.perf_counter()
    await asyncio.gather(
        *(
            limited("send_text", {"user_id": o.telegram_id, "text": line})
            for o, line in zip(officers, lines, strict=True)
        )
    )
    queued = time.perf_counter() - started
    messages: list[dict[str, Any]] = []
    cursor = before
    deadline = time.perf_counter() + TIMEOUT
    while len(messages) < len(officers):
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{len(messages)} of {len(officers)} confirmations after {TIMEOUT} s")
        await asyncio.sleep(0.25)
        fresh = await control.get(f"sent?since={cursor}")
        messages += fresh["messages"]
        cursor = fresh["next"]
    sent_at = [message["sent_at"] for message in messages]
    confirmed = sum(1 for message in messages if (message.get("plain_text") or "").startswith("✅"))
    return {
        "reports": len(officers),
        "confirmed": confirmed,
        "queue_seconds": round(queued, 2),
        "answer_span_seconds": round(max(sent_at) - min(sent_at), 2),
        "per_second_approx": round(len(officers) / (time.perf_counter() - started), 1),
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Start both processes, drive the burst, measure the bot's memory."""
    last = date(2018 + args.years - 1, 12, 31)
    history = await ensure_history(first=date(2018, 1, 1), last=last, officers=args.officers)
    print(describe(history))
    officers = history.roster.officers
    lines = report_lines(load_plan(PLAN), officers)
    with tempfile.TemporaryDirectory(prefix="fieldbot-memory-") as folder:
        work = Path(folder)
        database = work / "bot.sqlite3"
        shutil.copyfile(history.path, database)
        port = _free_port()
        env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
        env |= {"PYTHONPATH": str(ROOT)}
        sandbox = [sys.executable, "-m", "bot.demo.sandbox", "--port", str(port), "--token", TOKEN]
        with _process(sandbox, env=env, cwd=work, log=work / "standin.log") as standin:
            assert standin.stdout is not None
            base = standin.stdout.readline().strip().removesuffix("/bot")
            bot_env = env | {
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "TELEGRAM_API_BASE_URL": base,
                "DATABASE_PATH": str(database),
                "PLAN_PATH": str(PLAN),
                "ADMIN_IDS": str(ADMIN_ID),
                "LOG_LEVEL": "WARNING",
                "DIGEST_SCHEDULE": QUIET_SCHEDULE,  # only the ingest burst: no digest or reminder
                "REMINDER_SCHEDULE": QUIET_SCHEDULE,
            }
            with _process(
                [sys.executable, "-m", "bot", "run"], env=bot_env, cwd=work, log=work / "bot.log"
            ) as bot:
                async with aiohttp.ClientSession() as session:
                    control = Control(session, base)
                    await _wait_polling(control, bot)
                    idle = psutil.Process(bot.pid).memory_info().rss
                    samples: list[int] = []
                    async with _sampling(bot.pid, samples):
                        burst = await _drive(control, officers, lines)
                    peak = _peak_rss(bot.pid)
                    after = psutil.Process(bot.pid).memory_info().rss
                    answered_429 = (await control.get("state"))["too_many_requests_count"]
    sampled = max(samples) if samples else after
    peak_mb = (peak or sampled) / MB
    return {
        "officers": len(officers),
        "database_mb": round(history.size_mb, 1),
        "rss_idle_mb": round(idle / MB, 1),
        "rss_peak_sampled_mb": round(sampled / MB, 1),
        "rss_peak_hwm_mb": None if peak is None else round(peak / MB, 1),
        "rss_after_mb": round(after / MB, 1),
        "peak_mb": round(peak_mb, 1),
        "goal_mb": GOAL_MB,
        "too_many_requests": answered_429,
        **burst,
    }


def main() -> None:
    """Parse arguments, run, print the figures and one JSON line."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.memory",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--officers", type=int, default=BUREAU_STRENGTH)
    parser.add_argument("--years", type=int, default=4, choices=[1, 2, 3, 4])
    args = parser.parse_args()
    machine = describe_machine()
    print_machine(machine)
    figures = asyncio.run(run(args))
    verdict = "meets" if figures["peak_mb"] < GOAL_MB else "misses"
    print(
        f"memory: bot process (python -m bot run) RSS idle {figures['rss_idle_mb']} MB, peak"
        f" {figures['peak_mb']} MB while {figures['confirmed']}/{figures['reports']} reports were confirmed"
        f" ({verdict} the goal of < {GOAL_MB} MB); database {figures['database_mb']} MB"
    )
    emit("memory", figures, machine)


if __name__ == "__main__":
    main()
