"""The same update twice, an edited /report, and a redelivery across a restart: counted once."""

from __future__ import annotations

import pytest

from bot.demo.sandbox.standin import BotApiStandIn
from tests.auxil.botprocess import (
    BotProcess,
    pending_updates,
    query,
    say,
    seed_officers,
    stored_reports,
    wait_until,
)

pytestmark = pytest.mark.faults

OFFICER = 71_001


async def test_same_update_twice_and_an_edited_report_count_once(
    bot: BotProcess, standin: BotApiStandIn
) -> None:
    await seed_officers(bot.database, [OFFICER])
    standin.user(OFFICER, "陳警員")
    await bot.start()
    update_id = standin.send_text(OFFICER, "/report dui 5 today 路檢")
    assert "已記錄" in ((await standin.next_message(OFFICER, timeout=10)).plain_text or "")
    message_id = standin.update(update_id)["message"]["message_id"]

    standin.redeliver(update_id)  # Telegram sends the same update again
    standin.edit_text(OFFICER, message_id, "/report dui 9 today 路檢")  # the officer edits the command
    assert "取締酒駕：本週 5｜今年 5" in await say(standin, OFFICER, "/mine")  # handled after both, in order

    assert await bot.terminate() == 0, bot.log_tail()
    standin.redeliver(update_id)  # ... and once more while the bot is down
    await bot.start()
    assert "取締酒駕：本週 5｜今年 5" in await say(standin, OFFICER, "/mine")  # no confirmation came first
    assert standin.pending_updates == 0
    assert await bot.terminate() == 0, bot.log_tail()

    assert stored_reports(bot.database) == {(OFFICER, message_id): [5]}
    assert query(bot.database, "SELECT COUNT(*) FROM inbox WHERE update_id = ?", (update_id,)) == [(1,)]
    assert pending_updates(bot.database) == 0


async def test_update_stored_but_not_handled_is_handled_at_start_up(
    bot: BotProcess, standin: BotApiStandIn
) -> None:
    await seed_officers(bot.database, [OFFICER])
    standin.user(OFFICER, "陳警員")
    await bot.start()
    standin.fail_next("sendMessage", status=502, times=3)  # the answer cannot get out ...
    update_id = standin.send_text(OFFICER, "/report dui 4 today 夜巡")
    await wait_until(lambda: bool(stored_reports(bot.database)), within=10, what="report stored", poll=0.02)
    await bot.kill()  # ... and the process dies before the update is done
    assert pending_updates(bot.database) == 1
    await bot.start()
    confirmation = (await standin.next_message(OFFICER, timeout=15)).plain_text or ""
    assert "夜巡" in confirmation and "累計：4 " in confirmation, confirmation
    await wait_until(lambda: pending_updates(bot.database) == 0, within=10, what="update done")
    assert await bot.terminate() == 0, bot.log_tail()
    message_id = standin.update(update_id)["message"]["message_id"]
    assert stored_reports(bot.database) == {(OFFICER, message_id): [4]}
