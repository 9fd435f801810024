"""kill -9 at random moments during a burst of reports: nothing lost, nothing counted twice."""

from __future__ import annotations

import asyncio
import random
import re

import pytest

from bot.demo.sandbox.standin import BotApiStandIn
from tests.auxil.botprocess import BotProcess, integrity, query, seed_officers, wait_until

pytestmark = pytest.mark.faults

OFFICERS = list(range(70_001, 70_051))
REPORTS = 500
KILLS = 4


async def _burst(standin: BotApiStandIn, rng: random.Random, sent: dict[tuple[int, int], int]) -> None:
    """500 one-line reports from 50 officers, a few at a time; remember what each one said."""
    for number in range(REPORTS):
        officer = OFFICERS[number % len(OFFICERS)]
        count = rng.randint(0, 50)
        update_id = standin.send_text(officer, f"/report dui {count} today k{number:03d}")
        sent[(officer, standin.update(update_id)["message"]["message_id"])] = count
        if number % 10 == 9:
            await asyncio.sleep(rng.uniform(0.0, 0.08))


async def _kill_repeatedly(bot: BotProcess, rng: random.Random) -> list[float]:
    """kill -9 the bot KILLS times at random moments, restarting it each time."""
    delays = []
    for _ in range(KILLS):
        delays.append(rng.uniform(0.2, 2.5))
        await asyncio.sleep(delays[-1])
        await bot.kill()
        await bot.start()
    return delays


async def test_kill_9_during_a_burst_loses_nothing_and_counts_nothing_twice(
    bot: BotProcess, standin: BotApiStandIn, rng: random.Random
) -> None:
    await seed_officers(bot.database, OFFICERS)
    for officer in OFFICERS:
        standin.user(officer, f"Officer {officer}")
    await bot.start()
    sent: dict[tuple[int, int], int] = {}
    burst_rng, kill_rng = random.Random(rng.random()), random.Random(rng.random())
    _, delays = await asyncio.gather(_burst(standin, burst_rng, sent), _kill_repeatedly(bot, kill_rng))
    print(f"killed after {', '.join(f'{d:.2f}' for d in delays)} s")

    def all_stored() -> bool:
        (stored,) = query(bot.database, "SELECT COUNT(*) FROM reports")[0]
        (pending,) = query(bot.database, "SELECT COUNT(*) FROM inbox WHERE done_at IS NULL")[0]
        return stored >= REPORTS and pending == 0

    await wait_until(all_stored, within=90, what=f"{REPORTS} reports stored\n{bot.log_tail()}")
    assert await bot.terminate() == 0, bot.log_tail()

    rows = query(bot.database, "SELECT officer_id, message_id, count FROM reports WHERE indicator = 'dui'")
    stored: dict[tuple[int, int], list[int]] = {}
    for officer, message_id, count in rows:
        stored.setdefault((officer, message_id), []).append(count)
    assert len(rows) == REPORTS
    assert stored == {key: [count] for key, count in sent.items()}
    assert integrity(bot.database) == "ok"
    replies = {
        token for officer in OFFICERS for m in standin.messages_to(officer)
        for token in re.findall(r"k\d{3}", m.plain_text or "")
    }  # fmt: skip
    assert replies == {f"k{n:03d}" for n in range(REPORTS)}, "every report was confirmed at least once"
