"""Seed a database through the repositories (no SQL in tests): members and reports."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import storage.database
from bot.core.domain import Role
from bot.core.records import Member, NewReport, Report
from bot.services import Repositories
from storage.database import Database

T0 = datetime(2021, 1, 1, tzinfo=UTC)
_keys = itertools.count(1)


async def open_repos(path: object) -> Repositories:
    """Open (and migrate) a database file and return its repositories."""
    db = Database(path)  # type: ignore[arg-type]
    await db.open()
    return Repositories.over(db)


async def add_member(
    repos: Repositories,
    telegram_id: int,
    unit: str,
    role: Role = Role.OFFICER,
    *,
    name: str | None = None,
    registered: datetime = T0,
) -> Member:
    """Register a member by creating and redeeming an invitation."""
    code = f"seed-{telegram_id}"
    await repos.invitations.create(
        code=code, unit_code=unit, role=role, created_by=1, now=registered, valid_for=timedelta(days=1)
    )
    _, member = await repos.invitations.redeem(
        code=code, telegram_id=telegram_id, full_name=name or f"Officer {telegram_id}", username=None,
        now=registered,
    )  # fmt: skip
    assert member is not None
    return member


async def add_report(
    repos: Repositories,
    officer: Member,
    indicator: str,
    count: int,
    day: date,
    *,
    now: datetime | None = None,
) -> Report:
    """Append one report for the officer's unit."""
    report, _ = await repos.reports.add(
        report=NewReport(
            officer_id=officer.telegram_id,
            unit_code=officer.unit_code,
            indicator=indicator,
            report_date=day,
            count=count,
            note=None,
            chat_id=None,
            message_id=None,
            update_id=None,
            idempotency_key=f"seed:{next(_keys)}",
        ),
        now=now or datetime.combine(day, datetime.min.time(), UTC),
    )
    return report


@contextmanager
def migrations_before(file_suffix: str) -> Iterator[None]:
    """While inside, a database opened is migrated only up to the migration named `...file_suffix`."""
    every = storage.database._migrations()
    (version,) = [number for number, name, _ in every if name.endswith(file_suffix)]
    with mock.patch.object(storage.database, "_migrations", lambda: [m for m in every if m[0] < version]):
        yield
