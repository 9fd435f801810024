"""The real process with METRICS_LISTEN and LOG_FORMAT=json: /healthz, /metrics and the log."""

from __future__ import annotations

import asyncio
import json
import re
import socket
from collections.abc import Awaitable, Callable

import httpx
import pytest

from bot.demo.sandbox.standin import BotApiStandIn
from tests.auxil.botprocess import (
    BotProcess,
    pending_updates,
    say,
    seed_officers,
    stored_reports,
    wait_until,
)
from tests.auxil.harness import TOKEN
from tests.auxil.unwritable import unwritable

pytestmark = pytest.mark.faults

OFFICER = 73_001
SECRET_NOTE = "巷口便利商店旁"
WEBHOOK_SECRET = "s3cret-token_for-the-webhook"
UNDO = "撤銷"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _get(port: int, path: str) -> httpx.Response:
    async with httpx.AsyncClient(trust_env=False) as client:
        return await client.get(f"http://127.0.0.1:{port}{path}", timeout=10)


def _sample(text: str, name: str, labels: str = "") -> float:
    match = re.search(rf"^{re.escape(name + labels)} (\S+)$", text, re.MULTILINE)
    assert match, f"{name}{labels} not in /metrics"
    return float(match[1])


async def _start(bot: BotProcess, standin: BotApiStandIn, port: int) -> None:
    bot.extra_env.update({"METRICS_LISTEN": f"127.0.0.1:{port}", "LOG_FORMAT": "json"})
    await seed_officers(bot.database, [OFFICER])
    standin.user(OFFICER, "Officer")
    await bot.start()


async def test_metrics_count_what_happened_and_the_log_is_json(
    bot: BotProcess, standin: BotApiStandIn
) -> None:
    port = _free_port()
    await _start(bot, standin, port)
    assert (await _get(port, "/healthz")).status_code == 200
    standin.fail_next("sendMessage", status=429, retry_after=1)  # the first answer meets flood control
    for number in range(5):
        answer = await say(standin, OFFICER, f"/report dui {number + 1} today {SECRET_NOTE}")
        assert "已記錄" in answer or "recorded" in answer.lower() or "✅" in answer, answer
    await wait_until(lambda: len(stored_reports(bot.database)) == 5, within=20, what="5 reports stored")
    await wait_until(lambda: pending_updates(bot.database) == 0, within=20, what="every update handled")
    standin.send_text(OFFICER, "/undo")
    ask = await standin.next_message(OFFICER, timeout=10)
    standin.press(OFFICER, ask, ask.button(UNDO))
    voided = await standin.next_event(OFFICER, timeout=10)
    assert "已撤銷" in (voided.plain_text or ""), voided.plain_text
    await wait_until(lambda: pending_updates(bot.database) == 0, within=20, what="every update handled")
    metrics = (await _get(port, "/metrics")).text
    assert _sample(metrics, "fieldbot_reports_stored_total", '{indicator="dui"}') == 5  # the voided one too
    assert _sample(metrics, "fieldbot_reports_voided_total") == 1
    assert _sample(metrics, "fieldbot_updates_received_total") == 7  # 5 reports, /undo, the button
    assert _sample(metrics, "fieldbot_inbox_backlog") == 0
    assert _sample(metrics, "fieldbot_updates_handled_total") == 7
    assert _sample(metrics, "fieldbot_messages_sent_total") >= 5
    assert _sample(metrics, "fieldbot_bot_api_429_total") == 1
    assert _sample(metrics, "fieldbot_bot_api_requests_total", '{method="sendMessage",outcome="429"}') == 1
    assert _sample(metrics, "fieldbot_last_successful_poll_seconds") > 0
    assert str(OFFICER) not in metrics and SECRET_NOTE not in metrics
    assert await bot.terminate() == 0
    lines = [line for line in bot.log_path.read_text().splitlines() if not line.startswith("-----")]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    handled = [r for r in records if r.get("handler") == "report.one_line"]
    assert len(handled) == 5, lines
    assert all(r["outcome"] == "ok" and r["duration_ms"] >= 0 and r["update_id"] for r in handled)
    text = bot.log_path.read_text()
    assert SECRET_NOTE not in text and TOKEN not in text


async def test_healthz_503_when_the_database_is_unwritable_or_polling_keeps_failing(
    bot: BotProcess, standin: BotApiStandIn
) -> None:
    port = _free_port()
    await _start(bot, standin, port)
    assert (await _get(port, "/healthz")).status_code == 200
    with unwritable(bot.database):
        answer = await _get(port, "/healthz")
        assert answer.status_code == 503, answer.text
        assert answer.text == f"database: {bot.database} is not writable\n"
    assert (await _get(port, "/healthz")).status_code == 200
    standin.fail_next("getUpdates", status=502, times=8)
    standin.send_text(OFFICER, "/today")  # answers the long poll now, the next polls meet 502
    failing: list[str] = []

    async def unhealthy() -> bool:
        answer = await _get(port, "/healthz")
        if answer.status_code == 503:
            failing.append(answer.text)
        return bool(failing)

    await _wait_async(unhealthy, within=30, what="503 while polling fails")
    assert "intake: polling failed" in failing[0]

    async def healthy() -> bool:
        return (await _get(port, "/healthz")).status_code == 200

    await _wait_async(healthy, within=30, what="200 again once polling works")


async def _wait_async(condition: Callable[[], Awaitable[bool]], *, within: float, what: str) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not await condition():
        assert asyncio.get_running_loop().time() < deadline, f"{what}: not reached within {within} s"
        await asyncio.sleep(0.1)


async def test_webhook_mode_serves_health_and_metrics_from_its_one_server(
    bot: BotProcess, standin: BotApiStandIn
) -> None:
    await seed_officers(bot.database, [OFFICER])
    standin.user(OFFICER, "Officer")
    port, metrics_port = _free_port(), _free_port()
    hook = f"http://127.0.0.1:{port}/telegram/hook"
    bot.extra_env.update({
        "WEBHOOK_URL": hook, "WEBHOOK_SECRET": WEBHOOK_SECRET, "WEBHOOK_PORT": str(port),
        "METRICS_LISTEN": f"127.0.0.1:{metrics_port}",
    })  # fmt: skip
    await bot.start(ready=False)
    await wait_until(lambda: standin.webhook.get("url") == hook, within=20, what=f"webhook\n{bot.log_tail()}")
    for each in (port, metrics_port):  # the webhook's server, also listening on METRICS_LISTEN
        answer = await _get(each, "/healthz")
        assert answer.status_code == 200 and answer.text == "ok\n", answer.text
    update_id = standin.send_text(OFFICER, "/report dui 2 today")
    async with httpx.AsyncClient(trust_env=False) as client:
        posted = await client.post(
            hook, json=standin.update(update_id), headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
        )
    assert posted.status_code == 200
    await standin.next_message(OFFICER, timeout=10)
    await wait_until(lambda: pending_updates(bot.database) == 0, within=20, what="the update handled")
    metrics = (await _get(metrics_port, "/metrics")).text
    assert _sample(metrics, "fieldbot_updates_received_total") == 1
    assert _sample(metrics, "fieldbot_reports_stored_total", '{indicator="dui"}') == 1
    assert "fieldbot_last_successful_poll_seconds" not in metrics  # no polling in webhook mode
    assert await bot.terminate() == 0, bot.log_tail()
