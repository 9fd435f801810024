"""Secrets and files: http:// only to this machine, log lines cleaned of the token, private backups.

The process-level checks (refused token, unreachable Bot API, .env warning, file modes) are in
tests/faults/test_startup.py and tests/faults/test_file_modes.py.
"""

from __future__ import annotations

import io
import logging
import os
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from itertools import islice
from pathlib import Path

import pytest
from telegram.error import InvalidToken

from bot.cli.logs import REDACTED, RedactSecrets
from bot.intake.reach import waits
from bot.scheduling.backups import backup_and_prune
from bot.settings import SettingsError, load_settings
from tests.auxil.harness import taipei

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "987654321:AAsecretPartOfTheToken_0123-xyz"
SECRET_PART = TOKEN.split(":")[1]


@pytest.mark.parametrize(
    "url",
    [
        "http://api.telegram.org",
        "http://bot-api.example.org:8081",
        "http://127.0.0.1.example.org",  # a name that starts like this machine
        "http://localhost@bot-api.example.org",  # this machine as user name, another host
        "http://10.0.0.5:8081",
    ],
)
def test_http_to_another_machine_is_refused_naming_the_setting(url: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(_env_file=None, telegram_api_base_url=url)
    message = str(refused.value)
    assert message.startswith("Bad setting — TELEGRAM_API_BASE_URL:")
    assert "https://" in message and "in clear" in message and "localhost, 127.0.0.1 or [::1]" in message


@pytest.mark.parametrize(
    "url",
    [
        "https://api.telegram.org",
        "https://bot-api.example.org:8443/",
        "http://localhost:8081",
        "http://LOCALHOST:8081",
        "http://127.0.0.1:8081/",
        "http://[::1]:8081",
    ],
)
def test_https_anywhere_and_http_on_this_machine_are_accepted(url: str) -> None:
    settings = load_settings(_env_file=None, telegram_api_base_url=url)
    assert settings.telegram_api_base_url == url.rstrip("/")


def test_run_with_http_to_another_machine_stops_before_any_request(tmp_path: Path) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_", "LOG_"))}
    env = {**clean, "PYTHONPATH": str(ROOT), "TELEGRAM_BOT_TOKEN": TOKEN}
    env["TELEGRAM_API_BASE_URL"] = "http://api.telegram.org"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert "TELEGRAM_API_BASE_URL" in result.stderr and "in clear" in result.stderr
    assert SECRET_PART not in result.stdout + result.stderr
    assert not list(tmp_path.iterdir())  # no database, no lock: it stopped before anything


@pytest.fixture
def log_output() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger of its own writing to a string through a handler that carries the filter."""
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    handler.addFilter(RedactSecrets([TOKEN, "webhook-secret-0123456789"]))
    logger = logging.getLogger("tests.hardening.redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield logger, output
    finally:
        logger.removeHandler(handler)


def test_the_filter_cleans_messages_arguments_encodings_and_tracebacks(
    log_output: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, output = log_output
    logger.info('HTTP Request: POST %s "HTTP/1.1 200 OK"', f"https://api.telegram.org/bot{TOKEN}/getMe")
    logger.info("file at https://api.telegram.org/file/bot987654321%%3A%s/photos/1.jpg", SECRET_PART)
    logger.warning("webhook secret webhook-secret-0123456789 refused")
    try:
        raise InvalidToken(f"The token `{TOKEN}` was rejected by the server.")
    except InvalidToken:
        logger.exception("start-up failed", stack_info=True)
    text = output.getvalue()
    assert SECRET_PART not in text and "webhook-secret-0123456789" not in text
    assert f"/bot{REDACTED}/getMe" in text and f"/file/bot{REDACTED}/photos" in text
    assert f"The token `{REDACTED}` was rejected" in text and "Traceback" in text
    assert f"webhook secret {REDACTED} refused" in text


def test_waits_double_from_one_second_up_to_a_minute() -> None:
    assert list(islice(waits(), 9)) == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_a_nightly_backup_is_private_whatever_the_umask(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("CREATE TABLE reports (count INTEGER)")
    previous = os.umask(0o022)
    try:
        path = backup_and_prune(database, tmp_path / "backups", 3, taipei("2026-12-06T03:00:00"))
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
