"""The one number formatter: half up, thousands grouped, no trailing zeros, never "-0"."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bot.core.numbers import number


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (D("62.25"), 1, "62.3"),
        (D("1234.5"), 1, "1,234.5"),
        (D("1234.5"), 0, "1,235"),
        (D("0.125"), 2, "0.13"),
        (D("85.50"), 2, "85.5"),
        (D(1200), 2, "1,200"),
        (D("-0.001"), 2, "0"),
        (D("-0.04"), 1, "0"),
        (D("-1234.56"), 1, "-1,234.6"),
        (7, 1, "7"),
        (1234567, 0, "1,234,567"),
    ],
)
def test_number(value: D | int, places: int, text: str) -> None:
    assert number(value, places) == text
