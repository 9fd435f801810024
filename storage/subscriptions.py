"""Group chats subscribed to a unit's weekly digest."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.core.access import receives_digest
from bot.core.domain import Language
from bot.core.records import Member, Subscription
from storage import audit, rows
from storage.database import Repository

_COLUMNS = "chat_id, unit_code, language, subscribed_by, subscribed_at"


_subscription_from_row = rows.mapper(Subscription, language=Language, subscribed_at=datetime.fromisoformat)


async def _fetch(connection: aiosqlite.Connection, chat_id: int) -> Subscription | None:
    query = f"SELECT {_COLUMNS} FROM chat_subscriptions WHERE chat_id = ?"
    return await rows.one(connection, query, (chat_id,), _subscription_from_row)


def _describe(subscription: Subscription) -> dict[str, object]:
    return {"unit": subscription.unit_code, "language": subscription.language.value}


async def end_lapsed(
    connection: aiosqlite.Connection, audited: audit.Recorder, member: Member
) -> list[Subscription]:
    """Inside a change to `member`: end the subscriptions they may no longer hold, each audited."""
    query = f"SELECT {_COLUMNS} FROM chat_subscriptions WHERE subscribed_by = ? ORDER BY chat_id"
    held = await rows.every(connection, query, (member.telegram_id,), _subscription_from_row)
    ended = [
        subscription
        for subscription in held
        if not receives_digest(member, subscription.unit_code, in_group=True)
    ]
    for subscription in ended:
        await connection.execute("DELETE FROM chat_subscriptions WHERE chat_id = ?", (subscription.chat_id,))
        await audited("subscription.end", f"chat:{subscription.chat_id}", old=_describe(subscription))
    return ended


class SubscriptionRepo(Repository):
    """Subscribe, unsubscribe, list, and follow a group that became a supergroup."""

    async def get(self, *, chat_id: int) -> Subscription | None:
        """The chat's subscription, or None."""
        async with self._db.read() as connection:
            return await _fetch(connection, chat_id)

    async def all(self) -> list[Subscription]:
        """Every subscribed chat, by unit."""
        query = f"SELECT {_COLUMNS} FROM chat_subscriptions ORDER BY unit_code, chat_id"
        async with self._db.read() as connection:
            return await rows.every(connection, query, (), _subscription_from_row)

    async def subscribe(
        self, *, chat_id: int, unit_code: str, language: Language, by: int, now: datetime
    ) -> Subscription:
        """Have the chat receive the unit's digest; return the chat's subscription afterwards.

        A chat that already receives another unit's digest keeps it: that subscription is
        returned unchanged (no takeover). The same unit's chief may subscribe it again.
        """
        async with audit.write(self._db, at=now, actor_id=by) as (connection, audited):
            before = await _fetch(connection, chat_id)
            if before is not None and before.unit_code != unit_code:
                return before
            await connection.execute(
                "INSERT INTO chat_subscriptions (chat_id, unit_code, language, subscribed_by, subscribed_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET"
                " language = excluded.language, subscribed_by = excluded.subscribed_by,"
                " subscribed_at = excluded.subscribed_at",
                (chat_id, unit_code, language.value, by, now.isoformat()),
            )
            after = await _fetch(connection, chat_id)
            assert after is not None
            old = _describe(before) if before else None
            await audited("subscription.add", f"chat:{chat_id}", old=old, new=_describe(after))
        return after

    async def unsubscribe(self, *, chat_id: int, by: int, now: datetime) -> Subscription | None:
        """Stop the chat's digest; return what was removed (None if it had none)."""
        async with audit.write(self._db, at=now, actor_id=by) as (connection, audited):
            before = await _fetch(connection, chat_id)
            if before is None:
                return None
            await connection.execute("DELETE FROM chat_subscriptions WHERE chat_id = ?", (chat_id,))
            await audited("subscription.remove", f"chat:{chat_id}", old=_describe(before))
        return before

    async def migrate(self, *, old_chat_id: int, new_chat_id: int, now: datetime) -> bool:
        """Move the subscription of a group upgraded to a supergroup to its new id; False if none."""
        async with audit.write(self._db, at=now, actor_id=None) as (connection, audited):
            before = await _fetch(connection, old_chat_id)
            if before is None:
                return False
            if await _fetch(connection, new_chat_id) is not None:
                await connection.execute("DELETE FROM chat_subscriptions WHERE chat_id = ?", (old_chat_id,))
            else:
                await connection.execute(
                    "UPDATE chat_subscriptions SET chat_id = ? WHERE chat_id = ?", (new_chat_id, old_chat_id)
                )
            old = {"chat": old_chat_id, **_describe(before)}
            await audited("subscription.migrate", f"chat:{old_chat_id}", old=old, new={"chat": new_chat_id})
        return True
