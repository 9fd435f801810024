"""The audit trail: one row for every change of data or of people."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import aiosqlite


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
