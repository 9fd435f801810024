"""Settings from the environment and `.env`, validated at start-up."""

from __future__ import annotations

import os
import re
from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

_TOKEN_SHAPE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{10,}$")
_PLACEHOLDERS = {"", "changethis", "your-token-here", "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11"}
_WEBHOOK_SECRET_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,256}$")
_THIS_MACHINE = {"localhost", "127.0.0.1", "::1"}
ENV_FILE = ".env"


class Settings(BaseSettings):
    """Everything the bot reads from its environment."""

    model_config = SettingsConfigDict(env_file=ENV_FILE, env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org"
    database_path: Path = Path("data/fieldbot.sqlite3")
    plan_path: Path = Path("plan.json")
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    timezone: str = "Asia/Taipei"
    report_days_back: int = Field(default=7, ge=0, le=366)
    night_shift_until: time = time(5, 0)
    log_level: str = "INFO"
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=0, le=65535)
    webhook_secret: SecretStr | None = Field(default=None, validate_default=True)
    backup_dir: Path | None = None
    backup_keep: int = Field(default=14, ge=1, le=3650)
    backup_time: time = time(3, 0)
    digest_schedule: str = "0 8 * * mon"
    reminder_schedule: str = "0 20 * * *"
    metrics_listen: str | None = None
    log_format: Literal["text", "json"] = "text"
    disk_low_mb: int = Field(default=1024, ge=0)
    alert_inbox_backlog: int = Field(default=200, ge=1)
    backup_retry_minutes: float = Field(default=15, gt=0, le=24 * 60)

    @field_validator("telegram_bot_token")
    @classmethod
    def _refuse_placeholder(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or value.get_secret_value().strip() in _PLACEHOLDERS:
            return None
        if not _TOKEN_SHAPE.match(value.get_secret_value().strip()):
            raise ValueError("does not look like a token from BotFather (digits:letters)")
        return SecretStr(value.get_secret_value().strip())

    @field_validator("backup_dir", mode="before")
    @classmethod
    def _no_backup_dir(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_api_base_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http(s) URL such as https://api.telegram.org")
        if value.startswith("http://") and urlsplit(value).hostname not in _THIS_MACHINE:
            raise ValueError(
                "must start with https:// (http:// would send the bot token in clear); "
                "http:// is accepted only for a Bot API server on this machine: localhost, 127.0.0.1 or [::1]"
            )
        return value

    @field_validator("webhook_url")
    @classmethod
    def _check_webhook_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not re.match(r"^https?://[^\s/]+(/\S*)?$", value):
            raise ValueError(
                "must be the https URL Telegram posts updates to, e.g. https://bot.example.org/tg"
            )
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _check_webhook_secret(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        secret = value.get_secret_value().strip() if value is not None else ""
        if secret in _PLACEHOLDERS:
            if info.data.get("webhook_url"):
                raise ValueError("is required with WEBHOOK_URL (16 to 256 letters, digits, _ or -)")
            return None
        if not _WEBHOOK_SECRET_SHAPE.match(secret):
            raise ValueError("must be 16 to 256 characters, each a letter, a digit, _ or -")
        return SecretStr(secret)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(re.fullmatch(r"\d{1,20}", part) for part in parts):
                raise ValueError("must be comma-separated Telegram user ids, e.g. 12345,67890")
            return frozenset(int(part) for part in parts)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("timezone")
    @classmethod
    def _check_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError("is not an IANA time zone such as Asia/Taipei") from error
        return value

    @field_validator("digest_schedule", "reminder_schedule")
    @classmethod
    def _check_cron(cls, value: str) -> str:
        from bot.scheduling.cron import parse_cron

        return parse_cron(value).text

    @field_validator("metrics_listen")
    @classmethod
    def _check_listen(cls, value: str | None) -> str | None:
        if value is None or not value.strip() or value.strip().lower() == "off":
            return None
        host, _, port = value.strip().rpartition(":")
        if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
            raise ValueError("must be host:port, e.g. 127.0.0.1:9090 (or empty for off)")
        return value.strip()

    @property
    def metrics_address(self) -> tuple[str, int] | None:
        """METRICS_LISTEN as (host, port), or None when off."""
        if self.metrics_listen is None:
            return None
        host, _, port = self.metrics_listen.rpartition(":")
        return host.strip("[]"), int(port)

    @property
    def tz(self) -> ZoneInfo:
        """The bureau's time zone."""
        return ZoneInfo(self.timezone)

    @property
    def bot_api_url(self) -> str:
        """Base URL for Bot API methods; PTB appends the token."""
        return f"{self.telegram_api_base_url}/bot"

    @property
    def bot_file_url(self) -> str:
        """Base URL for file downloads; PTB appends the token."""
        return f"{self.telegram_api_base_url}/file/bot"


class SettingsError(Exception):
    """A setting has a bad value; the message names it."""


ENV_FILE_VARIABLE = "ENV_FILE"
"""Names the file settings are read from besides the environment (default `.env`; empty: none)."""


def env_file() -> str | None:
    """The settings file to read: `ENV_FILE` if set (empty means none), else `.env` in the working folder."""
    return os.environ.get(ENV_FILE_VARIABLE, ".env") or None


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning validation errors into one readable message."""
    try:
        return Settings(**{"_env_file": env_file(), **overrides})  # type: ignore[arg-type]
    except ValidationError as error:
        lines = []
        for problem in error.errors():
            name = ".".join(str(part) for part in problem["loc"]).upper() or "settings"
            lines.append(f"{name}: {problem['msg']}")
        raise SettingsError("Bad setting — " + "; ".join(lines)) from error
