"""One progress pipeline: /progress, the digest, the /set answer and the .xlsx progress sheet
agree on target, actual and achievement, for a unit with its own allocation and one without.

The plan allocates 第一分局 (p1) its own targets for the clearance rate, DUI and prevention talks;
第二分局 (p2) has none. Expected figures are worked out by hand from what is seeded:

- p1, own allocation: its own figures against its own targets;
- p2, clearance rate (a rate it has its own figure for): its own rate against the bureau's target;
- p2, DUI and talks: the bureau's figures against the bureau's target (its count is its contribution).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

import handlers.export
from bot.core.clock import SettableClock
from bot.core.numbers import number
from bot.demo.sandbox.standin import BotApiStandIn
from tests.auxil.harness import ADMIN_ID, Harness, make_settings, taipei

D = Decimal
ROOT = Path(__file__).resolve().parents[1]
P1_OFFICER, P2_OFFICER, P1_CHIEF, P2_CHIEF = 701, 702, 703, 704
CHIEFS = {"p1": P1_CHIEF, "p2": P2_CHIEF}
ALLOCATIONS = {"clearance_rate": D(90), "dui": D(70), "prevention_talks": D(20)}
SHORT_NAMES = {"clearance_rate": "刑案破獲率", "dui": "取締酒駕", "prevention_talks": "預防犯罪宣導"}
BAR_CELLS = 8


@dataclass(frozen=True)
class Case:
    """What every surface must show for one unit and indicator."""

    unit: str
    indicator: str
    target: Decimal
    actual: Decimal
    achievement: Decimal

    @property
    def bar(self) -> str:
        """The progress bar for the achievement (capped at 100 %)."""
        share = min(self.achievement, D(100)) / D(100) * BAR_CELLS
        filled = int(share.to_integral_value(rounding=ROUND_HALF_UP))
        return "▰" * filled + "▱" * (BAR_CELLS - filled)


CASES = [
    # own allocation of 90 %; own figure 45/50
    Case("p1", "clearance_rate", D(90), D(90), D(100)),
    # no allocation; own figure 30/40 against the bureau's 85 %
    Case("p2", "clearance_rate", D(85), D(75), D(75) / D(85) * 100),
    # own allocation of 70 %; own 10 stops against its own reference of 20
    Case("p1", "dui", D(70), D(50), D(50) / D(70) * 100),
    # no allocation; the bureau's 15 stops against the bureau's reference of 60, target 80 %
    Case("p2", "dui", D(80), D(25), D(25) / D(80) * 100),
    # own allocation of 20 talks; 4 held
    Case("p1", "prevention_talks", D(20), D(4), D(20)),
    # no allocation; the bureau's 15 talks against 50
    Case("p2", "prevention_talks", D(50), D(15), D(30)),
]


def allocated_plan(folder: Path) -> Path:
    """plan.json with p1's own targets for 民國110年 (2021); p2 gets none."""
    data = json.loads((ROOT / "plan.json").read_text(encoding="utf-8"))
    for indicator in data["indicators"]:
        if indicator["id"] in ALLOCATIONS:
            indicator["unit_targets"] = {"p1": {"110": int(ALLOCATIONS[indicator["id"]])}}
    path = folder / "plan.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def files_without_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    """/export answers with the file itself here ("preparing…" is tested in test_export_cells_e2e)."""
    monkeypatch.setattr(handlers.export, "PREPARING_AFTER", 60)


@pytest.fixture
def clock() -> SettableClock:
    """Wednesday 2021-03-10 10:00 in Taipei."""
    return SettableClock(taipei("2021-03-10T10:00:00"))


@pytest.fixture
async def bureau(tmp_path: Path, standin: BotApiStandIn, clock: SettableClock) -> AsyncIterator[Harness]:
    """The bot on the allocated plan, with officers, chiefs and reports of the week of 3/1."""
    settings = make_settings(tmp_path, standin, plan_path=allocated_plan(tmp_path))
    harness = Harness(standin=standin, clock=clock, settings=settings)
    await harness.start()
    try:
        clock.set(taipei("2021-03-01T09:00:00"))
        for user, unit, role in (
            (P1_OFFICER, "p1", "officer"),
            (P2_OFFICER, "p2", "officer"),
            (P1_CHIEF, "p1", "chief"),
            (P2_CHIEF, "p2", "chief"),
        ):
            await harness.register(user, unit, role, name=f"U{user}")
        clock.set(taipei("2021-03-10T10:00:00"))
        for user, text in (
            (P1_OFFICER, "/report dui 10 2021-03-03"),
            (P1_OFFICER, "/report talks 4 2021-03-03"),
            (P2_OFFICER, "/report dui 5 2021-03-04"),
            (P2_OFFICER, "/report talks 11 2021-03-05"),
        ):
            assert "已記錄" in ((await harness.say(user, text)).plain_text or ""), text
        yield harness
    finally:
        await harness.stop()


def figures_of(text: str, indicator: str) -> str:
    """The line of an indicator in a /progress or digest text (with the digest's year-to-date line)."""
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if SHORT_NAMES[indicator] in line)
    if "▰" in lines[index] or "▱" in lines[index]:
        return lines[index]
    return lines[index] + "\n" + lines[index + 1]


