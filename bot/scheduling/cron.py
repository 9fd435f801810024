"""Cron expressions as cron reads them, turned into APScheduler triggers.

APScheduler 3 counts numeric weekdays from 0 = Monday and requires both day fields to match;
cron counts 0 and 7 = Sunday, 1 = Monday, and fires when either restricted day field matches.
Weekdays are therefore translated to names here, and a restricted day-of-month together with a
restricted day-of-week becomes an OrTrigger.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

_CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_MONDAY_FIRST = (1, 2, 3, 4, 5, 6, 0)
_MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
_NUMERIC_FIELD = re.compile(r"^[0-9*,/-]+$")
_MONTH_FIELD = re.compile(r"^[0-9a-z*,/-]+$")
_FIELD_NAMES = ("minute", "hour", "day of month", "month", "day of week")
_STEP = timedelta(seconds=1)


class CronError(ValueError):
    """A cron expression that cron would not accept; the message says what is wrong."""


@dataclass(frozen=True)
class CronSpec:
    """A validated cron expression, fields in APScheduler's terms."""

    text: str
    minute: str
    hour: str
    day: str
    month: str
    day_of_week: str
    either_day: bool

    def trigger(self, tz: tzinfo) -> BaseTrigger:
        """The APScheduler trigger that fires when cron would, in the given time zone."""
        common = {"minute": self.minute, "hour": self.hour, "month": self.month, "timezone": tz}
        if self.either_day:
            return OrTrigger(
                [
                    CronTrigger(day=self.day, **common),
                    CronTrigger(day_of_week=self.day_of_week, **common),
                ]
            )
        return CronTrigger(day=self.day, day_of_week=self.day_of_week, **common)


def parse_cron(text: str) -> CronSpec:
    """Read a five-field cron expression (or @daily, @weekly, ...); raise CronError if invalid."""
    expression = _MACROS.get(text.strip().lower(), text.strip().lower())
    fields = expression.split()
    if len(fields) != len(_FIELD_NAMES):
        raise CronError(
            f"{text!r} is not a cron expression: expected 5 fields "
            "(minute hour day-of-month month day-of-week), e.g. '0 8 * * mon'"
        )
    minute, hour, day, month, weekday = fields
    for name, value, shape in zip(
        _FIELD_NAMES[:4], (minute, hour, day, month), (_NUMERIC_FIELD,) * 3 + (_MONTH_FIELD,), strict=True
    ):
        if not shape.match(value):
            raise CronError(f"{text!r}: {name} field {value!r} is not cron syntax")
    spec = CronSpec(
        text=text.strip(),
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=_weekdays(weekday, text),
        either_day=not day.startswith("*") and not weekday.startswith("*"),
    )
    try:
        spec.trigger(ZoneInfo("UTC"))
    except ValueError as error:
        raise CronError(f"{text!r}: {error}") from error
    return spec


def _weekdays(field: str, text: str) -> str:
    """Translate cron's day-of-week field (0/7 = Sunday) into APScheduler day names."""
    if field == "*":
        return "*"
    chosen: set[int] = set()
    for item in field.split(","):
        base, slash, step_text = item.partition("/")
        if slash and (not step_text.isdigit() or int(step_text) == 0):
            raise CronError(f"{text!r}: day-of-week step in {item!r} must be a whole number from 1")
        step = int(step_text) if slash else 1
        if base == "*":
            low, high = 0, 6
        elif "-" in base:
            first, _, last = base.partition("-")
            low, high = _weekday(first, text), _weekday(last, text)
            if low > high:
                raise CronError(f"{text!r}: day-of-week range {base!r} runs backwards")
        elif slash:
            raise CronError(f"{text!r}: write a day-of-week step over a range, e.g. '1-5/2', not {item!r}")
        else:
            low = high = _weekday(base, text)
        chosen.update(day % 7 for day in range(low, high + 1, step))
    return ",".join(_CRON_DAYS[day] for day in _MONDAY_FIRST if day in chosen)


def _weekday(token: str, text: str) -> int:
    """A cron weekday: 0-7 (0 and 7 = Sunday) or sun..sat."""
    if token.isdigit() and int(token) <= 7:
        return int(token)
    if token in _CRON_DAYS:
        return _CRON_DAYS.index(token)
    raise CronError(f"{text!r}: {token!r} is not a day of the week (0-7 or sun-sat; 0 and 7 = Sunday)")


def fire_times(trigger: BaseTrigger, start: datetime, end: datetime) -> Iterator[datetime]:
    """Every fire time from start to end inclusive (aware datetimes)."""
    fire = trigger.get_next_fire_time(None, start)
    while fire is not None and fire <= end:
        yield fire
        fire = trigger.get_next_fire_time(fire, fire + _STEP)


def last_fire(trigger: BaseTrigger, start: datetime, end: datetime) -> datetime | None:
    """The latest fire time from start to end inclusive, or None."""
    last = None
    for fire in fire_times(trigger, start, end):
        last = fire
    return last
