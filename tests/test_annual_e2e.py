"""/annual and `python -m bot annual` through the real bot: the year's result sheet read back with
openpyxl and checked against /progress for the same year; who may ask; a year with nothing.

The plan allocates 第一分局 (p1) its own target for prevention talks in 民國109年 (2020), so the
sheet holds the bureau and p1; no other unit has a target of its own.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from bot.cli.main import main
from bot.core.clock import SettableClock
from bot.core.domain import Language
from bot.core.numbers import number
from bot.core.plan import load_plan
from bot.demo.sandbox.records import SentMessage
from bot.rendering.i18n import Catalog
from tests.auxil.answers import say_each
from tests.auxil.harness import ADMIN_ID, Harness, make_settings, taipei
from tests.auxil.scheduling import services
from tests.auxil.seed import add_report

ROOT = Path(__file__).resolve().parents[1]
PLAN = load_plan(ROOT / "plan.json")
CATALOG = Catalog.load()
P1_OFFICER, P2_OFFICER, P1_CHIEF, OUTSIDER = 711, 712, 713, 714
P1_TALKS_TARGET = 20
HEADERS = [
    "序號",
    "關鍵策略目標／共同性目標",
    "編號",
    "關鍵績效指標／共同性指標",
    "衡量標準",
    "單位",
    "民國109年（2020）目標值",
    "實際值",
    "達成率",
    "達成情形",
]
TARGET, ACTUAL, ACHIEVEMENT, VERDICT, OWN = 6, 7, 8, 9, 10


def allocated_plan(folder: Path) -> Path:
    """plan.json with p1's own target for prevention talks in 民國109年 (2020)."""
    data = PLAN.model_dump(mode="json")
    talks = next(indicator for indicator in data["indicators"] if indicator["id"] == "prevention_talks")
    talks["unit_targets"] = {"p1": {"109": P1_TALKS_TARGET}}
    path = folder / "plan.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def clock() -> SettableClock:
    """Monday 2020-12-21 in Taipei, late in the plan's 民國109年."""
    return SettableClock(taipei("2020-12-21T10:00:00"))


@pytest.fixture
async def bureau(harness: Harness, tmp_path: Path) -> Harness:
    """A year of 2020 reports and figures; the clock then stands in January 2021."""
    await harness.stop()
    harness.settings = make_settings(tmp_path, harness.standin, plan_path=allocated_plan(tmp_path))
    await harness.start()
    await harness.register(P1_OFFICER, "p1", "officer", name="陳警員")
    await harness.register(P2_OFFICER, "p2", "officer", name="張警員")
    await harness.register(P1_CHIEF, "p1", "chief", name="林主管")
    for user, text in (
        (P1_OFFICER, "/report talks 4 2020-12-20"),
        (P2_OFFICER, "/report talks 5 2020-12-21"),
        (P2_OFFICER, "/report 人口販運 3"),
        (P1_OFFICER, "/report dui 20"),
    ):
        assert "已記錄" in ((await harness.say(user, text)).plain_text or ""), text
    repos = services(harness).repos
    p1 = await repos.users.get(telegram_id=P1_OFFICER)
    p2 = await repos.users.get(telegram_id=P2_OFFICER)
    assert p1 is not None and p2 is not None
    await add_report(repos, p1, "prevention_talks", 18, date(2020, 5, 4))  # p1: 22 of its own 20
    await add_report(repos, p2, "prevention_talks", 11, date(2020, 3, 9))  # bureau: 38 of 50
    await add_report(repos, p2, "dui", 28, date(2020, 8, 1))
    await add_report(repos, p1, "domestic_violence", 80, date(2020, 7, 1))
    figures = (
        "/set clearance_rate 412/480 2020",
        "/set urine_test 79/100 2020",
        "/set dui 60 2020",
        "/set a1_fatalities 15 2019",
        "/set a1_fatalities 11 2020",
        "/set pc_budget_execution 40% 2020",
        "/set budget_surplus 2.5 2020 p1",
        "/set contract_staff_growth 0 2020",
    )
    await say_each(harness, ADMIN_ID, figures, "已設定")
    harness.clock.set(taipei("2021-01-11T09:00:00"))
    return harness


def workbook_of(message: SentMessage) -> Workbook:
    assert message.document is not None, message.plain_text
    return load_workbook(io.BytesIO(message.document[1]))


