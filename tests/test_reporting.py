"""Parsing what officers type: indicators, counts, dates and notes."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest

from bot.core.plan import Plan, load_plan
from bot.core.reporting import (
    MAX_NOTE_LENGTH,
    Problem,
    ReportInputError,
    ReportWindow,
    default_day,
    parse_report_line,
)

PLAN_PATH = Path(__file__).resolve().parent.parent / "plan.json"
TODAY = date(2026, 11, 27)
WINDOW = ReportWindow(today=TODAY, days_back=7)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(PLAN_PATH)


@pytest.mark.parametrize(
    ("line", "indicator", "count", "day", "note"),
    [
        ("dui 3", "dui", 3, TODAY, None),
        ("DUI 0", "dui", 0, TODAY, None),
        ("酒駕 3 昨天", "dui", 3, date(2026, 11, 26), None),
        ("取締酒駕件數 12 2026-11-20 深夜路檢", "dui", 12, date(2026, 11, 20), "深夜路檢"),
        ("宣導 1 today 社區 反詐騙 講座", "prevention_talks", 1, TODAY, "社區 反詐騙 講座"),
        ("查獲違反保護令罪移（函）送件數 2", "protection_order", 2, TODAY, None),
        ("查獲違反保護令罪移(函)送件數 2", "protection_order", 2, TODAY, None),
        ("家暴 ３", "domestic_violence", 3, TODAY, None),
        ("trafficking 1 yesterday", "trafficking", 1, date(2026, 11, 26), None),
        ("dui\u200b 4", "dui", 4, TODAY, None),
        ("dui 5 2026/11/25", "dui", 5, date(2026, 11, 25), None),
    ],
)
def test_accepted_lines(
    plan: Plan, line: str, indicator: str, count: int, day: date, note: str | None
) -> None:
    request = parse_report_line(line, plan=plan, window=WINDOW)
    assert (request.indicator.id, request.count, request.day, request.note) == (indicator, count, day, note)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("", Problem.USAGE),
        ("dui", Problem.USAGE),
        ("burglary 3", Problem.UNKNOWN_INDICATOR),
        ("clearance_rate 3", Problem.UNKNOWN_INDICATOR),
        ("dui three", Problem.NOT_A_COUNT),
        ("dui -1", Problem.COUNT_OUT_OF_RANGE),
        ("dui 51", Problem.COUNT_OUT_OF_RANGE),
        ("dui 99999999999999999999", Problem.NOT_A_COUNT),
        ("dui 2.5", Problem.COUNT_WITH_SEPARATOR),
        ("dui 1,0", Problem.COUNT_WITH_SEPARATOR),
        ("dui 1,000", Problem.COUNT_WITH_SEPARATOR),
        ("dui ٣", Problem.NOT_A_COUNT),
        ("dui 3 2026-11-28", Problem.DATE_IN_FUTURE),
        ("dui 3 2026-11-19", Problem.DATE_TOO_OLD),
        ("dui 3 1900-01-01", Problem.DATE_TOO_OLD),
        ("dui 3 9999-12-31", Problem.DATE_IN_FUTURE),
        ("dui 3 2026-02-30", Problem.NOT_A_DATE),
        ("dui 3 today " + "長" * (MAX_NOTE_LENGTH + 1), Problem.NOTE_TOO_LONG),
    ],
)
def test_refused_lines(plan: Plan, line: str, problem: Problem) -> None:
    with pytest.raises(ReportInputError) as caught:
        parse_report_line(line, plan=plan, window=WINDOW)
    assert caught.value.problem is problem


def test_yesterday_refused_when_window_is_today_only(plan: Plan) -> None:
    with pytest.raises(ReportInputError) as caught:
        parse_report_line("dui 1 yesterday", plan=plan, window=ReportWindow(today=TODAY, days_back=0))
    assert caught.value.problem is Problem.DATE_TOO_OLD


@pytest.mark.parametrize(
    ("clock", "expected"),
    [
        (time(0, 0), date(2026, 11, 26)),
        (time(4, 59), date(2026, 11, 26)),
        (time(5, 0), TODAY),
        (time(23, 59), TODAY),
    ],
)
def test_night_shift_offers_previous_day(clock: time, expected: date) -> None:
    assert default_day(datetime.combine(TODAY, clock), time(5, 0)) == expected


def test_window_lists_every_accepted_day() -> None:
    days = WINDOW.days()
    assert days[0] == TODAY and days[-1] == date(2026, 11, 20) and len(days) == 8
