"""The bot's state read at one moment: database counts, files on disk, the process's vitals."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.scheduling.backups import newest_backup
from bot.services import Services
from storage.database import StorageError
from storage.service_stats import ServiceStats, ServiceStatsRepo


@dataclass(frozen=True)
class BackupFile:
    """The newest nightly backup on disk."""

    name: str
    taken_at: float
    size: int


@dataclass(frozen=True)
class Snapshot:
    """What /metrics, /status and the alerts read, taken together."""

    now: datetime
    stats: ServiceStats | None
    database_bytes: int
    disk_free_bytes: int | None
    last_backup: BackupFile | None


def database_bytes(path: Path) -> int:
    """The database's size on disk, its write-ahead log included."""
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())


def disk_free(path: Path) -> int | None:
    """Free bytes on the filesystem holding `path` (None if it cannot be told)."""
    try:
        return shutil.disk_usage(path if path.is_dir() else path.parent).free
    except OSError:
        return None


def last_backup(folder: Path | None) -> BackupFile | None:
    """The newest backup in BACKUP_DIR, with its time and size."""
    newest = newest_backup(folder) if folder is not None else None
    if newest is None:
        return None
    try:
        facts = os.stat(newest)
    except OSError:
        return None
    return BackupFile(newest.name, facts.st_mtime, facts.st_size)


async def take(services: Services) -> Snapshot:
    """Read the counts (None when the database does not answer) and look at the files."""
    settings = services.settings
    try:
        stats: ServiceStats | None = await ServiceStatsRepo(services.repos.db).read()
    except (StorageError, RuntimeError, AssertionError):
        stats = None
    return Snapshot(
        now=services.clock.now(),
        stats=stats,
        database_bytes=database_bytes(settings.database_path),
        disk_free_bytes=disk_free(settings.database_path.parent),
        last_backup=last_backup(settings.backup_dir),
    )
