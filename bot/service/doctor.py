"""The doctor: every check an operator would make by hand, one finding each.

It changes nothing and is safe beside a running bot: the database is opened read-only, the
Bot API is asked only getMe and getWebhookInfo, folders are judged with `os.access`. Each
finding names a catalog key (`doctor.<check>_<case>`) so that the command line (English)
and /status (the admin's language) say the same thing.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import httpx

from bot.core.plan import PlanError, load_plan
from bot.scheduling.backups import newest_backup
from bot.settings import Settings
from storage.database import StorageError, expected_schema_version
from storage.service_stats import inspect_file

BUREAU_ZONE = "Asia/Taipei"
CLOCK_WARN_SECONDS = 10.0
CLOCK_PROBLEM_SECONDS = 60.0
BACKUP_AGE_WARN_HOURS = 26.0
API_TIMEOUT = 10.0


class Level(StrEnum):
    """How bad a finding is."""

    OK = "ok"
    WARNING = "warning"
    PROBLEM = "problem"


@dataclass(frozen=True)
class Finding:
    """One check's outcome: its level and the catalog key (with values) that says what to do."""

    level: Level
    key: str
    values: dict[str, object] = field(default_factory=dict)


def _found(level: Level, key: str, **values: object) -> Finding:
    return Finding(level, f"doctor.{key}", values)


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f}"


# ---------------------------------------------------------------------- local checks
def check_plan(settings: Settings) -> Finding:
    """The plan file reads and validates."""
    try:
        plan = load_plan(settings.plan_path)
    except PlanError as error:
        return _found(Level.PROBLEM, "plan_bad", path=str(settings.plan_path), error=str(error))
    return _found(Level.OK, "plan_ok", path=str(settings.plan_path), units=len(plan.units_by_code))


def check_database(settings: Settings) -> Finding:
    """The database file: integrity, schema version, size (read-only)."""
    path = settings.database_path
    if not path.exists():
        return _found(Level.WARNING, "database_missing", path=str(path))
    try:
        facts = inspect_file(path)
    except StorageError as error:
        return _found(Level.PROBLEM, "database_unreadable", path=str(path), error=str(error))
    size = _mb(path.stat().st_size)
    expected = expected_schema_version()
    if facts.integrity:
        return _found(Level.PROBLEM, "database_corrupt", path=str(path), error="; ".join(facts.integrity[:3]))
    if facts.schema_version > expected:
        return _found(Level.PROBLEM, "database_newer", found=facts.schema_version, expected=expected)
    if facts.schema_version < expected:
        return _found(
            Level.WARNING, "database_older", found=facts.schema_version, expected=expected, size=size
        )
    return _found(Level.OK, "database_ok", path=str(path), version=facts.schema_version, size=size)


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def writable(path: Path) -> bool:
    """This user may write here (for a folder: create files in it); False for root on an immutable file."""
    target = path if path.exists() else _nearest_existing(path)
    return os.access(target, os.W_OK | (os.X_OK if target.is_dir() else 0))


def check_permissions(settings: Settings) -> Finding:
    """The database's folder and files are writable, the plan readable."""
    database = settings.database_path
    files = [path for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")) if path.exists()]
    for path in (database.parent, *files):
        if not writable(path):
            return _found(Level.PROBLEM, "permissions_database", path=str(path), user=_user())
    if not os.access(settings.plan_path, os.R_OK) and settings.plan_path.exists():
        return _found(Level.PROBLEM, "permissions_plan", path=str(settings.plan_path), user=_user())
    return _found(Level.OK, "permissions_ok", user=_user())


def _user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError, AttributeError):
        return "?"


def check_disk(settings: Settings) -> Finding:
    """Free space where the database lives."""
    folder = _nearest_existing(settings.database_path.parent)
    free = shutil.disk_usage(folder).free
    low = settings.disk_low_mb * 1_000_000
    if free < low:
        return _found(Level.PROBLEM, "disk_low", path=str(folder), free=_mb(free), limit=settings.disk_low_mb)
    return _found(Level.OK, "disk_ok", path=str(folder), free=_mb(free))


def check_backups(settings: Settings, now: float | None = None) -> Finding:
    """The backup folder is writable and its newest backup recent."""
    folder = settings.backup_dir
    if folder is None:
        return _found(Level.WARNING, "backup_off")
    if not writable(folder):
        return _found(Level.PROBLEM, "backup_unwritable", path=str(folder), user=_user())
    newest = newest_backup(folder) if folder.exists() else None
    if newest is None:
        return _found(Level.WARNING, "backup_none", path=str(folder), time=f"{settings.backup_time:%H:%M}")
    age = ((now or time.time()) - newest.stat().st_mtime) / 3600
    if age > BACKUP_AGE_WARN_HOURS:
        return _found(Level.WARNING, "backup_old", name=newest.name, hours=f"{age:.0f}")
    return _found(
        Level.OK, "backup_ok", name=newest.name, hours=f"{age:.1f}", size=_mb(newest.stat().st_size)
    )


