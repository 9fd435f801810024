"""Helpers for end-to-end tests of scheduled digests and reminders."""

from __future__ import annotations

import asyncio

from bot.demo.sandbox.records import SentMessage
from bot.demo.sandbox.standin import BotApiStandIn
from bot.scheduling.dispatcher import Dispatcher, dispatcher_of
from bot.services import Services
from tests.auxil.harness import Harness


def dispatcher(harness: Harness) -> Dispatcher:
    """The running application's dispatcher."""
    assert harness.app is not None
    return dispatcher_of(harness.app)


def services(harness: Harness) -> Services:
    """The running application's services (repositories included)."""
    assert harness.app is not None
    found: Services = harness.app.bot_data
    return found


async def run_due(harness: Harness) -> None:
    """Do what the JobQueue does at a fire time, at the harness clock's time."""
    await dispatcher(harness).run_due(harness.clock.now())


def sent_since(standin: BotApiStandIn, mark: int, chat_id: int) -> list[SentMessage]:
    """Messages the bot sent to a chat after `mark` (an index into standin.sent)."""
    return [message for message in standin.sent[mark:] if message.chat_id == chat_id]


async def wait_until(condition: object, timeout: float = 5.0) -> None:
    """Poll a zero-argument callable until it is true (bounded)."""
    assert callable(condition)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)
