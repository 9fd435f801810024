"""The year's result sheet: the plan's indicator table (section 參, 三 and 四) with the year's
target, actual, achievement and verdict, one sheet for the bureau and one per unit that has a
target of its own. /annual and `python -m bot annual` send the same file.

The rows are the one progress pipeline's (`ProgressData.standings`), so the sheet shows what
/progress shows for the same year, whatever set the targets. Numbers are number cells, a
percentage a fraction under a % format; the headings carry the ROC year. openpyxl is imported
only when a sheet is built, so the bot starts without it.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import groupby
from typing import TYPE_CHECKING

from bot.core.annual import has_figures, sheet_standings, verdict, year_over
from bot.core.domain import Language
from bot.core.numbers import number
from bot.core.plan import Kind, Measure, Plan
from bot.core.progress import HUNDRED
from bot.core.progress_data import ProgressData
from bot.core.standing import Basis, Row, Standing
from bot.rendering.i18n import Catalog
from bot.rendering.progress_text import ProgressTexts

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

COLUMNS = (
    "goal_number",
    "goal",
    "number",
    "indicator",
    "measure",
    "unit",
    "target",
    "actual",
    "achievement",
    "verdict",
    "own_count",
    "remark",
)
UNIT_COLUMNS = frozenset({"own_count"})
"""Columns only a unit's sheet has."""
WIDTHS = {
    "goal_number": 6,
    "goal": 30,
    "number": 6,
    "indicator": 28,
    "measure": 44,
    "unit": 7,
    "target": 14,
    "actual": 12,
    "achievement": 10,
    "verdict": 10,
    "own_count": 12,
    "remark": 40,
}
WRAPPED = frozenset({"goal", "indicator", "measure", "remark"})
PERCENT_FORMAT = "0.0%"
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0#"
HEADER_ROWS = 3
"""Title, as-of line and column headings, frozen above the table."""
HEADER_FILL = "DDEBF7"
SECTION_FILL = "F2F2F2"
MAX_SHEET_NAME = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_BASIS_KEYS = {
    Basis.UNIT: "annual.basis_unit",
    Basis.UNIT_AT_BUREAU_TARGET: "annual.basis_unit_at_bureau_target",
    Basis.CONTRIBUTION: "annual.basis_bureau",
    Basis.BUREAU: "annual.basis_bureau",
}
_SECTIONS = ((Kind.KPI, "annual.section_kpi"), (Kind.COMMON, "annual.section_common"))

Cell = str | int | float | None


@dataclass(frozen=True)
class AnnualSheet:
    """The .xlsx of a year and the scopes it holds (None = the bureau), in sheet order."""

    year: int
    data: bytes
    scopes: tuple[str | None, ...]


async def annual_sheet(
    data: ProgressData, *, plan: Plan, catalog: Catalog, language: Language, year: int, today: date
) -> AnnualSheet | None:
    """The year's result sheet as of today; None when nothing was reported or entered that year."""
    standings = await data.standings(unit_codes=[None, *plan.units_by_code], year=year, today=today)
    if not any(has_figures(standing) for standing in standings):
        return None
    chosen = sheet_standings(standings)
    texts = ProgressTexts(catalog, language, plan)
    book = await asyncio.to_thread(build_annual_sheet, chosen, texts, final=year_over(year, today))
    return AnnualSheet(year, book, tuple(standing.unit_code for standing in chosen))


def build_annual_sheet(standings: Sequence[Standing], texts: ProgressTexts, *, final: bool) -> bytes:
    """The workbook as bytes: one sheet per standing, in the plan's table layout."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for standing in standings:
        _write_scope(book.create_sheet(sheet_name(texts, standing.unit_code)), standing, texts, final=final)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sheet_name(texts: ProgressTexts, unit_code: str | None) -> str:
    """The bureau's or the unit's name, as Excel allows a sheet to be called."""
    name = texts.label("annual.sheet_bureau") if unit_code is None else texts.unit_name(unit_code)
    return _SHEET_NAME_FORBIDDEN.sub(" ", name)[:MAX_SHEET_NAME]


def _columns(standing: Standing) -> tuple[str, ...]:
    in_unit = standing.unit_code is not None
    return tuple(column for column in COLUMNS if in_unit or column not in UNIT_COLUMNS)


def _write_scope(sheet: Worksheet, standing: Standing, texts: ProgressTexts, *, final: bool) -> None:
    """Title, as-of line and frozen headings, then a section per kind of indicator."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    columns = _columns(standing)
    last = get_column_letter(len(columns))
    _write_heading(sheet, standing, texts, columns, final=final)
    for kind, section in _SECTIONS:
        rows = [row for row in standing.rows if row.indicator.kind is kind]
        if not rows:
            continue
        sheet.append([texts.label(section)])
        sheet.merge_cells(f"A{sheet.max_row}:{last}{sheet.max_row}")
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        sheet.cell(sheet.max_row, 1).fill = PatternFill("solid", fgColor=SECTION_FILL)
        first = sheet.max_row + 1
        for row in rows:
            _append_row(sheet, columns, row, standing, texts, final=final)
        _merge_goals(sheet, rows, first)


