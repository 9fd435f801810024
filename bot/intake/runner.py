"""The bot's life: one process per database, updates through the durable inbox, a clean stop.

`python -m bot run` calls `serve()`: take the database's lock file, reach the Bot API (waiting
while it cannot be reached, stopping with EXIT_TOKEN_REFUSED when it refuses the token), start
the application without PTB's Updater, handle what the inbox still holds, then fetch (long
polling, or a webhook when WEBHOOK_URL is set) until SIGTERM/SIGINT or until Telegram says another
process polls the same token. Stopping: stop fetching, let the updates in hand finish
(a few seconds at most; what is left stays in the inbox for the next start), close the
database, exit 0.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.ext import CallbackContext

from bot.app import FieldBot
from bot.intake.inbox import Inbox
from bot.intake.order import PerUserOrder
from bot.intake.polling import POLL_TIMEOUT, READ_GRACE, AnotherInstanceError, Poller
from bot.intake.reach import TokenRefusedError, reach_bot_api
from bot.intake.webhook import WebhookServer
from bot.service.requests import CountingRequest
from bot.service.server import Endpoints, MetricsServer
from bot.settings import Settings
from storage.database import DatabaseLockedError
from storage.process_lock import ProcessLock

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_ANOTHER_PROCESS = 3
EXIT_TOKEN_REFUSED = 4
DRAIN_SECONDS = 5.0
PRUNE_EVERY = timedelta(hours=1)

LOCKED = """\
Another bot process is already running on {database} (it holds {lock}).
Only one process may use a database: stop the other one first."""
CONFLICT = """\
Telegram keeps answering 409 Conflict ({detail}): another process is fetching updates
with this bot token, perhaps on another machine. Stopping so that only one does: stop
the other process, then start this one again."""


class Runner:
    """Starts the application, feeds it from the inbox, and stops it cleanly."""

    def __init__(self, application: FieldBot, *, poll_timeout: float = POLL_TIMEOUT) -> None:
        self._app = application
        self._settings: Settings = application.bot_data.settings
        self._inbox = Inbox(application)
        application.add_error_handler(self._inbox.on_error)
        self._poll_timeout = poll_timeout
        self._polling: asyncio.Task[None] | None = None
        self._webhook: WebhookServer | None = None
        self._vitals = application.bot_data.vitals
        self._endpoints = Endpoints(application) if self._settings.metrics_address else None
        self._metrics: MetricsServer | None = None

    @property
    def processor(self) -> PerUserOrder:
        """The update processor that keeps each user's updates in order."""
        processor = self._app.update_processor
        assert isinstance(processor, PerUserOrder), "build the application with bot.app.build_application"
        return processor

    @property
    def webhook_port(self) -> int | None:
        """The port the webhook listens on, in webhook mode."""
        return self._webhook.port if self._webhook is not None else None

    async def _finished(self, update_id: int) -> float | None:
        pause = await self._inbox.finished(update_id)
        if pause is None:
            self._vitals.updates_handled.inc()
        return pause

    async def start(self) -> None:
        """Open everything, finish what the inbox holds, then start fetching."""
        app = self._app
        await reach_bot_api(app.bot, self._settings.telegram_api_base_url)
        await app.initialize()
        if app.post_init is not None:
            await app.post_init(app)
        self.processor.attach(finished=self._finished, again=app.process_update)
        await app.start()
        await self._inbox.prune()
        if app.job_queue is not None:
            app.job_queue.run_repeating(
                self._prune, interval=PRUNE_EVERY, first=PRUNE_EVERY, name="inbox.prune"
            )
        if await self._inbox.recover():
            await app.update_queue.join()
        if self._settings.webhook_url:
            await self._start_webhook(self._settings.webhook_url)
            self._vitals.intake_started("webhook")
        else:
            await self._start_metrics()
            request = CountingRequest(self._vitals, connection_pool_size=1, read_timeout=READ_GRACE)
            poller = Poller(bot=app.bot, inbox=self._inbox, timeout=self._poll_timeout, request=request)
            self._polling = asyncio.create_task(poller.run(), name="inbox.polling")
            self._vitals.intake_started("polling")
            self._polling.add_done_callback(lambda _: self._vitals.intake_stopped())

    async def _start_metrics(self) -> None:
        address = self._settings.metrics_address
        if self._endpoints is not None and address is not None:
            self._metrics = MetricsServer(self._endpoints, *address)
            await self._metrics.start()

    async def _start_webhook(self, url: str) -> None:
        secret = self._settings.webhook_secret
        assert secret is not None, "settings require WEBHOOK_SECRET with WEBHOOK_URL"
        self._webhook = WebhookServer(
            inbox=self._inbox,
            secret=secret.get_secret_value(),
            path=urlsplit(url).path,
            host=self._settings.webhook_listen,
            port=self._settings.webhook_port,
            add_routes=self._endpoints.add_to if self._endpoints is not None else None,
            also_listen=self._other_metrics_address(),
        )
        await self._webhook.start()
        await self._app.bot.set_webhook(
            url, secret_token=secret.get_secret_value(), allowed_updates=Update.ALL_TYPES
        )

    def _other_metrics_address(self) -> tuple[str, int] | None:
        """METRICS_LISTEN when it is not the webhook's own address (that one serves the routes already)."""
        address = self._settings.metrics_address
        own = (self._settings.webhook_listen, self._settings.webhook_port)
        return address if address is not None and address != own else None

    async def _prune(self, _: CallbackContext[Any, Any, Any, Any]) -> None:
        removed = await self._inbox.prune()
        if removed:
            log.info("forgot %d updates handled more than a week ago", removed)

    async def run_until(self, stop: asyncio.Event) -> None:
        """Start, then fetch until `stop` is set; raise AnotherInstanceError on a lasting 409."""
        stopping = asyncio.create_task(stop.wait())
        starting = asyncio.create_task(self.start())
        try:
            await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if not starting.done():
                starting.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await starting
                return
            starting.result()
            if self._polling is not None:
                await asyncio.wait({self._polling, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if self._polling.done():
                    self._polling.result()
            else:
                await stopping
        finally:
            stopping.cancel()

    async def stop(self) -> None:
        """Stop fetching, let the updates in hand finish, close the database."""
        if self._polling is not None:
            self._polling.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._polling
            self._polling = None
        if self._webhook is not None:
            await self._webhook.stop()
            self._webhook = None
        self._vitals.intake_stopped()
        if self._metrics is not None:
            await self._metrics.stop()
            self._metrics = None
        processor = self.processor
        processor.close()
        if processor.in_hand:
            log.info("finishing %d updates in hand", processor.in_hand)
        if not await processor.wait_in_hand(DRAIN_SECONDS):
            log.warning("some updates did not finish in %.0f s; they stay in the inbox", DRAIN_SECONDS)
        app = self._app
        if app.running:
            await app.stop()
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)


async def _serve(application: FieldBot) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # Windows: Ctrl+C raises KeyboardInterrupt
            loop.add_signal_handler(sig, stop.set)
    runner = Runner(application)
    code = EXIT_OK
    try:
        await runner.run_until(stop)
    except AnotherInstanceError as error:
        print(CONFLICT.format(detail=error), file=sys.stderr)
        code = EXIT_ANOTHER_PROCESS
    except TokenRefusedError as error:
        print(error, file=sys.stderr)
        code = EXIT_TOKEN_REFUSED
    finally:
        await runner.stop()
    log.info("stopped")
    return code


def serve(application: FieldBot) -> int:
    """Run the bot until SIGTERM/SIGINT; return the process's exit status."""
    database = application.bot_data.settings.database_path
    lock = ProcessLock(database)
    try:
        lock.acquire()
    except DatabaseLockedError:
        print(LOCKED.format(database=database, lock=lock.path), file=sys.stderr)
        return EXIT_ANOTHER_PROCESS
    try:
        return asyncio.run(_serve(application))
    finally:
        lock.release()
