"""The weekly digest's content: week against previous week, year to date, silent officers."""

from __future__ import annotations

from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.digest import Digest, SilentOfficer, build_digest, expected_days, silent_officers
from bot.core.domain import Language
from bot.core.plan import load_plan
from bot.core.records import DateRange, QuietOfficer
from bot.rendering.i18n import Catalog
from bot.rendering.progress_text import MAX_NAMES, ProgressTexts, to_plain

PLAN = load_plan(Path(__file__).resolve().parents[1] / "plan.json")
CATALOG = Catalog.load()
ZH = ProgressTexts(CATALOG, Language.ZH, PLAN)
EN = ProgressTexts(CATALOG, Language.EN, PLAN)
TZ = ZoneInfo("Asia/Taipei")
WEEK = DateRange(date(2021, 3, 1), date(2021, 3, 7))


def quiet(registered: str, *away: tuple[date, date]) -> QuietOfficer:
    return QuietOfficer(
        telegram_id=1,
        full_name="陳警員",
        unit_code="p1",
        registered_at=datetime.fromisoformat(registered),
        away=tuple(DateRange(start, end) for start, end in away),
    )


@pytest.mark.parametrize(
    ("officer", "days"),
    [
        (quiet("2021-01-01T00:00:00+00:00"), 7),
        (quiet("2021-03-04T02:00:00+00:00"), 4),
        (quiet("2021-03-07T15:59:00+00:00"), 1),
        (quiet("2021-03-07T16:00:00+00:00"), 0),
        (quiet("2021-01-01T00:00:00+00:00", (date(2021, 2, 20), date(2021, 3, 10))), 0),
        (quiet("2021-01-01T00:00:00+00:00", (date(2021, 3, 1), date(2021, 3, 3))), 4),
        (
            quiet(
                "2021-01-01T00:00:00+00:00",
                (date(2021, 3, 1), date(2021, 3, 3)),
                (date(2021, 3, 4), date(2021, 3, 7)),
            ),
            0,
        ),
        (quiet("2021-03-05T00:00:00+00:00", (date(2021, 3, 1), date(2021, 3, 6))), 1),
    ],
)
def test_days_an_officer_was_expected_to_report(officer: QuietOfficer, days: int) -> None:
    assert expected_days(officer, WEEK, TZ) == days


def test_silent_officers_leave_out_the_away_and_the_not_yet_registered() -> None:
    candidates = [
        quiet("2021-01-01T00:00:00+00:00"),
        quiet("2021-03-08T00:00:00+00:00"),
        quiet("2021-01-01T00:00:00+00:00", (date(2021, 3, 1), date(2021, 3, 7))),
    ]
    assert silent_officers(candidates, WEEK, TZ) == [SilentOfficer(1, "陳警員", "p1")]


YEAR = {"p1": {"prevention_talks": 12, "dui": 140}, "p2": {"prevention_talks": 19, "dui": 300}}
THIS_WEEK = {"p1": {"prevention_talks": 5, "dui": 12}, "p2": {"dui": 30}}
LAST_WEEK = {"p1": {"prevention_talks": 3, "dui": 15, "trafficking": 1}, "p2": {"dui": 30}}
SILENT = [SilentOfficer(1, "王小明", "p1"), SilentOfficer(2, "李大華", "p1"), SilentOfficer(3, "張三", "p2")]


def digest(unit_code: str | None, silent: list[SilentOfficer] = SILENT, week: DateRange = WEEK) -> Digest:
    return build_digest(
        PLAN,
        unit_code=unit_code,
        week=week,
        year_counts=YEAR,
        week_counts=THIS_WEEK,
        previous_week_counts=LAST_WEEK,
        bureau_figures={},
        unit_figures=None,
        officers={"p1": 40, "p2": 30},
        silent=silent,
    )


