"""Delivery bookkeeping in its own log: a run per fire time, the old audit rows moved there whole."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.domain import Language
from bot.core.records import DeliveryKind, DeliveryStatus, NewDelivery
from tests.auxil.botprocess import query
from tests.auxil.seed import add_member, migrations_before, open_repos

MONDAY = datetime(2021, 3, 8, 0, 0, tzinfo=UTC)
OLD_AUDIT = [
    ("2021-03-08T00:00:00+00:00", None, "delivery.plan", "digest:2021-W09", None, '{"recipients": 2}'),
    ("2021-03-08T00:00:01+00:00", None, "delivery.sent", "digest:2021-W09:6", '{"parts": 1}', '{"s": 1}'),
    ("2021-03-08T00:00:02+00:00", None, "delivery.skipped", "digest:2021-W09:-100", None, '{"reason": "x"}'),
]


async def test_old_runs_and_their_audit_rows_move_to_the_delivery_log(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with migrations_before("_delivery_runs_by_fire_time.sql"):
        old = await open_repos(path)
    await add_member(old, 6, "p1")
    async with old.db.write() as connection:
        await connection.execute(
            "INSERT INTO delivery_runs (kind, period, due_at, planned_at, recipients)"
            " VALUES ('digest', '2021-W09', '2021-03-08T08:00:00+08:00', '2021-03-08T00:00:00+00:00', 2)"
        )
        await connection.executemany(
            "INSERT INTO deliveries (kind, period, chat_id, recipient_id, scope, language, status,"
            " updated_at) VALUES ('digest', '2021-W09', ?, ?, 'p1', 'zh', ?, '2021-03-08T00:00:02+00:00')",
            [(6, 6, "sent"), (-100, None, "skipped")],
        )
        await connection.executemany(
            "INSERT INTO audit (at, actor_id, action, subject, old_value, new_value)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            OLD_AUDIT,
        )
    people = [entry.action for entry in await old.audit.latest(limit=50) if entry.actor_id is not None]
    await old.db.close()
    new = await open_repos(path)
    try:
        moved = await new.deliveries.all(kind=DeliveryKind.DIGEST, fire_at=MONDAY)
        assert [(d.chat_id, d.period, d.status) for d in moved] == [
            (6, "2021-W09", DeliveryStatus.SENT),
            (-100, "2021-W09", DeliveryStatus.SKIPPED),
        ]
        assert [entry.action for entry in await new.audit.latest(limit=50)] == people
    finally:
        await new.db.close()
    logged = query(path, "SELECT at, kind, fire_at, chat_id, event, old_value, new_value FROM delivery_log")
    assert logged == [
        (at, "digest", MONDAY.isoformat(), chat, event, old_value, new_value)
        for (at, _, _, _, old_value, new_value), chat, event in zip(
            OLD_AUDIT, (None, 6, -100), ("planned", "sent", "skipped"), strict=True
        )
    ]
    connection = sqlite3.connect(path)
    try:
        for table in ("audit", "delivery_log"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                connection.execute(f"DELETE FROM {table}")
    finally:
        connection.close()


async def test_a_later_run_replaces_what_an_earlier_one_left_pending(tmp_path: Path) -> None:
    repos = await open_repos(tmp_path / "bot.sqlite3")
    try:
        kind, evening = DeliveryKind.REMINDER, MONDAY.replace(hour=13)
        people = [NewDelivery(chat, chat, "p1", Language.ZH, False) for chat in (1, 2)]
        assert await repos.deliveries.plan(kind=kind, fire_at=MONDAY.replace(hour=10), period="2021-03-08",
                                           recipients=people, now=MONDAY)  # fmt: skip
        first, _ = await repos.deliveries.pending(kind=kind, fire_at=MONDAY.replace(hour=10))
        await repos.deliveries.part_sent(delivery=first, parts_sent=1, done=True, now=MONDAY)
        assert await repos.deliveries.plan(kind=kind, fire_at=evening, period="2021-03-08",
                                           recipients=people, now=evening)  # fmt: skip
        earlier = await repos.deliveries.all(kind=kind, fire_at=MONDAY.replace(hour=10))
        assert [(d.chat_id, d.status) for d in earlier] == [
            (1, DeliveryStatus.SENT),
            (2, DeliveryStatus.SKIPPED),
        ]
        later = await repos.deliveries.pending(kind=kind, fire_at=evening)
        assert [d.chat_id for d in later] == [1, 2]
    finally:
        await repos.db.close()
    events = query(tmp_path / "bot.sqlite3", "SELECT chat_id, event FROM delivery_log ORDER BY id")
    assert events == [(None, "planned"), (1, "sent"), (2, "superseded"), (None, "planned")]
