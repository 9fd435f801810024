"""Say several things to the bot as one user, each answered as expected."""

from __future__ import annotations

from collections.abc import Iterable

from tests.auxil.harness import Harness


async def say_each(harness: Harness, user_id: int, texts: Iterable[str], expect: str) -> None:
    """Send each text in turn; every answer must contain `expect` (e.g. 已記錄, 已設定)."""
    for text in texts:
        answer = (await harness.say(user_id, text)).plain_text or ""
        assert expect in answer, (text, answer)