def shown_numbers(text: str) -> set[str]:
    """Every number written in a text, as written (1,234.5 stays 1,234.5)."""
    return set(re.findall(r"\d[\d,]*(?:\.\d+)?", text))


def check_line(line: str, case: Case) -> None:
    """A /progress or digest line: its bar, actual and target (and achievement for counts)."""
    assert case.bar in line, (case, line)
    numbers = shown_numbers(line)
    assert {number(case.actual), number(case.target)} <= numbers, (case, line)
    if case.indicator == "prevention_talks":
        assert number(case.achievement, 0) in numbers, (case, line)


async def set_answers(harness: Harness) -> dict[tuple[str, str], str]:
    """The admin's figures; the answers to the unit-level ones, by unit and indicator."""
    answers = {}
    for text in (
        "/set clearance_rate 412/480",
        "/set clearance_rate 45/50 p1",
        "/set clearance_rate 30/40 p2",
        "/set dui 60",
        "/set dui 20 p1",
        "/set dui 30 p2",
    ):
        answer = (await harness.say(ADMIN_ID, text)).plain_text or ""
        assert "已設定" in answer, (text, answer)
        words = text.split()
        if len(words) == 4:
            answers[(words[3], words[1])] = answer
    return answers


async def progress_text(harness: Harness, chief: int) -> str:
    """The chief's /progress."""
    return (await harness.say(chief, "/progress")).plain_text or ""


async def digest_text(harness: Harness, chief: int) -> str:
    """The chief's digest of the week of 3/1, asked for with /digest (text, then chart)."""
    harness.standin.send_text(chief, "/digest")
    text = await harness.standin.next_message(chief, timeout=15)
    await harness.standin.next_message(chief, timeout=15)
    return text.plain_text or ""


async def test_every_surface_shows_the_same_target_actual_and_achievement(bureau: Harness) -> None:
    answers = await set_answers(bureau)
    progress = {unit: await progress_text(bureau, chief) for unit, chief in CHIEFS.items()}
    digests = {unit: await digest_text(bureau, chief) for unit, chief in CHIEFS.items()}
    export = await bureau.say(ADMIN_ID, "/export 2021 xlsx")
    assert export.document is not None
    book = load_workbook(io.BytesIO(export.document[1]))
    sheet = book[book.sheetnames[1]]
    sheet_rows = {(row[1], row[3]): row for row in sheet.iter_rows(min_row=2, values_only=True)}

    for case in CASES:
        check_line(figures_of(progress[case.unit], case.indicator), case)
        check_line(figures_of(digests[case.unit], case.indicator), case)
        cells = sheet_rows[(case.unit, case.indicator)]
        assert cells[5] == pytest.approx(float(case.target), abs=0.006), (case, cells)
        assert cells[6] == pytest.approx(float(case.actual), abs=0.006), (case, cells)
        assert cells[7] == pytest.approx(float(case.achievement), abs=0.006), (case, cells)
        answer = answers.get((case.unit, case.indicator))
        if answer is not None:
            assert f"目標 {number(case.target, 2)}%" in answer, (case, answer)
            assert f"達成率 {number(case.achievement, 1)}%" in answer, (case, answer)
            assert f"{number(case.actual, 1)}%" in answer, (case, answer)


async def test_whose_figures_each_surface_says_it_shows(bureau: Harness) -> None:
    answers = await set_answers(bureau)
    p2 = (await bureau.say(P2_CHIEF, "/progress")).plain_text or ""
    assert "本單位 75%" in figures_of(p2, "clearance_rate")
    assert "本單位 5 件｜全局 25%" in figures_of(p2, "dui")
    assert "以本單位填報的數值對照全局目標" in p2
    assert "以本單位數值對照全局目標" in answers[("p2", "clearance_rate")]
    assert "已取締 15 件／警政署基準 60 件" in answers[("p2", "dui")]  # the bureau's, not p2's 30
    assert "已取締 10 件／警政署基準 20 件" in answers[("p1", "dui")]  # p1's own
    export = await bureau.say(P2_CHIEF, "/export 2021")
    assert export.document is not None
    book = load_workbook(io.BytesIO(export.document[1]))
    rows = {row[3]: row for row in book[book.sheetnames[1]].iter_rows(min_row=2, values_only=True)}
    assert rows["dui"][12:14] == (5, pytest.approx(100 / 3, abs=0.006))  # own count, share of 15
    assert "皆為全局數字" in rows["dui"][15]
    assert "本單位數值對照全局目標" in rows["clearance_rate"][15]
