"""Bulk loading of synthetic members and reports, for benchmarks on a throw-away database.

Rows go in through the same tables and triggers as real ones (so the roll-ups are maintained
the same way), in large transactions, with one audit row per batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import islice

from storage import audit
from storage.database import Database

BATCH = 50_000


@dataclass(frozen=True, slots=True)
class SyntheticMember:
    """A member to create."""

    telegram_id: int
    full_name: str
    unit_code: str
    role: str


@dataclass(frozen=True, slots=True)
class SyntheticReport:
    """A report to append, voided afterwards when `voided`."""

    officer_id: int
    unit_code: str
    indicator: str
    report_date: date
    count: int
    voided: bool = False


async def load_members(db: Database, *, members: Sequence[SyntheticMember], now: datetime) -> None:
    """Create the members in one transaction."""
    registered = now.astimezone(UTC).isoformat()
    async with db.write() as connection:
        await connection.executemany(
            "INSERT INTO users (telegram_id, full_name, unit_code, role, registered_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [(m.telegram_id, m.full_name, m.unit_code, m.role, registered) for m in members],
        )
        await audit.record(
            connection, at=now, actor_id=None, action="synthetic.members", new={"members": len(members)}
        )


async def load_reports(db: Database, *, reports: Iterable[SyntheticReport], now: datetime) -> int:
    """Append the reports (and void the marked ones) in batches; return how many were appended."""
    stamp = now.astimezone(UTC).isoformat()
    total = 0
    iterator = iter(reports)
    while batch := list(islice(iterator, BATCH)):
        async with db.write() as connection:
            async with connection.execute("SELECT COALESCE(MAX(id), 0) FROM reports") as cursor:
                row = await cursor.fetchone()
            first_id = int(row[0]) + 1 if row else 1
            await connection.executemany(
                "INSERT INTO reports (id, officer_id, unit_code, indicator, report_date, count, received_at,"
                " idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (first_id + i, r.officer_id, r.unit_code, r.indicator, r.report_date.isoformat(), r.count,
                     stamp, f"synthetic:{first_id + i}")
                    for i, r in enumerate(batch)
                ],
            )  # fmt: skip
            await connection.executemany(
                "INSERT INTO report_voids (report_id, voided_at, voided_by, reason) VALUES (?, ?, ?, ?)",
                [(first_id + i, stamp, r.officer_id, "synthetic") for i, r in enumerate(batch) if r.voided],
            )
            await audit.record(
                connection, at=now, actor_id=None, action="synthetic.reports", new={"reports": len(batch)}
            )
        total += len(batch)
    return total
