"""`python -m bot annual`: the year's result sheet, the same .xlsx /annual sends."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.core.domain import Language
from bot.core.plan import Plan
from bot.rendering.annual_sheet import AnnualSheet, annual_sheet
from bot.rendering.i18n import Catalog
from bot.services import progress_over
from bot.settings import Settings
from storage.database import Database


async def read_annual_sheet(
    settings: Settings, plan: Plan, *, year: int, today: date, language: Language
) -> AnnualSheet | None:
    """The year's sheet from the database, read side by side with a running bot; None when empty."""
    db = Database(settings.database_path)
    await db.open()
    try:
        data = progress_over(db, plan, settings.tz)
        return await annual_sheet(
            data, plan=plan, catalog=Catalog.load(), language=language, year=year, today=today
        )
    finally:
        await db.close()


def write_sheet(sheet: AnnualSheet, out: Path | None) -> None:
    """Write the file (its folder made when missing), or the bytes to standard output."""
    if out is None:
        import sys

        sys.stdout.buffer.write(sheet.data)
        sys.stdout.buffer.flush()
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(sheet.data)
