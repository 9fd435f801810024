"""The Excel export: a sheet of every report and a sheet of progress per unit and indicator.

Headers and words come from the catalog (Chinese by default); numbers are number cells,
dates and times are date cells in the bureau's time zone, the header row is frozen and bold,
and every text that a spreadsheet would run as a formula stays text (`formula_guard`).

Written with rustpy-xlsxwriter (rust_xlsxwriter underneath): the reports stream from the
database into the file row by row, so a year of the whole bureau takes about 1.5 × the CSV's
time (most of it the writer's own) and memory does not grow with the rows. Because the sheet
is streamed, the reports' columns get their widths from what is known beforehand (headers,
the plan's names, fixed widths for dates, names and notes); the progress sheet's columns are
as wide as their contents.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, count
from operator import itemgetter
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

import rustpy_xlsxwriter as xlsx

from bot.core.domain import NOTHING_TO_REPORT, Language
from bot.core.numbers import number
from bot.core.plan import Measure, Plan, roc_year
from bot.core.standing import Basis, Row, Standing
from bot.rendering.formula_guard import neutralise
from bot.rendering.i18n import Catalog

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DECIMAL_FORMAT = "0.00"
PERCENT_FORMAT = "0.0"
MIN_WIDTH = 6
MAX_WIDTH = 60
DECIMAL_PLACES = Decimal("0.01")
MAX_TEXT_PLACES = 2

REPORT_COLUMNS = (
    "report_id",
    "report_date",
    "unit",
    "unit_code",
    "officer_id",
    "officer_name",
    "indicator",
    "indicator_code",
    "count",
    "note",
    "received_at",
    "voided_at",
)
PROGRESS_COLUMNS = (
    "unit",
    "unit_code",
    "plan_indicator",
    "plan_indicator_code",
    "measure_unit",
    "target",
    "actual",
    "achievement",
    "expected",
    "pace",
    "projected",
    "needed",
    "own_count",
    "share",
    "basis",
    "remark",
)
_FORMATS = {
    "report_date": DATE_FORMAT,
    "received_at": DATETIME_FORMAT,
    "voided_at": DATETIME_FORMAT,
    "target": DECIMAL_FORMAT,
    "actual": DECIMAL_FORMAT,
    "achievement": PERCENT_FORMAT,
    "expected": DECIMAL_FORMAT,
    "projected": DECIMAL_FORMAT,
    "needed": DECIMAL_FORMAT,
    "share": PERCENT_FORMAT,
}
_FIXED_WIDTHS = {DATE_FORMAT: 12, DATETIME_FORMAT: 20}
_STREAMED_WIDTHS = {"report_id": 10, "officer_id": 14, "officer_name": 16, "count": 8, "note": 40}
"""Widths of the reports' columns whose contents are not known before the rows stream."""

Cell = str | int | Decimal | date | datetime | None


@dataclass(frozen=True)
class Words:
    """Catalog look-ups for the workbook in one language."""

    catalog: Catalog
    language: Language

    def __call__(self, key: str, /, **values: object) -> str:
        """A plain catalog string under `export.`."""
        return self.catalog.plain(self.language, f"export.{key}", **values)


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: East Asian wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(DECIMAL_PLACES)


@dataclass(frozen=True)
class _Names:
    """The plan's unit and indicator names in one language, looked up once per workbook."""

    units: dict[str, str]
    indicators: dict[str, str]

    @classmethod
    def of(cls, plan: Plan, words: Words) -> _Names:
        lang = words.language.value
        indicators = {i.id: i.name.get(lang) for i in plan.indicators}
        indicators[NOTHING_TO_REPORT] = words("nothing")
        return cls({code: unit.name.get(lang) for code, unit in plan.units_by_code.items()}, indicators)

    def sample_rows(self) -> list[tuple[Cell, ...]]:
        """Report rows holding only the names and codes, to size the columns before the rows stream."""
        blank: tuple[Cell, ...] = (None,) * len(REPORT_COLUMNS)
        units = [(*blank[:2], name, code, *blank[4:]) for code, name in self.units.items()]
        indicators = [(*blank[:6], name, code, *blank[8:]) for code, name in self.indicators.items()]
        return units + indicators


