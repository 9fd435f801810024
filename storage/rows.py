"""Typed records from rows: each field read from the column of its name, converted where needed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

import aiosqlite

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")
T = TypeVar("T")
Convert = Callable[[Any], object]


def optional(convert: Convert) -> Convert:
    """Convert a column that may be NULL (or empty); such a value reads as None."""
    return lambda value: convert(value) if value else None


def mapper(record: type[R], **convert: Convert) -> Callable[[aiosqlite.Row], R]:
    """A function building `record` from a row holding a column for each of its fields.

    `convert` names the fields whose stored value is not the record's (text for dates and
    enums, 0/1 for booleans) with the function that reads it.
    """
    names = [field.name for field in fields(record)]
    unknown = set(convert) - set(names)
    if unknown:
        raise TypeError(f"{record.__name__} has no field {', '.join(sorted(unknown))}")

    def build(row: aiosqlite.Row) -> R:
        return record(**{name: convert[name](row[name]) if name in convert else row[name] for name in names})

    return build


async def one(
    connection: aiosqlite.Connection,
    query: str,
    params: Sequence[object],
    build: Callable[[aiosqlite.Row], T],
) -> T | None:
    """The first row the query returns, built into a record; None when there is none."""
    async with connection.execute(query, params) as cursor:
        row = await cursor.fetchone()
    return build(row) if row else None


async def every(
    connection: aiosqlite.Connection,
    query: str,
    params: Sequence[object],
    build: Callable[[aiosqlite.Row], T],
) -> list[T]:
    """Every row the query returns, built into records, in order."""
    async with connection.execute(query, params) as cursor:
        return [build(row) async for row in cursor]
