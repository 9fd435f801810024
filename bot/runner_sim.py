"""Run the real bot inside this process against a Bot API stand-in (demo, simulator, benchmarks).

The bot is started the way `python -m bot run` starts it (`run_polling`'s polling parameters),
but on the caller's event loop and with the caller's clock, so that a simulation can drive it
and move time. This is the one place to change when the way the bot receives updates changes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

from telegram import Update
from telegram.ext import Application

from bot.clock import Clock
from bot.sandbox.standin import BotApiStandIn
from bot.settings import Settings, load_settings

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


class BotBuilder(Protocol):
    """Builds the bot's Application (bot.app.build_application), passed in by the caller."""

    def __call__(self, settings: Settings, *, clock: Clock | None = None) -> AnyApplication:
        """Return the wired, not yet initialised Application."""
        ...


POLL_INTERVAL = 0.0
POLL_TIMEOUT = 10  # seconds, like Application.run_polling


def standin_settings(
    standin: BotApiStandIn, *, database_path: Path, admin_ids: frozenset[int], **overrides: object
) -> Settings:
    """Settings that point the bot at the stand-in and a database, whatever `.env` says."""
    return load_settings(
        telegram_bot_token=standin.token,
        telegram_api_base_url=standin.url,
        database_path=database_path,
        admin_ids=",".join(str(admin) for admin in sorted(admin_ids)),
        **overrides,
    )


@asynccontextmanager
async def running_bot(application: AnyApplication) -> AsyncIterator[AnyApplication]:
    """Start a built application polling its Bot API; stop and close it on exit."""
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        assert application.updater is not None
        await application.updater.start_polling(
            poll_interval=POLL_INTERVAL, timeout=POLL_TIMEOUT, allowed_updates=Update.ALL_TYPES
        )
        await application.start()
        yield application
    finally:
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
