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
from storage import audit, rows
from storage.database import Repository

_COLUMNS = (
    "kind, period, chat_id, recipient_id, scope, language, show_names, status, parts_sent, attempts,"
    " error, updated_at"
)
_MAX_ERROR = 200


_RUN = f"SELECT {_COLUMNS} FROM deliveries WHERE kind = ? AND period = ?"
"""The recipients of one run."""

_delivery_from_row = rows.mapper(
    Delivery,
    kind=DeliveryKind,
    language=Language,
    show_names=bool,
    status=DeliveryStatus,
    updated_at=datetime.fromisoformat,
)


def _subject(delivery: Delivery) -> str:
    return f"{delivery.kind.value}:{delivery.period}:{delivery.chat_id}"


async def _set(
    connection: aiosqlite.Connection, delivery: Delivery, sets: str, values: tuple[object, ...], now: datetime
) -> None:
    """Update the delivery's row: `sets` with its values, and the time of the change."""
    await connection.execute(
        f"UPDATE deliveries SET {sets}, updated_at = ? WHERE kind = ? AND period = ? AND chat_id = ?",
        (*values, now.isoformat(), delivery.kind.value, delivery.period, delivery.chat_id),
    )


class DeliveryRepo(Repository):
    """Plans runs and records, per recipient, what was sent."""

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
        async with audit.write(self._db, at=now, actor_id=None) as (connection, audited):
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
            new = {"due_at": due_at.isoformat(), "recipients": len(unique)}
            await audited("delivery.plan", f"{kind.value}:{period}", new=new)
        return True

    async def pending(self, *, kind: DeliveryKind, period: str) -> list[Delivery]:
        """Recipients of the run still waiting for (part of) their message, in planned order."""
        query = _RUN + " AND status = 'pending' ORDER BY rowid"
        async with self._db.read() as connection:
            return await rows.every(connection, query, (kind.value, period), _delivery_from_row)

    async def all(self, *, kind: DeliveryKind, period: str) -> list[Delivery]:
        """Every recipient of the run, in planned order."""
        async with self._db.read() as connection:
            return await rows.every(
                connection, _RUN + " ORDER BY rowid", (kind.value, period), _delivery_from_row
            )

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
        sets = "status = 'unreachable', attempts = attempts + 1, error = ?"
        await self._noted(
            delivery, "delivery.unreachable", sets, DeliveryStatus.UNREACHABLE, ("error", error), now
        )

    async def skipped(self, *, delivery: Delivery, reason: str, now: datetime) -> None:
        """Record that the message is no longer needed (reported meanwhile, away, duplicate chat)."""
        sets = "status = 'skipped', error = ?"
        await self._noted(delivery, "delivery.skipped", sets, DeliveryStatus.SKIPPED, ("reason", reason), now)

    async def failed_attempt(self, *, delivery: Delivery, error: str, now: datetime) -> None:
        """Record a transient failure; the recipient stays pending for the next attempt."""
        sets = "attempts = attempts + 1, error = ?"
        await self._noted(
            delivery, "delivery.failed_attempt", sets, DeliveryStatus.PENDING, ("error", error), now
        )

    async def move_chat(self, *, delivery: Delivery, new_chat_id: int, now: datetime) -> Delivery | None:
        """Point a pending delivery at a group's new (supergroup) id; None if that chat has one already."""
        async with audit.write(self._db, at=now, actor_id=None) as (connection, audited):
            async with connection.execute(
                "SELECT 1 FROM deliveries WHERE kind = ? AND period = ? AND chat_id = ?",
                (delivery.kind.value, delivery.period, new_chat_id),
            ) as cursor:
                taken = await cursor.fetchone() is not None
            if taken:
                reason = f"migrated to {new_chat_id}"
                await _set(connection, delivery, "status = 'skipped', error = ?", (reason,), now)
            else:
                await _set(connection, delivery, "chat_id = ?", (new_chat_id,), now)
            new = {"chat": new_chat_id, "duplicate": taken}
            await audited("delivery.migrated", _subject(delivery), old={"chat": delivery.chat_id}, new=new)
            if taken:
                return None
            params = (delivery.kind.value, delivery.period, new_chat_id)
            moved = await rows.one(connection, _RUN + " AND chat_id = ?", params, _delivery_from_row)
        assert moved is not None
        return moved

    async def _noted(
        self,
        delivery: Delivery,
        action: str,
        sets: str,
        status: DeliveryStatus,
        why: tuple[str, str],
        now: datetime,
    ) -> None:
        """Store why (`error` or `reason`, and its text cut short) in the error column `sets` binds."""
        key, text = why[0], why[1][:_MAX_ERROR]
        new: dict[str, object] = {"status": status.value, key: text}
        await self._update(delivery, action=action, sets=sets, values=(text,), new=new, now=now)

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
        async with audit.write(self._db, at=now, actor_id=None) as (connection, audited):
            await _set(connection, delivery, sets, values, now)
            old = {"status": delivery.status.value, "parts_sent": delivery.parts_sent}
            await audited(action, _subject(delivery), old=old, new=new)
