"""Which inbox update the current task is handling, so that its writes are stamped on it.

The update processor sets `current_update` around the handlers of one update; every
`Database.write()` transaction made meanwhile counts itself on that update's inbox row,
inside the same transaction as its effect.
"""

from __future__ import annotations

from contextvars import ContextVar

import aiosqlite

current_update: ContextVar[int | None] = ContextVar("current_update", default=None)


async def stamp(connection: aiosqlite.Connection) -> None:
    """Count this write transaction on the update being handled, if any (caller's transaction)."""
    update_id = current_update.get()
    if update_id is not None:
        await connection.execute("UPDATE inbox SET writes = writes + 1 WHERE update_id = ?", (update_id,))
