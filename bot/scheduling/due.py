"""Which scheduled run is due: the weekly digest and the daily reminder, from their cron triggers.

A run is due when its latest fire time lies between the start of its window and now: the digest
within the same ISO week (so one missed while the bot was down is still sent that week), the
reminder within the same day. The period names the run: the ISO week the digest covers (the
last complete Monday–Sunday week before the fire day), or the reminder's date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from apscheduler.triggers.base import BaseTrigger

from bot.core.digest import covered_week
from bot.core.progress import week_bounds
from bot.core.records import DeliveryKind
from bot.scheduling.cron import last_fire


@dataclass(frozen=True)
class DueRun:
    """A run whose time has come: what, which period, when it was due, and its local day."""

    kind: DeliveryKind
    period: str
    due_at: datetime
    day: date


def week_key(day: date) -> str:
    """The ISO week of a day, e.g. '2021-W09'."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def digest_due(trigger: BaseTrigger, now: datetime, tz: tzinfo) -> DueRun | None:
    """The week's digest run if its time has passed this week, else None."""
    local = now.astimezone(tz)
    monday, _ = week_bounds(local.date())
    fire = last_fire(trigger, _midnight(monday, tz), local)
    if fire is None:
        return None
    day = fire.astimezone(tz).date()
    return DueRun(DeliveryKind.DIGEST, week_key(covered_week(day)[0]), fire, day)


def reminder_due(trigger: BaseTrigger, now: datetime, tz: tzinfo) -> DueRun | None:
    """Today's reminder run if its time has passed today, else None."""
    local = now.astimezone(tz)
    fire = last_fire(trigger, _midnight(local.date(), tz), local)
    if fire is None:
        return None
    day = fire.astimezone(tz).date()
    return DueRun(DeliveryKind.REMINDER, day.isoformat(), fire, day)
