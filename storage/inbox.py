"""The durable inbox: updates as Telegram sent them, the polling offset, what is done.

Transport bookkeeping rather than data about people or reports, so these writes are not
audited; what a handler does with an update is. An update keeps its whole payload (texts,
names) only until it is handled: marking it done cuts the payload to its id and kind, which
is all that de-duplication needs, and `secure_delete` zeroes the bytes it had.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.database import Repository

_CUT = (
    "json_object('update_id', update_id, 'kind',"
    " CASE WHEN json_valid(payload) THEN"
    " (SELECT key FROM json_each(payload) WHERE key != 'update_id' LIMIT 1) END)"
)
"""What is left of a handled update's payload: {"update_id": 7, "kind": "message"}."""


@dataclass(frozen=True, slots=True)
class InboxItem:
    """A stored update that has not been handled to the end."""

    update_id: int
    payload: str
    writes: int


class InboxRepo(Repository):
    """Reads and writes the inbox tables."""

    async def store(
        self, *, updates: Sequence[tuple[int, str]], next_offset: int | None, now: datetime
    ) -> list[int]:
        """Insert the updates not seen before, and the next offset, in one transaction; return the new ids."""
        fresh: list[int] = []
        async with self._db.write() as connection:
            for update_id, payload in updates:
                cursor = await connection.execute(
                    "INSERT OR IGNORE INTO inbox (update_id, payload, received_at) VALUES (?, ?, ?)",
                    (update_id, payload, now.isoformat()),
                )
                if cursor.rowcount == 1:
                    fresh.append(update_id)
            if next_offset is not None:
                await connection.execute(
                    "INSERT INTO inbox_offset (id, next_offset) VALUES (1, ?)"
                    " ON CONFLICT (id) DO UPDATE SET next_offset = MAX(next_offset, excluded.next_offset)",
                    (next_offset,),
                )
        return fresh

    async def next_offset(self) -> int | None:
        """The offset to ask Telegram for next, if polling ever stored one."""
        async with self._db.read() as connection:
            async with connection.execute("SELECT next_offset FROM inbox_offset WHERE id = 1") as cursor:
                row = await cursor.fetchone()
        return int(row[0]) if row else None

    async def pending(self) -> list[InboxItem]:
        """Every stored update not yet done, oldest first."""
        async with self._db.read() as connection:
            async with connection.execute(
                "SELECT update_id, payload, writes FROM inbox WHERE done_at IS NULL ORDER BY update_id"
            ) as cursor:
                return [InboxItem(row[0], row[1], row[2]) async for row in cursor]

    async def mark_done(self, *, update_ids: Sequence[int], now: datetime) -> None:
        """Record that these updates were handled to the end, and cut their payloads to id and kind."""
        if not update_ids:
            return
        async with self._db.write() as connection:
            await connection.executemany(
                f"UPDATE inbox SET done_at = ?, payload = {_CUT} WHERE update_id = ? AND done_at IS NULL",
                [(now.isoformat(), update_id) for update_id in update_ids],
            )

    async def prune(self, *, done_before: datetime) -> int:
        """Forget updates done before the instant, so that a flood cannot grow the file without bound.

        Then empty the write-ahead log: the pages holding payloads from before their cut stay in
        it until a checkpoint, and this bounds how long (the runner prunes every hour).
        """
        async with self._db.write() as connection:
            cursor = await connection.execute(
                "DELETE FROM inbox WHERE done_at IS NOT NULL AND done_at < ?", (done_before.isoformat(),)
            )
            removed = cursor.rowcount
        await self._db.checkpoint()
        return removed
