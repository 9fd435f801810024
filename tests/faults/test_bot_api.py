"""The Bot API failing: 502 pages, silence for half a minute, flood control. Nothing is lost,
polling resumes by itself, every confirmation goes out."""

from __future__ import annotations

import asyncio
import re

import pytest

from bot.demo.sandbox.standin import BotApiStandIn
from tests.auxil.botprocess import BotProcess, pending_updates, seed_officers, stored_reports, wait_until

pytestmark = pytest.mark.faults

OFFICERS = [72_001, 72_002, 72_003, 72_004]
SILENCE = 30.0


async def _setup(bot: BotProcess, standin: BotApiStandIn, officers: list[int]) -> None:
    await seed_officers(bot.database, officers)
    for officer in officers:
        standin.user(officer, f"Officer {officer}")
    await bot.start()


def _send(standin: BotApiStandIn, officer: int, token: str, count: int = 1) -> tuple[int, int]:
    update_id = standin.send_text(officer, f"/report dui {count} today {token}")
    return officer, standin.update(update_id)["message"]["message_id"]


def _confirmations(standin: BotApiStandIn, officers: list[int]) -> list[str]:
    return [
        token for officer in officers for m in standin.messages_to(officer)
        for token in re.findall(r"t\d{3}", m.plain_text or "")
    ]  # fmt: skip


async def _all_handled(bot: BotProcess, standin: BotApiStandIn, sent: dict[tuple[int, int], int]) -> None:
    tokens = {f"t{n:03d}" for n in range(len(sent))}
    await wait_until(
        lambda: (
            len(stored_reports(bot.database)) == len(sent)
            and tokens <= set(_confirmations(standin, OFFICERS))
            and pending_updates(bot.database) == 0
        ),
        within=60,
        what=f"{len(sent)} reports stored and confirmed\n{bot.log_tail()}",
    )


async def test_502_from_the_bot_api_then_recovery(bot: BotProcess, standin: BotApiStandIn) -> None:
    await _setup(bot, standin, OFFICERS)
    sent: dict[tuple[int, int], int] = {}
    standin.fail_next("getUpdates", status=502, times=4)
    standin.fail_next("sendMessage", status=502, times=3)
    sent[_send(standin, OFFICERS[0], "t000")] = 1  # wakes the long poll; the next polls meet 502
    await wait_until(lambda: len(stored_reports(bot.database)) == 1, within=10, what="first report")
    for number in range(1, 12):
        sent[_send(standin, OFFICERS[number % 4], f"t{number:03d}")] = 1
    await _all_handled(bot, standin, sent)
    assert bot.process is not None and bot.process.returncode is None
    assert await bot.terminate() == 0, bot.log_tail()
    assert stored_reports(bot.database) == {key: [1] for key in sent}
    assert sorted(_confirmations(standin, OFFICERS)) == sorted(f"t{n:03d}" for n in range(12))


async def test_bot_api_silent_for_30_seconds_then_recovery(bot: BotProcess, standin: BotApiStandIn) -> None:
    await _setup(bot, standin, OFFICERS)
    sent: dict[tuple[int, int], int] = {}
    standin.hang_next("getUpdates", SILENCE)  # the poll after the next batch gets no answer for 30 s
    standin.hang_next("sendMessage", 7)  # and the first answer is stuck longer than the bot waits
    sent[_send(standin, OFFICERS[0], "t000")] = 1
    await wait_until(lambda: len(stored_reports(bot.database)) == 1, within=10, what="first report")
    hung_at = asyncio.get_running_loop().time()
    for number in range(1, 6):
        sent[_send(standin, OFFICERS[number % 4], f"t{number:03d}")] = 1
    await _all_handled(bot, standin, sent)
    # the abandoned poll is carried out at last, 30 s on, and cuts the bot's poll short with
    # a 409: a single one must not be taken for another process polling the token
    await asyncio.sleep(max(0.0, hung_at + SILENCE + 1 - asyncio.get_running_loop().time()))
    for number in range(6, 10):
        sent[_send(standin, OFFICERS[number % 4], f"t{number:03d}")] = 1
    await _all_handled(bot, standin, sent)
    assert bot.process is not None and bot.process.returncode is None
    assert await bot.terminate() == 0, bot.log_tail()
    assert stored_reports(bot.database) == {key: [1] for key in sent}
    confirmations = _confirmations(standin, OFFICERS)
    assert set(confirmations) == {f"t{n:03d}" for n in range(10)}
    assert confirmations.count("t000") == 2  # the stuck answer arrived late, and again: at least once


async def test_429_on_send_message_during_a_burst_of_replies(bot: BotProcess, standin: BotApiStandIn) -> None:
    officers = [*OFFICERS, 72_005, 72_006, 72_007, 72_008]
    await _setup(bot, standin, officers)
    standin.fail_next("sendMessage", status=429, retry_after=1, times=6)
    sent = {_send(standin, officers[n % 8], f"t{n:03d}"): 1 for n in range(40)}
    await wait_until(
        lambda: len(stored_reports(bot.database)) == 40 and len(_confirmations(standin, officers)) >= 40,
        within=60,
        what=f"40 reports stored and confirmed\n{bot.log_tail()}",
    )
    await wait_until(lambda: pending_updates(bot.database) == 0, within=10, what="all done")
    assert await bot.terminate() == 0, bot.log_tail()
    assert standin.too_many_requests_count == 6
    assert stored_reports(bot.database) == {key: [1] for key in sent}
    assert sorted(_confirmations(standin, officers)) == sorted(f"t{n:03d}" for n in range(40))
