"""The one way a number is shown as text: rounded half up, thousands grouped, no trailing zeros."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def number(value: Decimal | int, places: int = 1) -> str:
    """Round half up to `places` decimals, group thousands, drop trailing zeros: 1,234.5 / 62.3 / 0."""
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)
    text = f"{rounded:,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
