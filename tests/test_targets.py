"""Pure target arithmetic: splitting a bureau target into whole shares, and which target counts."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D
from pathlib import Path

import pytest

from bot.core.plan import load_plan
from bot.core.targets import Amendment, Change, YearTargets
from bot.core.targets_proposals import split

PLAN = load_plan(Path(__file__).resolve().parents[1] / "plan.json")


@pytest.mark.parametrize(
    ("total", "weights", "expected"),
    [
        (D(40), {"p1": 30, "p2": 10}, {"p1": D(30), "p2": D(10)}),
        (D(50), {"p1": 1, "p2": 1, "p3": 1}, {"p1": D(17), "p2": D(17), "p3": D(16)}),
        (D(10), {"p1": 2, "p2": 0, "p3": 1}, {"p1": D(7), "p3": D(3)}),
        (D(3), {"p1": 0}, {}),
    ],
)
def test_split_gives_whole_shares_that_sum_to_the_total(
    total: D, weights: dict[str, int], expected: dict[str, D]
) -> None:
    shares = split(total, weights)
    assert shares == expected
    assert sum(shares.values()) == (total if expected else 0)


def test_the_latest_amendment_overrides_the_plan_file_for_its_year_and_scope_only() -> None:
    at = datetime(2021, 3, 1, tzinfo=UTC)
    amendments = [
        Amendment("dui", 2021, None, D(82), Change.SET, 1, at, id=1),
        Amendment("dui", 2021, None, D(84), Change.SET, 1, at, id=2),
        Amendment("dui", 2021, "p1", D(90), Change.ALLOCATE, 1, at, id=3),
        Amendment("dui", 2020, None, D(10), Change.SET, 1, at, id=4),
    ]
    year = YearTargets(PLAN, 2021, amendments)
    bureau = year.target("dui")
    assert bureau is not None and bureau.value == D(84) and not bureau.from_plan
    assert year.value("dui", "p1") == D(90) and year.value("dui", "p2") is None
    planned = year.target("clearance_rate")
    assert planned is not None and planned.value == D(85) and planned.from_plan
    assert YearTargets(PLAN, 2026).target("dui") is None
