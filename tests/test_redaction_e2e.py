"""/redact through the real bot: admins only; the note's text gone from the report log (raw bytes
included), the marker in every view and export, counts and everything else as they were, an
audit row without the text; the report log stays append-only but for that one change."""

from __future__ import annotations

import csv
import io
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.core.redaction import REDACTED_NOTE
from tests.auxil.botprocess import query
from tests.auxil.harness import ADMIN_ID, Harness, taipei

OFFICER, CHIEF = 1501, 1502
SECRET = "相對人陳小明住信義路"
PLAIN_NOTE = "社區反詐騙宣導"


def raw_bytes(database: Path) -> bytes:
    """The database file and its write-ahead log, as they lie on disk."""
    wal = database.with_name(database.name + "-wal")
    return database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def xlsx_rows(data: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return list(sheet.iter_rows(min_row=2, values_only=True))


async def exports(harness: Harness) -> tuple[list[dict[str, str]], list[tuple[Any, ...]]]:
    """The admin's CSV and .xlsx of this year, as read back."""
    as_csv = await harness.say(ADMIN_ID, "/export csv")
    as_xlsx = await harness.say(ADMIN_ID, "/export xlsx")
    assert as_csv.document is not None and as_xlsx.document is not None
    return csv_rows(as_csv.document[1]), xlsx_rows(as_xlsx.document[1])


@pytest.fixture
async def reported(harness: Harness) -> tuple[Harness, int, int]:
    """An officer's report with a note to redact and one with an ordinary note, on 2026-12-06."""
    harness.clock.set(taipei("2026-12-06T10:00:00"))
    await harness.register(OFFICER, "p1", "officer", name="陳警員")
    await harness.register(CHIEF, "p1", "chief", name="林主管")
    for text in (f"/report 酒駕 3 今天 {SECRET}", f"/report 宣導 2 今天 {PLAIN_NOTE}"):
        assert "已記錄" in ((await harness.say(OFFICER, text)).plain_text or "")
    path = harness.settings.database_path
    ((secret_id,),) = query(path, "SELECT id FROM reports WHERE indicator = 'dui'")
    ((plain_id,),) = query(path, "SELECT id FROM reports WHERE indicator = 'prevention_talks'")
    return harness, secret_id, plain_id


async def test_redact_replaces_the_note_everywhere_and_changes_nothing_else(
    reported: tuple[Harness, int, int],
) -> None:
    harness, secret_id, plain_id = reported
    path = harness.settings.database_path
    mine_before = (await harness.say(OFFICER, "/mine")).plain_text
    csv_before, xlsx_before = await exports(harness)
    assert SECRET in {row["note"] for row in csv_before}
    totals_before = query(path, "SELECT * FROM unit_day_totals ORDER BY 1, 2, 3")
    columns = (
        "id, officer_id, unit_code, indicator, report_date, count, received_at, chat_id, message_id,"
        " update_id, idempotency_key"
    )
    reports_before = query(path, f"SELECT {columns} FROM reports ORDER BY id")
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert SECRET.encode() in raw_bytes(path)  # the search finds the note while it is stored

    answer = await harness.say(ADMIN_ID, f"/redact {secret_id} 備註含當事人姓名")
    assert f"#{secret_id}" in (answer.plain_text or "")
    assert REDACTED_NOTE in (answer.plain_text or "") and SECRET not in (answer.plain_text or "")

    assert query(path, "SELECT note FROM reports WHERE id = ?", (secret_id,)) == [(None,)]
    assert SECRET.encode() not in raw_bytes(path)
    redactions = query(path, "SELECT report_id, redacted_by, reason FROM report_redactions")
    assert redactions == [(secret_id, ADMIN_ID, "備註含當事人姓名")]
    ((actor, subject, old, new),) = query(
        path, "SELECT actor_id, subject, old_value, new_value FROM audit WHERE action = 'report.redact'"
    )
    assert (actor, subject) == (ADMIN_ID, f"report:{secret_id}")
    assert "備註含當事人姓名" in new and SECRET not in f"{old}{new}"

    # Counts, totals and every other column as they were; only the note reads as the marker.
    assert query(path, f"SELECT {columns} FROM reports ORDER BY id") == reports_before
    assert query(path, "SELECT * FROM unit_day_totals ORDER BY 1, 2, 3") == totals_before
    assert (await harness.say(OFFICER, "/mine")).plain_text == mine_before
    csv_after, xlsx_after = await exports(harness)
    assert len(csv_after) == len(csv_before) == 2
    for before, after in zip(csv_before, csv_after, strict=True):
        expected = REDACTED_NOTE if after["report_id"] == str(secret_id) else before["note"]
        assert after == {**before, "note": expected}
    note_column = 9
    for before_cells, after_cells in zip(xlsx_before, xlsx_after, strict=True):
        expected = REDACTED_NOTE if after_cells[0] == secret_id else before_cells[note_column]
        assert after_cells == (*before_cells[:note_column], expected, *before_cells[note_column + 1 :])
        assert SECRET not in repr(after_cells)

    today = (await harness.say(OFFICER, "/today")).plain_text or ""
    assert REDACTED_NOTE in today and PLAIN_NOTE in today and SECRET not in today
    ask = await harness.say(OFFICER, "/undo")  # the latest report is the one with the ordinary note
    assert PLAIN_NOTE in (ask.plain_text or "")
    await harness.tap(OFFICER, ask, "撤銷")
    ask = await harness.say(OFFICER, "/undo")
    assert REDACTED_NOTE in (ask.plain_text or "") and SECRET not in (ask.plain_text or "")

    again = await harness.say(ADMIN_ID, f"/redact {secret_id} 再一次")
    assert "已遮蔽過" in (again.plain_text or "")
    assert query(path, "SELECT COUNT(*) FROM audit WHERE action = 'report.redact'") == [(1,)]
    audit_view = await harness.say(ADMIN_ID, "/audit 3")
    assert "備註遮蔽" in (audit_view.plain_text or "") and SECRET not in (audit_view.plain_text or "")
    assert plain_id != secret_id


async def test_only_admins_redact(reported: tuple[Harness, int, int]) -> None:
    harness, secret_id, _ = reported
    path = harness.settings.database_path
    for who in (OFFICER, CHIEF):
        answer = await harness.say(who, f"/redact {secret_id} 備註含姓名")
        assert answer.plain_text == "此指令僅限管理員使用。"
        assert "/redact" not in ((await harness.say(who, "/help")).plain_text or "")
    assert "/redact 回報編號 原因" in ((await harness.say(ADMIN_ID, "/help")).plain_text or "")
    assert query(path, "SELECT note FROM reports WHERE id = ?", (secret_id,)) == [(SECRET,)]
    assert query(path, "SELECT COUNT(*) FROM report_redactions") == [(0,)]
    assert query(path, "SELECT COUNT(*) FROM audit WHERE action = 'report.redact'") == [(0,)]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ("", "用法"),
        ("{secret}", "用法"),
        ("abc 原因", "用法"),
        ("0 原因", "用法"),
        ("{secret} 請回電 0912-345-678", "電話號碼"),
        ("{secret} " + "長" * 201, "最多 200 個字"),
        ("999999 原因", "找不到回報 #999999"),
        ("{nothing} 原因", "沒有備註"),
    ],
)
async def test_bad_redact_input_is_explained_and_changes_nothing(
    reported: tuple[Harness, int, int], arguments: str, expected: str
) -> None:
    harness, secret_id, _ = reported
    path = harness.settings.database_path
    day = await harness.say(OFFICER, "/report 酒駕 1")
    assert "已記錄" in (day.plain_text or "")
    ((nothing_id,),) = query(path, "SELECT MAX(id) FROM reports")
    text = f"/redact {arguments.format(secret=secret_id, nothing=nothing_id)}".strip()
    answer = await harness.say(ADMIN_ID, text)
    assert expected in (answer.plain_text or ""), answer.plain_text
    assert query(path, "SELECT COUNT(*) FROM report_redactions") == [(0,)]
    assert query(path, "SELECT note FROM reports WHERE id = ?", (secret_id,)) == [(SECRET,)]


