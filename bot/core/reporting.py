"""Rules for what an officer may report: indicators, counts, dates, notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot.core.dates import looks_like_date, parse_date
from bot.core.plan import Indicator, Plan
from bot.core.refused import InputRefused
from bot.core.screening import find_personal_data
from bot.core.text_input import clean, has_separator, parse_int, tokens

MAX_NOTE_LENGTH = 200
UNDO_WINDOW = timedelta(hours=24)
"""An officer may void their own report for a day after it arrived."""
_TODAY_WORDS = {"today", "今天", "今日", "本日"}
_YESTERDAY_WORDS = {"yesterday", "昨天", "昨日"}
ECHO_AT_MOST = 24


class Problem(StrEnum):
    """Why a report was not accepted; each has a message in the catalog."""

    USAGE = "usage"
    UNKNOWN_INDICATOR = "unknown_indicator"
    NOT_A_COUNT = "not_a_count"
    COUNT_WITH_SEPARATOR = "count_with_separator"
    COUNT_OUT_OF_RANGE = "count_out_of_range"
    NOT_A_DATE = "not_a_date"
    DATE_IN_FUTURE = "date_in_future"
    DATE_TOO_OLD = "date_too_old"
    NOTE_TOO_LONG = "note_too_long"
    NOTE_PERSONAL_DATA = "note_personal_data"


class ReportInputError(InputRefused[Problem]):
    """Input that cannot become a report, with the values the answer needs."""


@dataclass(frozen=True)
class ReportWindow:
    """The dates a report may carry: from `earliest` to `today`, in the bureau's time zone."""

    today: date
    days_back: int

    @property
    def earliest(self) -> date:
        """The oldest date still accepted."""
        return self.today - timedelta(days=self.days_back)

    def check(self, day: date) -> date:
        """Return the date if it lies in the window, else raise."""
        if day > self.today:
            raise ReportInputError(Problem.DATE_IN_FUTURE, {"earliest": self.earliest, "today": self.today})
        if day < self.earliest:
            raise ReportInputError(Problem.DATE_TOO_OLD, {"earliest": self.earliest, "today": self.today})
        return day

    def days(self) -> list[date]:
        """Every accepted date, newest first."""
        return [self.today - timedelta(days=offset) for offset in range(self.days_back + 1)]


@dataclass(frozen=True)
class ReportRequest:
    """A validated report, ready to be stored."""

    indicator: Indicator
    count: int
    day: date
    note: str | None


def default_day(local_now: datetime, night_shift_until: time) -> date:
    """The date a guided report offers first: yesterday during the small hours of a night shift."""
    if local_now.time() < night_shift_until:
        return local_now.date() - timedelta(days=1)
    return local_now.date()


def parse_count(text: str, indicator: Indicator) -> int:
    """Return a whole count between 0 and the indicator's maximum, else raise."""
    if has_separator(text):
        raise ReportInputError(Problem.COUNT_WITH_SEPARATOR, {"maximum": indicator.max_daily_count})
    value = parse_int(text)
    if value is None:
        raise ReportInputError(Problem.NOT_A_COUNT, {"maximum": indicator.max_daily_count})
    if not 0 <= value <= (indicator.max_daily_count or 0):
        raise ReportInputError(Problem.COUNT_OUT_OF_RANGE, {"maximum": indicator.max_daily_count})
    return value


def parse_day(text: str, window: ReportWindow) -> date:
    """Read today/yesterday/今天/昨天 or a date (`parse_date`) and check it against the window."""
    word = clean(text).lower()
    if word in _TODAY_WORDS:
        return window.today
    if word in _YESTERDAY_WORDS:
        return window.check(window.today - timedelta(days=1))
    day = parse_date(word)
    if day is None:
        raise ReportInputError(Problem.NOT_A_DATE, {"earliest": window.earliest, "today": window.today})
    return window.check(day)


def looks_like_day(text: str) -> bool:
    """Whether a token is meant as a date rather than the start of a note (10000-01-01 is a bad date)."""
    word = clean(text).lower()
    return word in _TODAY_WORDS or word in _YESTERDAY_WORDS or looks_like_date(word)


def check_note(text: str) -> str | None:
    """Return the cleaned note (None when empty), refusing one too long or with personal data."""
    note = clean(text)
    if not note:
        return None
    if len(note) > MAX_NOTE_LENGTH:
        raise ReportInputError(Problem.NOTE_TOO_LONG, {"maximum": MAX_NOTE_LENGTH})
    found = find_personal_data(note)
    if found is not None:
        raise ReportInputError(Problem.NOTE_PERSONAL_DATA, {"found": found})
    return note


def _split_indicator(plan: Plan, words: list[str]) -> tuple[Indicator, list[str]]:
    for size in range(min(len(words), 6), 0, -1):
        indicator = plan.resolve_indicator(" ".join(words[:size]))
        if indicator is not None and indicator in plan.officer_indicators():
            return indicator, words[size:]
    given = words[0] if words else ""
    if len(given) > ECHO_AT_MOST:
        given = given[: ECHO_AT_MOST - 1] + "…"
    raise ReportInputError(Problem.UNKNOWN_INDICATOR, {"given": given})


def parse_report_line(text: str, *, plan: Plan, window: ReportWindow) -> ReportRequest:
    """Parse `<indicator> <count> [date] [note...]` as typed after /report."""
    words = tokens(text)
    if len(words) < 2:
        raise ReportInputError(Problem.USAGE)
    indicator, rest = _split_indicator(plan, words)
    if not rest:
        raise ReportInputError(Problem.USAGE)
    count = parse_count(rest[0], indicator)
    rest = rest[1:]
    day = window.today
    if rest and looks_like_day(rest[0]):
        day = parse_day(rest[0], window)
        rest = rest[1:]
    note = check_note(" ".join(rest))
    return ReportRequest(indicator=indicator, count=count, day=day, note=note)


def undo_since(now: datetime) -> datetime:
    """The oldest arrival time of a report its officer may still void."""
    return now - UNDO_WINDOW


def may_undo(report_officer: int, asker: int, received_at: datetime, now: datetime) -> bool:
    """Only the officer who sent a report may void it, and only within UNDO_WINDOW of its arrival."""
    return report_officer == asker and received_at >= undo_since(now)
