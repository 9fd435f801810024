"""Per-user order: one user's updates are handled one at a time, in the order they came,
while different users are handled side by side; the inbox hears when each is finished.

PTB's own semaphore is taken before `do_process_update` runs, so it would count updates
still waiting for their user's turn: 200 messages from one user would fill it and starve
everyone else. It is therefore set out of reach, and the limit on updates running at once
is applied here, after the user's turn has come.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from storage.handling import current_update

log = logging.getLogger(__name__)

RUNNING_AT_ONCE = 16
_QUEUED_AT_MOST = 1_000_000  # PTB's semaphore: never the limit, see the module docstring

Finished = Callable[[int], Awaitable[float | None]]
"""Told an update's handlers returned; answers None (done) or seconds to wait before handling it again."""
Again = Callable[[object], Awaitable[None]]
"""Handles an update once more (the application's `process_update`)."""


def order_key(update: object) -> int | None:
    """Updates with the same key are handled in order: the user's, else the chat's."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


class _Turn:
    """A user's lock and how many of their updates are waiting for it."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.holders = 0


class PerUserOrder(BaseUpdateProcessor):
    """Handle each user's updates one at a time and in order, different users concurrently."""

    def __init__(self, running_at_once: int = RUNNING_AT_ONCE) -> None:
        super().__init__(max_concurrent_updates=_QUEUED_AT_MOST)
        self._running_at_once = running_at_once
        self._running: asyncio.Semaphore | None = None
        self._turns: dict[int | None, _Turn] = {}
        self._finished: Finished | None = None
        self._again: Again | None = None
        self._accepting = True
        self._closed = asyncio.Event()
        self._in_hand: set[asyncio.Task[Any]] = set()

    def attach(self, *, finished: Finished, again: Again) -> None:
        """Report each update's end to `finished`; use `again` when it asks for another attempt."""
        self._finished, self._again = finished, again

    async def initialize(self) -> None:
        """Start accepting updates."""
        self._running = asyncio.Semaphore(self._running_at_once)
        self._accepting = True
        self._closed = asyncio.Event()

    async def shutdown(self) -> None:
        """Nothing to free."""

    def close(self) -> None:
        """From now on, updates whose turn has not come are left undone (the inbox keeps them)."""
        self._accepting = False
        self._closed.set()

    @property
    def in_hand(self) -> int:
        """How many updates are being handled right now."""
        return len(self._in_hand)

    async def wait_in_hand(self, timeout: float) -> bool:
        """Wait for the updates in hand to finish; cancel them after `timeout` s; True if all finished."""
        tasks = set(self._in_hand)
        if not tasks:
            return True
        _, late = await asyncio.wait(tasks, timeout=timeout)
        for task in late:
            task.cancel()
        return not late

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the user's turn and a free slot, run the handlers, report the update finished."""
        key = order_key(update)
        turn = self._turns.setdefault(key, _Turn())
        turn.holders += 1
        try:
            async with turn.lock:
                await self._run(update, coroutine)
        finally:
            turn.holders -= 1
            if turn.holders == 0:
                self._turns.pop(key, None)

    async def _run(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Handle the update, and again after a pause for as long as the inbox asks (the user's
        later updates wait meanwhile, so their order holds)."""
        update_id = update.update_id if isinstance(update, Update) else None
        while True:
            if not await self._handle(update_id, coroutine):
                return
            if update_id is None or self._finished is None:
                return
            pause = await self._finished(update_id)
            if pause is None or self._again is None:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closed.wait(), pause)
            coroutine = self._again(update)

    async def _handle(self, update_id: int | None, coroutine: Awaitable[Any]) -> bool:
        """Run the handlers in a free slot; False if the processor closed before they could start."""
        assert self._running is not None, "processor not initialized"
        async with self._running:
            if not self._accepting:
                _close(coroutine)
                return False
            task = asyncio.current_task()
            assert task is not None
            self._in_hand.add(task)
            token = current_update.set(update_id)
            try:
                await coroutine
            finally:
                current_update.reset(token)
                self._in_hand.discard(task)
        return True


def _close(coroutine: Awaitable[Any]) -> None:
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()
