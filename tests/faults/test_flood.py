"""One user flooding the bot: everyone else is still answered, and the flood keeps its order."""

from __future__ import annotations

import re

import pytest

from bot.demo.sandbox.standin import BotApiStandIn
from tests.auxil.botprocess import BotProcess, pending_updates, seed_officers, stored_reports, wait_until

pytestmark = pytest.mark.faults

FLOODER = 74_000
OTHERS = list(range(74_001, 74_006))
FLOOD = 200


async def test_one_user_flooding_200_messages_does_not_hold_up_the_others(
    bot: BotProcess, standin: BotApiStandIn
) -> None:
    await seed_officers(bot.database, [FLOODER, *OTHERS])
    for user in (FLOODER, *OTHERS):
        standin.user(user, f"Officer {user}")
    await bot.start()
    for number in range(FLOOD):
        standin.send_text(FLOODER, f"/report dui 1 today f{number:03d}")
    for other in OTHERS:
        standin.send_text(other, "/report talks 1 today 社區")

    for other in OTHERS:
        assert "社區" in ((await standin.next_message(other, timeout=30)).plain_text or "")
    answered_flood = len(standin.messages_to(FLOODER))
    assert answered_flood < FLOOD / 2, f"the others waited for {answered_flood} of the flood's answers"

    await wait_until(
        lambda: len(stored_reports(bot.database)) == FLOOD and pending_updates(bot.database) == 0,
        within=60,
        what=f"the whole flood handled\n{bot.log_tail()}",
    )
    assert await bot.terminate() == 0, bot.log_tail()
    order = [m for sent in standin.messages_to(FLOODER) for m in re.findall(r"f\d{3}", sent.plain_text or "")]
    assert order == [f"f{number:03d}" for number in range(FLOOD)], "one user's updates are handled in order"
