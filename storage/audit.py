"""The audit trail: one row for every change of data or of people."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.core.records import LoggedChange
from storage.database import Database


def _encode(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


async def record(
    connection: aiosqlite.Connection,
    *,
    at: datetime,
    actor_id: int | None,
    action: str,
    subject: str | None = None,
    old: object = None,
    new: object = None,
) -> None:
    """Append an audit row inside the caller's transaction."""
    await connection.execute(
        "INSERT INTO audit (at, actor_id, action, subject, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?)",
        (at.isoformat(), actor_id, action, subject, _encode(old), _encode(new)),
    )


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audit row, for writing many at once (bulk loads)."""

    at: datetime
    actor_id: int | None
    action: str
    subject: str | None = None
    old: object = None
    new: object = None


async def record_many(connection: aiosqlite.Connection, entries: Iterable[AuditEntry]) -> None:
    """Append many audit rows inside the caller's transaction."""
    await connection.executemany(
        "INSERT INTO audit (at, actor_id, action, subject, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?)",
        (
            (e.at.isoformat(), e.actor_id, e.action, e.subject, _encode(e.old), _encode(e.new))
            for e in entries
        ),
    )


class AuditRepo:
    """Reads the audit trail (rows are written by `record` inside each change's transaction)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def latest(self, *, limit: int) -> list[LoggedChange]:
        """The newest `limit` rows, newest first, with the actor's name."""
        async with (
            self._db.read() as connection,
            connection.execute(
                "SELECT a.id, a.at, a.actor_id, u.full_name, a.action, a.subject, a.old_value, a.new_value"
                " FROM audit a LEFT JOIN users u ON u.telegram_id = a.actor_id ORDER BY a.id DESC LIMIT ?",
                (limit,),
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
