"""Bulk loading through storage: many members or reports per transaction, audited like one.

Used to build years of simulated history quickly (demo, benchmarks). Each call is one
`db.write()` transaction per chunk, and every row it adds gets its audit row, as when the
bot stores a report or registers a user one at a time. Reports get the idempotency key
`bulk:<id>`, which no Telegram message can produce; a report loaded with `voided_at` is
voided by its officer in the same transaction, audited like a correction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from itertools import islice
from typing import TypeVar

import aiosqlite

from bot.core.records import NewReport
from storage import audit, users
from storage import reports as report_log
from storage.database import Repository
from storage.users import NewMember

__all__ = ["CHUNK", "VOID_REASON", "BulkLoader", "LoadedReport", "NewMember"]

T = TypeVar("T")
CHUNK = 20_000
"""Rows per transaction: large enough to be fast, small enough to let the bot write between."""
VOID_REASON = "bulk"
"""The reason stored with the voids of bulk-loaded reports."""


@dataclass(frozen=True, slots=True)
class LoadedReport:
    """A report to append as if the officer had sent it at `received_at` (and voided it at `voided_at`)."""

    officer_id: int
    unit_code: str
    indicator: str
    report_date: date
    count: int
    received_at: datetime
    note: str | None = None
    voided_at: datetime | None = None

    def as_new(self, report_id: int) -> NewReport:
        """The report as the bot would store it, keyed `bulk:<id>` and from no Telegram message."""
        return NewReport(
            officer_id=self.officer_id,
            unit_code=self.unit_code,
            indicator=self.indicator,
            report_date=self.report_date,
            count=self.count,
            note=self.note,
            chat_id=None,
            message_id=None,
            update_id=None,
            idempotency_key=f"bulk:{report_id}",
        )


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class BulkLoader(Repository):
    """Appends members and reports many at a time, with their audit rows."""

    async def add_members(self, *, members: Sequence[NewMember], actor_id: int | None) -> int:
        """Register members directly; return how many were added."""
        for chunk in _chunks(members, CHUNK):
            async with self._db.write() as connection:
                await connection.executemany(
                    users.INSERT,
                    [replace(m, registered_at=m.registered_at.astimezone(UTC)).values() for m in chunk],
                )
                await audit.record_many(
                    connection,
                    (
                        audit.AuditEntry(
                            m.registered_at, actor_id, "user.register", str(m.telegram_id), new=_via_bulk(m)
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
                numbered = list(enumerate(chunk, start=first))
                await _append(connection, numbered)
                await _void(connection, numbered)
            added += len(chunk)
        return added


def _via_bulk(loaded: NewMember | NewReport) -> dict[str, object]:
    """What the audit row of a loaded member or report says: what the bot's own would, and `via`."""
    described = loaded.described() if isinstance(loaded, NewMember) else report_log.described(loaded)
    return {**described, "via": "bulk"}


async def _append(connection: aiosqlite.Connection, loaded: Sequence[tuple[int, LoadedReport]]) -> None:
    """Append the reports under their ids, each with its audit row (caller's transaction)."""
    new = [(report_id, r, r.as_new(report_id)) for report_id, r in loaded]
    await connection.executemany(
        report_log.INSERT,
        [report_log.values(report_id, report, r.received_at.astimezone(UTC)) for report_id, r, report in new],
    )
    await audit.record_many(
        connection,
        (
            audit.AuditEntry(
                r.received_at, r.officer_id, "report.add", f"report:{report_id}", new=_via_bulk(report)
            )
            for report_id, r, report in new
        ),
    )


async def _void(connection: aiosqlite.Connection, loaded: Sequence[tuple[int, LoadedReport]]) -> None:
    """Void, with their audit rows, the reports loaded with `voided_at` (caller's transaction)."""
    voided = [(report_id, r.officer_id, r.voided_at) for report_id, r in loaded if r.voided_at is not None]
    await connection.executemany(
        "INSERT INTO report_voids (report_id, voided_at, voided_by, reason) VALUES (?, ?, ?, ?)",
        [(report_id, at.astimezone(UTC).isoformat(), by, VOID_REASON) for report_id, by, at in voided],
    )
    new = {"reason": VOID_REASON, "via": "bulk"}
    await audit.record_many(
        connection,
        (
            audit.AuditEntry(at, by, "report.void", f"report:{report_id}", "valid", new)
            for report_id, by, at in voided
        ),
    )
