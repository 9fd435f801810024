"""Long polling into the inbox: getUpdates, store, and only then ask for the next offset.

PTB's Updater acknowledges a batch (by asking for the next offset) before its handlers
have run. Here the batch and the next offset are committed to SQLite first; asking for
that offset is what tells Telegram the batch arrived, so a process killed at any moment
finds every update either in its inbox or still queued at Telegram.
"""

from __future__ import annotations

import asyncio
import json
import logging
import warnings
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar
from urllib.parse import urlencode

from telegram import Bot, Update
from telegram.error import Conflict, Forbidden, InvalidToken, RetryAfter, TelegramError
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bot.intake.inbox import Inbox, update_id_of
from storage.database import StorageError

log = logging.getLogger(__name__)

POLL_TIMEOUT = 10.0
"""Seconds Telegram holds a getUpdates call open when there is nothing to deliver."""
READ_GRACE = 5.0
"""Seconds beyond the long-poll timeout before a silent Bot API counts as not answering."""
BATCH = 100
CONFLICTS_TO_STOP = 4
CONFLICT_WINDOW = 30.0
CONFLICT_PAUSE = 1.0
FIRST_RETRY, LAST_RETRY = 0.25, 5.0

T = TypeVar("T")


class AnotherInstanceError(RuntimeError):
    """Telegram keeps answering 409 Conflict: another process is fetching updates with this token."""


class _Backoff:
    """Waits that double after each failure, up to a ceiling, and start over after a success."""

    def __init__(self) -> None:
        self._next = FIRST_RETRY

    def reset(self) -> None:
        self._next = FIRST_RETRY

    def next_delay(self, at_least: float = 0.0) -> float:
        delay = max(self._next, at_least)
        self._next = min(self._next * 2, LAST_RETRY)
        return delay


class _Conflicts:
    """409 answers seen recently. One is expected now and then: a getUpdates call that the bot
    gave up on (the Bot API did not answer in time) may still be carried out later and cut
    the next one short. Several within half a minute mean another process polls the token."""

    def __init__(self) -> None:
        self._seen: deque[float] = deque()

    def too_many(self) -> bool:
        now = asyncio.get_running_loop().time()
        self._seen.append(now)
        while self._seen and self._seen[0] < now - CONFLICT_WINDOW:
            self._seen.popleft()
        return len(self._seen) >= CONFLICTS_TO_STOP


def _seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Poller:
    """Fetches updates from Telegram into the inbox until cancelled."""

    def __init__(
        self, *, bot: Bot, inbox: Inbox, timeout: float = POLL_TIMEOUT, request: HTTPXRequest | None = None
    ) -> None:
        self._bot = bot
        self._request = request
        self._inbox = inbox
        self._timeout = timeout
        self._backoff = _Backoff()
        self._conflicts = _Conflicts()

    async def run(self) -> None:
        """Poll until cancelled; raise AnotherInstanceError if another process polls the same token."""
        await self._retrying("deleteWebhook", lambda: self._bot.delete_webhook(drop_pending_updates=False))
        offset = await self._inbox.next_offset()
        request = self._request or HTTPXRequest(connection_pool_size=1, read_timeout=READ_GRACE)
        await request.initialize()
        try:
            while True:
                batch = await self._fetch(request, offset)
                if not batch:
                    continue
                offset = await self._store(batch, offset)
        finally:
            await request.shutdown()

    async def _store(self, batch: list[Any], offset: int | None) -> int | None:
        """Commit the batch and the offset after it; return that offset."""
        ids = [uid for uid in map(update_id_of, batch) if uid is not None]
        next_offset = max(ids) + 1 if ids else offset
        await self._retrying("storing updates", lambda: self._inbox.accept(batch, next_offset=next_offset))
        return next_offset

    def _url(self, offset: int | None) -> str:
        query: dict[str, Any] = {
            "timeout": int(self._timeout),
            "limit": BATCH,
            "allowed_updates": json.dumps(Update.ALL_TYPES),
        }
        if offset is not None:
            query["offset"] = offset
        return f"{self._bot.base_url}/getUpdates?{urlencode(query)}"

    async def _fetch(self, request: HTTPXRequest, offset: int | None) -> list[Any]:
        while True:
            try:
                result = await request.post(self._url(offset), read_timeout=self._timeout + READ_GRACE)
            except Conflict as error:
                if self._conflicts.too_many():
                    raise AnotherInstanceError(error.message) from error
                log.warning("getUpdates: %s; polling again in %.0f s", error.message, CONFLICT_PAUSE)
                await asyncio.sleep(CONFLICT_PAUSE)
            except RetryAfter as error:
                delay = self._backoff.next_delay(at_least=_seconds(error))
                log.warning("getUpdates: flood control; polling again in %.1f s", delay)
                await asyncio.sleep(delay)
            except (InvalidToken, Forbidden):
                raise
            except TelegramError as error:
                delay = self._backoff.next_delay()
                log.warning("getUpdates failed (%s); polling again in %.2f s", error.message, delay)
                await asyncio.sleep(delay)
            else:
                self._backoff.reset()
                return result if isinstance(result, list) else []

    async def _retrying(self, what: str, attempt: Callable[[], Awaitable[T]]) -> T:
        """Run `attempt()` until it succeeds, waiting longer after each failure."""
        while True:
            try:
                result = await attempt()
            except (InvalidToken, Forbidden):
                raise
            except (TelegramError, StorageError, OSError, RuntimeError) as error:
                delay = self._backoff.next_delay()
                log.warning("%s failed (%s); trying again in %.2f s", what, error, delay)
                await asyncio.sleep(delay)
            else:
                self._backoff.reset()
                return result
