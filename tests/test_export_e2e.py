"""/export through the real bot: the .xlsx read back with openpyxl and checked cell by cell
against the database; CSV; chiefs limited to their unit; officers refused; the CLI."""

from __future__ import annotations

import asyncio
import csv
import io
import sqlite3
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

import handlers.export
from bot.cli.main import main
from bot.core.plan import Measure, load_plan
from bot.core.progress import Actuals, compute_progress
from bot.demo.sandbox.records import SentMessage
from bot.rendering.export import CSV_HEADER
from tests.auxil.harness import ADMIN_ID, Harness, taipei

PLAN = load_plan(Path(__file__).resolve().parents[1] / "plan.json")
TODAY = date(2020, 6, 30)
P1_OFFICER, TRAFFIC_OFFICER, P1_CHIEF = 901, 902, 903
REPORT_HEADERS = [
    "編號",
    "回報日期",
    "單位",
    "單位代碼",
    "員警 Telegram 編號",
    "員警姓名",
    "項目",
    "項目代碼",
    "數量",
    "備註",
    "收到時間",
    "撤銷時間",
]
PROGRESS_HEADERS = [
    "單位",
    "單位代碼",
    "指標",
    "指標代碼",
    "衡量單位",
    "年度目標",
    "實績",
    "達成率（%）",
    "至今應達",
    "進度",
    "年底推估",
    "每週尚需",
    "本單位回報數",
    "占全局（%）",
    "計算依據",
    "說明",
]


@pytest.fixture(autouse=True)
def files_without_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    """/export answers with the file itself here ("preparing…" is tested in test_export_cells_e2e)."""
    monkeypatch.setattr(handlers.export, "PREPARING_AFTER", 60)


@pytest.fixture
async def bureau(harness: Harness) -> Harness:
    """Two officers and a chief who reported in 2020, and some admin figures."""
    harness.clock.set(taipei("2020-06-30T10:00:00"))
    await harness.register(P1_OFFICER, "p1", "officer", name="陳警員")
    await harness.register(TRAFFIC_OFFICER, "traffic", "officer", name="交通隊員")
    await harness.register(P1_CHIEF, "p1", "chief", name="林主管")
    lines = {
        P1_OFFICER: ["/report 宣導 2 yesterday 社區反詐騙", "/report 酒駕 3", "/report 家暴 1"],
        TRAFFIC_OFFICER: ["/report 酒駕 20", "/report 酒駕 7 2020-06-25"],
    }
    for officer, texts in lines.items():
        for text in texts:
            assert "已記錄" in ((await harness.say(officer, text)).plain_text or ""), text
    undo = await harness.say(P1_OFFICER, "/undo")
    await harness.tap(P1_OFFICER, undo, "撤銷")
    for text in (
        "/set clearance_rate 412/480",
        "/set dui 60",
        "/set budget_surplus 2.5 p1",
        "/set a1_fatalities 15 2019",
        "/set a1_fatalities 11",
        "/set pc_budget_execution 40%",
    ):
        assert "已設定" in ((await harness.say(ADMIN_ID, text)).plain_text or ""), text
    return harness


def database_reports(path: Path, unit: str | None = None) -> list[sqlite3.Row]:
    with sqlite3.connect(path) as connection:
        connection.row_factory = sqlite3.Row
        query = (
            "SELECT r.*, u.full_name, v.voided_at FROM reports r JOIN users u ON u.telegram_id = r.officer_id"
            " LEFT JOIN report_voids v ON v.report_id = r.id"
        )
        if unit:
            return connection.execute(query + " WHERE r.unit_code = ? ORDER BY r.id", (unit,)).fetchall()
        return connection.execute(query + " ORDER BY r.id").fetchall()


def database_actuals(path: Path, indicator_id: str, unit: str | None) -> Actuals:
    """Actuals computed straight from the tables, independently of the bot's repositories."""
    indicator = PLAN.indicator(indicator_id)
    with sqlite3.connect(path) as connection:

        def latest(year: int) -> tuple[str, str | None] | None:
            return connection.execute(
                "SELECT value, denominator FROM admin_figures WHERE indicator = ? AND year = ?"
                " AND unit_code IS ? ORDER BY id DESC LIMIT 1",
                (indicator_id, year, unit),
            ).fetchone()

        count = connection.execute(
            "SELECT COALESCE(SUM(count), 0) FROM reports r WHERE indicator = ? AND report_date LIKE '2020-%'"
            " AND (? IS NULL OR unit_code = ?) AND id NOT IN (SELECT report_id FROM report_voids)",
            (indicator_id, unit, unit),
        ).fetchone()[0]
        this, previous = latest(2020), latest(2019)
    if indicator.measure is Measure.COUNT:
        return Actuals(count=count)
    if indicator.measure is Measure.REFERENCE_ACHIEVEMENT:
        return Actuals(count=count, reference=Decimal(this[0]) if this else None)
    if this is None and previous is None:
        return Actuals()
    if indicator.measure is Measure.RATE:
        return Actuals(numerator=Decimal(this[0]), denominator=Decimal(this[1]))
    if indicator.measure is Measure.PERCENTAGE:
        return Actuals(percentage=Decimal(this[0]))
    return Actuals(
        this_year=Decimal(this[0]) if this else None, previous_year=Decimal(previous[0]) if previous else None
    )


