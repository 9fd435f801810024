"""The daily reminder's text and buttons (sent by the scheduler, outside any update)."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core import callbacks as cb
from bot.core.domain import Language
from bot.rendering.i18n import Catalog


def short_day(catalog: Catalog, language: Language, day: date) -> str:
    """A date as people read it on a button or in a line: 11/27（五）."""
    weekday = catalog.plain(language, f"common.weekday_{day.weekday()}")
    return catalog.plain(language, "common.short_day", month=day.month, day=day.day, weekday=weekday)


def reminder_text(catalog: Catalog, language: Language, day: date) -> str:
    """Ask the officer to report today, or to record that there was nothing."""
    return catalog.text(language, "reminder.text", day=short_day(catalog, language, day))


def reminder_buttons(catalog: Catalog, language: Language, day: date) -> InlineKeyboardMarkup:
    """Report now, or record 'nothing to report' for the day (handled by the report flow).

    The one builder of this keyboard: the scheduler sends it outside any update, so it needs only
    the catalog and the recipient's language.
    """
    start = catalog.plain(language, "report.button_start")
    nothing = catalog.plain(language, "report.button_nothing", day=short_day(catalog, language, day))
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(start, callback_data=cb.encode(cb.StartReport())),
                InlineKeyboardButton(nothing, callback_data=cb.encode(cb.NothingToReport(day))),
            ]
        ]
    )
