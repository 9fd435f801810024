"""Where figures that are not field counts come from (rates, percentages, reference values).

Admins enter them with /set; storage's FigureRepo answers this protocol. Progress only reads
them through `FiguresSource`. `NO_FIGURES` answers nothing, so those indicators show "no data yet".
"""

from __future__ import annotations

from typing import Protocol

from bot.core.progress import Actuals


class FiguresSource(Protocol):
    """Admin-entered year-to-date figures per indicator id, for the bureau or one unit."""

    async def actuals_for(self, *, year: int, unit_code: str | None) -> dict[str, Actuals]:
        """Figures of a Gregorian year; unit_code None means the whole bureau."""
        ...


class NoFigures:
    """A source that has no figures at all."""

    async def actuals_for(self, *, year: int, unit_code: str | None) -> dict[str, Actuals]:
        """Nothing, for any year and unit."""
        return {}


NO_FIGURES: FiguresSource = NoFigures()
