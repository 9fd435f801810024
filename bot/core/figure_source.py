"""Where figures that are not field counts come from (rates, percentages, reference values).

Admins enter them with /set; storage's FigureRepo answers this protocol. Progress only reads
them through `FiguresSource`. `NO_FIGURES` answers nothing, so those indicators show "no data yet".
"""

from __future__ import annotations

from typing import Protocol

from bot.core.progress import Actuals

ScopeFigures = dict[str | None, dict[str, Actuals]]
"""Unit code (None = the whole bureau) -> indicator id -> figures."""


class FiguresSource(Protocol):
    """Admin-entered year-to-date figures per indicator id, for the bureau and each unit."""

    async def actuals_by_scope(self, *, year: int) -> ScopeFigures:
        """Every scope's figures of a Gregorian year, in one read; a scope without any is absent."""
        ...


class NoFigures:
    """A source that has no figures at all."""

    async def actuals_by_scope(self, *, year: int) -> ScopeFigures:
        """Nothing, for any year."""
        return {}


NO_FIGURES: FiguresSource = NoFigures()
