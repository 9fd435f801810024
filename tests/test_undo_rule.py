"""Who may void a report, and until when: its own officer, for 24 hours after it arrived."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.core.reporting import UNDO_WINDOW, may_undo, undo_since

RECEIVED = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
OFFICER, OTHER = 501, 502


def test_window_is_a_day() -> None:
    assert timedelta(hours=24) == UNDO_WINDOW


@pytest.mark.parametrize(
    ("age", "allowed"),
    [
        (timedelta(0), True),
        (timedelta(hours=23, minutes=59, seconds=59), True),
        (timedelta(hours=24), True),
        (timedelta(hours=24, microseconds=1), False),
        (timedelta(hours=25), False),
    ],
)
def test_own_report_within_the_window(age: timedelta, allowed: bool) -> None:
    assert may_undo(OFFICER, OFFICER, RECEIVED, RECEIVED + age) is allowed


@pytest.mark.parametrize("age", [timedelta(0), timedelta(hours=1), timedelta(hours=24)])
def test_someone_elses_report_never(age: timedelta) -> None:
    assert not may_undo(OFFICER, OTHER, RECEIVED, RECEIVED + age)


def test_undo_since_agrees_with_may_undo() -> None:
    now = RECEIVED + timedelta(hours=30)
    oldest = undo_since(now)
    assert oldest == now - timedelta(hours=24)
    assert may_undo(OFFICER, OFFICER, oldest, now)
    assert not may_undo(OFFICER, OFFICER, oldest - timedelta(microseconds=1), now)


def test_window_is_independent_of_time_zone() -> None:
    taipei = RECEIVED.astimezone(timezone(timedelta(hours=8)))
    assert may_undo(OFFICER, OFFICER, taipei, RECEIVED + timedelta(hours=24))
    assert not may_undo(OFFICER, OFFICER, taipei, RECEIVED + timedelta(hours=24, seconds=1))
