"""The statistics office's sheet: `targets export`, then `targets import` checked, refused, applied."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook, load_workbook

from bot.core.targets import Change
from tests.auxil.harness import ADMIN_ID, Harness
from tests.test_cli import run_cli


def cli(harness: Harness, *args: str) -> tuple[int, str, str]:
    result = run_cli("targets", *args, env={"DATABASE_PATH": str(harness.settings.database_path)})
    return result.returncode, result.stdout, result.stderr


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["indicator", "unit", "year", "target"], *rows])
    return path


async def test_export_has_each_indicator_and_last_known_target(harness: Harness, tmp_path: Path) -> None:
    harness.user(ADMIN_ID, "Admin")
    await harness.say(ADMIN_ID, "/target talks 45 2026 p1")
    out = tmp_path / "targets.xlsx"
    status, stdout, stderr = cli(harness, "export", "--year", "2027", "--out", str(out))
    assert status == 0, stderr
    assert "165 rows for 2027" in stdout  # 15 indicators x (bureau + 10 units)
    sheet = load_workbook(out).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == [
        "indicator", "name", "unit", "unit_name", "measure_unit", "last_year", "last_target", "year", "target"
    ]  # fmt: skip
    by_scope = {(row[0], row[2]): row for row in rows[1:]}
    assert by_scope[("prevention_talks", "bureau")][4:] == ["場", 2021, 50, 2027, None]
    assert by_scope[("prevention_talks", "p1")][3:] == ["第一分局", "場", 2026, 45, 2027, None]
    assert by_scope[("clearance_rate", "bureau")][5:7] == [2021, 85]
    assert by_scope[("dui", "p2")][5:] == [None, None, 2027, None]


async def test_a_bad_row_stores_nothing_then_a_good_import_is_one_audited_change(
    harness: Harness, tmp_path: Path
) -> None:
    harness.user(ADMIN_ID, "Admin")
    await harness.say(ADMIN_ID, "/target talks 40 2027")
    good_rows = [
        ["prevention_talks", "bureau", "2027", "44"],
        ["prevention_talks", "p1", "116", "12"],
        ["clearance_rate", "", "2027", "86%"],
        ["dui", "p2", "2027", ""],  # left empty: no change
    ]
    bad = write_csv(
        tmp_path / "bad.csv",
        [
            *good_rows,
            ["no_such_kpi", "p1", "2027", "3"],
            ["prevention_talks", "p9", "2027", "3"],
            ["clearance_rate", "p3", "2027", "250"],
            ["prevention_talks", "P1", "2027", "13"],
            ["trafficking", "p1", "next", "1"],
        ],
    )
    status, stdout, stderr = cli(harness, "import", str(bad), "--apply")
    assert status == 1
    assert "row 6: unknown indicator 'no_such_kpi'" in stderr
    assert "row 7: unknown unit 'p9'" in stderr
    assert "row 8: clearance_rate target '250' is out of range" in stderr
    assert "row 9: duplicate of row 3 (prevention_talks p1 2027)" in stderr
    assert "row 10: 'next' is not a year" in stderr
    assert stderr.rstrip().endswith("nothing stored")
    assert harness.app is not None
    repos = harness.app.bot_data.repos
    assert len(await repos.targets.amendments_for(year=2027)) == 1

    good = write_csv(tmp_path / "good.csv", good_rows)
    status, stdout, stderr = cli(harness, "import", str(good))
    assert status == 0, stderr
    assert "row 2: prevention_talks bureau 2027: 40 (amended) → 44" in stdout
    assert "row 3: prevention_talks p1 2027: – → 12" in stdout
    assert "row 4: clearance_rate bureau 2027: – → 86" in stdout
    assert "3 of 3 targets would change" in stdout and "nothing stored" in stdout
    assert len(await repos.targets.amendments_for(year=2027)) == 1

    status, stdout, stderr = cli(harness, "import", str(good), "--apply")
    assert status == 0, stderr
    assert "3 targets stored as one change" in stdout
    history = await repos.targets.history(indicator="prevention_talks", year=2027, unit_code=None)
    assert [(entry.value, entry.change, entry.entered_by) for entry in history] == [
        (44, Change.IMPORT, None),
        (40, Change.SET, ADMIN_ID),
    ]
    audit = (await repos.audit.latest(limit=1))[0]
    assert (audit.action, audit.subject, audit.actor_id) == ("target.import", "import:good.csv", None)
    listed = (await harness.say(ADMIN_ID, "/targets 2027")).plain_text or ""
    assert "預防犯罪宣導：44 場（命令列匯入" in listed and "全般刑案破獲率：86%（命令列匯入" in listed


async def test_an_xlsx_sheet_filled_in_imports_the_same(harness: Harness, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["indicator", "name", "unit", "year", "target"])
    sheet.append(["domestic_violence", "查獲違反家庭暴力罪移（函）送件數", "bureau", 2027, 80])
    sheet.append(["budget_surplus", "業務費賸餘", "p4", 2027, 3.5])
    path = tmp_path / "filled.xlsx"
    book.save(path)
    status, stdout, stderr = cli(harness, "import", str(path), "--apply")
    assert status == 0, stderr
    assert "row 3: budget_surplus p4 2027: – → 3.5" in stdout and "2 targets stored" in stdout