def table(book: Workbook, sheet_name: str) -> dict[str, tuple[Any, ...]]:
    """The indicator rows of a sheet, by indicator id (the name column read back to the plan)."""
    by_name = {indicator.name.zh: indicator.id for indicator in PLAN.indicators}
    rows = {}
    for cells in book[sheet_name].iter_rows(min_row=4, values_only=True):
        if cells[3] in by_name:
            rows[by_name[cells[3]]] = cells
    return rows


def progress_lines(text: str) -> dict[str, str]:
    """The line of each indicator in a /progress answer, by indicator id (found by its short name)."""
    lines = {}
    for indicator in PLAN.indicators:
        short = CATALOG.plain(Language.ZH, f"progress.short_{indicator.id}")
        lines[indicator.id] = next(line for line in text.splitlines() if f" {short} " in line)
    return lines


def shown_numbers(text: str) -> set[str]:
    """Every number written in a text, as written."""
    return set(re.findall(r"-?\d[\d,]*(?:\.\d+)?", text))


def as_shown(value: float | int, *, percent: bool, places: int = 1) -> str:
    """A cell's value written the way /progress writes it (a fraction under % as percent)."""
    scaled = Decimal(str(value)) * (100 if percent else 1)
    return number(scaled, places)


def check_against_progress(cells: tuple[Any, ...], line: str, indicator_id: str) -> None:
    """Target, actual and (where /progress shows it) achievement agree with the /progress line."""
    indicator = PLAN.indicator(indicator_id)
    percent = indicator.unit == "%"
    numbers = shown_numbers(line)
    if cells[ACTUAL] is None:  # /progress says so and shows no target; the sheet keeps the plan's
        assert "尚無資料" in line, (indicator_id, line)
        assert cells[TARGET] == pytest.approx(float(indicator.target(2020) or 0) / (100 if percent else 1))
        return
    for column in (TARGET, ACTUAL):
        if cells[column] is None:
            continue
        assert isinstance(cells[column], int | float), cells
        assert as_shown(cells[column], percent=percent) in numbers, (indicator_id, cells, line)
    if cells[ACHIEVEMENT] is not None and indicator.measure.value == "count":
        assert as_shown(cells[ACHIEVEMENT], percent=True, places=0) in numbers, (indicator_id, cells, line)


async def test_annual_cells_agree_with_progress_for_the_same_year(bureau: Harness) -> None:
    answer = await bureau.say(ADMIN_ID, "/annual")  # the last finished year: 2020
    assert answer.document is not None and answer.document[0] == "annual-2020.xlsx"
    assert answer.plain_caption == "民國109年（2020）績效指標達成情形｜全局、第一分局"
    book = workbook_of(answer)
    assert book.sheetnames == ["全局", "第一分局"]
    progress = {
        "全局": (await bureau.say(ADMIN_ID, "/progress bureau 2020")).plain_text or "",
        "第一分局": (await bureau.say(ADMIN_ID, "/progress p1 109")).plain_text or "",
    }
    for name, text in progress.items():
        rows, lines = table(book, name), progress_lines(text)
        assert set(rows) == {indicator.id for indicator in PLAN.indicators}
        for indicator_id, cells in rows.items():
            check_against_progress(cells, lines[indicator_id], indicator_id)
    bureau_rows, p1_rows = table(book, "全局"), table(book, "第一分局")
    verdicts = {key: cells[VERDICT] for key, cells in bureau_rows.items()}
    assert verdicts["prevention_talks"] == "未達成"  # 38 of 50
    assert verdicts["trafficking"] == "達成"  # 3 of 3: met exactly
    assert verdicts["domestic_violence"] == "達成"  # 80 of 75
    assert verdicts["clearance_rate"] == "達成"  # 85.8 % of 85 %
    assert verdicts["urine_test"] == "未達成"  # 79 % of 80 %: within 5 %, still not met
    assert verdicts["dui"] == "達成"  # 48 stops of the NPA's 60 = 80 %, the target exactly
    assert verdicts["a1_fatalities"] == "達成"  # 4 fewer deaths, target 1
    assert verdicts["pc_budget_execution"] == "未達成"
    assert verdicts["contract_staff_growth"] == "達成"  # 0 % against at most 0 %
    assert verdicts["drug_enforcement"] == "無資料"
    assert bureau_rows["prevention_talks"][ACTUAL] == 38 and bureau_rows["prevention_talks"][TARGET] == 50
    assert bureau_rows["clearance_rate"][ACTUAL] == pytest.approx(412 / 480)
    assert bureau_rows["clearance_rate"][TARGET] == pytest.approx(0.85)
    assert bureau_rows["prevention_talks"][ACHIEVEMENT] == pytest.approx(0.76)
    assert bureau_rows["dui"][-1] == "取締 48 件／警政署基準 60 件"
    assert bureau_rows["a1_fatalities"][-1] == "前一年 15 人，本年 11 人"
    # p1's own allocation, its own count; the rest says whose figures they are
    talks = p1_rows["prevention_talks"]
    assert (talks[TARGET], talks[ACTUAL], talks[VERDICT], talks[OWN]) == (P1_TALKS_TARGET, 22, "達成", 22)
    assert talks[ACHIEVEMENT] == pytest.approx(1.1)
    assert talks[-1] == "以本單位分配的目標計算"
    assert p1_rows["budget_surplus"][ACTUAL] == pytest.approx(0.025)
    assert p1_rows["budget_surplus"][VERDICT] == "未達成"  # 2.5 % of the bureau's 4 %
    assert p1_rows["domestic_violence"][OWN] == 80
    assert p1_rows["domestic_violence"][-1] == "本單位未分配目標：實際值與目標為全局數字"


