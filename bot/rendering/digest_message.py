"""The weekly digest as Telegram sends it: a text, then a chart with a caption.

The schedule (bot/scheduling/dispatcher.py) and /digest (handlers/progress.py) both assemble it
here, so what a chief asks for on Monday is what the schedule sent them that morning. Charts are
drawn in a worker thread, once per scope and language, however many recipients share them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from telegram import InputFile

from bot.core.digest import Digest
from bot.core.domain import Language
from bot.core.plan import Plan
from bot.core.standing import chart_point
from bot.rendering.chart import draw_chart
from bot.rendering.i18n import Catalog
from bot.rendering.progress_text import ProgressTexts

CHART_FILENAME = "digest.png"

Scope = str | None
"""A unit code, or None for the bureau."""


class DigestMessages:
    """The digests of one send day, rendered for each reader's scope and language."""

    def __init__(self, digests: Mapping[Scope, Digest], catalog: Catalog, plan: Plan) -> None:
        self.digests = digests
        self._catalog = catalog
        self._plan = plan
        self._charts: dict[tuple[Scope, Language], bytes] = {}

    def _texts(self, language: Language) -> ProgressTexts:
        return ProgressTexts(self._catalog, language, self._plan)

    def text(self, scope: Scope, language: Language, *, show_names: bool) -> str:
        """The digest message; silent officers are named only when the reader may see them."""
        return self._texts(language).digest(self.digests[scope], show_names=show_names)

    def caption(self, scope: Scope, language: Language) -> str:
        """The caption under the chart."""
        return self._texts(language).chart_caption(self.digests[scope])

    async def chart(self, scope: Scope, language: Language) -> bytes:
        """The PNG chart of a scope in a language, drawn in a worker thread on first use."""
        key = (scope, language)
        if key not in self._charts:
            standing = self.digests[scope].standing
            points = [chart_point(row) for row in standing.rows]
            text = self._texts(language).chart_text(standing)
            self._charts[key] = await asyncio.to_thread(draw_chart, points, text)
        return self._charts[key]

    async def photo(self, scope: Scope, language: Language) -> InputFile:
        """The chart as an upload, under the name recipients see."""
        return InputFile(await self.chart(scope, language), filename=CHART_FILENAME)
