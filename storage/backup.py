"""Online backups with SQLite's backup API, checked with `PRAGMA integrity_check`.

Blocking sqlite3 calls on their own connections: run them in a thread (asyncio.to_thread)
from the bot. The copy is one consistent snapshot taken in a single backup step; in WAL
mode the bot keeps writing meanwhile.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

BUSY_TIMEOUT_MS = 10_000


class BackupError(Exception):
    """A backup could not be taken, or the copy failed its integrity check."""


def integrity_problems(path: Path) -> list[str]:
    """What `PRAGMA integrity_check` finds wrong with a database file ([] when it is sound)."""
    if not path.is_file():
        return [f"{path} does not exist"]
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            rows = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as error:
        return [str(error)]
    messages = [str(row[0]) for row in rows]
    return [] if messages == ["ok"] else messages


def take_backup(source: Path, destination: Path) -> None:
    """Copy the live database to `destination` (atomically replaced), then check the copy.

    The copy is switched to rollback-journal mode so that it is one self-contained file.
    Raises BackupError when the source cannot be read or the copy is not sound.
    """
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)  # the copy holds what the database holds: the owner's only
    try:
        with (
            closing(sqlite3.connect(source, timeout=BUSY_TIMEOUT_MS / 1000)) as live,
            closing(sqlite3.connect(partial)) as copy,
        ):
            live.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
        with partial.open("rb+") as handle:
            os.fsync(handle.fileno())
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"backup of {source} failed: {error}") from error
    problems = integrity_problems(partial)
    if problems:
        partial.unlink(missing_ok=True)
        raise BackupError(f"backup of {source} failed the integrity check: {'; '.join(problems[:5])}")
    os.replace(partial, destination)
