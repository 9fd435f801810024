"""Message texts for admin figures: the /set usage, answers and the progress line."""

from __future__ import annotations

from decimal import Decimal

from bot.core.figures import MAX_DECIMALS, FigureInputError, FigureProblem, FigureValue, settable_indicators
from bot.core.numbers import number
from bot.core.plan import Indicator, Measure
from bot.core.progress import Actuals, Pace, Progress
from bot.core.standing import Basis, Row
from bot.rendering.i18n import Markup
from handlers import views
from handlers.context import BotContext
from storage.figures import FigureEntry, FigureSaved

_INPUT_KEYS = {
    Measure.RATE: "figure.input_rate",
    Measure.PERCENTAGE: "figure.input_percentage",
    Measure.REDUCTION: "figure.input_reduction",
    Measure.REFERENCE_ACHIEVEMENT: "figure.input_reference",
    Measure.COUNT: "figure.input_count",
}


def indicator_name(context: BotContext, indicator: Indicator) -> str:
    """The indicator's name in the asker's language."""
    return indicator.name.get(context.language.value)


def usage(context: BotContext) -> str:
    """How to use /set, with every settable indicator and what to type for it."""
    lines = [
        context.t(
            "figure.usage_line",
            id=indicator.id,
            name=indicator_name(context, indicator),
            input=context.label(_INPUT_KEYS[indicator.measure]),
        )
        for indicator in settable_indicators(context.services.plan)
    ]
    return context.t("figure.usage", indicators=Markup("\n".join(lines)))


def problem(context: BotContext, error: FigureInputError) -> str:
    """Explain what was wrong with a /set."""
    if error.problem is FigureProblem.USAGE and not context.args:
        return usage(context)
    values = dict(error.details)
    if error.problem is FigureProblem.NOT_SETTABLE:
        indicator = context.services.plan.indicator(str(values.pop("indicator")))
        values["name"] = indicator_name(context, indicator)
    if error.problem is FigureProblem.UNKNOWN_UNIT:
        values["units"] = ", ".join(context.services.plan.units_by_code)
    return context.t(f"figure.problem_{error.problem.value}", **values)


def _number(value: Decimal | None, places: int = MAX_DECIMALS) -> str:
    return number(value, places) if value is not None else "–"


def _percent(value: Decimal | None) -> str:
    return _number(value, 1)


def _actual(context: BotContext, indicator: Indicator, progress: Progress, actuals: Actuals) -> str:
    """What the figures are, in the words of the indicator's measure."""
    unit = indicator.unit
    match indicator.measure:
        case Measure.RATE if progress.actual is not None:
            return context.t(
                "figure.actual_rate",
                percent=_percent(progress.actual),
                numerator=_number(actuals.numerator),
                denominator=_number(actuals.denominator),
            )
        case Measure.PERCENTAGE if progress.actual is not None:
            return context.t("figure.actual_percentage", percent=_percent(progress.actual))
        case Measure.REDUCTION if actuals.this_year is not None and actuals.previous_year is not None:
            return context.t(
                "figure.actual_reduction",
                year=progress.year,
                this_year=_number(actuals.this_year),
                previous_year=_number(actuals.previous_year),
                reduction=_number(progress.actual),
                unit=unit,
            )
        case Measure.REDUCTION if actuals.this_year is not None:
            return context.t(
                "figure.actual_reduction_no_previous",
                year=progress.year,
                this_year=_number(actuals.this_year),
                unit=unit,
            )
        case Measure.REDUCTION if actuals.previous_year is not None:
            return context.t(
                "figure.actual_reduction_no_this_year",
                previous_year=_number(actuals.previous_year),
                unit=unit,
            )
        case Measure.REFERENCE_ACHIEVEMENT if progress.actual is not None:
            return context.t(
                "figure.actual_reference",
                count=actuals.count or 0,
                reference=_number(actuals.reference),
                percent=_percent(progress.actual),
                count_unit=indicator.daily_unit,
            )
        case Measure.REFERENCE_ACHIEVEMENT:
            return context.t(
                "figure.actual_reference_missing", count=actuals.count or 0, count_unit=indicator.daily_unit
            )
        case Measure.COUNT if progress.actual is not None:
            return context.t("figure.actual_count", count=_number(progress.actual, 0), unit=unit)
    return context.t("figure.actual_none")


def pace_label(context: BotContext, pace: Pace) -> str:
    """The pace in words, with its mark."""
    return context.label(f"figure.pace_{pace.value}")


def _judgement(context: BotContext, indicator: Indicator, progress: Progress) -> str:
    if progress.target is None:
        return context.t("figure.no_target")
    if progress.achievement_pct is None:
        return context.t(
            "figure.judged_no_achievement",
            target=_number(progress.target),
            unit=indicator.unit,
            pace=pace_label(context, progress.pace),
        )
    return context.t(
        "figure.judged",
        target=_number(progress.target),
        unit=indicator.unit,
        achievement=number(progress.achievement_pct, 1),
        pace=pace_label(context, progress.pace),
    )


def _scope(context: BotContext, row: Row, unit_code: str | None) -> str:
    """Whose figures the line shows: the bureau, the unit, or the bureau's seen from a unit."""
    if unit_code is None:
        return context.label("figure.bureau")
    unit = views.unit_name(context, unit_code)
    if row.basis is Basis.UNIT:
        return unit
    if row.basis is Basis.UNIT_AT_BUREAU_TARGET:
        return context.label("figure.scope_at_bureau_target", unit=unit)
    if row.basis is Basis.CONTRIBUTION:
        own = f"{number(row.own_count or 0)} {row.indicator.daily_unit}"
        return context.label("figure.scope_contribution", unit=unit, own=own)
    return context.label("figure.scope_bureau_figures", unit=unit)


def progress_line(context: BotContext, row: Row, unit_code: str | None) -> str:
    """One indicator's standing for a unit (or the bureau) in a year, in three short lines."""
    indicator, progress = row.indicator, row.progress
    return context.t(
        "figure.line",
        name=indicator_name(context, indicator),
        scope=_scope(context, row, unit_code),
        year=views.year_label(context, progress.year),
        actual=Markup(_actual(context, indicator, progress, row.actuals)),
        judgement=Markup(_judgement(context, indicator, progress)),
    )


def _value_text(indicator: Indicator, value: FigureValue) -> str:
    suffix = "%" if indicator.measure is Measure.PERCENTAGE else ""
    return value.text() + suffix


def saved(context: BotContext, indicator: Indicator, result: FigureSaved, line: str, author: str) -> str:
    """The answer to a /set: the progress line and what the entry replaced (entered by `author`)."""
    text = context.t("figure.saved", line=Markup(line))
    previous: FigureEntry | None = result.previous
    if previous is None:
        return text + "\n" + context.t("figure.first_entry")
    when = previous.entered_at.astimezone(context.services.settings.tz)
    superseded = context.t(
        "figure.superseded",
        old=_value_text(indicator, previous.value),
        who=author,
        when=f"{when:%Y-%m-%d %H:%M}",
    )
    return text + "\n" + superseded
