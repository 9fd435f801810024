"""Bulk loading through storage: many members or reports per transaction, audited like one.

Used to build years of simulated history quickly (demo, benchmarks). Each call is one
`db.write()` transaction per chunk, and every row it adds gets its audit row, as when the
bot stores a report or registers a user one at a time. Reports get the idempotency key
`bulk:<id>`, which no Telegram message can produce; a report loaded with `voided_at` is
voided by its officer in the same transaction, audited like a correction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import islice
from typing import TypeVar

import aiosqlite

from bot.core.domain import Language, Role
from storage import audit
from storage.database import Database

T = TypeVar("T")
CHUNK = 20_000
"""Rows per transaction: large enough to be fast, small enough to let the bot write between."""


@dataclass(frozen=True, slots=True)
class NewMember:
    """A user to register directly (no invitation)."""

    telegram_id: int
    full_name: str
    unit_code: str
    role: Role
    registered_at: datetime
    username: str | None = None
    language: Language | None = None


@dataclass(frozen=True, slots=True)
class LoadedReport:
    """A report to append as if the officer had sent it at `received_at`."""

    officer_id: int
    unit_code: str
    indicator: str
    report_date: date
    count: int
    received_at: datetime
    note: str | None = None
    voided_at: datetime | None = None


VOID_REASON = "bulk"
"""The reason stored with the voids of bulk-loaded reports."""


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class BulkLoader:
    """Appends members and reports many at a time, with their audit rows."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def add_members(self, *, members: Sequence[NewMember], actor_id: int | None) -> int:
        """Register members directly; return how many were added."""
        for chunk in _chunks(members, CHUNK):
            async with self._db.write() as connection:
                await connection.executemany(
                    "INSERT INTO users (telegram_id, full_name, username, unit_code, role, language,"
                    " registered_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            m.telegram_id,
                            m.full_name,
                            m.username,
                            m.unit_code,
                            m.role.value,
                            m.language.value if m.language else None,
                            m.registered_at.astimezone(UTC).isoformat(),
                        )
                        for m in chunk
                    ],
                )
                await audit.record_many(
                    connection,
                    (
                        audit.AuditEntry(
                            at=m.registered_at,
                            actor_id=actor_id,
                            action="user.register",
                            subject=str(m.telegram_id),
                            new={
                                "unit": m.unit_code,
                                "role": m.role.value,
                                "name": m.full_name,
                                "via": "bulk",
                            },
                        )
                        for m in chunk
                    ),
                )
        return len(members)

    async def add_reports(self, *, reports: Iterable[LoadedReport]) -> int:
        """Append reports in chunks of CHUNK per transaction; return how many were added."""
        added = 0
        for chunk in _chunks(reports, CHUNK):
            async with self._db.write() as connection:
                async with connection.execute("SELECT COALESCE(MAX(id), 0) FROM reports") as cursor:
                    row = await cursor.fetchone()
                first = int(row[0] if row else 0) + 1
                await connection.executemany(
                    "INSERT INTO reports (id, officer_id, unit_code, indicator, report_date, count, note,"
                    " received_at, idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            first + offset,
                            r.officer_id,
                            r.unit_code,
                            r.indicator,
                            r.report_date.isoformat(),
                            r.count,
                            r.note,
                            r.received_at.astimezone(UTC).isoformat(),
                            f"bulk:{first + offset}",
                        )
                        for offset, r in enumerate(chunk)
                    ],
                )
                await audit.record_many(
                    connection,
                    (
                        audit.AuditEntry(
                            at=r.received_at,
                            actor_id=r.officer_id,
                            action="report.add",
                            subject=f"report:{first + offset}",
                            new={
                                "indicator": r.indicator,
                                "count": r.count,
                                "date": r.report_date.isoformat(),
                                "unit": r.unit_code,
                                "via": "bulk",
                            },
                        )
                        for offset, r in enumerate(chunk)
                    ),
                )
                await _void(connection, [(first + offset, r) for offset, r in enumerate(chunk)])
            added += len(chunk)
        return added


async def _void(connection: aiosqlite.Connection, reports: Sequence[tuple[int, LoadedReport]]) -> None:
    """Void, with their audit rows, the reports loaded with `voided_at` (caller's transaction)."""
    voided = [(report_id, r, r.voided_at) for report_id, r in reports if r.voided_at is not None]
    await connection.executemany(
        "INSERT INTO report_voids (report_id, voided_at, voided_by, reason) VALUES (?, ?, ?, ?)",
        [
            (report_id, at.astimezone(UTC).isoformat(), r.officer_id, VOID_REASON)
            for report_id, r, at in voided
        ],
    )
    await audit.record_many(
        connection,
        (
            audit.AuditEntry(
                at=at,
                actor_id=r.officer_id,
                action="report.void",
                subject=f"report:{report_id}",
                old="valid",
                new={"reason": VOID_REASON, "via": "bulk"},
            )
            for report_id, r, at in voided
        ),
    )