def _report_records(
    reports: Iterable[tuple[Any, ...]], names: _Names, tz: ZoneInfo, headers: Sequence[str]
) -> Iterator[dict[str, object]]:
    """Each report as the writer takes it: a dict of its cells keyed by header, in REPORT_COLUMNS order.

    `reports` are the export query's rows as SQLite returns them (`storage.reports.export_columns`).
    The one loop a year of reports goes through, so it is written flat, with no call per cell
    that can be saved: names and the formula guard's answer are looked up once per officer,
    the guard sees only the texts officers typed, and the instants are handed to the writer
    as aware datetimes in the bureau's time zone (the writer stores their wall-clock time).
    """
    (
        report_id,
        report_date,
        unit,
        unit_code,
        officer_id,
        officer_name,
        indicator,
        indicator_code,
        count_,
        note,
        received_at,
        voided_at,
    ) = headers
    units, indicators = names.units, names.indicators
    guarded: dict[str, str] = {}
    days: dict[str, date] = {}  # a year of reports has at most 366 dates: each is parsed once
    instant = datetime.fromisoformat
    for rid, on, code, officer, name, kind, number_, text, received, voided in reports:
        shown = guarded.get(name)
        if shown is None:
            shown = guarded[name] = neutralise(name)
        day = days.get(on)
        if day is None:
            day = days[on] = date.fromisoformat(on)
        yield {
            report_id: rid,
            report_date: day,
            unit: units.get(code, code),
            unit_code: code,
            officer_id: officer,
            officer_name: shown,
            indicator: indicators.get(kind, kind),
            indicator_code: kind,
            count_: number_,
            note: neutralise(text) if text else None,
            received_at: instant(received).astimezone(tz),
            voided_at: instant(voided).astimezone(tz) if voided else None,
        }


def _text(value: Decimal | None) -> str:
    return "–" if value is None else number(value, MAX_TEXT_PLACES)


def _basis(row: Row, words: Words) -> str | None:
    """How the actual was computed, in the indicator's own terms (412/480, counts / reference)."""
    actuals, indicator = row.actuals, row.indicator
    match indicator.measure:
        case Measure.RATE if actuals.numerator is not None and actuals.denominator is not None:
            return words(
                "basis_rate", numerator=_text(actuals.numerator), denominator=_text(actuals.denominator)
            )
        case Measure.REFERENCE_ACHIEVEMENT if actuals.reference is not None:
            return words(
                "basis_reference",
                count=number(actuals.count or 0),
                reference=_text(actuals.reference),
                count_unit=indicator.daily_unit,
            )
        case Measure.REFERENCE_ACHIEVEMENT:
            return words(
                "basis_reference_missing", count=number(actuals.count or 0), count_unit=indicator.daily_unit
            )
        case Measure.REDUCTION if actuals.previous_year is not None or actuals.this_year is not None:
            return words(
                "basis_reduction",
                previous_year=_text(actuals.previous_year),
                this_year=_text(actuals.this_year),
            )
    return None


_BASIS_NOTES = {
    Basis.UNIT: "note_basis_unit",
    Basis.UNIT_AT_BUREAU_TARGET: "note_basis_unit_at_bureau_target",
    Basis.CONTRIBUTION: "note_basis_bureau",
    Basis.BUREAU: "note_basis_bureau",
}


def _remark(unit_code: str | None, row: Row, words: Words) -> str | None:
    """Whose figures a unit's row shows, and why a cell is empty."""
    parts = [] if unit_code is None else [words(_BASIS_NOTES[row.basis])]
    if row.progress.target is None:
        parts.append(words("note_no_target"))
    if row.progress.actual is None:
        parts.append(words("note_no_figures"))
    return "；".join(parts) if parts else None


def progress_cells(
    unit_code: str | None, row: Row, plan: Plan, words: Words, pace: Callable[[str], str]
) -> tuple[Cell, ...]:
    """One scope's indicator (unit_code None = the bureau) as a row of cells, in PROGRESS_COLUMNS order."""
    progress, indicator = row.progress, row.indicator
    unit = plan.unit(unit_code) if unit_code else None
    lang = words.language.value
    in_unit = unit_code is not None
    return (
        unit.name.get(lang) if unit else words("bureau"),
        unit_code,
        indicator.name.get(lang),
        indicator.id,
        indicator.unit,
        _rounded(progress.target),
        _rounded(progress.actual),
        _rounded(progress.achievement_pct),
        _rounded(progress.expected_by_today),
        pace(progress.pace.value),
        _rounded(progress.projected_year_end),
        _rounded(progress.needed_per_week),
        row.own_count if in_unit else None,
        _rounded(row.share_of_bureau) if in_unit else None,
        _basis(row, words),
        _remark(unit_code, row, words),
    )


