"""Reaching the Bot API at start-up: wait while it cannot be reached, stop when it refuses the token.

The first call is getMe. No answer (connection refused, time-out, a 5xx or a page from a proxy)
means Telegram or the network is down for a while: try again after 1, 2, 4 ... seconds, at most a
minute apart, with one log line per attempt. 401 or 404 means the token or
TELEGRAM_API_BASE_URL is wrong, which no waiting mends: `TokenRefusedError`, whose message
says which setting to fix and never holds the token.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

from telegram import Bot
from telegram.error import InvalidToken, TelegramError

log = logging.getLogger(__name__)

FIRST_WAIT = 1.0
LONGEST_WAIT = 60.0

UNAUTHORIZED = (
    "Telegram refused the bot token (401 Unauthorized): TELEGRAM_BOT_TOKEN is wrong or was revoked. "
    "Copy the current token from @BotFather (/mybots, API Token) and start the bot again."
)
NOT_FOUND = (
    "The Bot API at TELEGRAM_API_BASE_URL={base} answered 404 Not Found for this bot: check "
    "TELEGRAM_API_BASE_URL (normally https://api.telegram.org, without /bot) and TELEGRAM_BOT_TOKEN."
)


class TokenRefusedError(Exception):
    """The Bot API answered 401 or 404 to getMe; the message is one line naming what to fix."""


def waits(first: float = FIRST_WAIT, longest: float = LONGEST_WAIT) -> Iterator[float]:
    """Seconds to wait before each next attempt: doubling from `first`, never above `longest`."""
    wait = first
    while True:
        yield wait
        wait = min(wait * 2, longest)


def refusal(error: InvalidToken, base_url: str) -> str:
    """The one-line message for a refused getMe (401 or 404), without the token."""
    answer = str(error.__cause__ or "")
    return UNAUTHORIZED if "Unauthorized" in answer or "401" in answer else NOT_FOUND.format(base=base_url)


async def reach_bot_api(bot: Bot, base_url: str) -> None:
    """Initialise `bot` (getMe), waiting with backoff while the Bot API cannot be reached.

    Raises TokenRefusedError on 401/404. Cancelling it (SIGTERM) ends the wait at once.
    """
    for attempt, wait in enumerate(waits(), start=1):
        try:
            await bot.initialize()
            return
        except InvalidToken as error:
            raise TokenRefusedError(refusal(error, base_url)) from None
        except TelegramError as error:  # no connection, a time-out, a 5xx, a page that is not JSON
            log.warning(
                "cannot reach the Bot API at %s (attempt %d: %s); trying again in %.0f s",
                base_url, attempt, error.message.split(". Parsing the server response")[0], wait,
            )  # fmt: skip
        await asyncio.sleep(wait)
