"""Cron expressions mean what cron means; which digest or reminder run is due."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.digest import covered_week
from bot.core.records import DeliveryKind
from bot.scheduling.cron import CronError, fire_times, last_fire, parse_cron
from bot.scheduling.due import digest_due, reminder_due, week_key
from bot.settings import Settings, SettingsError, load_settings

TZ = ZoneInfo("Asia/Taipei")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def weekdays(expression: str, start: str = "2021-03-01T00:00") -> list[str]:
    """Weekday names of the fire times in the fortnight from a Monday."""
    trigger = parse_cron(expression).trigger(TZ)
    begin = at(start)
    end = begin + timedelta(days=14) - timedelta(seconds=1)
    return [fire.strftime("%a") for fire in fire_times(trigger, begin, end)]


def test_the_default_digest_fires_on_monday_at_eight_in_taipei() -> None:
    trigger = parse_cron(Settings.model_fields["digest_schedule"].default).trigger(TZ)
    friday = at("2026-11-27T10:00")
    fire = trigger.get_next_fire_time(None, friday)
    assert fire == at("2026-11-30T08:00")
    assert fire.strftime("%A") == "Monday"


def test_the_default_reminder_fires_every_evening_at_eight() -> None:
    trigger = parse_cron(Settings.model_fields["reminder_schedule"].default).trigger(TZ)
    fires = list(fire_times(trigger, at("2021-03-01T00:00"), at("2021-03-03T23:59")))
    assert fires == [at("2021-03-01T20:00"), at("2021-03-02T20:00"), at("2021-03-03T20:00")]


@pytest.mark.parametrize(
    ("day_of_week", "expected"),
    [
        ("1", ["Mon", "Mon"]),
        ("mon", ["Mon", "Mon"]),
        ("MON", ["Mon", "Mon"]),
        ("0", ["Sun", "Sun"]),
        ("7", ["Sun", "Sun"]),
        ("sun", ["Sun", "Sun"]),
        ("6", ["Sat", "Sat"]),
        ("1-5", ["Mon", "Tue", "Wed", "Thu", "Fri"] * 2),
        ("mon-fri", ["Mon", "Tue", "Wed", "Thu", "Fri"] * 2),
        ("5-7", ["Fri", "Sat", "Sun"] * 2),
        ("*/2", ["Tue", "Thu", "Sat", "Sun"] * 2),
        ("1-5/2", ["Mon", "Wed", "Fri"] * 2),
        ("0,3", ["Wed", "Sun"] * 2),
        ("1,1,mon", ["Mon", "Mon"]),
    ],
)
def test_numeric_weekdays_count_from_sunday(day_of_week: str, expected: list[str]) -> None:
    assert weekdays(f"0 8 * * {day_of_week}") == expected


def test_restricted_day_of_month_or_weekday_fires_on_either() -> None:
    trigger = parse_cron("0 8 13 * 5").trigger(TZ)
    fires = list(fire_times(trigger, at("2021-03-01T00:00"), at("2021-03-31T23:59")))
    assert [fire.day for fire in fires] == [5, 12, 13, 19, 26]


def test_a_day_field_starting_with_a_star_makes_both_days_match() -> None:
    trigger = parse_cron("0 8 */10 * mon").trigger(TZ)
    fires = list(fire_times(trigger, at("2021-03-01T00:00"), at("2021-03-31T23:59")))
    assert [fire.day for fire in fires] == [1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("@weekly", ["Sun", "Sun"]), ("@daily", ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] * 2)],
)
def test_macros(text: str, expected: list[str]) -> None:
    assert weekdays(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "5 fields"),
        ("0 8 * *", "5 fields"),
        ("0 8 * * * *", "5 fields"),
        ("0 8 * * 8", "not a day of the week"),
        ("0 8 * * monday", "not a day of the week"),
        ("0 8 * * 5-1", "runs backwards"),
        ("0 8 * * */0", "step"),
        ("0 8 * * 1/2", "range"),
        ("61 8 * * *", "59"),
        ("0 24 * * *", "23"),
        ("0 8 32 * *", "31"),
        ("0 8 * 13 *", "12"),
        ("0 8 last * *", "not cron syntax"),
        ("0 8 ? * *", "not cron syntax"),
    ],
)
def test_bad_expressions_are_refused(text: str, message: str) -> None:
    with pytest.raises(CronError, match=message):
        parse_cron(text)


@pytest.mark.parametrize("name", ["DIGEST_SCHEDULE", "REMINDER_SCHEDULE"])
def test_a_bad_schedule_setting_stops_start_up_naming_it(name: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load_settings(**{name.lower(): "0 8 * * 9"})


def test_last_fire_in_a_window() -> None:
    trigger = parse_cron("0 8,20 * * *").trigger(TZ)
    assert last_fire(trigger, at("2021-03-01T00:00"), at("2021-03-01T19:59")) == at("2021-03-01T08:00")
    assert last_fire(trigger, at("2021-03-01T00:00"), at("2021-03-01T20:00")) == at("2021-03-01T20:00")
    assert last_fire(trigger, at("2021-03-01T00:00"), at("2021-03-01T07:59")) is None


DIGEST = parse_cron("0 8 * * mon").trigger(TZ)
REMINDER = parse_cron("0 20 * * *").trigger(TZ)


@pytest.mark.parametrize(
    ("now", "period"),
    [
        ("2021-03-08T07:59", None),
        ("2021-03-08T08:00", "2021-W09"),
        ("2021-03-10T15:00", "2021-W09"),
        ("2021-03-14T23:59", "2021-W09"),
        ("2021-03-15T07:59", None),
        ("2021-01-04T08:00", "2020-W53"),
        ("2022-01-03T09:00", "2021-W52"),
    ],
)
def test_the_digest_is_due_from_its_time_until_the_week_ends(now: str, period: str | None) -> None:
    due = digest_due(DIGEST, at(now), TZ)
    assert (due.period if due else None) == period
    if due is not None:
        assert due.kind is DeliveryKind.DIGEST
        assert due.fire_at.strftime("%a %H:%M") == "Mon 08:00"


@pytest.mark.parametrize(
    ("now", "period"),
    [
        ("2021-03-08T19:59", None),
        ("2021-03-08T20:00", "2021-03-08"),
        ("2021-03-08T23:59", "2021-03-08"),
        ("2021-03-09T00:00", None),
        ("2020-02-29T21:00", "2020-02-29"),
    ],
)
def test_the_reminder_is_due_from_its_time_until_midnight(now: str, period: str | None) -> None:
    due = reminder_due(REMINDER, at(now), TZ)
    assert (due.period if due else None) == period


def test_due_runs_read_the_clock_in_the_bureau_time_zone() -> None:
    utc_now = datetime.fromisoformat("2021-03-08T00:30:00+00:00")
    due = digest_due(DIGEST, utc_now, TZ)
    assert due is not None and due.day == date(2021, 3, 8)


@pytest.mark.parametrize(
    ("send_day", "monday", "sunday"),
    [
        (date(2021, 3, 8), date(2021, 3, 1), date(2021, 3, 7)),
        (date(2021, 3, 14), date(2021, 3, 1), date(2021, 3, 7)),
        (date(2021, 1, 4), date(2020, 12, 28), date(2021, 1, 3)),
        (date(2020, 3, 2), date(2020, 2, 24), date(2020, 3, 1)),
    ],
)
def test_the_digest_covers_the_last_complete_week(send_day: date, monday: date, sunday: date) -> None:
    assert covered_week(send_day) == (monday, sunday)


def test_week_keys_are_iso_weeks() -> None:
    assert week_key(date(2021, 1, 3)) == "2020-W53"
    assert week_key(date(2021, 3, 1)) == "2021-W09"
