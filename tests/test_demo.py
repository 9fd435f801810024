"""`python -m bot demo`: runs offline, prints progress against the plan, names its folder."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.app import build_application
from bot.domain import NOTHING_TO_REPORT
from bot.runner_demo import DemoOptions, run_demo
from bot.simulation.summary import BUREAU

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


def test_demo_command_needs_no_token(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli"
    code = main(
        ["demo", "--weeks", "1", "--officers", "20", "--via-bot", "10", "--seed", "9", "--out", str(out)]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert f"Wrote {out}" in printed and "Bureau 基隆市警察局, 2021 as of 2021-11-28" in printed
    assert (out / "reports.csv").read_text(encoding="utf-8-sig").startswith("report_id,report_date,unit")
    assert main(["demo", "--weeks", "1", "--officers", "20", "--out", str(out)]) == 1  # will not overwrite
