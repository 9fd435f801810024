"""Delivery bookkeeping of scheduled messages: each run's recipients and how far each got.

A run is one fire time of a schedule (a reminder at 18:00, another at 21:00). It is planned once,
with all its recipients, in one transaction. Each message part sent is recorded right after
Telegram accepted it, so a restart resumes with what is still pending and never sends a recorded
part again. Every change is logged in `delivery_log` (not the audit trail, which keeps people's
changes), in the same transaction as the change.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import aiosqlite

from bot.core.domain import Language
from bot.core.records import Delivery, DeliveryKind, DeliveryStatus, NewDelivery, RunSummary
from storage import rows
from storage.audit import encode
from storage.database import Repository

_COLUMNS = (
    "d.kind, d.fire_at, r.period, d.chat_id, d.recipient_id, d.scope, d.language, d.show_names, d.status,"
    " d.parts_sent, d.attempts, d.error, d.updated_at"
)
_MAX_ERROR = 200
_SUPERSEDED = "superseded by a later run"


_SELECT = (
    f"SELECT {_COLUMNS} FROM deliveries d"
    " JOIN delivery_runs r ON r.kind = d.kind AND r.fire_at = d.fire_at"
)
_RUN = _SELECT + " WHERE d.kind = ? AND d.fire_at = ?"
"""The recipients of one run."""
_EARLIER_PENDING = _SELECT + " WHERE d.kind = ? AND d.status = 'pending' AND d.fire_at < ?"
"""The recipients still pending in runs of a kind before a fire time."""

_LOG = (
    "INSERT INTO delivery_log (at, kind, fire_at, chat_id, event, old_value, new_value)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)

_delivery_from_row = rows.mapper(
    Delivery,
    kind=DeliveryKind,
    fire_at=datetime.fromisoformat,
    language=Language,
    show_names=bool,
    status=DeliveryStatus,
    updated_at=datetime.fromisoformat,
)


def fire_key(fire_at: datetime) -> str:
    """How a run's fire time is stored: ISO in UTC, the same whatever zone it was read in."""
    return fire_at.astimezone(UTC).isoformat()


def _run(kind: DeliveryKind, fire_at: datetime) -> tuple[str, str]:
    return kind.value, fire_key(fire_at)


async def _log(
    connection: aiosqlite.Connection,
    now: datetime,
    delivery: Delivery,
    event: str,
    *,
    old: object = None,
    new: object = None,
) -> None:
    """Log one change of a recipient's delivery inside the caller's transaction."""
    kind, fire = _run(delivery.kind, delivery.fire_at)
    values = (now.isoformat(), kind, fire, delivery.chat_id, event, encode(old), encode(new))
    await connection.execute(_LOG, values)


async def _set(
    connection: aiosqlite.Connection, delivery: Delivery, sets: str, values: tuple[object, ...], now: datetime
) -> None:
    """Update the delivery's row: `sets` with its values, and the time of the change."""
    await connection.execute(
        f"UPDATE deliveries SET {sets}, updated_at = ? WHERE kind = ? AND fire_at = ? AND chat_id = ?",
        (*values, now.isoformat(), *_run(delivery.kind, delivery.fire_at), delivery.chat_id),
    )


def _state(delivery: Delivery) -> dict[str, object]:
    return {"status": delivery.status.value, "parts_sent": delivery.parts_sent}


