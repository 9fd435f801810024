"""The statistics office's target sheet: its rows for a year, and checking the rows of a filled-in one.

Pure: the plan, the years' targets and the sheet's cells in, rows and problems out. Reading and
writing the .xlsx or .csv file is the command line's (bot/cli/targets.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from bot.core.dates import parse_year
from bot.core.figures import FigureInputError, FigureProblem
from bot.core.plan import Plan
from bot.core.targets import YearTargets
from bot.core.targets_input import TargetInputError, check_in_year, parse_target

BUREAU = "bureau"
"""What the unit column holds for the bureau's own target."""
COLUMNS = (
    "indicator",
    "name",
    "unit",
    "unit_name",
    "measure_unit",
    "last_year",
    "last_target",
    "year",
    "target",
)
"""The sheet's header row; an import reads `indicator`, `unit`, `year` and `target`."""
REQUIRED = ("indicator", "unit", "year", "target")

_VALUE_PROBLEMS = {
    FigureProblem.NOT_A_PERCENTAGE: "is not a percentage such as 85 or 85%",
    FigureProblem.PERCENTAGE_OUT_OF_RANGE: "is out of range: a percentage lies between -100 and 200",
    FigureProblem.NOT_A_WHOLE_NUMBER: "is not a whole number",
    FigureProblem.NUMBER_OUT_OF_RANGE: "is out of range: a count lies between 0 and 1,000,000",
}


@dataclass(frozen=True)
class SheetRow:
    """One row of the exported sheet: an indicator and a scope, the last known target, the year to fill."""

    indicator: str
    name: str
    unit_code: str | None
    unit_name: str
    measure_unit: str
    last_year: int | None
    last_target: Decimal | None
    year: int
    target: Decimal | None

    def cells(self) -> tuple[object, ...]:
        """The row's cells in the order of COLUMNS (numbers as numbers)."""
        return (
            self.indicator,
            self.name,
            self.unit_code or BUREAU,
            self.unit_name,
            self.measure_unit,
            self.last_year,
            None if self.last_target is None else float(self.last_target),
            self.year,
            None if self.target is None else float(self.target),
        )


def sheet_rows(plan: Plan, years: Sequence[YearTargets]) -> list[SheetRow]:
    """Every indicator of the last year, for the bureau and each unit, with its last known target.

    `years` are the targets of consecutive years ending with the year to fill in; the last known
    target is the latest of them that sets one.
    """
    goal = years[-1]
    rows = []
    for indicator in goal.indicators():
        for code in (None, *plan.units_by_code):
            known = next(
                (
                    (t.year, value)
                    for t in reversed(years)
                    if (value := t.value(indicator.id, code)) is not None
                ),
                (None, None),
            )
            unit = plan.unit(code) if code else None
            rows.append(
                SheetRow(
                    indicator=indicator.id,
                    name=indicator.name.zh,
                    unit_code=code,
                    unit_name=unit.name.zh if unit else "全局",
                    measure_unit=indicator.unit,
                    last_year=known[0],
                    last_target=known[1],
                    year=goal.year,
                    target=goal.value(indicator.id, code),
                )
            )
    return rows


@dataclass(frozen=True)
class ImportedTarget:
    """A valid row of a filled-in sheet: its row number and the target it sets."""

    row: int
    indicator: str
    unit_code: str | None
    year: int
    value: Decimal


def _cell(value: object) -> str:
    """A cell as text: whole floats without '.0', nothing as ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def header_problems(header: Sequence[object]) -> list[str]:
    """The required columns a sheet's first row lacks."""
    names = {_cell(cell).lower() for cell in header}
    return [
        f"row 1: no column {name!r} (the header needs {', '.join(REQUIRED)})"
        for name in REQUIRED
        if name not in names
    ]


def check_rows(
    plan: Plan, header: Sequence[object], rows: Sequence[Sequence[object]]
) -> tuple[list[ImportedTarget], list[str]]:
    """Read the rows under the header (row 2 onwards): the targets they set, and every bad row named.

    A row with an empty target sets nothing. A bad row is an unknown indicator or unit, a year that
    is not one, a value out of range, or the same indicator, unit and year given twice.
    """
    columns = {_cell(cell).lower(): index for index, cell in enumerate(header)}
    found: list[ImportedTarget] = []
    problems: list[str] = []
    seen: dict[tuple[str, str | None, int], int] = {}
    for number, cells in enumerate(rows, start=2):
        values: Mapping[str, str] = {
            name: _cell(cells[index]) if index < len(cells) else "" for name, index in columns.items()
        }
        if not values.get("target"):
            continue
        checked = _check_row(plan, number, values)
        if isinstance(checked, str):
            problems.append(checked)
            continue
        key = (checked.indicator, checked.unit_code, checked.year)
        if key in seen:
            problems.append(f"row {number}: duplicate of row {seen[key]} ({_scope_text(checked)})")
            continue
        seen[key] = number
        found.append(checked)
    return found, problems


def _scope_text(target: ImportedTarget) -> str:
    return f"{target.indicator} {target.unit_code or BUREAU} {target.year}"


def _check_row(plan: Plan, number: int, values: Mapping[str, str]) -> ImportedTarget | str:
    """The row's target, or what is wrong with it."""
    indicator = plan.resolve_indicator(values.get("indicator", ""))
    if indicator is None:
        return f"row {number}: unknown indicator {values.get('indicator', '')!r}"
    code = values.get("unit", "").lower()
    unit_code = None if code in ("", BUREAU) else code
    if unit_code is not None and plan.unit(unit_code) is None:
        return f"row {number}: unknown unit {code!r} (units: {BUREAU}, {', '.join(plan.units_by_code)})"
    year = parse_year(values.get("year", ""))
    if year is None:
        return f"row {number}: {values.get('year', '')!r} is not a year such as 2027 or 116"
    try:
        check_in_year(plan, indicator, year)
    except TargetInputError:
        return f"row {number}: {indicator.id} is not an indicator of the plan period of {year}"
    try:
        value = parse_target(indicator, values["target"])
    except FigureInputError as error:
        reason = _VALUE_PROBLEMS.get(error.problem, "is not a target value")
        return f"row {number}: {indicator.id} target {values['target']!r} {reason}"
    return ImportedTarget(number, indicator.id, unit_code, year, value)
