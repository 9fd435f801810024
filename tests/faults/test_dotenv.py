"""Tests ignore the developer's `.env`: a bad one planted where they run changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.demo.sandbox.standin import BotApiStandIn
from bot.settings import SettingsError, load_settings
from tests.auxil.botprocess import BotProcess, say, seed_officers

pytestmark = pytest.mark.faults

BAD_ENV = (
    "TIMEZONE=Mars/Olympus_Mons\nREPORT_DAYS_BACK=oops\nTELEGRAM_API_BASE_URL=https://api.telegram.org\n"
)


def plant(folder: Path) -> Path:
    env = folder / ".env"
    env.write_text(BAD_ENV, encoding="utf-8")
    return env


def test_settings_in_tests_do_not_read_a_dotenv_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = plant(tmp_path)
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.timezone == "Asia/Taipei" and settings.report_days_back == 7
    monkeypatch.setenv("ENV_FILE", str(env))  # what the bot does outside the tests: the file is read
    with pytest.raises(SettingsError, match=r"TIMEZONE|REPORT_DAYS_BACK"):
        load_settings()


async def test_a_bot_process_started_by_the_tests_ignores_a_dotenv(
    bot: BotProcess, standin: BotApiStandIn
) -> None:
    plant(bot.database.parent)  # the process's working folder
    await seed_officers(bot.database, [77_001])
    standin.user(77_001, "陳警員")
    await bot.start()
    assert "已記錄" in await say(standin, 77_001, "/report dui 1")
    assert await bot.terminate() == 0, bot.log_tail()