async def test_the_sheet_reads_like_the_plans_table(bureau: Harness) -> None:
    book = workbook_of(await bureau.say(ADMIN_ID, "/annual 109"))
    sheet = book["全局"]
    assert sheet["A1"].value == "基隆市警察局　民國109年（2020）關鍵績效指標及共同性指標達成情形"
    assert sheet["A2"].value == "統計至 2020-12-31（全年）"
    assert [cell.value for cell in sheet[3]] == [*HEADERS, "備註"]
    assert [cell.value for cell in book["第一分局"][3]] == [*HEADERS, "本單位回報數", "備註"]
    assert book["第一分局"]["A1"].value.startswith("基隆市警察局　第一分局　民國109年（2020）")
    assert sheet.freeze_panes == "A4"
    assert sheet["A4"].value == "關鍵績效指標"
    # the first goal's three indicators under one goal cell, as in the plan
    assert sheet["A5"].value == 1 and sheet["B5"].value == "加強打擊犯罪，有效維護社會治安（業務成果）"
    assert "A5:A7" in {str(merged) for merged in sheet.merged_cells.ranges}
    first_goal = ["全般刑案破獲率", "加強掃蕩毒品績效", "應受尿液採驗人到驗率"]
    assert [sheet.cell(row, 4).value for row in (5, 6, 7)] == first_goal
    common = next(row for row in range(4, sheet.max_row + 1) if sheet.cell(row, 1).value == "共同性指標")
    assert sheet.cell(common + 1, 4).value == "各單位當年度經常門業務費賸餘數百分比"
    for row in range(5, sheet.max_row + 1):
        target = sheet.cell(row, TARGET + 1)
        if target.value is None:
            continue
        assert isinstance(target.value, int | float)
        unit = sheet.cell(row, 6).value
        assert target.number_format == ("0.0%" if unit == "%" else "#,##0"), (row, unit)
        achievement = sheet.cell(row, ACHIEVEMENT + 1)
        assert achievement.value is None or achievement.number_format == "0.0%"
    widths = {key: dimension.width for key, dimension in sheet.column_dimensions.items()}
    assert widths["E"] >= 40 and widths["A"] <= 8 and widths["G"] >= 12