class DeliveryRepo(Repository):
    """Plans runs and records, per recipient, what was sent."""

    async def plan(
        self,
        *,
        kind: DeliveryKind,
        fire_at: datetime,
        period: str,
        recipients: Sequence[NewDelivery],
        now: datetime,
    ) -> bool:
        """Record the run and its recipients (one per chat) unless it exists; say whether it was new.

        Whatever an earlier run of the same kind still has pending is skipped: the later run
        replaces it (its recipients are chosen afresh), so no one gets both.
        """
        first: dict[int, NewDelivery] = {}
        for recipient in recipients:
            first.setdefault(recipient.chat_id, recipient)
        unique = list(first.values())
        run, planned_at = _run(kind, fire_at), now.isoformat()
        async with self._db.write() as connection:
            cursor = await connection.execute(
                "INSERT OR IGNORE INTO delivery_runs (kind, fire_at, period, planned_at, recipients)"
                " VALUES (?, ?, ?, ?, ?)",
                (*run, period, planned_at, len(unique)),
            )
            if cursor.rowcount == 0:
                return False
            await self._supersede(connection, kind, fire_at, now)
            await connection.executemany(
                "INSERT INTO deliveries (kind, fire_at, chat_id, recipient_id, scope, language, show_names,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (*run, r.chat_id, r.recipient_id, r.scope, r.language.value, r.show_names, planned_at)
                    for r in unique
                ],
            )
            new = encode({"period": period, "recipients": len(unique)})
            await connection.execute(_LOG, (planned_at, *run, None, "planned", None, new))
        return True

    async def _supersede(
        self, connection: aiosqlite.Connection, kind: DeliveryKind, fire_at: datetime, now: datetime
    ) -> None:
        """Skip what runs of `kind` before `fire_at` still have pending, logging each."""
        left = await rows.every(connection, _EARLIER_PENDING, _run(kind, fire_at), _delivery_from_row)
        for delivery in left:
            await _set(connection, delivery, "status = 'skipped', error = ?", (_SUPERSEDED,), now)
            new = {"status": DeliveryStatus.SKIPPED.value, "reason": _SUPERSEDED}
            await _log(connection, now, delivery, "superseded", old=_state(delivery), new=new)

    async def pending(self, *, kind: DeliveryKind, fire_at: datetime) -> list[Delivery]:
        """Recipients of the run still waiting for (part of) their message, in planned order."""
        query = _RUN + " AND d.status = 'pending' ORDER BY d.rowid"
        async with self._db.read() as connection:
            return await rows.every(connection, query, _run(kind, fire_at), _delivery_from_row)

    async def all(self, *, kind: DeliveryKind, fire_at: datetime) -> list[Delivery]:
        """Every recipient of the run, in planned order."""
        async with self._db.read() as connection:
            return await rows.every(
                connection, _RUN + " ORDER BY d.rowid", _run(kind, fire_at), _delivery_from_row
            )

    async def summary(self, *, kind: DeliveryKind, fire_at: datetime) -> RunSummary | None:
        """The run with its recipients counted by status; None if it was never planned."""
        run = _run(kind, fire_at)
        async with self._db.read() as connection:
            async with connection.execute(
                "SELECT period, planned_at, recipients FROM delivery_runs WHERE kind = ? AND fire_at = ?", run
            ) as cursor:
                planned = await cursor.fetchone()
            if planned is None:
                return None
            async with connection.execute(
                "SELECT status, COUNT(*) FROM deliveries WHERE kind = ? AND fire_at = ? GROUP BY status", run
            ) as cursor:
                counts = {DeliveryStatus(row[0]): int(row[1]) async for row in cursor}
        return RunSummary(
            kind=kind,
            fire_at=fire_at,
            period=planned["period"],
            planned_at=datetime.fromisoformat(planned["planned_at"]),
            recipients=planned["recipients"],
            by_status=counts,
        )

    async def part_sent(self, *, delivery: Delivery, parts_sent: int, done: bool, now: datetime) -> None:
        """Record that Telegram accepted part `parts_sent` (1-based); `done` when it was the last."""
        status = DeliveryStatus.SENT if done else DeliveryStatus.PENDING
        await self._update(
            delivery,
            event="sent" if done else "part_sent",
            sets="status = ?, parts_sent = ?, error = NULL",
            values=(status.value, parts_sent),
            new={"status": status.value, "parts_sent": parts_sent},
            now=now,
        )

    async def unreachable(self, *, delivery: Delivery, error: str, now: datetime) -> None:
        """Record that the recipient cannot be reached (blocked the bot, chat gone)."""
        sets = "status = 'unreachable', attempts = attempts + 1, error = ?"
        await self._noted(delivery, "unreachable", sets, DeliveryStatus.UNREACHABLE, ("error", error), now)

    async def skipped(self, *, delivery: Delivery, reason: str, now: datetime) -> None:
        """Record that the message is no longer needed (reported meanwhile, away, no longer a reader)."""
        sets = "status = 'skipped', error = ?"
        await self._noted(delivery, "skipped", sets, DeliveryStatus.SKIPPED, ("reason", reason), now)

    async def failed_attempt(self, *, delivery: Delivery, error: str, now: datetime) -> None:
        """Record a transient failure; the recipient stays pending for the next attempt."""
        sets = "attempts = attempts + 1, error = ?"
        await self._noted(delivery, "failed_attempt", sets, DeliveryStatus.PENDING, ("error", error), now)

    async def move_chat(self, *, delivery: Delivery, new_chat_id: int, now: datetime) -> Delivery | None:
        """Point a pending delivery at a group's new (supergroup) id; None if that chat has one already."""
        async with self._db.write() as connection:
            params = (*_run(delivery.kind, delivery.fire_at), new_chat_id)
            moved = await rows.one(connection, _RUN + " AND d.chat_id = ?", params, _delivery_from_row)
            taken = moved is not None
            if taken:
                reason = f"migrated to {new_chat_id}"
                await _set(connection, delivery, "status = 'skipped', error = ?", (reason,), now)
            else:
                await _set(connection, delivery, "chat_id = ?", (new_chat_id,), now)
            new = {"chat": new_chat_id, "duplicate": taken}
            await _log(connection, now, delivery, "migrated", old={"chat": delivery.chat_id}, new=new)
            if taken:
                return None
            moved = await rows.one(connection, _RUN + " AND d.chat_id = ?", params, _delivery_from_row)
        assert moved is not None
        return moved

    async def _noted(
        self,
        delivery: Delivery,
        event: str,
        sets: str,
        status: DeliveryStatus,
        why: tuple[str, str],
        now: datetime,
    ) -> None:
        """Store why (`error` or `reason`, and its text cut short) in the error column `sets` binds."""
        key, text = why[0], why[1][:_MAX_ERROR]
        new: dict[str, object] = {"status": status.value, key: text}
        await self._update(delivery, event=event, sets=sets, values=(text,), new=new, now=now)

    async def _update(
        self,
        delivery: Delivery,
        *,
        event: str,
        sets: str,
        values: tuple[object, ...],
        new: dict[str, object],
        now: datetime,
    ) -> None:
        async with self._db.write() as connection:
            await _set(connection, delivery, sets, values, now)
            await _log(connection, now, delivery, event, old=_state(delivery), new=new)
