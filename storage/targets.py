"""Targets amended by admins: versioned entries, the latest per indicator, year and unit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import aiosqlite

from bot.core.numbers import number
from bot.core.targets import Amendment, Change
from storage import audit, rows
from storage.database import Repository

_COLUMNS = "id, indicator, year, unit_code, value, change, entered_by, entered_at, supersedes"
_VERSIONS = (
    f"SELECT {_COLUMNS} FROM targets WHERE indicator = ? AND year = ? AND unit_code IS ? ORDER BY id DESC"
)
"""Every version of one target, newest first."""

_amendment = rows.mapper(
    Amendment,
    value=Decimal,
    change=Change,
    entered_at=datetime.fromisoformat,
)


@dataclass(frozen=True, slots=True)
class NewTarget:
    """A target about to be stored: indicator, year, unit (None = the bureau) and value."""

    indicator: str
    year: int
    unit_code: str | None
    value: Decimal


@dataclass(frozen=True, slots=True)
class TargetsSaved:
    """What one change stored: the new versions, the ones they superseded, and whether it was new."""

    entries: tuple[Amendment, ...]
    previous: tuple[Amendment | None, ...]
    created: bool


def subject(target: NewTarget | Amendment) -> str:
    """The audit subject of one target: target:<indicator>:<year>:<unit or bureau>."""
    return f"target:{target.indicator}:{target.year}:{target.unit_code or 'bureau'}"


def _listing(targets: Sequence[NewTarget]) -> str:
    """`indicator unit=value` for each target, for the audit row of a change of several."""
    return "; ".join(f"{t.indicator} {t.unit_code or 'bureau'}={number(t.value, 2)}" for t in targets)


class TargetRepo(Repository):
    """Appends target versions (one transaction and one audit row per change) and reads the latest."""

    async def save(
        self,
        targets: Sequence[NewTarget],
        *,
        change: Change,
        entered_by: int | None,
        idempotency_key: str,
        now: datetime,
        label: str = "",
    ) -> TargetsSaved:
        """Store the targets as one audited change; a repeat of the same key stores nothing again.

        One target is audited with its old and new value; several (carry, allocate, import) with
        one row naming the change (`label`, e.g. the file imported) and every new value.
        """
        several = len(targets) > 1
        keys = [f"{idempotency_key}:{i}" if several else idempotency_key for i in range(len(targets))]
        async with audit.write(self._db, at=now, actor_id=entered_by) as (connection, audited):
            if keys and await self._with_key(connection, keys[0]) is not None:
                stored = [await self._with_key(connection, key) for key in keys]
                entries = tuple(entry for entry in stored if entry is not None)
                previous = tuple([await self._with_id(connection, e.supersedes) for e in entries])
                return TargetsSaved(entries, previous, created=False)
            pairs = [
                await self._insert(connection, target, key, change, entered_by, now)
                for target, key in zip(targets, keys, strict=True)
            ]
            action = f"target.{change.value}"
            if several:
                await audited(action, label or f"targets:{len(targets)}", new=_listing(targets))
            elif pairs:
                old = pairs[0][1]
                new = number(targets[0].value, 2)
                await audited(action, subject(targets[0]), old=old and number(old.value, 2), new=new)
        return TargetsSaved(tuple(p[0] for p in pairs), tuple(p[1] for p in pairs), created=True)

    async def _insert(
        self,
        connection: aiosqlite.Connection,
        target: NewTarget,
        key: str,
        change: Change,
        entered_by: int | None,
        now: datetime,
    ) -> tuple[Amendment, Amendment | None]:
        """Append one version superseding the latest; return it and the one it superseded."""
        params = (target.indicator, target.year, target.unit_code)
        before = await rows.one(connection, _VERSIONS + " LIMIT 1", params, _amendment)
        superseded = before.id if before else None
        cursor = await connection.execute(
            "INSERT INTO targets (indicator, year, unit_code, value, change, entered_by, entered_at,"
            " supersedes, idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*params, str(target.value), change.value, entered_by, now.isoformat(), superseded, key),
        )
        entry = await self._with_id(connection, cursor.lastrowid)
        assert entry is not None
        return entry, before

    @staticmethod
    async def _with_key(connection: aiosqlite.Connection, key: str) -> Amendment | None:
        query = f"SELECT {_COLUMNS} FROM targets WHERE idempotency_key = ?"
        return await rows.one(connection, query, (key,), _amendment)

    @staticmethod
    async def _with_id(connection: aiosqlite.Connection, target_id: int | None) -> Amendment | None:
        if target_id is None:
            return None
        query = f"SELECT {_COLUMNS} FROM targets WHERE id = ?"
        return await rows.one(connection, query, (target_id,), _amendment)

    async def stored(self, *, idempotency_key: str) -> bool:
        """Whether a change was already stored under this key (alone, or as the first of several)."""
        async with self._db.read() as connection:
            for key in (idempotency_key, f"{idempotency_key}:0"):
                if await self._with_key(connection, key) is not None:
                    return True
        return False

    async def amendments_for(self, *, year: int) -> list[Amendment]:
        """The latest version of every target amended for a Gregorian year."""
        async with self._db.read() as connection:
            return await rows.every(
                connection,
                f"SELECT {_COLUMNS} FROM targets WHERE id IN ("
                " SELECT MAX(id) FROM targets WHERE year = ? GROUP BY indicator, unit_code) ORDER BY id",
                (year,),
                _amendment,
            )

    async def history(self, *, indicator: str, year: int, unit_code: str | None) -> list[Amendment]:
        """Every version of a target, newest first."""
        async with self._db.read() as connection:
            return await rows.every(connection, _VERSIONS, (indicator, year, unit_code), _amendment)
