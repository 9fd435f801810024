"""`python -m bot digest`: the weekly digest as plain text, for the server's operators."""

from __future__ import annotations

from datetime import date

from bot.core.domain import Language
from bot.core.plan import Plan
from bot.rendering.i18n import Catalog
from bot.rendering.progress_text import ProgressTexts, to_plain
from bot.services import progress_over
from bot.settings import Settings
from storage.database import Database


async def digest_text(
    settings: Settings, plan: Plan, *, unit_code: str | None, send_day: date, language: Language
) -> str:
    """The digest that would be sent on send_day, without markup and without officers' names."""
    db = Database(settings.database_path)
    await db.open()
    try:
        data = progress_over(db, plan, settings.tz)
        digest = await data.digest(send_day=send_day, unit_code=unit_code)
    finally:
        await db.close()
    texts = ProgressTexts(Catalog.load(), language, plan)
    return to_plain(texts.digest(digest, show_names=False))