async def test_redact_answers_in_english(reported: tuple[Harness, int, int]) -> None:
    harness, secret_id, _ = reported
    await harness.tap(ADMIN_ID, await harness.say(ADMIN_ID, "/lang"), "English")
    answer = await harness.say(ADMIN_ID, f"/redact {secret_id} names a person")
    assert f"Redacted the note of report #{secret_id}" in (answer.plain_text or "")


async def test_the_report_log_takes_no_other_change(reported: tuple[Harness, int, int]) -> None:
    harness, secret_id, plain_id = reported
    path = harness.settings.database_path
    assert "已遮蔽" in ((await harness.say(ADMIN_ID, f"/redact {secret_id} 含姓名")).plain_text or "")
    forbidden = [
        ("UPDATE reports SET note = NULL WHERE id = ?", plain_id),  # no redaction record
        ("UPDATE reports SET count = 9 WHERE id = ?", secret_id),
        ("UPDATE reports SET note = 'x' WHERE id = ?", secret_id),
        ("DELETE FROM reports WHERE id = ?", secret_id),
        ("UPDATE report_redactions SET reason = 'x' WHERE report_id = ?", secret_id),
        ("DELETE FROM report_redactions WHERE report_id = ?", secret_id),
    ]
    with closing(sqlite3.connect(path)) as connection:
        for statement, report_id in forbidden:
            with pytest.raises(sqlite3.IntegrityError):
                connection.execute(statement, (report_id,))
    assert query(path, "SELECT note FROM reports WHERE id = ?", (plain_id,)) == [(PLAIN_NOTE,)]
    assert query(path, "SELECT count FROM reports WHERE id = ?", (secret_id,)) == [(3,)]
