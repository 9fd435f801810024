"""Wiring: build the PTB Application from settings; nothing else happens here."""

from __future__ import annotations

import logging
from typing import Any

from telegram import BotCommand, BotCommandScopeAllPrivateChats, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults

import handlers
from bot.core.clock import Clock, SystemClock
from bot.core.domain import Language
from bot.core.plan import Plan, load_plan
from bot.intake.order import PerUserOrder
from bot.rendering.i18n import Catalog
from bot.scheduling import backup_job
from bot.scheduling import dispatcher as jobs
from bot.service import hooks
from bot.service.requests import CountingRequest
from bot.service.sending import LanedRateLimiter
from bot.service.vitals import Vitals
from bot.services import Repositories, Services
from bot.settings import Settings
from handlers.context import BotContext
from storage.database import Database

log = logging.getLogger(__name__)

MENU_COMMANDS = ("report", "today", "mine", "undo", "cancel", "progress", "lang", "help")
RATE_LIMIT_RETRIES = 3
MESSAGES_PER_SECOND = 29.5
"""A little under Telegram's 30 messages a second for one bot, spaced evenly: a burst of 30 at
once followed by a 31st within the same second, or two sends brought closer by network
jitter, is what Telegram answers with 429."""

FieldBot = Application[Any, BotContext, dict[Any, Any], dict[Any, Any], Services, Any]


def rate_limiter() -> AIORateLimiter:
    """Sends spaced evenly under Telegram's limit, answers ahead of bulk, a 429 waited out and retried."""
    return LanedRateLimiter(MESSAGES_PER_SECOND, max_retries=RATE_LIMIT_RETRIES)


def builder(settings: Settings) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
    """The Bot API connection every application of the bot shares: token, URLs, defaults, limiter."""
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    return (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.bot_api_url)
        .base_file_url(settings.bot_file_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                tzinfo=settings.tz,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(rate_limiter())
    )


def build_application(
    settings: Settings, *, clock: Clock | None = None, plan: Plan | None = None
) -> FieldBot:
    """Create the Application with handlers, services and lifecycle hooks."""
    context_types = ContextTypes(context=BotContext, bot_data=Services)
    vitals = Vitals()
    application = (
        builder(settings)
        .request(CountingRequest(vitals, connection_pool_size=256))
        .context_types(context_types)
        .updater(None)  # updates come through the durable inbox (bot/intake/runner.py)
        .concurrent_updates(PerUserOrder())
        .post_init(_open)
        .post_shutdown(_close)
        .build()
    )
    application.bot_data.vitals = vitals
    application.bot_data.configure(
        settings=settings,
        plan=plan or load_plan(settings.plan_path),
        catalog=Catalog.load(),
        clock=clock or SystemClock(),
    )
    handlers.register(application)
    backup_job.schedule(application)
    jobs.install(application)
    hooks.install(application)
    return application


async def _open(application: FieldBot) -> None:
    """Open the database and register the command menus."""
    services: Services = application.bot_data
    db = Database(services.settings.database_path)
    await db.open()
    services.attach(Repositories.over(db))
    await jobs.on_start(application)
    await _set_menus(application, services.catalog)


async def _set_menus(application: FieldBot, catalog: Catalog) -> None:
    scope = BotCommandScopeAllPrivateChats()
    for language, code in ((Language.ZH, None), (Language.ZH, "zh"), (Language.EN, "en")):
        commands = [BotCommand(name, catalog.plain(language, f"menu.{name}")) for name in MENU_COMMANDS]
        await application.bot.set_my_commands(commands, scope=scope, language_code=code)


async def _close(application: FieldBot) -> None:
    """Close the database."""
    services: Services = application.bot_data
    try:
        repos = services.repos
    except AssertionError:
        return
    await repos.db.close()
    services.attach(None)
