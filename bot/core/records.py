"""Typed records that storage hands to the rest of the bot: people, reports, progress
and scheduled deliveries. Plain frozen dataclasses, no SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.core.domain import Language, Role
from bot.core.people import Change


@dataclass(frozen=True, slots=True)
class Member:
    """A registered Telegram user."""

    telegram_id: int
    full_name: str
    username: str | None
    unit_code: str
    role: Role
    language: Language | None
    active: bool
    registered_at: datetime


@dataclass(frozen=True, slots=True)
class Invitation:
    """A one-time code that registers a user in a unit with a role."""

    code: str
    unit_code: str
    role: Role
    created_by: int
    created_at: datetime
    expires_at: datetime
    used_by: int | None
    used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewReport:
    """A report about to be appended to the log."""

    officer_id: int
    unit_code: str
    indicator: str
    report_date: date
    count: int
    note: str | None
    chat_id: int | None
    message_id: int | None
    update_id: int | None
    idempotency_key: str


@dataclass(frozen=True, slots=True)
class Report:
    """A report in the log, with its void if it was voided."""

    id: int
    officer_id: int
    unit_code: str
    indicator: str
    report_date: date
    count: int
    note: str | None
    received_at: datetime
    chat_id: int | None
    message_id: int | None
    update_id: int | None
    voided_at: datetime | None


@dataclass(frozen=True, slots=True)
class ExportRow:
    """One line of the report export."""

    report_id: int
    report_date: date
    unit: str
    officer_telegram_id: int
    officer_name: str
    indicator: str
    count: int
    note: str
    received_at: datetime
    voided_at: datetime | None


@dataclass(frozen=True, slots=True)
class MemberActivity:
    """A member with the date of their latest valid report (None if they never reported)."""

    member: Member
    last_report: date | None


@dataclass(frozen=True, slots=True)
class MemberChange:
    """The outcome of changing a member, with the member before and after, and the group
    subscriptions the change ended (the member may no longer hold them)."""

    outcome: Change
    before: Member | None
    after: Member | None
    ended_subscriptions: tuple[Subscription, ...] = ()


@dataclass(frozen=True, slots=True)
class LoggedChange:
    """One row of the audit trail as read back, with the actor's name when known."""

    id: int
    at: datetime
    actor_id: int | None
    actor_name: str | None
    action: str
    subject: str | None
    old_value: str | None
    new_value: str | None


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


@dataclass(frozen=True, slots=True)
class SubscribedGroup:
    """A group's subscription with the member who made it, as they are now (None if unknown)."""

    subscription: Subscription
    subscriber: Member | None


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
    """A recipient of a run (one fire time of its schedule) and how far sending to them got."""

    kind: DeliveryKind
    fire_at: datetime
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
    fire_at: datetime
    period: str
    planned_at: datetime
    recipients: int
    by_status: dict[DeliveryStatus, int]
