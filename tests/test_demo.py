"""`python -m bot demo`: runs offline, prints progress against the plan, names its folder."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.app import build_application
from bot.cli.main import main
from bot.core.domain import NOTHING_TO_REPORT
from bot.demo.run import DemoOptions, DemoResult, run_demo
from bot.demo.simulation.summary import BUREAU

SMALL = DemoOptions(end=date(2021, 11, 28), weeks=1, officers=60, via_bot=12, seed=5)


def _csv_totals(path: Path, *, year: int, officers: frozenset[int] | None = None) -> dict[str, Counter[str]]:
    totals: dict[str, Counter[str]] = {BUREAU: Counter()}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if (
                row["voided_at"]
                or row["indicator"] == NOTHING_TO_REPORT
                or not row["report_date"].startswith(str(year))
            ):
                continue
            if officers is not None and int(row["officer_telegram_id"]) not in officers:
                continue
            for key in (BUREAU, row["unit"]):
                totals.setdefault(key, Counter())[row["indicator"]] += int(row["count"])
    return totals


async def test_demo_drives_the_bot_and_reports_what_it_stored(tmp_path: Path) -> None:
    lines: list[str] = []
    result = await run_demo(replace(SMALL, out=tmp_path / "demo"), build_application, say=lines.append)
    text = "\n".join(lines)

    assert result.folder == tmp_path / "demo" and result.csv.exists() and result.database.exists()
    assert str(result.folder) in text and "reports.csv" in text
    assert "第一分局" in text and "基隆市警察局" in text and "prevention_talks" in text
    assert result.tally.registered == 12 + 10 and result.tally.updates > 12 * 2
    assert len(result.tally.nothing) > 0
    # what the simulated people told the bot over HTTP is exactly what the export holds for them
    live = _csv_totals(result.csv, year=2021, officers=result.via_bot_ids)
    assert dict(live[BUREAU]) == result.tally.totals(year=2021)
    # the printed tables are the export's totals
    everything = _csv_totals(result.csv, year=2021)
    assert {k: dict(v) for k, v in everything.items()} == result.totals
    for indicator, count in everything[BUREAU].items():
        assert any(line.split()[:2] == [indicator, f"{count:,}"] for line in lines[-1].splitlines())
    assert result.history is not None and result.history.officer_days == (60 - 12) * 325
    check_closing(result, text)


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def check_closing(result: DemoResult, text: str) -> None:
    """The admin's figures, the chief's digest, /progress, the chart and the workbook."""
    closing = result.closing
    assert closing is not None and closing.figures_set == 12
    digest = closing.digest_text
    assert digest.startswith(("🗓 第一分局週報｜11/22（週一）–11/28（週日）", "🗓 First Precinct"))
    assert closing.digest_text in text and closing.progress_text in text
    # every indicator is covered: none is left without data once the admin has entered the figures
    for shown in (digest, closing.progress_text):
        assert shown.count("⚪") == 1, shown  # the legend's
    # the admin split the talks target among the units: the chief's line is the unit's own
    assert "已儲存 10 個單位的分配" in closing.allocation or "10 units' shares stored" in closing.allocation
    assert "以本單位分配的目標計算" in digest or "against the unit's own allocation" in digest
    assert "88.2%" in closing.progress_text  # clearance rate 3318/3764
    assert "全局進度" in closing.progress_text or "Bureau progress" in closing.progress_text
    chart = closing.chart.read_bytes()
    assert chart.startswith(PNG_SIGNATURE) and len(chart) > 10_000
    assert closing.chart.parent == result.folder and closing.workbook.parent == result.folder
    book = load_workbook(closing.workbook, read_only=True)
    assert len(book.sheetnames) == 2 and book.sheetnames[0] in ("回報", "Reports")
    assert "2021" in book.sheetnames[1]
    reports = list(book[book.sheetnames[0]].iter_rows(min_row=2, values_only=True))
    progress = list(book[book.sheetnames[1]].iter_rows(min_row=2, values_only=True))
    assert len(reports) > 100 and {row[3] for row in reports} == {"p1"}
    assert [row[1] for row in progress] == ["p1"] * 15  # every indicator, as the unit's /progress shows it
    book.close()
    # the whole bureau's workbook holds every report of the CSV, and the bureau's and each unit's progress
    bureau = load_workbook(closing.bureau_workbook, read_only=True)
    assert closing.bureau_workbook.parent == result.folder
    ids = [row[0] for row in bureau[bureau.sheetnames[0]].iter_rows(min_row=2, max_col=1, values_only=True)]
    with result.csv.open(encoding="utf-8-sig", newline="") as handle:
        assert ids == [int(row["report_id"]) for row in csv.DictReader(handle)]
    scopes = Counter(row[1] for row in bureau[bureau.sheetnames[1]].iter_rows(min_row=2, values_only=True))
    assert scopes[None] == 15 and scopes["p1"] == 15 and len(scopes) == 11
    bureau.close()


def test_demo_command_needs_no_token(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli"
    code = main(
        ["demo", "--weeks", "1", "--officers", "20", "--via-bot", "10", "--seed", "9", "--out", str(out)]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert f"Wrote {out}" in printed and "Bureau 基隆市警察局, 2021 as of 2021-11-28" in printed
    assert (out / "reports.csv").read_text(encoding="utf-8-sig").startswith("report_id,report_date,unit")
    assert (out / "digest-chart.png").read_bytes().startswith(PNG_SIGNATURE)
    assert (out / "export.xlsx").exists() and (out / "export-bureau.xlsx").exists()
    assert "Monday's weekly digest, as the chief of p1 received it:" in printed
    assert main(["demo", "--weeks", "1", "--officers", "20", "--out", str(out)]) == 1  # will not overwrite
