"""Run the real application with polling against the local Bot API stand-in."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.app import FieldBot, build_application
from bot.core.clock import SettableClock
from bot.core.domain import Language
from bot.demo.sandbox.records import SentMessage
from bot.demo.sandbox.standin import BotApiStandIn
from bot.intake.runner import Runner
from bot.rendering.i18n import Catalog
from bot.settings import Settings, load_settings

TOKEN = "123456:TEST-TOKEN-abcdefghij"
ADMIN_ID = 9001
_LINK = re.compile(r"https://t\.me/(\w+)\?start=([\w-]+)")
_LANGUAGE_OFFER = {Catalog.load().plain(language, "lang.choose") for language in Language}


@dataclass
class Harness:
    """The stand-in, the bot polling it, and helpers to talk to the bot as users."""

    standin: BotApiStandIn
    clock: SettableClock
    settings: Settings
    app: FieldBot | None = None
    runner: Runner | None = None
    names: dict[int, str] = field(default_factory=dict)

    async def start(self) -> None:
        """Build the bot and run it against the stand-in, through the inbox like `python -m bot run`."""
        self.app = build_application(self.settings, clock=self.clock)
        self.runner = Runner(self.app, poll_timeout=1)
        await self.runner.start()

    async def stop(self) -> None:
        """Stop fetching, finish the updates in hand and shut the application down."""
        if self.runner is None:
            return
        await self.runner.stop()
        self.runner = None
        self.app = None

    async def restart(self) -> None:
        """Stop and start a fresh application on the same database."""
        await self.stop()
        await self.start()

    def user(self, user_id: int, name: str | None = None, language: str = "zh-hant") -> int:
        """Make a Telegram user known to the stand-in."""
        self.names[user_id] = name or f"User {user_id}"
        self.standin.user(user_id, first_name=self.names[user_id], language_code=language)
        return user_id

    async def say(self, user_id: int, text: str, timeout: float = 5.0) -> SentMessage:
        """Send a private message and return the bot's next message in that chat."""
        self.standin.send_text(user_id, text)
        return await self.standin.next_message(user_id, timeout=timeout)

    async def said_nothing(self, user_id: int) -> None:
        """Check that the bot said nothing more to a member: the answer to a later /lang, handled
        after everything the member sent before it, is the very next message in the chat."""
        answer = await self.say(user_id, "/lang")
        assert answer.plain_text in _LANGUAGE_OFFER, answer.plain_text

    async def tap(self, user_id: int, message: SentMessage, label: str) -> SentMessage:
        """Press the button whose label contains `label`; return the next message or edit."""
        self.standin.press(user_id, message, message.button(label))
        return await self.standin.next_event(user_id)

    async def press_data(self, user_id: int, message: SentMessage, data: str) -> int:
        """Press a button with arbitrary (possibly forged) callback data."""
        return self.standin.press(user_id, message, data)

    async def register(
        self, user_id: int, unit: str, role: str, name: str | None = None, language: str = "zh-hant"
    ) -> SentMessage:
        """Invite through the admin and redeem the link as the user; return the greeting (the admin's
        notice of who redeemed it is read too)."""
        self.user(ADMIN_ID, "Admin")
        invitation = await self.say(ADMIN_ID, f"/invite {unit} {role}")
        match = _LINK.search(invitation.plain_text or "")
        assert match, invitation.text
        self.user(user_id, name, language)
        greeting = await self.say(user_id, f"/start {match[2]}")
        notice = await self.standin.next_message(ADMIN_ID)  # the inviter hears who redeemed the link
        assert self.names[user_id] in (notice.plain_text or ""), notice.text
        return greeting


def make_settings(tmp_path: Path, standin: BotApiStandIn, **overrides: Any) -> Settings:
    """Settings that point the bot at the stand-in and a temporary database."""
    values: dict[str, Any] = {
        "telegram_bot_token": standin.token,
        "telegram_api_base_url": standin.url,
        "database_path": tmp_path / "bot.sqlite3",
        "plan_path": Path(__file__).resolve().parents[2] / "plan.json",
        "admin_ids": str(ADMIN_ID),
    }
    values.update(overrides)
    return load_settings(**values)


def taipei(text: str) -> datetime:
    """An instant written in the bureau's local time."""
    return datetime.fromisoformat(text + "+08:00")


@asynccontextmanager
async def started(standin: BotApiStandIn, clock: SettableClock, settings: Settings) -> AsyncIterator[Harness]:
    """The real bot with these settings polling the stand-in, stopped when the block ends."""
    running = Harness(standin=standin, clock=clock, settings=settings)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()