def check_timezone(settings: Settings) -> Finding:
    """TIMEZONE is the bureau's."""
    local = datetime.now(settings.tz).strftime("%Y-%m-%d %H:%M")
    if settings.timezone != BUREAU_ZONE:
        return _found(Level.WARNING, "timezone_other", zone=settings.timezone, bureau=BUREAU_ZONE, now=local)
    return _found(Level.OK, "timezone_ok", zone=settings.timezone, now=local)


LOCAL_CHECKS: tuple[Callable[[Settings], Finding], ...] = (
    check_plan, check_database, check_permissions, check_disk, check_backups, check_timezone,
)  # fmt: skip


def local_findings(settings: Settings) -> list[Finding]:
    """Every check that needs no network (what /status shows from inside the bot)."""
    return [check(settings) for check in LOCAL_CHECKS]


# ---------------------------------------------------------------------- Bot API checks
class _Api:
    """getMe and getWebhookInfo over plain HTTP, keeping the Date header; the token never printed."""

    def __init__(self, settings: Settings, client: httpx.Client) -> None:
        assert settings.telegram_bot_token is not None
        self._token = settings.telegram_bot_token.get_secret_value()
        self._base = settings.telegram_api_base_url
        self._client = client

    def hide(self, text: str) -> str:
        return text.replace(self._token, "<token>")

    def call(self, method: str) -> tuple[int, dict[str, Any], str | None]:
        response = self._client.get(f"{self._base}/bot{self._token}/{method}")
        try:
            body = response.json()
        except ValueError:
            body = {}
        return response.status_code, body if isinstance(body, dict) else {}, response.headers.get("Date")


def api_findings(settings: Settings) -> list[Finding]:
    """Token (getMe), reaching the Bot API, the webhook against the mode, the clock against its Date."""
    if settings.telegram_bot_token is None:
        return [_found(Level.PROBLEM, "token_missing")]
    base = settings.telegram_api_base_url
    with httpx.Client(timeout=API_TIMEOUT) as client:
        api = _Api(settings, client)
        try:
            status, me, date = api.call("getMe")
            sent_at = time.time()
        except httpx.HTTPError as error:
            reason = api.hide(str(error)) or type(error).__name__
            return [_found(Level.PROBLEM, "api_unreachable", url=base, error=reason)]
        if status in (401, 404):
            return [
                _found(Level.OK, "api_ok", url=base),
                _found(Level.PROBLEM, "token_refused", status=status),
            ]
        if status != 200 or not me.get("ok"):
            return [_found(Level.PROBLEM, "api_failing", url=base, status=status)]
        username = str(me.get("result", {}).get("username", "?"))
        findings = [_found(Level.OK, "api_ok", url=base), _found(Level.OK, "token_ok", username=username)]
        findings.append(_clock(date, sent_at))
        try:
            status, info, _ = api.call("getWebhookInfo")
        except httpx.HTTPError as error:
            findings.append(_found(Level.WARNING, "webhook_unknown", error=api.hide(str(error))))
            return findings
        findings.append(_webhook(settings, info.get("result", {}) if status == 200 else None))
    return findings


def _clock(date: str | None, local: float) -> Finding:
    if date is None:
        return _found(Level.WARNING, "clock_unknown")
    try:
        remote = parsedate_to_datetime(date).timestamp()
    except (TypeError, ValueError):
        return _found(Level.WARNING, "clock_unknown")
    offset = local - remote
    level = (
        Level.PROBLEM if abs(offset) > CLOCK_PROBLEM_SECONDS
        else Level.WARNING if abs(offset) > CLOCK_WARN_SECONDS
        else Level.OK
    )  # fmt: skip
    key = "clock_ok" if level is Level.OK else "clock_off"
    return _found(level, key, seconds=f"{offset:+.0f}")


def _webhook(settings: Settings, info: dict[str, Any] | None) -> Finding:
    if info is None:
        return _found(Level.WARNING, "webhook_unknown", error="getWebhookInfo failed")
    current = str(info.get("url") or "")
    wanted = settings.webhook_url or ""
    if not wanted and current:
        return _found(Level.WARNING, "webhook_left", url=current)
    if wanted and current != wanted:
        return _found(Level.WARNING, "webhook_differs", url=current or "-", wanted=wanted)
    if wanted and info.get("last_error_message"):
        return _found(Level.WARNING, "webhook_error", error=str(info["last_error_message"]))
    return _found(Level.OK, "webhook_polling" if not wanted else "webhook_ok", url=wanted)


def examine(settings: Settings) -> list[Finding]:
    """Every check, in the order an operator reads them."""
    return [*api_findings(settings), *local_findings(settings)]
