"""One bot process per database: an exclusive lock file next to the SQLite file."""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

from storage.database import DatabaseLockedError


class ProcessLock:
    """Held for the whole life of a bot process; the operating system frees it if the process dies."""

    def __init__(self, database_path: Path) -> None:
        self.path = database_path.with_name(database_path.name + ".lock")
        self._lock = FileLock(self.path, timeout=0, mode=0o600)

    def acquire(self) -> None:
        """Take the lock now or raise DatabaseLockedError if another process holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire()
        except Timeout as error:
            raise DatabaseLockedError(str(self.path)) from error

    def release(self) -> None:
        """Let another process take the database."""
        self._lock.release()
