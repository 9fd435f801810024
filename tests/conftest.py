"""Fixtures shared by the test suite."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.clock import SettableClock
from bot.demo.sandbox.standin import BotApiStandIn
from tests.auxil.harness import TOKEN, Harness, make_settings, started, taipei

os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
os.environ["ENV_FILE"] = ""  # settings, here and in every bot process the tests start, ignore any .env
os.environ["PTB_TIMEDELTA"] = "1"  # RetryAfter.retry_after as a timedelta, without a deprecation warning
for _name in ("TELEGRAM_BOT_TOKEN", "ADMIN_IDS", "DATABASE_PATH", "PLAN_PATH", "TIMEZONE"):
    os.environ.pop(_name, None)


@pytest.fixture
def clock() -> SettableClock:
    """A clock standing at Friday 2026-11-27 10:00 in Taipei."""
    return SettableClock(taipei("2026-11-27T10:00:00"))


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandIn]:
    """A running Bot API stand-in."""
    async with BotApiStandIn(token=TOKEN) as server:
        yield server


@pytest.fixture
async def harness(tmp_path: Path, standin: BotApiStandIn, clock: SettableClock) -> AsyncIterator[Harness]:
    """The real bot polling the stand-in, on a temporary database."""
    async with started(standin, clock, make_settings(tmp_path, standin)) as running:
        yield running
