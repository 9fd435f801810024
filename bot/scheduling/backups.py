"""Nightly backups: file names by time, and which old backups to delete (keep the newest N)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from storage.backup import take_backup

_NAME = re.compile(r"^fieldbot-\d{8}-\d{6}\.sqlite3$")


def backup_name(local_time: datetime) -> str:
    """The file name of a backup taken at a local time: fieldbot-20261127-030000.sqlite3."""
    return f"fieldbot-{local_time:%Y%m%d-%H%M%S}.sqlite3"


def to_prune(names: Iterable[str], keep: int) -> list[str]:
    """The backup files beyond the newest `keep` (other files are never touched)."""
    backups = sorted((name for name in names if _NAME.match(name)), reverse=True)
    return sorted(backups[keep:])


def backup_and_prune(database: Path, folder: Path, keep: int, local_time: datetime) -> Path:
    """Take a checked backup into `folder`, then delete all but the newest `keep`; return its path."""
    path = folder / backup_name(local_time)
    take_backup(database, path)
    for name in to_prune((entry.name for entry in folder.iterdir()), keep):
        (folder / name).unlink(missing_ok=True)
    return path


def newest_backup(folder: Path) -> Path | None:
    """The newest nightly backup in `folder`, or None (also when the folder cannot be read)."""
    try:
        names = [entry.name for entry in folder.iterdir() if _NAME.match(entry.name)]
    except OSError:
        return None
    return folder / max(names) if names else None
