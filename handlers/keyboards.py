"""Inline keyboards, built from the catalog and the callback data types."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core import callbacks as cb
from bot.core.domain import Language
from bot.core.plan import Indicator
from bot.rendering.reminder import short_day
from handlers.context import BotContext

QUICK_COUNTS = (0, 1, 2, 3, 4, 5, 6, 8, 10)


def _button(text: str, data: cb.CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=cb.encode(data))


def _rows(buttons: Sequence[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[start : start + width]) for start in range(0, len(buttons), width)]


def indicator_label(context: BotContext, indicator: Indicator) -> str:
    """The short name of an officer-reported indicator for buttons and lines."""
    key = f"indicator.{indicator.id}"
    if context.services.catalog.has(context.language, key):
        return context.label(key)
    return indicator.name.get(context.language.value)


def day_label(context: BotContext, day: date) -> str:
    """A date as people read it on a button: 11/27（五）."""
    return short_day(context.services.catalog, context.language, day)


def cancel_row(context: BotContext) -> list[InlineKeyboardButton]:
    """One row with the cancel button."""
    return [_button(context.label("report.button_cancel"), cb.CancelReport())]


def choose_indicator(context: BotContext, nonce: str, nothing_day: date) -> InlineKeyboardMarkup:
    """What to report, plus 'nothing to report' and cancel."""
    buttons = [
        _button(indicator_label(context, indicator), cb.PickIndicator(indicator.id, nonce))
        for indicator in context.services.plan.officer_indicators()
    ]
    rows = _rows(buttons, 2)
    nothing = context.label("report.button_nothing", day=day_label(context, nothing_day))
    rows.append([_button(nothing, cb.NothingToReport(nothing_day))])
    rows.append(cancel_row(context))
    return InlineKeyboardMarkup(rows)


def choose_count(context: BotContext, indicator: Indicator, nonce: str) -> InlineKeyboardMarkup:
    """Quick counts up to the indicator's maximum."""
    maximum = indicator.max_daily_count or 0
    buttons = [
        _button(str(count), cb.PickCount(indicator.id, count, nonce))
        for count in QUICK_COUNTS
        if count <= maximum
    ]
    return InlineKeyboardMarkup([*_rows(buttons, 5), cancel_row(context)])


def choose_day(
    context: BotContext, indicator: Indicator, count: int, nonce: str, first: date
) -> InlineKeyboardMarkup:
    """Today and yesterday (the likelier one first), or another day."""
    window = context.report_window()
    candidates = [
        day
        for day in (first, window.today, window.today.fromordinal(window.today.toordinal() - 1))
        if window.earliest <= day <= window.today
    ]
    unique = list(dict.fromkeys(candidates))
    buttons = [
        _button(_relative_label(context, day), cb.PickDay(indicator.id, count, day, nonce)) for day in unique
    ]
    rows = [buttons]
    if window.days_back > 1:
        rows.append(
            [_button(context.label("report.button_other_day"), cb.OtherDay(indicator.id, count, nonce))]
        )
    rows.append(cancel_row(context))
    return InlineKeyboardMarkup(rows)


def _relative_label(context: BotContext, day: date) -> str:
    today = context.today()
    key = "report.button_today" if day == today else "report.button_yesterday"
    if (today - day).days > 1:
        return day_label(context, day)
    return context.label(key, day=day_label(context, day))


def choose_any_day(context: BotContext, indicator: Indicator, count: int, nonce: str) -> InlineKeyboardMarkup:
    """Every date the window accepts."""
    buttons = [
        _button(day_label(context, day), cb.PickDay(indicator.id, count, day, nonce))
        for day in context.report_window().days()
    ]
    return InlineKeyboardMarkup([*_rows(buttons, 4), cancel_row(context)])


def confirm_report(
    context: BotContext, indicator: Indicator, count: int, day: date, nonce: str
) -> InlineKeyboardMarkup:
    """Confirm or cancel the guided report."""
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    context.label("report.button_confirm"), cb.ConfirmReport(indicator.id, count, day, nonce)
                )
            ],
            cancel_row(context),
        ]
    )


def confirm_undo(context: BotContext, report_id: int) -> InlineKeyboardMarkup:
    """Void the report or keep it."""
    return InlineKeyboardMarkup(
        [
            [
                _button(context.label("undo.button_void"), cb.ConfirmUndo(report_id)),
                _button(context.label("undo.button_keep"), cb.KeepReport()),
            ]
        ]
    )


def choose_language(context: BotContext) -> InlineKeyboardMarkup:
    """The languages the bot speaks, each in its own name."""
    catalog = context.services.catalog
    return InlineKeyboardMarkup(
        [
            [
                _button(catalog.plain(language, "lang.name"), cb.ChooseLanguage(language))
                for language in Language
            ]
        ]
    )
