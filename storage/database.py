"""The SQLite file: connections, pragmas, migrations and transactions."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import aiosqlite

from storage.handling import stamp

log = logging.getLogger(__name__)

_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    "PRAGMA secure_delete=ON",  # deleted and overwritten bytes are zeroed, not left in free space
)

ZEROED_SINCE = 6
"""The schema version from which freed bytes are zeroed; an older file is rebuilt once."""

StorageError = aiosqlite.Error
"""What a failed database operation raises (sqlite3.Error); callers outside storage catch this."""


class DatabaseLockedError(RuntimeError):
    """Another bot process already holds this database."""


def _migrations() -> list[tuple[int, str, str]]:
    """Return (version, name, sql) for every numbered migration file, in order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        if entry.name.endswith(".sql"):
            version = int(entry.name.split("_", 1)[0])
            found.append((version, entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


class Database:
    """One writer connection (serialised, `BEGIN IMMEDIATE`) and one reader connection."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._read_lock = asyncio.Lock()

    async def open(self) -> None:
        """Create the file if needed, set pragmas and apply pending migrations."""
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = await self._connect()
        await self._migrate(self._writer)
        self._reader = await self._connect()

    async def _connect(self) -> aiosqlite.Connection:
        connection = await aiosqlite.connect(self.path, isolation_level=None)
        connection.row_factory = aiosqlite.Row
        for pragma in _PRAGMAS:
            await connection.execute(pragma)
        return connection

    async def close(self) -> None:
        """Close both connections, waiting for a write in progress to finish."""
        async with self._write_lock:
            for connection in (self._reader, self._writer):
                if connection is not None:
                    await connection.close()
            self._reader = self._writer = None

    async def _migrate(self, connection: aiosqlite.Connection) -> None:
        async with connection.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        current = int(row[0]) if row else 0
        for version, name, sql in _migrations():
            if version <= current:
                continue
            log.info("applying migration %s", name)
            await connection.executescript(
                f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version={version};\nCOMMIT;"
            )
        if 0 < current < ZEROED_SINCE:
            # What versions before secure_delete freed may still sit in free pages: rebuild the file.
            log.info("rebuilding the database file, so that nothing deleted before stays in it")
            await connection.execute("VACUUM")
            await self._checkpoint(connection)

    @staticmethod
    async def _checkpoint(connection: aiosqlite.Connection) -> None:
        async with connection.execute("PRAGMA wal_checkpoint(TRUNCATE)") as cursor:
            busy = await cursor.fetchone()
        if busy and busy[0]:
            log.warning("the write-ahead log could not be emptied yet (a reader is busy)")

    async def checkpoint(self) -> None:
        """Copy the write-ahead log into the main file and empty it, so no old page stays in the log."""
        if self._writer is None:
            raise RuntimeError("database is not open")
        async with self._write_lock:
            await self._checkpoint(self._writer)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run the block as one atomic write transaction; roll back on any error."""
        if self._writer is None:
            raise RuntimeError("database is not open")
        connection = self._writer
        async with self._write_lock:
            await connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
                await stamp(connection)
            except BaseException:
                await asyncio.shield(connection.execute("ROLLBACK"))
                raise
            await asyncio.shield(connection.execute("COMMIT"))

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run the block as one consistent read snapshot."""
        if self._reader is None:
            raise RuntimeError("database is not open")
        connection = self._reader
        async with self._read_lock:
            await connection.execute("BEGIN")
            try:
                yield connection
            finally:
                await asyncio.shield(connection.execute("COMMIT"))


class Repository:
    """Reads and writes one aggregate through the database's transactions."""

    def __init__(self, db: Database) -> None:
        self._db = db
