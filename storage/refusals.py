"""Refused access in the audit trail, at most one row per user per hour."""

from __future__ import annotations

from datetime import datetime, timedelta

import aiosqlite

from storage import audit
from storage.database import Repository

ACTION = "access.refused"
ONE_ROW_PER = timedelta(hours=1)


async def _noted_since(connection: aiosqlite.Connection, telegram_id: int, since: datetime) -> bool:
    async with connection.execute(
        "SELECT 1 FROM audit WHERE action = ? AND subject = ? AND at >= ? LIMIT 1",
        (ACTION, str(telegram_id), since.isoformat()),
    ) as cursor:
        return await cursor.fetchone() is not None


class RefusalRepo(Repository):
    """Audits outsiders and disabled users who were turned away, without letting a flood grow the file."""

    async def note(self, *, telegram_id: int, kind: str, now: datetime) -> bool:
        """Audit a refusal unless this user was audited in the last hour; say whether a row was written."""
        since = now - ONE_ROW_PER
        async with self._db.read() as connection:
            if await _noted_since(connection, telegram_id, since):
                return False
        async with audit.write(self._db, at=now, actor_id=telegram_id) as (connection, audited):
            if await _noted_since(connection, telegram_id, since):
                return False
            async with connection.execute(
                "SELECT active FROM users WHERE telegram_id = ?", (telegram_id,)
            ) as cursor:
                known = await cursor.fetchone()
            who = "outsider" if known is None else "disabled"
            await audited(ACTION, str(telegram_id), new={"update": kind, "who": who})
        return True
