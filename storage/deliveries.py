"""Delivery bookkeeping of scheduled messages: each run's recipients and how far each got.

A run (a week's digest, a day's reminder) is planned once, with all its recipients, in one
transaction. Each message part sent is recorded right after Telegram accepted it, so a restart
resumes with what is still pending and never sends a recorded part again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from bot.core.domain import Language
from bot.core.records import Delivery, DeliveryKind, DeliveryStatus, NewDelivery, RunSummary
from storage import audit
from storage.database import Database

_COLUMNS = (
    "kind, period, chat_id, recipient_id, scope, language, show_names, status, parts_sent, attempts,"
    " error, updated_at"
)
_MAX_ERROR = 200


def _delivery_from_row(row: aiosqlite.Row) -> Delivery:
    return Delivery(
        kind=DeliveryKind(row["kind"]),
        period=row["period"],
        chat_id=row["chat_id"],
        recipient_id=row["recipient_id"],
        scope=row["scope"],
        language=Language(row["language"]),
        show_names=bool(row["show_names"]),
        status=DeliveryStatus(row["status"]),
        parts_sent=row["parts_sent"],
        attempts=row["attempts"],
        error=row["error"],
        updated_at=datetime.fromisoformat(row["updated_at"]),
    )


def _subject(kind: DeliveryKind, period: str, chat_id: int) -> str:
    return f"{kind.value}:{period}:{chat_id}"


class DeliveryRepo:
    """Plans runs and records, per recipient, what was sent."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def plan(
        self,
        *,
        kind: DeliveryKind,
        period: str,
        due_at: datetime,
        recipients: Sequence[NewDelivery],
        now: datetime,
    ) -> bool:
        """Record the run and its recipients (one per chat) unless it exists; say whether it was new."""
        first: dict[int, NewDelivery] = {}
        for recipient in recipients:
            first.setdefault(recipient.chat_id, recipient)
        unique = list(first.values())
        async with self._db.write() as connection:
            cursor = await connection.execute(
                "INSERT OR IGNORE INTO delivery_runs (kind, period, due_at, planned_at, recipients)"
                " VALUES (?, ?, ?, ?, ?)",
                (kind.value, period, due_at.isoformat(), now.isoformat(), len(unique)),
            )
            if cursor.rowcount == 0:
                return False
            await connection.executemany(
                "INSERT INTO deliveries (kind, period, chat_id, recipient_id, scope, language, show_names,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        kind.value,
                        period,
                        r.chat_id,
                        r.recipient_id,
                        r.scope,
                        r.language.value,
                        int(r.show_names),
                        now.isoformat(),
                    )
                    for r in unique
                ],
            )
            await audit.record(
                connection,
                at=now,
                actor_id=None,
                action="delivery.plan",
                subject=f"{kind.value}:{period}",
                new={"due_at": due_at.isoformat(), "recipients": len(unique)},
            )
        return True

    async def pending(self, *, kind: DeliveryKind, period: str) -> list[Delivery]:
        """Recipients of the run still waiting for (part of) their message, in planned order."""
        async with (
            self._db.read() as connection,
            connection.execute(
                f"SELECT {_COLUMNS} FROM deliveries WHERE kind = ? AND period = ? AND status = 'pending'"
                " ORDER BY rowid",
                (kind.value, period),
            ) as cursor,
        ):
            return [_delivery_from_row(row) async for row in cursor]

    async def all(self, *, kind: DeliveryKind, period: str) -> list[Delivery]:
        """Every recipient of the run, in planned order."""
        async with (
            self._db.read() as connection,
            connection.execute(
                f"SELECT {_COLUMNS} FROM deliveries WHERE kind = ? AND period = ? ORDER BY rowid",
                (kind.value, period),
            ) as cursor,
        ):
            return [_delivery_from_row(row) async for row in cursor]

    async def summary(self, *, kind: DeliveryKind, period: str) -> RunSummary | None:
        """The run with its recipients counted by status; None if it was never planned."""
        async with self._db.read() as connection:
            async with connection.execute(
                "SELECT due_at, planned_at, recipients FROM delivery_runs WHERE kind = ? AND period = ?",
                (kind.value, period),
            ) as cursor:
                run = await cursor.fetchone()
            if run is None:
                return None
            async with connection.execute(
                "SELECT status, COUNT(*) FROM deliveries WHERE kind = ? AND period = ? GROUP BY status",
                (kind.value, period),
            ) as cursor:
                counts = {DeliveryStatus(row[0]): int(row[1]) async for row in cursor}
        return RunSummary(
            kind=kind,
            period=period,
            due_at=datetime.fromisoformat(run["due_at"]),
            planned_at=datetime.fromisoformat(run["planned_at"]),
            recipients=run["recipients"],
            by_status=counts,
        )

    async def part_sent(self, *, delivery: Delivery, parts_sent: int, done: bool, now: datetime) -> None:
        """Record that Telegram accepted part `parts_sent` (1-based); `done` when it was the last."""
        status = DeliveryStatus.SENT if done else DeliveryStatus.PENDING
        await self._update(
            delivery,
            action="delivery.sent" if done else "delivery.part_sent",
            sets="status = ?, parts_sent = ?, error = NULL",
            values=(status.value, parts_sent),
            new={"status": status.value, "parts_sent": parts_sent},
            now=now,
        )

    async def unreachable(self, *, delivery: Delivery, error: str, now: datetime) -> None:
        """Record that the recipient cannot be reached (blocked the bot, chat gone)."""
        await self._update(
            delivery,
            action="delivery.unreachable",
            sets="status = 'unreachable', attempts = attempts + 1, error = ?",
            values=(error[:_MAX_ERROR],),
            new={"status": "unreachable", "error": error[:_MAX_ERROR]},
            now=now,
        )

    async def skipped(self, *, delivery: Delivery, reason: str, now: datetime) -> None:
        """Record that the message is no longer needed (reported meanwhile, away, duplicate chat)."""
        await self._update(
            delivery,
            action="delivery.skipped",
            sets="status = 'skipped', error = ?",
            values=(reason[:_MAX_ERROR],),
            new={"status": "skipped", "reason": reason[:_MAX_ERROR]},
            now=now,
        )

    async def failed_attempt(self, *, delivery: Delivery, error: str, now: datetime) -> None:
        """Record a transient failure; the recipient stays pending for the next attempt."""
        await self._update(
            delivery,
            action="delivery.failed_attempt",
            sets="attempts = attempts + 1, error = ?",
            values=(error[:_MAX_ERROR],),
            new={"status": "pending", "error": error[:_MAX_ERROR]},
            now=now,
        )

    async def move_chat(self, *, delivery: Delivery, new_chat_id: int, now: datetime) -> Delivery | None:
        """Point a pending delivery at a group's new (supergroup) id; None if that chat has one already."""
        async with self._db.write() as connection:
            async with connection.execute(
                "SELECT 1 FROM deliveries WHERE kind = ? AND period = ? AND chat_id = ?",
                (delivery.kind.value, delivery.period, new_chat_id),
            ) as cursor:
                taken = await cursor.fetchone() is not None
            if taken:
                await connection.execute(
                    "UPDATE deliveries SET status = 'skipped', error = ?, updated_at = ?"
                    " WHERE kind = ? AND period = ? AND chat_id = ?",
                    (f"migrated to {new_chat_id}", now.isoformat(), delivery.kind.value, delivery.period,
                     delivery.chat_id),
                )  # fmt: skip
            else:
                await connection.execute(
                    "UPDATE deliveries SET chat_id = ?, updated_at = ?"
                    " WHERE kind = ? AND period = ? AND chat_id = ?",
                    (new_chat_id, now.isoformat(), delivery.kind.value, delivery.period, delivery.chat_id),
                )
            await audit.record(
                connection,
                at=now,
                actor_id=None,
                action="delivery.migrated",
                subject=_subject(delivery.kind, delivery.period, delivery.chat_id),
                old={"chat": delivery.chat_id},
                new={"chat": new_chat_id, "duplicate": taken},
            )
            if taken:
                return None
            async with connection.execute(
                f"SELECT {_COLUMNS} FROM deliveries WHERE kind = ? AND period = ? AND chat_id = ?",
                (delivery.kind.value, delivery.period, new_chat_id),
            ) as cursor:
                row = await cursor.fetchone()
        assert row is not None
        return _delivery_from_row(row)

    async def _update(
        self,
        delivery: Delivery,
        *,
        action: str,
        sets: str,
        values: tuple[object, ...],
        new: dict[str, object],
        now: datetime,
    ) -> None:
        async with self._db.write() as connection:
            await connection.execute(
                f"UPDATE deliveries SET {sets}, updated_at = ? WHERE kind = ? AND period = ? AND chat_id = ?",
                (*values, now.isoformat(), delivery.kind.value, delivery.period, delivery.chat_id),
            )
            await audit.record(
                connection,
                at=now,
                actor_id=None,
                action=action,
                subject=_subject(delivery.kind, delivery.period, delivery.chat_id),
                old={"status": delivery.status.value, "parts_sent": delivery.parts_sent},
                new=new,
            )
