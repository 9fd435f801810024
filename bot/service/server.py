"""METRICS_LISTEN: /healthz and /metrics over aiohttp.

In polling mode the bot runs this small server of its own; in webhook mode the same routes
are added to the webhook's aiohttp application, which then also listens on METRICS_LISTEN.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from telegram.ext import Application

from bot.core.domain import Language
from bot.service import health, snapshot
from bot.service.metrics import SnapshotCollector, exposition
from bot.services import Services

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


class Endpoints:
    """The two routes, over one application's services."""

    def __init__(self, application: AnyApplication) -> None:
        self._application = application
        services: Services = application.bot_data
        self._services = services
        self._collector = SnapshotCollector(services.vitals)
        services.vitals.registry.register(self._collector)

    def add_to(self, app: web.Application) -> None:
        """Add GET /healthz and GET /metrics."""
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", self.metrics)

    async def healthz(self, _: web.Request) -> web.Response:
        """200 "ok" while intake, database and scheduler are alive; 503 with the reasons otherwise."""
        found = await health.problems(self._application)
        if found:
            catalog = self._services.catalog
            lines = [catalog.plain(Language.EN, problem.key, **problem.values) for problem in found]
            return web.Response(status=503, text="\n".join(lines) + "\n")
        return web.Response(text="ok\n")

    async def metrics(self, _: web.Request) -> web.Response:
        """Prometheus' text format."""
        taken = await snapshot.take(self._services)
        body = exposition(self._services.vitals, self._collector, taken)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


class MetricsServer:
    """The server of its own that polling mode runs on METRICS_LISTEN."""

    def __init__(self, endpoints: Endpoints, host: str, port: int) -> None:
        self._endpoints = endpoints
        self._host, self._port = host, port
        self._runner: web.AppRunner | None = None

    @property
    def port(self) -> int:
        """The port listened on (useful when 0 was asked for)."""
        return self._port

    async def start(self) -> None:
        """Start listening."""
        app = web.Application()
        self._endpoints.add_to(app)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        await web.TCPSite(runner, self._host, self._port).start()
        self._port = int(runner.addresses[0][1])
        self._runner = runner
        log.info("health and metrics on http://%s:%d/healthz and /metrics", self._host, self._port)

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
