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

from bot.core.clock import Clock
from bot.demo.sandbox.standin import BotApiStandIn
from bot.intake.runner import Runner
from bot.settings import Settings, load_settings

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


class BotBuilder(Protocol):
    """Builds the bot's Application (bot.app.build_application), passed in by the caller."""

    def __call__(self, settings: Settings, *, clock: Clock | None = None) -> AnyApplication:
        """Return the wired, not yet initialised Application."""
        ...


POLL_TIMEOUT = 10  # seconds, like Application.run_polling


QUIET_SCHEDULE = "0 0 29 2 *"
"""A cron schedule that fires on 29 February only: keeps digests and reminders out of a run."""


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
    """Start a built application as `python -m bot run` does (the field bot's durable inbox; PTB's
    own polling for an application that has an Updater, such as the benchmarks' echo bot)."""
    if application.updater is None:
        runner = Runner(application, poll_timeout=POLL_TIMEOUT)
        await runner.start()
        try:
            yield application
        finally:
            await runner.stop()
        return
    async with application:
        await application.updater.start_polling(
            poll_interval=0.0, timeout=POLL_TIMEOUT, allowed_updates=Update.ALL_TYPES
        )
        await application.start()
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
