"""Which scheduled run is due: the weekly digest and the daily reminder, from their cron triggers.

A run is one fire time of its schedule (`0 18,21 * * *` makes two reminder runs a day), and the
due run is the latest fire time between the start of its window and now: the digest within the
same ISO week, the reminder within the same day. So after downtime only the latest missed run of
each kind is sent, and only while it is still relevant. The fire time names the run; its period
says what it is about: the ISO week the digest covers (the last complete Monday–Sunday week
before the fire day), or the reminder's date.
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
    """A run whose time has come: what, which period, the fire time that names it, and its local day."""

    kind: DeliveryKind
    period: str
    fire_at: datetime
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
