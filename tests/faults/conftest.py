"""Fixtures of the fault-injection suite: the bot as a real process against the stand-in."""

from __future__ import annotations

import os
import random
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.demo.sandbox.standin import BotApiStandIn
from tests.auxil.botprocess import BotProcess


@pytest.fixture
async def bot(tmp_path: Path, standin: BotApiStandIn) -> AsyncIterator[BotProcess]:
    """A bot process (not started yet) on a fresh database; killed if the test leaves it running."""
    process = BotProcess(standin=standin, database=tmp_path / "bot.sqlite3")
    try:
        yield process
    finally:
        await process.close()


@pytest.fixture
def rng() -> random.Random:
    """Seeded randomness; the seed is printed (FAULT_SEED=... reruns a failure the same way)."""
    seed = int(os.environ.get("FAULT_SEED") or random.SystemRandom().randrange(2**32))
    print(f"FAULT_SEED={seed}")
    return random.Random(seed)
