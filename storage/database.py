"""The SQLite file: connections, pragmas, migrations and transactions."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import sqlite3
import sys
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import asynccontextmanager, closing, contextmanager, suppress
from importlib import resources
from multiprocessing import forkserver
from pathlib import Path
from typing import TypeVar

import aiosqlite

from storage.handling import stamp

log = logging.getLogger(__name__)

_BUSY_TIMEOUT = "PRAGMA busy_timeout=10000"
_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    _BUSY_TIMEOUT,
    "PRAGMA secure_delete=ON",  # deleted and overwritten bytes are zeroed, not left in free space
)

ZEROED_SINCE = 6
"""The schema version from which freed bytes are zeroed; an older file is rebuilt once."""

T = TypeVar("T")

StorageError = aiosqlite.Error
"""What a failed database operation raises (sqlite3.Error); callers outside storage catch this."""

Snapshot = sqlite3.Connection
"""A long read's blocking read-only connection, handed to the work it runs (outside storage, only
passed on to storage's own readers such as `storage.reports.export_columns`)."""


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


def expected_schema_version() -> int:
    """The schema version this code migrates a database to (the highest migration's number)."""
    return max((version for version, _, _ in _migrations()), default=0)


class Database:
    """One writer connection (serialised, `BEGIN IMMEDIATE`), one reader connection for the short
    reads people wait for, and a connection of its own for each long read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._read_lock = asyncio.Lock()
        self.users_generation = 0
        """Moves on after every write transaction that updated or deleted a user (for caches of users)."""
        self._users_touched = False

    async def open(self) -> None:
        """Create the file if needed, set pragmas and apply pending migrations."""
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = await self._connect()
        await self._migrate(self._writer)
        await self._watch_users(self._writer)
        self._reader = await self._connect()

    async def _watch_users(self, connection: aiosqlite.Connection) -> None:
        """Note every UPDATE or DELETE of users made through the writer, whichever code makes it."""

        def touched() -> None:
            self._users_touched = True

        await connection.create_function("users_touched", 0, touched)
        for event in ("UPDATE", "DELETE"):
            await connection.execute(
                f"CREATE TEMP TRIGGER users_touched_on_{event.lower()} AFTER {event} ON users"
                " BEGIN SELECT users_touched(); END"
            )

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
                self._users_written()
                raise
            await asyncio.shield(connection.execute("COMMIT"))
            self._users_written()

    def _users_written(self) -> None:
        """After a transaction ended: if it touched users, move the users' generation on."""
        if self._users_touched:
            self._users_touched = False
            self.users_generation += 1

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

    @asynccontextmanager
    async def single_read(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run one statement on the shared reader, without BEGIN and COMMIT around it.

        A single SELECT is its own consistent snapshot; the transaction would only add two
        round trips to the connection's thread. Several statements that must agree use `read`.
        """
        if self._reader is None:
            raise RuntimeError("database is not open")
        async with self._read_lock:
            yield self._reader

    @asynccontextmanager
    async def long_read(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run a long read (/annual, a year's listing) as one snapshot on a connection of its own.

        The shared reader that access checks and reports use is never held by it: each long read
        opens a read-only connection (in a thread of its own) and closes it at the end.
        """
        connection = await aiosqlite.connect(_read_only_uri(self.path), uri=True, isolation_level=None)
        try:
            connection.row_factory = aiosqlite.Row
            await connection.execute(_BUSY_TIMEOUT)
            await connection.execute("BEGIN")
            yield connection
        finally:
            await asyncio.shield(connection.close())

    async def long_read_in_thread(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` in a worker thread on a read-only connection of its own, as one snapshot.

        For long reads consumed by blocking code (an export streamed into a file writer): the
        rows never cross to the event loop, and no other read waits for this one.
        """
        return await asyncio.to_thread(_in_snapshot, self.path, work)

    async def long_read_in_process(self, work: Callable[..., T], *args: object) -> T:
        """Run `work(connection, *args)` in a process of its own on a read-only snapshot; return its result.

        For the longest reads (a year's export): not even Python's interpreter lock is shared with
        the bot, so officers' updates go on at full speed meanwhile. `work` must be a module-level
        function and its arguments and result picklable. The process is forked for this read from
        the long reads' server (`_LONG_READS`), which has imported `work`'s module already, so no
        read pays an interpreter's start or its imports; it runs at a lower priority than the bot
        and ends with the read, giving its memory back. Starting it is done off the event loop
        (the first read also starts the server).
        """
        preload = [*_main_module(), work.__module__]
        pool = ProcessPoolExecutor(max_workers=1, mp_context=_LONG_READS, initializer=yield_cpu)
        try:
            started = await asyncio.to_thread(_hand_over, pool, preload, self.path, work, args)
            return await asyncio.wrap_future(started)
        finally:
            pool.shutdown(wait=False)


_LONG_READS = multiprocessing.get_context("forkserver")
"""Where long reads' processes come from: forked from a small server process started at the first
long read, which imports the work's module once (the standard library's forkserver)."""
LONG_READ_NICENESS = 19
"""A long read's process's niceness, where the lowest scheduling class (SCHED_IDLE) is not to be had."""


def yield_cpu() -> None:
    """Give a long read's process the CPU only when the bot does not want it: the SCHED_IDLE class
    on Linux (a waking bot takes the CPU back at once), the highest niceness everywhere.

    Lowering one's own priority is always allowed; a sandbox that forbids the call anyway leaves
    the priority as it was rather than failing the export.
    """
    with suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, 0, LONG_READ_NICENESS)
        if hasattr(os, "SCHED_IDLE"):
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


def _hand_over(
    pool: ProcessPoolExecutor,
    preload: list[str],
    path: Path,
    work: Callable[..., T],
    args: tuple[object, ...],
) -> Future[T]:
    """Start the long reads' server unless it runs, then give the read to a process forked from it
    (blocking: one trip off the event loop for both)."""
    _start_long_reads(preload)
    return pool.submit(_in_snapshot_with, path, work, args)


def _start_long_reads(preload: list[str]) -> None:
    """Start the long reads' server, importing `preload`, unless it runs already (blocking).

    On Linux, where a priority belongs to a thread, it is started from a thread of its own that
    first takes the lowest priority (`yield_cpu`): the server, and so every long read's process
    forked from it, run at that priority from their first instruction, the fork included, and
    the bot's threads keep theirs. Elsewhere the server starts with the first read, at the bot's
    priority, and each long read's process lowers its own as it starts.
    """
    _LONG_READS.set_forkserver_preload(preload)
    if sys.platform == "linux":
        starter = threading.Thread(target=_start_at_lowest_priority, name="long-reads-server")
        starter.start()
        starter.join()


def _start_at_lowest_priority() -> None:
    yield_cpu()
    forkserver.ensure_running()


def _main_module() -> list[str]:
    """The program's main module, which every forked child runs again (multiprocessing's `prepare`),
    by the name it was run as: imported once in the server, a child only runs its body again."""
    name: str | None = getattr(getattr(sys.modules["__main__"], "__spec__", None), "name", None)
    return ["__main__", name] if name and not name.endswith(".__main__") else ["__main__"]


def _read_only_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


@contextmanager
def read_only_snapshot(path: Path) -> Iterator[sqlite3.Connection]:
    """A blocking read-only connection to the database file, inside one read transaction."""
    with closing(sqlite3.connect(_read_only_uri(path), uri=True, isolation_level=None)) as connection:
        connection.execute(_BUSY_TIMEOUT)
        connection.execute("BEGIN")
        try:
            yield connection
        finally:
            connection.execute("COMMIT")


def _in_snapshot(path: Path, work: Callable[[sqlite3.Connection], T]) -> T:
    with read_only_snapshot(path) as connection:
        return work(connection)


def _in_snapshot_with(path: Path, work: Callable[..., T], args: tuple[object, ...]) -> T:
    with read_only_snapshot(path) as connection:
        return work(connection, *args)


class Repository:
    """Reads and writes one aggregate through the database's transactions."""

    def __init__(self, db: Database) -> None:
        self._db = db