def _write_heading(
    sheet: Worksheet, standing: Standing, texts: ProgressTexts, columns: Sequence[str], *, final: bool
) -> None:
    """The title and as-of line across the table, the column headings, frozen, and the widths."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    last = get_column_letter(len(columns))
    year = texts.year(standing.year)
    if standing.unit_code is None:
        title = texts.label("annual.title_bureau", year=year)
    else:
        title = texts.label("annual.title_unit", unit=texts.unit_name(standing.unit_code), year=year)
    as_of = "annual.as_of_final" if final else "annual.as_of_open"
    sheet.append([title])
    sheet.append([texts.label(as_of, day=standing.as_of.isoformat())])
    sheet.append([texts.label(f"annual.col_{column}", year=year) for column in columns])
    for row_number in (1, 2):
        sheet.merge_cells(f"A{row_number}:{last}{row_number}")
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[HEADER_ROWS]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.freeze_panes = f"A{HEADER_ROWS + 1}"
    sheet.print_title_rows = f"1:{HEADER_ROWS}"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS[column]


def _merge_goals(sheet: Worksheet, rows: Sequence[Row], first: int) -> None:
    """A goal's number and name span its indicators' rows, as in the plan's table."""
    start = first
    for _, group in groupby(rows, key=lambda row: row.indicator.goal):
        size = len(list(group))
        if size > 1:
            for letter in ("A", "B"):
                sheet.merge_cells(f"{letter}{start}:{letter}{start + size - 1}")
        start += size


def _append_row(
    sheet: Worksheet,
    columns: Sequence[str],
    row: Row,
    standing: Standing,
    texts: ProgressTexts,
    *,
    final: bool,
) -> None:
    """One indicator: its number cells get the format that reads like the plan's table."""
    from openpyxl.styles import Alignment

    cells = _cells(row, standing, texts, final=final)
    sheet.append([cells[column][0] for column in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(sheet.max_row, index)
        value, number_format = cells[column]
        if number_format is not None and value is not None:
            cell.number_format = number_format
        cell.alignment = Alignment(vertical="top", wrap_text=column in WRAPPED)


def _cells(
    row: Row, standing: Standing, texts: ProgressTexts, *, final: bool
) -> dict[str, tuple[Cell, str | None]]:
    """Every column's value and number format for one indicator."""
    indicator, progress = row.indicator, row.progress
    goal = texts.plan.goal(indicator.goal)
    lang = texts.language.value
    percent = indicator.unit == "%"
    result = verdict(row, final=final)
    goal_text = texts.label("annual.goal", name=goal.name.get(lang), dimension=goal.dimension.get(lang))
    return {
        "goal_number": (goal.number, None),
        "goal": (goal_text, None),
        "number": (indicator.number, None),
        "indicator": (indicator.name.get(lang), None),
        "measure": (indicator.measure_text.get(lang), None),
        "unit": (texts.unit_word(indicator.unit), None),
        "target": _number_cell(progress.target, percent=percent),
        "actual": _number_cell(progress.actual, percent=percent),
        "achievement": _number_cell(progress.achievement_pct, percent=True),
        "verdict": (texts.label(f"annual.verdict_{result.value}"), None),
        "own_count": (row.own_count, INTEGER_FORMAT),
        "remark": (_remark(row, standing, texts), None),
    }


def _number_cell(value: Decimal | None, *, percent: bool) -> tuple[Cell, str | None]:
    """A number as Excel holds it: a percentage as a fraction under a % format, whole numbers as int."""
    if value is None:
        return None, None
    if percent:
        return float(value / HUNDRED), PERCENT_FORMAT
    if value == value.to_integral_value():
        return int(value), INTEGER_FORMAT
    return float(value), DECIMAL_FORMAT


def _remark(row: Row, standing: Standing, texts: ProgressTexts) -> str | None:
    """How the actual was reached, and on a unit's sheet whose figures and target the row shows."""
    parts = [] if standing.unit_code is None else [texts.label(_BASIS_KEYS[row.basis])]
    detail = _detail(row, texts)
    if detail is not None:
        parts.append(detail)
    return texts.label("annual.remark_separator").join(parts) or None


def _detail(row: Row, texts: ProgressTexts) -> str | None:
    """The figures behind a rate, the NPA reference achievement or a reduction."""
    actuals, indicator = row.actuals, row.indicator
    unit = texts.unit_word(indicator.unit)
    count = {"count": number(actuals.count or 0), "count_unit": texts.unit_word(indicator.daily_unit)}
    if indicator.measure is Measure.REFERENCE_ACHIEVEMENT:
        if actuals.reference is None:
            return texts.label("annual.detail_reference_missing", **count)
        return texts.label("annual.detail_reference", reference=number(actuals.reference), **count)
    numerator, denominator = actuals.numerator, actuals.denominator
    if indicator.measure is Measure.RATE and numerator is not None and denominator is not None:
        return texts.label("annual.detail_rate", numerator=number(numerator), denominator=number(denominator))
    if indicator.measure is Measure.REDUCTION and (actuals.previous_year, actuals.this_year) != (None, None):
        previous, this_year = (
            "–" if value is None else number(value) for value in (actuals.previous_year, actuals.this_year)
        )
        return texts.label("annual.detail_reduction", previous_year=previous, this_year=this_year, unit=unit)
    return None
