"""Progress and digest texts from the catalog: HTML for Telegram, plain text for the terminal.

One line per indicator: pace mark, name, compact bar, numbers. Names of silent officers appear
only when the caller says the reader may see them (a chief in a private chat).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from datetime import date

from bot.core.annual import Verdict, row_has_figures, verdict
from bot.core.digest import Digest
from bot.core.domain import Language
from bot.core.numbers import number
from bot.core.plan import Direction, Indicator, Measure, Plan, roc_year
from bot.core.progress import HUNDRED, Pace, year_fraction
from bot.core.standing import Basis, Row, Standing, bar
from bot.core.targets import plan_spans
from bot.rendering.chart import ChartText
from bot.rendering.i18n import Catalog, Markup

MAX_NAMES = 30
MESSAGE_LIMIT = 4096
"""Telegram's longest message text, in UTF-16 code units after the markup is parsed."""
_TAG = re.compile(r"<[^>]+>")


def to_plain(text: str) -> str:
    """Telegram HTML as plain text: tags removed, entities decoded."""
    return html.unescape(_TAG.sub("", text))


def telegram_length(text: str) -> int:
    """How long Telegram counts an HTML text: UTF-16 code units of what it shows."""
    return len(to_plain(text).encode("utf-16-le")) // 2


class ProgressTexts:
    """Renders standings, digests and chart labels in one language."""

    def __init__(self, catalog: Catalog, language: Language, plan: Plan) -> None:
        self.catalog = catalog
        self.language = language
        self.plan = plan

    def t(self, key: str, /, **values: object) -> str:
        """A catalog message, values escaped."""
        return self.catalog.text(self.language, key, **values)

    def label(self, key: str, /, **values: object) -> str:
        """A plain catalog string."""
        return self.catalog.plain(self.language, key, **values)

    # ------------------------------------------------------------------ names and dates
    def unit_name(self, unit_code: str | None) -> str:
        """The unit's name, or 'the bureau'."""
        if unit_code is None:
            return self.label("digest.bureau")
        unit = self.plan.unit(unit_code)
        return unit.name.get(self.language.value) if unit else unit_code

    def indicator_name(self, indicator: Indicator) -> str:
        """A short name that fits a phone line."""
        key = f"progress.short_{indicator.id}"
        if self.catalog.has(self.language, key) and not self._renamed(indicator):
            return self.label(key)
        return indicator.name.get(self.language.value)

    def _renamed(self, indicator: Indicator) -> bool:
        """Whether a later plan period renamed the indicator (its short catalog name would be stale)."""
        try:
            return indicator.name != self.plan.indicator(indicator.id).name
        except KeyError:
            return False

    def year(self, year: int) -> str:
        """民國110年（2021） / 2021 (ROC 110)."""
        return self.label("common.year", roc=roc_year(year), year=year)

    def day(self, day: date) -> str:
        """3/7（週日） / Sun 3/7."""
        weekday = self.label(f"common.weekday_{day.weekday()}")
        return self.label("common.short_day", month=day.month, day=day.day, weekday=weekday)

    def unit_word(self, unit: str) -> str:
        """A unit of measure (場, 件, 人) in the reader's language."""
        key = f"progress.unit_{unit}"
        return self.label(key) if self.catalog.has(self.language, key) else unit

    def mark(self, pace: Pace) -> str:
        """The pace mark (emoji)."""
        return self.label(f"progress.mark_{pace.value}")

    # ------------------------------------------------------------------ figures
    def figures(self, row: Row, *, unit_view: bool) -> str:
        """The numbers of a row, saying whose they are when a unit's view mixes unit and bureau."""
        body = self._figures(row)
        if row.basis is Basis.CONTRIBUTION:
            own = f"{number(row.own_count or 0)} {self.unit_word(row.indicator.daily_unit)}"
            return self.t("progress.own_prefix", own=own) + body
        if row.basis in (Basis.UNIT, Basis.UNIT_AT_BUREAU_TARGET):
            return self.t("progress.unit_prefix") + body
        if unit_view:
            return self.t("progress.bureau_prefix") + body
        return body

    def _figures(self, row: Row) -> str:
        indicator, progress = row.indicator, row.progress
        actual, target = progress.actual, progress.target
        unit = self.unit_word(indicator.unit)
        less = indicator.direction is Direction.LESS
        if indicator.measure is Measure.REFERENCE_ACHIEVEMENT:
            counted = {
                "count": number(row.basis_count or 0),
                "count_unit": self.unit_word(indicator.daily_unit),
            }
            if actual is None:
                return self.t("progress.reference_missing", **counted)
            if target is None:
                return self.t("progress.reference_no_target", actual=number(actual), **counted)
            return self.t("progress.reference", actual=number(actual), target=number(target), **counted)
        if actual is None:
            return self.t("progress.no_data")
        if indicator.measure is Measure.COUNT:
            if target is None:
                return self.t("progress.count_no_target", actual=number(actual), unit=unit)
            if less:
                return self.t("progress.count_less", actual=number(actual), target=number(target), unit=unit)
            if progress.achievement_pct is None:
                return self.t("progress.count_plain", actual=number(actual), target=number(target), unit=unit)
            pct = number(progress.achievement_pct, 0)
            return self.t("progress.count", actual=number(actual), target=number(target), unit=unit, pct=pct)
        if indicator.measure is Measure.REDUCTION:
            if target is None:
                return self.t("progress.reduction_no_target", actual=number(actual), unit=unit)
            projected = progress.projected_year_end
            if projected is not None and progress.year_fraction < 1:
                return self.t(
                    "progress.reduction_forecast",
                    projected=number(projected),
                    target=number(target),
                    unit=unit,
                )
            return self.t("progress.reduction", actual=number(actual), target=number(target), unit=unit)
        if target is None:
            return self.t("progress.level_no_target", actual=number(actual))
        key = "progress.level_less" if less else "progress.level"
        return self.t(key, actual=number(actual), target=number(target))

    def outlook(self, row: Row) -> str | None:
        """Year-end forecast and weekly need, when the year is running and a target is set."""
        progress = row.progress
        if progress.target is None or progress.projected_year_end is None or progress.pace is Pace.DONE:
            return None
        if row.indicator.measure not in (Measure.COUNT, Measure.REFERENCE_ACHIEVEMENT):
            return None
        reference = row.indicator.measure is Measure.REFERENCE_ACHIEVEMENT
        suffix = "%" if reference else f" {self.unit_word(row.indicator.unit)}"
        parts = [self.t("progress.projection", projected=number(progress.projected_year_end, 0) + suffix)]
        if progress.needed_per_week is not None and progress.needed_per_week > 0:
            parts.append(
                self.t(
                    "progress.needed",
                    needed=number(progress.needed_per_week),
                    unit=self.unit_word(progress.needed_unit or row.indicator.daily_unit),
                )
            )
        return self.label("progress.separator").join(parts)

    def line(self, row: Row, *, unit_view: bool) -> str:
        """One indicator on one line: mark, name, bar, numbers."""
        return self.t(
            "progress.line",
            mark=self.mark(row.progress.pace),
            name=self.indicator_name(row.indicator),
            bar=bar(row.progress),
            figures=Markup(self.figures(row, unit_view=unit_view)),
        )

    # ------------------------------------------------------------------ whole messages
    def _header_notes(self, standing: Standing) -> list[str]:
        lines = [
            self.t(
                "progress.as_of",
                day=self.day(standing.as_of),
                elapsed=number(year_fraction(standing.year, standing.as_of) * HUNDRED, 0),
            )
        ]
        if not standing.has_targets:
            missing = self.t("progress.no_targets", year=self.year(standing.year))
            lines.append(missing if standing.period else f"{missing} {self._outside_plan(standing)}")
        elif standing.period is None:
            lines.append(self._outside_plan(standing))
        bases = {row.basis for row in standing.rows}
        if Basis.UNIT in bases:
            lines.append(self.t("progress.unit_allocated"))
        if Basis.UNIT_AT_BUREAU_TARGET in bases:
            lines.append(self.t("progress.unit_at_bureau_target_note"))
        if Basis.CONTRIBUTION in bases:
            lines.append(self.t("progress.contribution_note"))
        return lines

    def _outside_plan(self, standing: Standing) -> str:
        """A year without a plan period: which years the plan file knows, and how to add this one."""
        known = plan_spans(self.plan)
        if standing.has_targets:
            return self.t("targets.outside_plan", year=self.year(standing.year), known=known)
        roc = roc_year(standing.year)
        return self.t("targets.no_period", known=known, roc=roc, last=roc - 1)

    def standing(self, standing: Standing) -> str:
        """The /progress message."""
        if standing.unit_code is None:
            title = self.t("progress.title_bureau", year=self.year(standing.year))
        else:
            title = self.t(
                "progress.title_unit", unit=self.unit_name(standing.unit_code), year=self.year(standing.year)
            )
        unit_view = standing.unit_code is not None
        lines = [title, *self._header_notes(standing), "", self.t("progress.section_reported")]
        lines += [self.line(row, unit_view=unit_view) for row in standing.officer_rows]
        lines += ["", self.t("progress.section_other")]
        lines += [self.line(row, unit_view=unit_view) for row in standing.other_rows]
        lines += ["", self.t("progress.legend")]
        return "\n".join(lines)

    def change(self, value: int) -> str:
        """+2 / −3 / no change."""
        if value > 0:
            return self.t("digest.change_up", value=number(value))
        if value < 0:
            return self.t("digest.change_down", value=number(-value))
        return self.t("digest.change_same")

    def digest(self, digest: Digest, *, show_names: bool) -> str:
        """The weekly digest message."""
        standing = digest.standing
        span = {"start": self.day(digest.week_start), "end": self.day(digest.week_end)}
        if digest.unit_code is None:
            title = self.t("digest.title_bureau", **span)
        else:
            title = self.t("digest.title_unit", unit=self.unit_name(digest.unit_code), **span)
        unit_view = digest.unit_code is not None
        lines = [title, self.year(standing.year), *self._header_notes(standing), ""]
        for row in standing.officer_rows:
            lines.append(
                self.t(
                    "digest.week_line",
                    mark=self.mark(row.progress.pace),
                    name=self.indicator_name(row.indicator),
                    week=number(row.week or 0),
                    previous=number(row.previous_week or 0),
                    change=self.change(row.week_change or 0),
                )
            )
            figures = Markup(self.figures(row, unit_view=unit_view))
            lines.append(self.t("digest.ytd_line", bar=bar(row.progress), figures=figures))
            outlook = self.outlook(row)
            if outlook is not None:
                lines.append(self.t("digest.outlook_line", outlook=Markup(outlook)))
        lines += ["", self.t("progress.section_other")]
        lines += [self.line(row, unit_view=unit_view) for row in standing.other_rows]
        lines += ["", *self.silent(digest, show_names=show_names), "", self.t("progress.legend")]
        room = MESSAGE_LIMIT - telegram_length("\n".join(lines))
        return "\n".join([title, *self.year_end(digest, room=room), *lines[1:]])

    def year_end(self, digest: Digest, *, room: int = MESSAGE_LIMIT) -> list[str]:
        """How the old year ended (the first digest of a new year): a line per indicator and its verdict.

        When those lines would not fit in `room` characters, how many indicators met, missed or
        lack data instead.
        """
        standing = digest.year_end
        if standing is None:
            return []
        title = self.t("annual.recap_title", year=self.year(standing.year))
        verdicts = [(row, verdict(row, final=True)) for row in standing.rows]
        lines = self._verdict_lines(verdicts, unit_view=standing.unit_code is not None)
        if telegram_length("\n".join([title, *lines, ""])) + 1 > room:
            lines = [self._verdict_counts(verdicts)]
        return [title, *lines, ""]

    def _verdict_lines(self, verdicts: list[tuple[Row, Verdict]], *, unit_view: bool) -> list[str]:
        """A line per indicator; those with neither a target nor figures counted in one line."""
        shown = [
            (row, result)
            for row, result in verdicts
            if result is not Verdict.NO_TARGET or row_has_figures(row)
        ]
        lines = [
            self.t(
                "annual.recap_line_bare" if result is Verdict.NO_DATA else "annual.recap_line",
                mark=self.label(f"annual.mark_{result.value}"),
                name=self.indicator_name(row.indicator),
                figures=Markup(self.figures(row, unit_view=unit_view)),
                verdict=self.label(f"annual.verdict_{result.value}"),
            )
            for row, result in shown
        ]
        if len(shown) < len(verdicts):
            mark = self.label(f"annual.mark_{Verdict.NO_TARGET.value}")
            lines.append(self.t("annual.recap_empty", mark=mark, count=len(verdicts) - len(shown)))
        return lines

    def _verdict_counts(self, verdicts: list[tuple[Row, Verdict]]) -> str:
        """How many indicators met, missed, lack a target or lack data, on one line."""
        counts = Counter(result for _, result in verdicts)
        return self.label("progress.separator").join(
            self.t(
                "annual.recap_count",
                mark=self.label(f"annual.mark_{result.value}"),
                verdict=self.label(f"annual.verdict_{result.value}"),
                count=counts[result],
            )
            for result in Verdict
            if counts[result]
        )

    def silent(self, digest: Digest, *, show_names: bool) -> list[str]:
        """Who reported nothing all week: a count, then names (if allowed) or counts per unit."""
        if digest.officers == 0:
            return [self.t("digest.silent_no_officers")]
        if not digest.silent:
            return [self.t("digest.silent_none", officers=digest.officers)]
        lines = [self.t("digest.silent_count", count=len(digest.silent), officers=digest.officers)]
        separator = self.label("digest.separator")
        if show_names:
            names = separator.join(officer.name for officer in digest.silent[:MAX_NAMES])
            if len(digest.silent) > MAX_NAMES:
                names += self.label("digest.silent_more", count=len(digest.silent) - MAX_NAMES)
            lines.append(self.t("digest.silent_names", names=names))
        elif digest.unit_code is None:
            units = separator.join(
                self.label("digest.unit_count", unit=self.unit_name(code), count=count)
                for code, count in digest.silent_by_unit().items()
            )
            lines.append(self.t("digest.silent_units", units=units))
        return lines

    def chart_text(self, standing: Standing) -> ChartText:
        """Title, axis, legend and one label per indicator for the chart."""
        return ChartText(
            title=self.label(
                "digest.chart_title",
                scope=self._whose(standing),
                year=self.year(standing.year),
                day=self.day(standing.as_of),
            ),
            axis=self.label("digest.chart_axis"),
            achieved=self.label("digest.chart_achieved"),
            expected=self.label("digest.chart_expected"),
            no_data=self.label("digest.chart_no_data"),
            labels=[self.indicator_name(row.indicator) for row in standing.rows],
        )

    def _whose(self, standing: Standing) -> str:
        """The chart's scope, saying for a unit whether the bars are its own figures or the bureau's."""
        name = self.unit_name(standing.unit_code)
        if standing.unit_code is None:
            return name
        targeted = [row for row in standing.rows if row.progress.target is not None]
        own = sum(1 for row in targeted if row.basis is Basis.UNIT)
        if own == 0:
            return self.label("targets.chart_whose_bureau", unit=name)
        if own == len(targeted):
            return self.label("targets.chart_whose_unit", unit=name)
        return self.label("targets.chart_whose_mixed", unit=name, count=own)

    def chart_caption(self, digest: Digest) -> str:
        """The caption under the digest's chart."""
        return self.t(
            "digest.chart_caption",
            scope=self.unit_name(digest.unit_code),
            year=self.year(digest.standing.year),
            day=self.day(digest.standing.as_of),
        )