def test_a_unit_digest_compares_the_week_with_the_one_before() -> None:
    text = to_plain(ZH.digest(digest("p1"), show_names=True))
    lines = text.splitlines()
    assert lines[0] == "🗓 第一分局週報｜3/1（週一）–3/7（週日）"
    assert "民國110年（2021）" in lines
    assert "預防犯罪宣導：本週 5（上週 3，+2）" in text
    assert "取締酒駕：本週 12（上週 15，−3）" in text
    assert "人口販運集團：本週 0（上週 1，−1）" in text
    assert "違反保護令移送：本週 0（上週 0，持平）" in text
    assert "今年 本單位 12 場｜全局 31/50 場（62%）" in text
    assert "年底預估 " in text and "每週尚需 " in text
    assert "📭 本週完全沒有回報：2／40 人" in text
    assert "　王小明、李大華" in text and "張三" not in text


def test_names_only_when_the_reader_may_see_them() -> None:
    text = to_plain(ZH.digest(digest("p1"), show_names=False))
    assert "2／40 人" in text and "王小明" not in text


def test_the_bureau_digest_counts_silent_officers_per_unit_without_names() -> None:
    text = to_plain(ZH.digest(digest(None), show_names=False))
    assert text.splitlines()[0] == "🗓 全局週報｜3/1（週一）–3/7（週日）"
    assert "取締酒駕：本週 42（上週 45，−3）" in text
    assert "3／70 人" in text and "第一分局 2、第二分局 1" in text
    assert "王小明" not in text


def test_everyone_reported_and_no_officers_yet() -> None:
    assert "👍 本週每位同仁都有回報（共 40 人）。" in to_plain(ZH.digest(digest("p1", []), show_names=True))
    assert "尚無登錄的員警。" in to_plain(ZH.digest(digest("p3", []), show_names=True))


def test_a_long_list_of_names_is_cut_and_the_message_fits_telegram() -> None:
    many = [SilentOfficer(i, f"警員{i:03d}", "p1") for i in range(400)]
    html = ZH.digest(digest("p1", many), show_names=True)
    assert len(to_plain(html)) < 4096
    assert f"…等 {400 - MAX_NAMES} 人" in to_plain(html)


class _Balanced(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open.pop() == tag


@pytest.mark.parametrize("texts", [ZH, EN])
@pytest.mark.parametrize("unit_code", [None, "p1"])
def test_digest_html_is_balanced_and_names_are_escaped(texts: ProgressTexts, unit_code: str | None) -> None:
    evil = [SilentOfficer(9, "<b>王</b> & 李", unit_code or "p1")]
    html = texts.digest(digest(unit_code, evil), show_names=True)
    checker = _Balanced()
    checker.feed(html)
    assert not checker.open
    if unit_code is not None:
        assert "&lt;b&gt;王&lt;/b&gt; &amp; 李" in html


def test_the_first_week_of_a_year_reads_the_year_of_its_sunday() -> None:
    week = DateRange(date(2020, 12, 28), date(2021, 1, 3))
    built = digest("p1", week=week)
    assert (built.standing.year, built.standing.as_of) == (2021, date(2021, 1, 3))
    assert "3/1" not in to_plain(ZH.digest(built, show_names=True)).splitlines()[0]


def test_english_digest() -> None:
    text = to_plain(EN.digest(digest("p1"), show_names=True))
    assert text.splitlines()[0] == "🗓 First Precinct weekly digest | Mon 3/1 – Sun 3/7"
    assert "DUI stops: week 12 (previous 15, −3)" in text
    assert "Reported nothing all week: 2 of 40" in text


def test_chart_caption_and_labels() -> None:
    built = digest("p1")
    assert (
        to_plain(ZH.chart_caption(built))
        == "第一分局｜民國110年（2021）目標達成率與預期進度（截至 3/7（週日））"
    )
    chart = ZH.chart_text(built.standing)
    assert chart.labels[:4] == ["刑案破獲率", "掃蕩毒品績效", "尿液採驗到驗率", "預防犯罪宣導"]
