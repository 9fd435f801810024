"""The durable inbox between Telegram and the handlers.

An update is written to SQLite (with the next polling offset, in the same transaction)
before Telegram is told it arrived; only then is it handed to the application. Every
write transaction its handlers make counts itself on the update's row, inside that same
transaction (storage/handling.py). The update is marked done once its handlers have
returned, replies included: marking it done with its first write would lose the answer,
or a second write, to a crash in between. If the handlers met a Bot API failure (no
answer, a proxy error, flood control), the update is handled again after a pause, before
the same user's later updates. At start-up every stored update not done is handed over
again, oldest first. The handlers are idempotent, so another run stores nothing new and
repeats the answer the user may never have received. Marking an update done cuts its
stored payload to its id and kind: no text and no name outlives the handling.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import Application, CallbackContext

from bot.services import Services
from storage.database import StorageError

log = logging.getLogger(__name__)

KEEP_DONE = timedelta(days=7)
FIRST_PAUSE: float = 1.0
LAST_PAUSE: float = 30.0
_UNREADABLE = (TypeError, ValueError, KeyError, AttributeError)


def update_id_of(raw: object) -> int | None:
    """The update_id of an update as Telegram sends it, or None if it is not one."""
    if isinstance(raw, Mapping):
        value = raw.get("update_id")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


class HandleAgainLater(Exception):
    """An update its handlers could not deal with for a passing reason of the bot's own (the
    database failing the access check): it is not marked done but handled again after a pause."""


def is_transient(error: object) -> bool:
    """A failure that another attempt may not meet: the Bot API's (BadRequest is PTB's NetworkError
    too, and is not one) or one a handler declared with HandleAgainLater."""
    if isinstance(error, HandleAgainLater):
        return True
    return isinstance(error, NetworkError | RetryAfter) and not isinstance(error, BadRequest)


def _json(raw: Mapping[str, Any]) -> str:
    return json.dumps(raw, ensure_ascii=False, separators=(",", ":"))


class Inbox:
    """Stores updates before they are acknowledged and feeds the application from there."""

    def __init__(self, application: Application[Any, Any, Any, Any, Services, Any]) -> None:
        self._app = application
        self._services: Services = application.bot_data
        self._failed: set[int] = set()
        self._attempts: dict[int, int] = {}

    async def accept(self, raws: Sequence[Mapping[str, Any]], *, next_offset: int | None) -> int:
        """Store the updates (and the next offset) in one transaction, then hand the new ones over."""
        payloads: dict[int, Mapping[str, Any]] = {}
        for raw in raws:
            update_id = update_id_of(raw)
            if update_id is None:
                log.warning("ignoring something that is not an update: %.200r", raw)
                continue
            payloads[update_id] = raw
        fresh = await self._services.repos.inbox.store(
            updates=[(uid, _json(raw)) for uid, raw in payloads.items()],
            next_offset=next_offset,
            now=self._services.clock.now(),
        )
        self._services.vitals.updates_received.inc(len(fresh))
        for update_id in fresh:
            await self._feed(update_id, payloads[update_id])
        return len(fresh)

    async def next_offset(self) -> int | None:
        """The offset polling stopped at."""
        return await self._services.repos.inbox.next_offset()

    async def recover(self) -> int:
        """Hand over every stored update that is not done, oldest first; return how many."""
        items = await self._services.repos.inbox.pending()
        if items:
            written = sum(1 for item in items if item.writes)
            log.info(
                "%d stored updates were not finished (%d had written); handling them again",
                len(items),
                written,
            )
        for item in items:
            try:
                raw = json.loads(item.payload)
            except ValueError:
                raw = None
            await self._feed(item.update_id, raw)
        return len(items)

    async def _feed(self, update_id: int, raw: object) -> None:
        try:
            update = Update.de_json(dict(raw), self._app.bot) if isinstance(raw, Mapping) else None
        except _UNREADABLE:
            update = None
        if update is None:
            log.error("update %d cannot be read; it is kept in the inbox and set aside", update_id)
            self._failed.discard(update_id)
            await self.finished(update_id)
            return
        await self._app.update_queue.put(update)

    async def on_error(self, update: object, context: CallbackContext[Any, Any, Any, Any]) -> None:
        """Error handler: remember an update whose handlers met a passing failure."""
        if isinstance(update, Update) and is_transient(context.error):
            self._failed.add(update.update_id)

    async def finished(self, update_id: int) -> float | None:
        """Mark an update done, or return the pause before handling it again after a Bot API failure."""
        if update_id in self._failed:
            self._failed.discard(update_id)
            attempts = self._attempts[update_id] = self._attempts.get(update_id, 0) + 1
            pause: float = min(FIRST_PAUSE * 2.0 ** (attempts - 1), LAST_PAUSE)
            log.warning("update %d met a passing failure; handling it again in %.0f s", update_id, pause)
            return pause
        self._attempts.pop(update_id, None)
        try:
            await self._services.repos.inbox.mark_done(update_ids=[update_id], now=self._services.clock.now())
        except (StorageError, RuntimeError) as error:
            log.warning("could not mark update %d done (%s); it will be handled again", update_id, error)
        return None

    async def prune(self) -> int:
        """Forget updates done more than a week ago and empty the write-ahead log."""
        return await self._services.repos.inbox.prune(done_before=self._services.clock.now() - KEEP_DONE)
