"""The audit trail: one row for every change of data or of people."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.core.records import LoggedChange
from storage.database import Database, Repository

_INSERT = "INSERT INTO audit (at, actor_id, action, subject, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?)"


def encode(value: object) -> str | None:
    """An old or new value as stored: text as it is, anything else as JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audit row."""

    at: datetime
    actor_id: int | None
    action: str
    subject: str | None = None
    old: object = None
    new: object = None

    def values(self) -> tuple[str, int | None, str, str | None, str | None, str | None]:
        """The row's columns as stored."""
        return (
            self.at.isoformat(),
            self.actor_id,
            self.action,
            self.subject,
            encode(self.old),
            encode(self.new),
        )


async def record_many(connection: aiosqlite.Connection, entries: Iterable[AuditEntry]) -> None:
    """Append many audit rows inside the caller's transaction (bulk loads)."""
    await connection.executemany(_INSERT, (entry.values() for entry in entries))


@dataclass(frozen=True, slots=True)
class Recorder:
    """Appends the audit rows of one write transaction: its connection, its time, its actor."""

    connection: aiosqlite.Connection
    at: datetime
    actor_id: int | None

    async def __call__(self, action: str, subject: str, *, old: object = None, new: object = None) -> None:
        """Append one audit row inside the transaction."""
        entry = AuditEntry(self.at, self.actor_id, action, subject, old, new)
        await self.connection.execute(_INSERT, entry.values())


@asynccontextmanager
async def write(
    db: Database, *, at: datetime, actor_id: int | None
) -> AsyncIterator[tuple[aiosqlite.Connection, Recorder]]:
    """Run the block as one `db.write()` transaction, with a recorder for its audit rows.

    The change and its audit rows commit together or not at all; a block that returns before
    recording (nothing to change, an idempotent repeat) writes no audit row.
    """
    async with db.write() as connection:
        yield connection, Recorder(connection, at, actor_id)


class AuditRepo(Repository):
    """Reads the audit trail (rows are written through `write`, in each change's own transaction)."""

    async def latest(
        self, *, limit: int, kind: str | None = None, person: int | None = None
    ) -> list[LoggedChange]:
        """The newest `limit` rows, newest first, with the actor's name.

        `kind` keeps the actions it names: `figure` every `figure.*`, `user.role` just that one.
        `person` keeps the changes the person made or that are about them (subject = their id).
        """
        where, params = ["1"], {"limit": limit, "kind": kind, "person": person}
        if kind is not None:
            where.append("(a.action = :kind OR substr(a.action, 1, length(:kind) + 1) = :kind || '.')")
        if person is not None:
            where.append("(a.actor_id = :person OR a.subject = CAST(:person AS TEXT))")
        async with (
            self._db.read() as connection,
            connection.execute(
                "SELECT a.id, a.at, a.actor_id, u.full_name, a.action, a.subject, a.old_value, a.new_value"
                " FROM audit a LEFT JOIN users u ON u.telegram_id = a.actor_id"
                f" WHERE {' AND '.join(where)} ORDER BY a.id DESC LIMIT :limit",
                params,
            ) as cursor,
        ):
            return [
                LoggedChange(
                    id=row[0],
                    at=datetime.fromisoformat(row[1]),
                    actor_id=row[2],
                    actor_name=row[3],
                    action=row[4],
                    subject=row[5],
                    old_value=row[6],
                    new_value=row[7],
                )
                async for row in cursor
            ]