def workbook_of(message: SentMessage):
    assert message.document is not None, message
    return load_workbook(io.BytesIO(message.document[1]))


def check_report_sheet(sheet: Worksheet, path: Path, unit: str | None = None) -> None:
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == REPORT_HEADERS
    expected = database_reports(path, unit)
    assert len(rows) - 1 == len(expected) > 0
    for cells, row in zip(rows[1:], expected, strict=True):
        received = datetime.fromisoformat(row["received_at"]).astimezone(taipei("2020-01-01T00:00:00").tzinfo)
        voided = row["voided_at"]
        assert cells == (
            row["id"],
            datetime.fromisoformat(row["report_date"]),
            PLAN.unit(row["unit_code"]).name.zh,  # type: ignore[union-attr]
            row["unit_code"],
            row["officer_id"],
            row["full_name"],
            PLAN.indicator(row["indicator"]).name.zh,
            row["indicator"],
            row["count"],
            row["note"],
            received.replace(tzinfo=None),
            datetime.fromisoformat(voided).astimezone(received.tzinfo).replace(tzinfo=None)
            if voided
            else None,
        )
    assert sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet["K2"].number_format == "yyyy-mm-dd hh:mm:ss"
    # numbers are number cells (Excel has one kind of number: 2 and 2.0 are the same cell)
    assert all(sheet[f"{column}2"].data_type == "n" for column in "AEI")


def check_progress_sheet(sheet: Worksheet, path: Path, scopes: list[str | None]) -> None:
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == PROGRESS_HEADERS
    seen = set()
    for cells in rows[1:]:
        unit = cells[1] or None
        indicator = PLAN.indicator(cells[3])
        seen.add((unit, indicator.id))
        assert unit in scopes
        # plan.json allocates nothing to units: a unit's own rate or percentage against the
        # bureau's target, else the bureau's figures against the bureau's target
        own = database_actuals(path, indicator.id, unit)
        shared_rate = indicator.measure in (Measure.RATE, Measure.PERCENTAGE) and own != Actuals()
        actuals = own if unit is None or shared_rate else database_actuals(path, indicator.id, None)
        target = indicator.target(2020)
        if unit is not None and indicator.is_officer_reported:
            bureau = database_actuals(path, indicator.id, None).count
            assert cells[12] == own.count, cells
            share = pytest.approx(own.count / bureau * 100, abs=0.006) if bureau else None
            assert cells[13] == share, cells
        progress = compute_progress(indicator, year=2020, today=TODAY, actuals=actuals, target=target)
        for value, expected in (
            (cells[5], progress.target),
            (cells[6], progress.actual),
            (cells[7], progress.achievement_pct),
            (cells[8], progress.expected_by_today),
            (cells[10], progress.projected_year_end),
            (cells[11], progress.needed_per_week),
        ):
            if expected is None:
                assert value is None, (cells, progress)
            else:
                assert value == pytest.approx(float(expected), abs=0.006), (cells, progress)
        if progress.target is None or unit is not None:
            assert cells[15], cells
    for unit in scopes:
        assert all((unit, i.id) in seen for i in PLAN.officer_indicators())
    assert sheet.freeze_panes == "A2"