async def test_a_year_without_targets_and_a_year_with_nothing(bureau: Harness) -> None:
    bureau.clock.set(taipei("2026-12-06T10:00:00"))
    await bureau.say(P1_OFFICER, "/report talks 2")
    empty = await bureau.say(ADMIN_ID, "/annual")  # 2025: nothing reported, nothing entered
    assert empty.document is None
    assert empty.plain_text == "民國114年（2025）沒有任何回報或填報的數據，無法產生成果表。"
    running = workbook_of(await bureau.say(ADMIN_ID, "/annual 115"))
    assert running.sheetnames == ["全局"]  # p1's allocation is for 2020 only
    sheet = running["全局"]
    assert sheet["A2"].value == "統計至 2026-12-06：年度尚未結束，達成情形為暫定"
    talks = table(running, "全局")["prevention_talks"]
    assert (talks[TARGET], talks[ACTUAL], talks[VERDICT]) == (None, 2, "無目標")
    for text in ("/annual 2099", "/annual 2020 p1", "/annual abc"):
        usage = await bureau.say(ADMIN_ID, text)
        assert usage.document is None and "用法" in (usage.plain_text or ""), text
        assert "民國114年（2025）" in (usage.plain_text or "")


async def test_only_admins_get_the_sheet(bureau: Harness) -> None:
    bureau.user(OUTSIDER, "路人")
    for user in (P1_OFFICER, P1_CHIEF):
        answer = await bureau.say(user, "/annual 2020")
        assert answer.plain_text == "此指令僅限管理員使用。"
    outsider = await bureau.say(OUTSIDER, "/annual 2020")
    assert outsider.plain_text is not None and "僅供基隆市警察局已登錄同仁使用" in outsider.plain_text
    for user in (P1_OFFICER, P1_CHIEF, OUTSIDER):
        assert all(message.document is None for message in bureau.standin.messages_to(user))
    assert "/annual [年度]" in ((await bureau.say(ADMIN_ID, "/help")).plain_text or "")
    assert "/annual" not in ((await bureau.say(P1_CHIEF, "/help")).plain_text or "")


async def test_english_sheet_for_an_english_speaking_admin(bureau: Harness) -> None:
    offer = await bureau.say(ADMIN_ID, "/lang")
    await bureau.tap(ADMIN_ID, offer, "English")
    answer = await bureau.say(ADMIN_ID, "/annual 2020")
    assert answer.plain_caption == "2020 (ROC 109) results of the plan's indicators | Bureau, First Precinct"
    sheet = workbook_of(answer)["Bureau"]
    assert sheet["G3"].value == "Target 2020 (ROC 109)"
    verdicts = {sheet.cell(row, 4).value: sheet.cell(row, 10).value for row in range(5, sheet.max_row + 1)}
    assert verdicts["Crime-prevention talks"] == "not met"
    assert verdicts["Drug crackdown performance"] == "no data"


async def test_the_cli_writes_the_same_workbook(
    bureau: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    amended = await bureau.say(ADMIN_ID, "/target prevention_talks 60 2020")  # the command line sees it too
    assert "60" in (amended.plain_text or "")
    chat = workbook_of(await bureau.say(ADMIN_ID, "/annual 2020"))
    assert table(chat, "全局")["prevention_talks"][TARGET] == 60
    monkeypatch.setenv("DATABASE_PATH", str(bureau.settings.database_path))
    monkeypatch.setenv("PLAN_PATH", str(bureau.settings.plan_path))
    out = tmp_path / "sheets" / "2020.xlsx"
    status = await asyncio.to_thread(main, ["annual", "--year", "109", "--out", str(out)])
    assert status == 0
    written = load_workbook(out)
    assert written.sheetnames == chat.sheetnames
    for mine, theirs in zip(written.worksheets, chat.worksheets, strict=True):
        assert list(mine.iter_rows(values_only=True)) == list(theirs.iter_rows(values_only=True))
        assert mine.freeze_panes == theirs.freeze_panes == "A4"
    assert "written to" in capsys.readouterr().err
    status = await asyncio.to_thread(main, ["annual", "--year", "2018", "--out", str(tmp_path / "none.xlsx")])
    assert status == 1 and not (tmp_path / "none.xlsx").exists()
    assert "nothing was reported or entered for 2018" in capsys.readouterr().err
    assert await asyncio.to_thread(main, ["annual", "--year", "abc"]) == 2
    assert "--year" in capsys.readouterr().err


def test_the_cli_refuses_a_missing_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.sqlite3"
    monkeypatch.setenv("DATABASE_PATH", str(missing))
    assert main(["annual", "--year", "2025", "--out", str(tmp_path / "x.xlsx")]) == 1
    assert f"DATABASE_PATH: {missing} does not exist" in capsys.readouterr().err
    assert not missing.exists() and not (tmp_path / "x.xlsx").exists()
