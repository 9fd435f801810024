"""One process per database and per token, a clean stop on SIGTERM, and the webhook intake."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

import aiohttp
import pytest

from bot.demo.sandbox.standin import BotApiStandIn
from tests.auxil.botprocess import (
    BotProcess,
    integrity,
    pending_updates,
    query,
    say,
    seed_officers,
    stored_reports,
    wait_until,
)
from tests.auxil.harness import TOKEN

pytestmark = pytest.mark.faults

OFFICERS = list(range(73_001, 73_021))
SECRET = "s3cret-token_for-the-webhook"


async def _officers(bot: BotProcess, standin: BotApiStandIn) -> None:
    await seed_officers(bot.database, OFFICERS)
    for officer in OFFICERS:
        standin.user(officer, f"Officer {officer}")


async def test_sigterm_finishes_what_is_in_hand_closes_the_database_and_exits_0(
    bot: BotProcess, standin: BotApiStandIn
) -> None:
    await _officers(bot, standin)
    await bot.start()
    sent = {}
    for number in range(100):
        officer = OFFICERS[number % len(OFFICERS)]
        update_id = standin.send_text(officer, f"/report dui 2 today s{number:03d}")
        sent[(officer, standin.update(update_id)["message"]["message_id"])] = 2
    await wait_until(lambda: len(stored_reports(bot.database)) >= 5, within=10, what="reports", poll=0.02)
    assert await bot.terminate(within=10) == 0, bot.log_tail()  # mid-burst
    assert not Path(f"{bot.database}-wal").exists(), "the database was closed (WAL checkpointed)"
    assert integrity(bot.database) == "ok"
    assert "stopped" in bot.log_tail()

    await bot.start()  # what was left in the inbox or at Telegram is handled now
    await wait_until(
        lambda: len(stored_reports(bot.database)) == 100 and pending_updates(bot.database) == 0,
        within=30,
        what=f"every report after the restart\n{bot.log_tail()}",
    )
    assert await bot.terminate(within=10) == 0, bot.log_tail()
    assert stored_reports(bot.database) == {key: [2] for key in sent}


async def test_second_process_on_the_same_database_refuses_to_run(
    bot: BotProcess, standin: BotApiStandIn
) -> None:
    await _officers(bot, standin)
    await bot.start()
    second = BotProcess(standin=standin, database=bot.database, name="second")
    try:
        await second.start(ready=False)
        assert await second.exit_status() == 3
        assert "Another bot process is already running" in second.log_tail()
    finally:
        await second.close()
    assert "已記錄" in await say(standin, OFFICERS[0], "/report dui 1")  # the first one carries on
    assert await bot.terminate() == 0, bot.log_tail()


async def test_another_process_polling_the_same_token_stops_the_bot(
    bot: BotProcess, standin: BotApiStandIn
) -> None:
    await bot.start()
    url = f"{standin.base_url}{TOKEN}/getUpdates"
    async with aiohttp.ClientSession() as session:

        async def other_instance() -> None:  # another process polling with the same token
            while True:
                async with session.post(url, json={"timeout": 5}) as response:
                    await response.read()

        intruder = asyncio.create_task(other_instance())
        try:
            status = await bot.exit_status(within=40)
        finally:
            intruder.cancel()
    assert status == 3, bot.log_tail()
    assert "409 Conflict" in bot.log_tail() and "another process is fetching updates" in bot.log_tail()
    assert integrity(bot.database) == "ok"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_webhook_stores_before_answering_and_rejects_requests_without_the_secret(
    bot: BotProcess, standin: BotApiStandIn
) -> None:
    await _officers(bot, standin)
    port = _free_port()
    hook = f"http://127.0.0.1:{port}/telegram/hook"
    bot.extra_env = {"WEBHOOK_URL": hook, "WEBHOOK_SECRET": SECRET, "WEBHOOK_PORT": str(port)}
    await bot.start(ready=False)
    await wait_until(lambda: standin.webhook.get("url") == hook, within=20, what=f"webhook\n{bot.log_tail()}")
    assert any(name == "setWebhook" and p.get("secret_token") == SECRET for name, p in standin.calls)

    officer = OFFICERS[0]
    update_id = standin.send_text(officer, "/report dui 3 today 網路")
    body = json.dumps(standin.update(update_id))
    headers = {"Content-Type": "application/json"}
    secret = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession() as session:
        async with session.post(hook, data=body, headers=headers) as response:
            assert response.status == 401
        wrong = {"X-Telegram-Bot-Api-Secret-Token": "x" * 20}
        async with session.post(hook, data=body, headers={**headers, **wrong}) as response:
            assert response.status == 403
        assert query(bot.database, "SELECT COUNT(*) FROM inbox") == [(0,)]
        async with session.post(hook, data=body, headers={**headers, **secret}) as response:
            assert response.status == 200
            assert query(bot.database, "SELECT update_id FROM inbox") == [(update_id,)]  # stored before 200
        confirmation = await standin.next_message(officer, timeout=10)
        assert "網路" in (confirmation.plain_text or "")
        async with session.post(hook, data=body, headers={**headers, **secret}) as response:  # a retry
            assert response.status == 200
        async with session.post(hook, data="[1, 2]", headers={**headers, **secret}) as response:
            assert response.status == 400
        marker = standin.send_text(officer, "/mine")  # handled after the retry, in order
        async with session.post(hook, data=json.dumps(standin.update(marker)), headers={**headers, **secret}):
            pass
    answer = await standin.next_message(officer, timeout=10)
    assert "我的統計" in (answer.plain_text or "")  # nothing came first
    assert not any(name == "getUpdates" for name, _ in standin.calls)
    assert await bot.terminate() == 0, bot.log_tail()
    message_id = standin.update(update_id)["message"]["message_id"]
    assert stored_reports(bot.database) == {(officer, message_id): [3]}
