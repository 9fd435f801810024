"""The refusal budget: one refusal a group an hour, a few a second across the bureau, dropped beyond."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.outsiders import BURST, ONCE_PER, RefusalBudget

NOW = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)


def test_a_burst_then_one_a_second() -> None:
    budget = RefusalBudget(per_second=1.0, burst=BURST)
    assert [budget.allow(NOW) for _ in range(BURST + 2)] == [True] * BURST + [False, False]
    assert not budget.allow(NOW + timedelta(milliseconds=500))
    assert budget.allow(NOW + timedelta(seconds=1))
    assert not budget.allow(NOW + timedelta(seconds=1))


def test_a_group_hears_one_refusal_an_hour() -> None:
    budget = RefusalBudget(per_second=100.0, burst=100)
    assert budget.allow(NOW, group_chat=-1)
    assert not budget.allow(NOW + ONCE_PER - timedelta(seconds=1), group_chat=-1)
    assert budget.allow(NOW + timedelta(seconds=1), group_chat=-2)  # another group
    assert budget.allow(NOW + ONCE_PER, group_chat=-1)


def test_a_refused_user_is_remembered_for_the_hour() -> None:
    budget = RefusalBudget()
    assert not budget.refused_lately(7, NOW)
    budget.refused(7, NOW)
    assert budget.refused_lately(7, NOW + ONCE_PER - timedelta(seconds=1))
    assert not budget.refused_lately(7, NOW + ONCE_PER)
    assert not budget.refused_lately(8, NOW)
