"""Two lanes for the bot's sends: a user's answers go ahead of bulk sends.

Bulk sends are spaced 1/rate s apart (a little under Telegram's 30 a second), and both
lanes together never send more than SENDS_IN_ANY_SECOND in any one second. A send made while the
bot handles a user's update, answering it in text, is an answer; everything else is bulk:
documents and chat actions, what a handler marks with `in_bulk()` ("preparing…"), and whatever
is sent outside an update (digests, reminders, alerts). An answer waits only for the answer
before it (half an interval), not for a bulk send just made; a bulk send waits for any send
before it and for every waiting answer, yet gets every turn no answer waits for, and at least
one in every ANSWERS_IN_A_ROW + 1 while answers keep coming, so nothing starves. Nothing is
dropped or reordered within a lane. PTB's `AIORateLimiter` keeps its 429 handling: a RetryAfter
pauses every send, then the send retries through the lanes again.
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

SENDS_IN_ANY_SECOND = 29
"""Sends in any one second, both lanes together: one under Telegram's 30, for network jitter."""
ANSWER_SPACING = 0.5
"""An answer follows the answer before it after this share of the interval: answers bunched by a
busy moment catch up at twice the pace, while the sliding second keeps them under Telegram's limit."""
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
    """Sends spaced `interval` apart within a lane and never more than `in_any_second` in any second.

    A bulk send waits `interval` after any send; an answer only after the previous answer, so an
    export's file or a reminder just sent does not hold up the officer's confirmation behind it.
    The sliding second counts both lanes, so together they stay under Telegram's limit.
    """

    def __init__(
        self,
        interval: float,
        in_any_second: int = SENDS_IN_ANY_SECOND,
        answers_in_a_row: int = ANSWERS_IN_A_ROW,
        second: float = 1.0,
    ) -> None:
        super().__init__(max_rate=in_any_second, time_period=second)
        self._interval = interval
        self._in_any_second = in_any_second
        self._answers_in_a_row = answers_in_a_row
        self._second = second
        self._last = {lane: -math.inf for lane in Lane}
        self._granted: deque[float] = deque()
        self._waiting: dict[Lane, deque[asyncio.Future[None]]] = {lane: deque() for lane in Lane}
        self._run = 0
        self._timer: asyncio.TimerHandle | None = None

    def has_capacity(self, amount: float = 1) -> bool:
        """True if a bulk send could go now: nobody waits, it is spaced and the second has room."""
        now = asyncio.get_running_loop().time()
        return not any(self._waiting.values()) and self._ready_at(Lane.BULK, now) <= now

    async def acquire(self, amount: float = 1) -> None:
        """Wait for this send's turn, in the lane the send is in (bulk unless set otherwise)."""
        lane = _lane.get() or Lane.BULK
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting[lane].append(future)
        self._pump()
        try:
            await future
        except asyncio.CancelledError:
            if future.cancelled():  # never granted: leave the queue; a granted turn stays spent
                self._waiting[lane].remove(future)
                self._pump()
            raise

    def _ready_at(self, lane: Lane, now: float) -> float:
        """The earliest a send in `lane` may go: spaced from the last, and room in the last second."""
        while self._granted and self._granted[0] <= now - self._second:
            self._granted.popleft()
        after = self._last[Lane.ANSWER] if lane is Lane.ANSWER else max(self._last.values())
        full = len(self._granted) >= self._in_any_second
        room = self._granted[0] + self._second if full else -math.inf
        spacing = self._interval * (ANSWER_SPACING if lane is Lane.ANSWER else 1)
        return max(after + spacing, room)

    def _turn(self) -> Lane | None:
        """Whose turn it is: the first answer, unless none waits or bulk waited a run of answers out."""
        for queue in self._waiting.values():
            while queue and queue[0].done():
                queue.popleft()
        answers, bulk = self._waiting[Lane.ANSWER], self._waiting[Lane.BULK]
        if answers and not (bulk and self._run >= self._answers_in_a_row):
            return Lane.ANSWER
        return Lane.BULK if bulk else None

    def _pump(self) -> None:
        """Grant every turn that is due now; wake up again when the next one is."""
        loop = asyncio.get_running_loop()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        while (lane := self._turn()) is not None:
            now = loop.time()
            ready = self._ready_at(lane, now)
            if ready > now:
                self._timer = loop.call_at(ready, self._pump)
                return
            self._waiting[lane].popleft().set_result(None)
            self._last[lane] = now
            self._granted.append(now)
            self._run = self._run + 1 if lane is Lane.ANSWER and self._waiting[Lane.BULK] else 0


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