def _widths(headers: Sequence[str], rows: Iterable[Sequence[Cell]], columns: Sequence[str]) -> list[float]:
    """Each column as wide as its header and its widest value (dates fixed), within limits."""
    widths = [display_width(header) + 2 for header in headers]
    for index, column in enumerate(columns):
        fixed = _FIXED_WIDTHS.get(_FORMATS.get(column, "")) or _STREAMED_WIDTHS.get(column)
        if fixed is not None:
            widths[index] = max(widths[index], fixed)
    for row in rows:
        for index, value in enumerate(row):
            if value is not None and index < len(widths) and columns[index] not in _STREAMED_WIDTHS:
                widths[index] = max(widths[index], display_width(str(value)) + 2)
    return [float(min(max(width, MIN_WIDTH), MAX_WIDTH)) for width in widths]


def _excel_value(value: Cell) -> str | int | float | date | None:
    """A cell value as the writer takes it: decimals as numbers, text that would run as text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return neutralise(value)
    return value


def _records(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[dict[str, object]]:
    """Rows as the writer takes them: a dict per row, keyed by header."""
    for row in rows:
        yield dict(zip(headers, row, strict=True))


def _header_if_empty(
    headers: Sequence[str], records: Iterator[dict[str, object]]
) -> Iterator[dict[str, object]]:
    """The records; with none, one of empty cells, so that the sheet still has its header row."""
    first = next(records, None)
    return iter([dict.fromkeys(headers)]) if first is None else chain((first,), records)


def _formats(headers: Sequence[str], columns: Sequence[str]) -> dict[str, xlsx.Format]:
    return {
        header: xlsx.Format().set_num_format(_FORMATS[column])
        for header, column in zip(headers, columns, strict=True)
        if column in _FORMATS
    }


def write_workbook(
    out: BinaryIO,
    *,
    reports: Iterable[tuple[Any, ...]],
    progress: Sequence[Standing],
    plan: Plan,
    catalog: Catalog,
    year: int,
    tz: ZoneInfo,
    language: Language = Language.ZH,
) -> int:
    """Write the .xlsx: sheet 1 every report (streamed), sheet 2 progress per unit and indicator.

    `reports` are the export query's rows (`storage.reports.export_columns`).

    Returns the number of reports written.
    """
    words = Words(catalog, language)
    names = _Names.of(plan, words)
    report_headers = [words(f"col_{c}") for c in REPORT_COLUMNS]
    progress_headers = [words(f"col_{c}") for c in PROGRESS_COLUMNS]

    def pace(value: str) -> str:
        return catalog.plain(language, f"figure.pace_{value}")

    progress_cells_ = [
        progress_cells(standing.unit_code, row, plan, words, pace)
        for standing in progress
        for row in standing.rows
    ]
    progress_rows = [tuple(_excel_value(cell) for cell in cells) for cells in progress_cells_]
    taken = count()  # one step per report the writer takes: the rows are counted without a loop of ours
    counted = map(itemgetter(0), zip(reports, taken, strict=False))
    report_sheet = words("sheet_reports")
    progress_sheet = words("sheet_progress", roc=roc_year(year), year=year)
    xlsx.write_worksheets(
        [
            (
                report_sheet,
                _header_if_empty(report_headers, _report_records(counted, names, tz, report_headers)),
            ),
            (progress_sheet, _header_if_empty(progress_headers, _records(progress_headers, progress_rows))),
        ],
        out,
        freeze_panes={"general": {"row": 1, "col": 0}},
        autofit=False,
        column_widths={
            report_sheet: _widths(report_headers, names.sample_rows(), REPORT_COLUMNS),
            progress_sheet: _widths(progress_headers, progress_cells_, PROGRESS_COLUMNS),
        },
        column_formats={
            report_sheet: _formats(report_headers, REPORT_COLUMNS),
            progress_sheet: _formats(progress_headers, PROGRESS_COLUMNS),
        },
        header_format={"general": xlsx.Format().set_bold().set_align("vcenter")},
        autofilter={report_sheet: True, progress_sheet: True},
    )
    return next(taken)
