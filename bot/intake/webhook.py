"""Webhook intake: Telegram POSTs each update; it is answered 200 only once it is in the inbox.

A request without Telegram's secret-token header is refused with 401, one with a wrong
token with 403, so nobody who merely knows the URL can inject updates. If storing fails
the answer is 500 and Telegram delivers the update again later.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable

from aiohttp import web

from bot.intake.inbox import Inbox, update_id_of
from storage.database import StorageError

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024


class WebhookServer:
    """An aiohttp server that writes the updates Telegram sends into the inbox."""

    def __init__(
        self,
        *,
        inbox: Inbox,
        secret: str,
        path: str,
        host: str,
        port: int,
        add_routes: Callable[[web.Application], None] | None = None,
        also_listen: tuple[str, int] | None = None,
    ) -> None:
        self._inbox = inbox
        self._add_routes = add_routes
        self._also_listen = also_listen
        self._secret = secret.encode()
        self._path = path or "/"
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None

    @property
    def port(self) -> int:
        """The port actually listened on (useful when 0 was asked for)."""
        return self._port

    async def start(self) -> None:
        """Start listening."""
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self._path, self._receive)
        if self._add_routes is not None:
            self._add_routes(app)  # /healthz and /metrics share this one server
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        await web.TCPSite(runner, self._host, self._port).start()
        self._port = int(runner.addresses[0][1])
        if self._also_listen is not None:
            await web.TCPSite(runner, *self._also_listen).start()
        self._runner = runner
        log.info("receiving updates on %s:%d%s", self._host, self._port, self._path)

    async def stop(self) -> None:
        """Stop accepting updates; requests in progress finish first."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            return web.Response(status=401, text="secret token missing")
        if not hmac.compare_digest(given.encode(), self._secret):
            return web.Response(status=403, text="wrong secret token")
        try:
            body = await request.json()
        except ValueError:
            return web.Response(status=400, text="not JSON")
        if update_id_of(body) is None:
            return web.Response(status=400, text="not an update")
        try:
            await self._inbox.accept([body], next_offset=None)
        except (StorageError, RuntimeError) as error:
            log.error("could not store update %s: %s", update_id_of(body), error)
            return web.Response(status=500, text="not stored; send it again")
        return web.Response(status=200)
