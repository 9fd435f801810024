"""Start-up as an operator meets it: a refused token, a wrong URL, no Bot API at all, a readable .env.

Each test runs `python -m bot run` as a real process (stdout and stderr both go to its log) at
LOG_LEVEL=DEBUG, where httpx logs every request's URL, which holds `bot<token>`: the token
shows up in none of it.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator

import pytest
from aiohttp import web

from bot.demo.sandbox.standin import BotApiStandIn
from bot.intake.runner import EXIT_OK, EXIT_TOKEN_REFUSED
from tests.auxil.botprocess import BotProcess, wait_until

pytestmark = pytest.mark.faults

WRONG_TOKEN = "987654321:AAwrongTOKENnobodyKnows_42-xyz"
SECRET_PART = WRONG_TOKEN.split(":")[1]


def _clean(output: str) -> None:
    """Neither the token nor its secret part is anywhere in the output, and no traceback."""
    assert SECRET_PART not in output, output
    assert "Traceback" not in output, output


def _lines(output: str, marker: str) -> list[str]:
    return [line for line in output.splitlines() if marker in line]


@pytest.fixture
def stranger(bot: BotProcess) -> BotProcess:
    """The bot process with a token of its own, at DEBUG level."""
    bot.extra_env = {"TELEGRAM_BOT_TOKEN": WRONG_TOKEN, "LOG_LEVEL": "DEBUG"}
    return bot


@pytest.fixture
async def not_a_bot_api() -> AsyncIterator[str]:
    """A web server that answers every request 404 with an HTML page naming the path it was asked."""

    async def missing(request: web.Request) -> web.Response:
        page = f"<html><body><h1>Not Found</h1><p>Cannot {request.method} {request.path}</p></body></html>"
        return web.Response(status=404, text=page, content_type="text/html")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", missing)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/api"
    finally:
        await runner.cleanup()


@pytest.fixture
def closed_port() -> int:
    """A port on which nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that takes connections and never answers (nothing accepts or reads them)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield int(listener.getsockname()[1])


async def test_a_token_the_bot_api_refuses_stops_with_status_4_and_one_clear_line(
    stranger: BotProcess, standin: BotApiStandIn
) -> None:
    await stranger.start(ready=False)
    assert await stranger.exit_status() == EXIT_TOKEN_REFUSED
    output = stranger.log_tail(400)
    _clean(output)
    [refusal] = _lines(output, "Telegram refused the bot token")
    assert "401 Unauthorized" in refusal and "TELEGRAM_BOT_TOKEN" in refusal and "@BotFather" in refusal
    assert "/bot[REDACTED]/getMe" in output  # httpx logged the request: the filter cleaned it
    assert [name for name, _ in standin.calls] == []  # the stand-in refused it before any method ran


async def test_a_base_url_that_is_no_bot_api_stops_with_status_4_naming_the_setting(
    stranger: BotProcess, not_a_bot_api: str
) -> None:
    stranger.extra_env["TELEGRAM_API_BASE_URL"] = not_a_bot_api
    await stranger.start(ready=False)
    assert await stranger.exit_status() == EXIT_TOKEN_REFUSED
    output = stranger.log_tail(400)
    _clean(output)
    [refusal] = _lines(output, "answered 404 Not Found")
    assert f"TELEGRAM_API_BASE_URL={not_a_bot_api}" in refusal and "https://api.telegram.org" in refusal
    assert "/api/bot[REDACTED]/getMe" in output  # httpx logged the request: the filter cleaned it
    assert "Cannot POST" not in output  # the page (echoing the path, token included) is left out


async def test_no_bot_api_at_all_means_waiting_one_line_per_attempt_and_sigterm_stops_it(
    stranger: BotProcess, closed_port: int
) -> None:
    base = f"http://127.0.0.1:{closed_port}"
    stranger.extra_env["TELEGRAM_API_BASE_URL"] = base
    await stranger.start(ready=False)
    await wait_until(
        lambda: "attempt 3" in stranger.log_tail(400), within=20, what="three attempts", poll=0.05
    )
    assert await stranger.terminate() == EXIT_OK
    output = stranger.log_tail(400)
    _clean(output)
    attempts = _lines(output, "cannot reach the Bot API")
    assert [line.split(f"cannot reach the Bot API at {base} ")[1] for line in attempts[:3]] == [
        "(attempt 1: httpx.ConnectError: All connection attempts failed); trying again in 1 s",
        "(attempt 2: httpx.ConnectError: All connection attempts failed); trying again in 2 s",
        "(attempt 3: httpx.ConnectError: All connection attempts failed); trying again in 4 s",
    ]
    assert "bot.intake.runner: stopped" in output


async def test_a_bot_api_that_never_answers_is_waited_for_and_sigterm_stops_it(
    stranger: BotProcess, silent_port: int
) -> None:
    stranger.extra_env["TELEGRAM_API_BASE_URL"] = f"http://127.0.0.1:{silent_port}"
    await stranger.start(ready=False)
    await wait_until(
        lambda: "attempt 1: Timed out" in stranger.log_tail(400), within=30, what="a timed-out attempt"
    )
    assert await stranger.terminate() == EXIT_OK
    output = stranger.log_tail(400)
    _clean(output)
    assert len(_lines(output, "cannot reach the Bot API")) >= 1
    assert "bot.intake.runner: stopped" in output


async def test_a_dotenv_others_may_read_is_warned_about_with_the_chmod_to_run(
    bot: BotProcess, standin: BotApiStandIn
) -> None:
    env_file = bot.database.parent / ".env"  # the process runs in the database's folder
    env_file.write_text("REPORT_DAYS_BACK=7\n", encoding="utf-8")
    env_file.chmod(0o644)
    await bot.start()
    assert await bot.terminate() == EXIT_OK
    [warning] = _lines(bot.log_tail(400), "can be read by other users")
    assert "WARNING" in warning and f"run chmod 600 {env_file.resolve()}" in warning

    env_file.chmod(0o600)
    await bot.start()  # polling: the check is behind it
    assert await bot.terminate() == EXIT_OK
    second_start = bot.log_tail(400).split("----- start 2 of bot")[1]
    assert "bot.intake.runner: stopped" in second_start
    assert not _lines(second_start, "can be read by other users")


async def test_a_bot_api_failing_at_first_is_waited_for_then_the_bot_starts(
    bot: BotProcess, standin: BotApiStandIn
) -> None:
    standin.fail_next("getMe", status=502, times=2)  # nginx's page: Telegram behind it is down
    await bot.start()  # returns once the bot polls
    attempts = _lines(bot.log_tail(400), "cannot reach the Bot API")
    assert [line.split("(attempt ")[1][:1] for line in attempts] == ["1", "2"]
    assert all("Bad Gateway (502)" in line for line in attempts)
    assert "Traceback" not in bot.log_tail(400)
    assert await bot.terminate() == EXIT_OK