async def test_admin_xlsx_matches_the_database_cell_by_cell(bureau: Harness) -> None:
    answer = await bureau.say(ADMIN_ID, "/export 2020 xlsx")
    assert answer.document is not None and answer.document[0] == "fieldbot-2020-all.xlsx"
    assert "民國109年（2020）" in (answer.plain_caption or "") and "5 筆回報" in (answer.plain_caption or "")
    book = workbook_of(answer)
    assert book.sheetnames == ["回報", "進度 民國109年（2020）"]
    path = bureau.settings.database_path
    check_report_sheet(book["回報"], path)
    progress = book["進度 民國109年（2020）"]
    check_progress_sheet(progress, path, [None, *PLAN.units_by_code])
    rows = {(r[1], r[3]): r for r in progress.iter_rows(min_row=2, values_only=True)}
    assert rows[(None, "clearance_rate")][14] == "412/480"
    assert rows[(None, "dui")][14] == "取締 30 件／警政署基準 60 件"
    assert rows[("traffic", "dui")][14] == "取締 30 件／警政署基準 60 件"  # the bureau's, as /progress
    assert rows[(None, "a1_fatalities")][14] == "前一年 15，本年 11"
    assert rows[("p1", "budget_surplus")][6] == pytest.approx(2.5)
    assert rows[("p1", "budget_surplus")][5] == pytest.approx(4)  # the bureau's target for 2020
    assert "本單位數值對照全局目標" in rows[("p1", "budget_surplus")][15]
    assert rows[("p2", "budget_surplus")][6] is None  # no figure of p2's and none of the bureau's
    assert "皆為全局數字" in rows[("p2", "budget_surplus")][15]
    assert "皆為全局數字" in rows[("p1", "prevention_talks")][15]
    assert rows[("p1", "prevention_talks")][12:14] == (2, pytest.approx(100))
    assert rows[(None, "drug_enforcement")][15] == "尚無數據"
    widths = {key: dim.width for key, dim in progress.column_dimensions.items()}
    assert widths["C"] >= 40 and 6 <= widths["B"] <= 20
    # the writer stores Excel's padding with the width (20 shows as 20.71 in the file)
    assert 20 <= book["回報"].column_dimensions["K"].width < 21


async def test_chief_exports_own_unit_only(bureau: Harness) -> None:
    answer = await bureau.say(P1_CHIEF, "/export 109")
    assert answer.document is not None and answer.document[0] == "fieldbot-2020-p1.xlsx"
    book = workbook_of(answer)
    path = bureau.settings.database_path
    check_report_sheet(book["回報"], path, unit="p1")
    check_progress_sheet(book["進度 民國109年（2020）"], path, ["p1"])
    refused = await bureau.say(P1_CHIEF, "/export 2020 traffic")
    assert "只能匯出本單位（第一分局）" in (refused.plain_text or "")
    assert refused.document is None


async def test_officers_are_refused(bureau: Harness) -> None:
    answer = await bureau.say(P1_OFFICER, "/export")
    assert answer.plain_text == "此指令僅限主管與管理員使用。"
    assert all(message.document is None for message in bureau.standin.messages_to(P1_OFFICER))


async def test_csv_export_in_the_chat(bureau: Harness) -> None:
    answer = await bureau.say(ADMIN_ID, "/export csv 2020")
    assert answer.document is not None and answer.document[0] == "fieldbot-2020-all.csv"
    assert answer.document[1].startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.document[1].decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_HEADER
    expected = database_reports(bureau.settings.database_path)
    assert [int(row[0]) for row in rows[1:]] == [row["id"] for row in expected]
    assert rows[1][7] == "社區反詐騙"
    chief = await bureau.say(P1_CHIEF, "/export csv")
    assert chief.document is not None
    chief_rows = list(csv.reader(io.StringIO(chief.document[1].decode("utf-8-sig"))))
    assert {row[2] for row in chief_rows[1:]} == {"p1"}


async def test_bad_arguments_show_usage(bureau: Harness) -> None:
    for text in ("/export pdf", "/export 2099", "/export 2020 2021"):
        answer = await bureau.say(ADMIN_ID, text)
        assert "用法" in (answer.plain_text or ""), text


async def test_cli_writes_the_same_workbook(
    bureau: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(bureau.settings.database_path))
    monkeypatch.setenv("PLAN_PATH", str(bureau.settings.plan_path))
    out = tmp_path / "out" / "2020.xlsx"
    assert (
        await asyncio.to_thread(main, ["export", "--format", "xlsx", "--year", "2020", "--out", str(out)])
        == 0
    )
    book = load_workbook(out)
    check_report_sheet(book["回報"], bureau.settings.database_path)
    chat = workbook_of(await bureau.say(ADMIN_ID, "/export 2020"))
    for mine, theirs in zip(book.worksheets, chat.worksheets, strict=True):
        assert [row[:8] for row in mine.iter_rows(values_only=True)] == [
            row[:8] for row in theirs.iter_rows(values_only=True)
        ]
    csv_out = tmp_path / "all.csv"
    assert await asyncio.to_thread(main, ["export", "--format", "csv", "--out", str(csv_out)]) == 0
    assert csv_out.read_text(encoding="utf-8-sig").splitlines()[0] == ",".join(CSV_HEADER)
