"""Who a digest run may go to, read in SQL: active chiefs and admins, groups with their subscriber."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.core.domain import Language
from bot.core.records import Member, SubscribedGroup, Subscription
from storage import rows
from storage.database import Repository
from storage.users import PREFIXED_COLUMNS, member_from_row

_GROUPS = (
    "SELECT s.chat_id, s.unit_code AS subscribed_unit, s.language AS subscribed_language, s.subscribed_by,"
    f" s.subscribed_at, {PREFIXED_COLUMNS} FROM chat_subscriptions s"
    " LEFT JOIN users u ON u.telegram_id = s.subscribed_by"
)


def _group_from_row(row: aiosqlite.Row) -> SubscribedGroup:
    subscription = Subscription(
        chat_id=row["chat_id"],
        unit_code=row["subscribed_unit"],
        language=Language(row["subscribed_language"]),
        subscribed_by=row["subscribed_by"],
        subscribed_at=datetime.fromisoformat(row["subscribed_at"]),
    )
    subscriber = member_from_row(row) if row["telegram_id"] is not None else None
    return SubscribedGroup(subscription, subscriber)


class RecipientRepo(Repository):
    """The few people and groups a digest run needs, never the whole user table."""

    async def digest_readers(self) -> list[Member]:
        """Active chiefs and admins, by unit and name."""
        query = (
            f"SELECT {PREFIXED_COLUMNS} FROM users u WHERE u.active = 1 AND u.role IN ('chief', 'admin')"
            " ORDER BY u.unit_code, u.full_name"
        )
        async with self._db.read() as connection:
            return await rows.every(connection, query, (), member_from_row)

    async def groups(self) -> list[SubscribedGroup]:
        """Every subscribed group with its subscriber, by unit."""
        async with self._db.read() as connection:
            query = _GROUPS + " ORDER BY s.unit_code, s.chat_id"
            return await rows.every(connection, query, (), _group_from_row)

    async def group(self, *, chat_id: int) -> SubscribedGroup | None:
        """The group's subscription with its subscriber, or None if it has none."""
        async with self._db.read() as connection:
            return await rows.one(connection, _GROUPS + " WHERE s.chat_id = ?", (chat_id,), _group_from_row)
