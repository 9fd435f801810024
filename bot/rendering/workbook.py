"""The Excel export: a sheet of every report and a sheet of progress per unit and indicator.

Headers and words come from the catalog (Chinese by default); numbers are number cells,
dates and times are date cells in the bureau's time zone, the header row is frozen and
columns are as wide as their contents. Written in openpyxl's write-only mode, so a year
of reports of the whole bureau fits in memory.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bot.core.domain import NOTHING_TO_REPORT, Language
from bot.core.numbers import number
from bot.core.plan import Measure, Plan, roc_year
from bot.core.records import ExportRow
from bot.core.standing import Basis, Row, Standing
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


def _local(instant: datetime | None, tz: ZoneInfo) -> datetime | None:
    """A naive local time for Excel, which has no time zones."""
    return None if instant is None else instant.astimezone(tz).replace(tzinfo=None)


def _rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(DECIMAL_PLACES)


def report_cells(row: ExportRow, plan: Plan, words: Words, tz: ZoneInfo) -> tuple[Cell, ...]:
    """One report as a row of cells, in REPORT_COLUMNS order."""
    unit = plan.unit(row.unit)
    if row.indicator == NOTHING_TO_REPORT:
        indicator_name = words("nothing")
    else:
        indicator = next((i for i in plan.indicators if i.id == row.indicator), None)
        indicator_name = indicator.name.get(words.language.value) if indicator else row.indicator
    return (
        row.report_id,
        row.report_date,
        unit.name.get(words.language.value) if unit else row.unit,
        row.unit,
        row.officer_telegram_id,
        row.officer_name,
        indicator_name,
        row.indicator,
        row.count,
        row.note or None,
        _local(row.received_at, tz),
        _local(row.voided_at, tz),
    )


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


def _widths(headers: Sequence[str], rows: Sequence[Sequence[Cell]], columns: Sequence[str]) -> list[int]:
    widths = [display_width(header) + 2 for header in headers]
    for index, column in enumerate(columns):
        fixed = _FIXED_WIDTHS.get(_FORMATS.get(column, ""))
        if fixed is not None:
            widths[index] = max(widths[index], fixed)
            continue
        distinct = {str(row[index]) for row in rows if row[index] is not None}
        widths[index] = max([widths[index], *(display_width(text) + 2 for text in distinct)])
    return [min(max(width, MIN_WIDTH), MAX_WIDTH) for width in widths]


def _excel_value(value: Cell) -> str | float | datetime | None:
    """A cell value as openpyxl writes it: decimals as numbers, dates as midnight."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, time())
    return value


def _write_sheet(
    sheet: Any, headers: Sequence[str], rows: Sequence[Sequence[Cell]], columns: Sequence[str]
) -> None:
    """Widths, frozen header, bold header row, then the rows with number and date formats.

    `sheet` is openpyxl's write-only sheet (its stubs lack the layout attributes it has).
    """
    for index, width in enumerate(_widths(headers, rows, columns), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        cell.alignment = Alignment(vertical="center")
        header_cells.append(cell)
    sheet.append(header_cells)
    formats = [_FORMATS.get(column) for column in columns]
    for row in rows:
        cells: list[Any] = []
        for value, number_format in zip(row, formats, strict=True):
            if number_format is None or value is None:
                cells.append(_excel_value(value))
                continue
            cell = WriteOnlyCell(sheet, value=_excel_value(value))
            cell.number_format = number_format
            cells.append(cell)
        sheet.append(cells)
    if rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"


def build_workbook(
    *,
    reports: Sequence[ExportRow],
    progress: Sequence[Standing],
    plan: Plan,
    catalog: Catalog,
    year: int,
    tz: ZoneInfo,
    language: Language = Language.ZH,
) -> bytes:
    """The .xlsx file as bytes: sheet 1 every report, sheet 2 progress per unit and indicator."""
    words = Words(catalog, language)
    book = Workbook(write_only=True)
    report_sheet = book.create_sheet(words("sheet_reports"))
    report_rows = [report_cells(row, plan, words, tz) for row in reports]
    _write_sheet(report_sheet, [words(f"col_{c}") for c in REPORT_COLUMNS], report_rows, REPORT_COLUMNS)
    progress_sheet = book.create_sheet(words("sheet_progress", roc=roc_year(year), year=year))

    def pace(value: str) -> str:
        return catalog.plain(language, f"figure.pace_{value}")

    progress_rows = [
        progress_cells(standing.unit_code, row, plan, words, pace)
        for standing in progress
        for row in standing.rows
    ]
    _write_sheet(
        progress_sheet, [words(f"col_{c}") for c in PROGRESS_COLUMNS], progress_rows, PROGRESS_COLUMNS
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
