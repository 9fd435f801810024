"""Typed rows for progress, away periods, subscriptions and scheduled deliveries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.domain import Language


@dataclass(frozen=True, slots=True)
class DateRange:
    """Days from `start` to `end`, both included."""

    start: date
    end: date


@dataclass(frozen=True, slots=True)
class UnitTotals:
    """Valid counts of one unit and indicator, one total per requested date range."""

    unit_code: str
    indicator: str
    totals: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class AwayPeriod:
    """Days an officer is away (inclusive); an ended period has ends_on before starts_on or ended_at."""

    id: int
    officer_id: int
    starts_on: date
    ends_on: date
    created_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class QuietOfficer:
    """An active officer with no valid report in a date range, with their away periods there."""

    telegram_id: int
    full_name: str
    unit_code: str
    registered_at: datetime
    away: tuple[DateRange, ...]


@dataclass(frozen=True, slots=True)
class Subscription:
    """A group chat that receives a unit's weekly digest."""

    chat_id: int
    unit_code: str
    language: Language
    subscribed_by: int
    subscribed_at: datetime


class DeliveryKind(StrEnum):
    """What a scheduled run sends."""

    DIGEST = "digest"
    REMINDER = "reminder"


class DeliveryStatus(StrEnum):
    """Where one recipient of a run stands."""

    PENDING = "pending"
    SENT = "sent"
    UNREACHABLE = "unreachable"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class NewDelivery:
    """A recipient planned for a run."""

    chat_id: int
    recipient_id: int | None
    scope: str | None
    language: Language
    show_names: bool


@dataclass(frozen=True, slots=True)
class Delivery:
    """A recipient of a run and how far sending to them got."""

    kind: DeliveryKind
    period: str
    chat_id: int
    recipient_id: int | None
    scope: str | None
    language: Language
    show_names: bool
    status: DeliveryStatus
    parts_sent: int
    attempts: int
    error: str | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class RunSummary:
    """A planned run and how many of its recipients are in each state."""

    kind: DeliveryKind
    period: str
    due_at: datetime
    planned_at: datetime
    recipients: int
    by_status: dict[DeliveryStatus, int]
