"""The bot's two send lanes: an officer's confirmation goes ahead of bulk sends, bulk still all goes."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter

from bot.service.sending import ANSWERS_IN_A_ROW, Lane, LanedLimiter, LanedRateLimiter, in_bulk, lane_of
from storage.handling import current_update
from tests.auxil.harness import ADMIN_ID, Harness

OFFICER = 501
BULK = 60


async def test_an_officers_confirmation_overtakes_a_queued_fan_out(harness: Harness) -> None:
    await harness.register(OFFICER, "p1", "officer", name="陳警員")
    assert harness.app is not None
    bot = harness.app.bot
    fan_out = asyncio.gather(*(bot.send_message(ADMIN_ID, f"bulk {index}") for index in range(BULK)))
    await harness.standin.next_message(ADMIN_ID)  # the first went out: the other 59 are queued
    confirmation = await harness.say(OFFICER, "/report 酒駕 3")
    assert "已記錄" in (confirmation.plain_text or "")
    await fan_out
    bulk = [message for message in harness.standin.sent if (message.text or "").startswith("bulk ")]
    assert [message.text for message in bulk] == [f"bulk {index}" for index in range(BULK)]
    sent = harness.standin.sent
    assert sent.index(confirmation) < sent.index(bulk[-1]), "the confirmation waited for the whole fan-out"


async def _record(order: list[str], name: str) -> dict[str, Any]:
    order.append(name)
    return {"ok": True}


async def _send(limiter: LanedRateLimiter, order: list[str], name: str, *, answering: bool) -> None:
    """A sendMessage through the limiter, as a handler answering an update or as a fan-out."""
    token = current_update.set(1 if answering else None)
    try:
        await limiter.process_request(_record, (order, name), {}, "sendMessage", {"chat_id": 7}, None)
    finally:
        current_update.reset(token)


async def test_a_waiting_answer_takes_the_next_slot_and_every_bulk_send_follows() -> None:
    limiter = LanedRateLimiter(messages_per_second=20, max_retries=0)
    order: list[str] = []
    bulk = [asyncio.create_task(_send(limiter, order, f"b{i}", answering=False)) for i in range(8)]
    await asyncio.sleep(0)
    assert order == ["b0"]  # the first took the free slot, the others wait
    answer = asyncio.create_task(_send(limiter, order, "answer", answering=True))
    await asyncio.gather(answer, *bulk)
    assert order == ["b0", "answer", *(f"b{i}" for i in range(1, 8))]


async def test_bulk_gets_a_slot_between_runs_of_answers() -> None:
    limiter = LanedRateLimiter(messages_per_second=200, max_retries=0)
    order: list[str] = []
    await _send(limiter, order, "b0", answering=False)
    answers = 2 * ANSWERS_IN_A_ROW + 2
    tasks = [asyncio.create_task(_send(limiter, order, f"b{i}", answering=False)) for i in (1, 2)]
    tasks += [asyncio.create_task(_send(limiter, order, f"a{i}", answering=True)) for i in range(answers)]
    await asyncio.gather(*tasks)
    run = ANSWERS_IN_A_ROW
    expected = ["b0", *(f"a{i}" for i in range(run)), "b1", *(f"a{i}" for i in range(run, 2 * run)), "b2"]
    assert order == [*expected, *(f"a{i}" for i in range(2 * run, answers))]


async def test_no_more_than_the_limit_go_in_any_second() -> None:
    limiter = LanedLimiter(interval=0, in_any_second=3, second=3600)
    sends = [asyncio.create_task(limiter.acquire()) for _ in range(5)]
    await asyncio.sleep(0)
    assert [send.done() for send in sends] == [True, True, True, False, False]
    for send in sends[3:]:
        send.cancel()


async def test_a_cancelled_wait_leaves_the_queue_moving() -> None:
    limiter = LanedLimiter(interval=0.02)
    await limiter.acquire()
    waiting = asyncio.create_task(limiter.acquire())
    after = asyncio.create_task(limiter.acquire())
    await asyncio.sleep(0)
    waiting.cancel()
    await after
    assert waiting.cancelled()


async def test_a_429_is_waited_out_and_the_send_retried_through_the_lanes() -> None:
    limiter = LanedRateLimiter(messages_per_second=50, max_retries=2)
    calls: list[str] = []

    async def flooded() -> dict[str, Any]:
        calls.append("try")
        if len(calls) == 1:
            raise RetryAfter(timedelta(seconds=0))
        return {"ok": True}

    answer = await limiter.process_request(flooded, (), {}, "sendMessage", {"chat_id": 7}, None)
    assert answer == {"ok": True}
    assert calls == ["try", "try"]


def test_lanes_answers_in_text_during_an_update_everything_else_is_bulk() -> None:
    assert lane_of("sendMessage") is Lane.BULK  # no update in hand: a digest, a reminder, an alert
    token = current_update.set(1)
    try:
        assert lane_of("sendMessage") is Lane.ANSWER
        assert lane_of("editMessageText") is Lane.ANSWER
        assert lane_of("sendDocument") is Lane.BULK
        assert lane_of("sendChatAction") is Lane.BULK
        with in_bulk():
            assert lane_of("sendMessage") is Lane.BULK
    finally:
        current_update.reset(token)
