"""Two lanes for the bot's sends: a user's answers go ahead of bulk sends.

Every send goes through one slot every 1/rate s (a little under Telegram's 30 a second). A send
made while the bot handles a user's update, answering it in text, is an answer; everything else
is bulk: documents and chat actions, what a handler marks with `in_bulk()` ("preparing…"), and
whatever is sent outside an update (digests, reminders, alerts). When a slot comes free, a
waiting answer takes it before any bulk send; bulk still gets every slot no answer waits for,
and at least one in ANSWERS_IN_A_ROW + 1 while answers keep coming, so nothing starves. Nothing
is dropped or reordered within a lane. PTB's `AIORateLimiter` keeps its 429 handling: a
RetryAfter pauses every send, then the send retries through the lanes again.
"""

from __future__ import annotations

import asyncio
import enum
import math
from collections import deque
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

from storage.handling import current_update

ANSWERS_IN_A_ROW = 10
"""Answers granted one after another while bulk sends wait, before one bulk send gets a slot."""
BULK_METHODS = frozenset({"sendChatAction", "sendDocument"})
"""Methods that are bulk even when they answer an update: uploads and "uploading…" indicators."""

JSONDict = dict[str, Any]


class Lane(enum.Enum):
    """Which queue a send waits in for its slot."""

    ANSWER = "answer"
    BULK = "bulk"


_lane: ContextVar[Lane | None] = ContextVar("send_lane", default=None)


@contextmanager
def in_bulk() -> Iterator[None]:
    """Send in the bulk lane meanwhile, even when answering an update (a long job's side messages)."""
    token = _lane.set(Lane.BULK)
    try:
        yield
    finally:
        _lane.reset(token)


def lane_of(endpoint: str) -> Lane:
    """The lane of a send of `endpoint` made here and now."""
    if _lane.get() is Lane.BULK or current_update.get() is None or endpoint in BULK_METHODS:
        return Lane.BULK
    return Lane.ANSWER


class LanedLimiter(AsyncLimiter):
    """One acquisition every `interval` s; a waiting answer takes the next slot before bulk."""

    def __init__(self, interval: float, answers_in_a_row: int = ANSWERS_IN_A_ROW) -> None:
        super().__init__(max_rate=1, time_period=interval)
        self._interval = interval
        self._answers_in_a_row = answers_in_a_row
        self._free_at = -math.inf
        self._waiting: dict[Lane, deque[asyncio.Future[None]]] = {lane: deque() for lane in Lane}
        self._run = 0
        self._timer: asyncio.TimerHandle | None = None

    def has_capacity(self, amount: float = 1) -> bool:
        """True if a send could go now: nobody waits and the last slot is an interval old."""
        idle = not any(self._waiting.values())
        return idle and asyncio.get_running_loop().time() >= self._free_at

    async def acquire(self, amount: float = 1) -> None:
        """Wait for this send's slot, in the lane the send is in (bulk unless set otherwise)."""
        lane = _lane.get() or Lane.BULK
        if self.has_capacity():
            self._taken(lane)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting[lane].append(future)
        self._arm()
        try:
            await future
        except asyncio.CancelledError:
            if future.cancelled():  # never granted: leave the queue; a granted slot stays spent
                self._waiting[lane].remove(future)
            raise

    def _taken(self, lane: Lane) -> None:
        """Count a slot given to `lane` now; the next one comes an interval later."""
        self._free_at = asyncio.get_running_loop().time() + self._interval
        bulk_waits = bool(self._waiting[Lane.BULK])
        self._run = self._run + 1 if lane is Lane.ANSWER and bulk_waits else 0

    def _arm(self) -> None:
        if self._timer is None:
            self._timer = asyncio.get_running_loop().call_at(self._free_at, self._release)

    def _release(self) -> None:
        """The slot is free: give it to the first answer, or to bulk if none waits or it is bulk's turn."""
        self._timer = None
        for queue in self._waiting.values():
            while queue and queue[0].done():
                queue.popleft()
        answers, bulk = self._waiting[Lane.ANSWER], self._waiting[Lane.BULK]
        if answers and not (bulk and self._run >= self._answers_in_a_row):
            answers.popleft().set_result(None)
            self._taken(Lane.ANSWER)
        elif bulk:
            bulk.popleft().set_result(None)
            self._taken(Lane.BULK)
        if answers or bulk:
            self._arm()


class LanedRateLimiter(AIORateLimiter):
    """PTB's AIORateLimiter (groups, 429 retries) whose overall limit has an answer lane and a bulk lane."""

    __slots__ = ()

    def __init__(self, messages_per_second: float, max_retries: int) -> None:
        super().__init__(
            overall_max_rate=1, overall_time_period=1 / messages_per_second, max_retries=max_retries
        )
        self._base_limiter = LanedLimiter(1 / messages_per_second)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Send in the lane `lane_of` says, through AIORateLimiter's limits and retries."""
        token = _lane.set(lane_of(endpoint))
        try:
            return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
        finally:
            _lane.reset(token)
