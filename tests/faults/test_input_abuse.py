"""Input abuse on every parser: negative and huge numbers, non-ASCII digits, invisible and
right-to-left characters, 5,000-character notes, dates far away, commands for another bot."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core import callbacks as cb
from bot.core.plan import load_plan
from bot.core.reporting import (
    MAX_NOTE_LENGTH,
    ReportInputError,
    ReportWindow,
    parse_count,
    parse_day,
    parse_report_line,
)
from bot.demo.sandbox.standin import BotApiStandIn
from tests.auxil.botprocess import BotProcess, say, seed_officers, stored_reports

pytestmark = pytest.mark.faults

PLAN = load_plan(Path(__file__).resolve().parents[2] / "plan.json")
WINDOW = ReportWindow(today=date(2026, 11, 27), days_back=7)
OFFICER = 75_001
FAILED = "處理時發生錯誤"

nasty_char = st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from(
    "0123456789０１２３٣۳०३-+.,/ \u200b\u200c\u200d\u200e\u200f\u202a\u202e\u2066\ufeff"
)
nasty_word = st.text(nasty_char, max_size=12) | st.sampled_from(
    [
        "dui",
        "酒駕",
        "talks",
        "today",
        "昨天",
        "2026-11-27",
        "2026-11-20",
        "9999-12-31",
        "0001-01-01",
        "-3",
        "50",
    ]
)
nasty_text = st.lists(nasty_word, max_size=6).map(" ".join)


@given(text=nasty_text)
def test_the_report_line_parser_accepts_only_valid_reports(text: str) -> None:
    try:
        request = parse_report_line(text, plan=PLAN, window=WINDOW)
    except ReportInputError as error:
        assert all(len(str(value)) <= 40 for value in error.details.values())
        return
    assert 0 <= request.count <= (request.indicator.max_daily_count or 0)
    assert WINDOW.earliest <= request.day <= WINDOW.today
    if request.note is not None:
        assert 0 < len(request.note) <= MAX_NOTE_LENGTH
        assert not any(unicodedata.category(ch) in {"Cf", "Cc"} for ch in request.note)


@given(text=nasty_text)
def test_count_and_date_parsers_never_misread(text: str) -> None:
    indicator = PLAN.resolve_indicator("dui")
    assert indicator is not None
    try:
        count = parse_count(text, indicator)
    except ReportInputError:
        pass
    else:
        assert 0 <= count <= 50
    try:
        day = parse_day(text, WINDOW)
    except ReportInputError:
        pass
    else:
        assert WINDOW.earliest <= day <= WINDOW.today


_FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
_INVISIBLE = st.sampled_from(
    ["", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2066", "\ufeff", "\u202e"]
)


@st.composite
def typed(draw: st.DrawFn, plain: str) -> str:
    """`plain` as a phone may send it: full-width digits, invisible marks between characters."""
    if draw(st.booleans()):
        plain = plain.translate(_FULL_WIDTH)
    return "".join(draw(_INVISIBLE) + ch for ch in plain) + draw(_INVISIBLE)


@given(data=st.data(), count=st.integers(min_value=0, max_value=50))
def test_a_count_is_read_as_the_number_meant_or_refused(data: st.DataObject, count: int) -> None:
    indicator = PLAN.resolve_indicator("dui")
    assert indicator is not None
    sign = data.draw(st.sampled_from(["", "+"]))
    assert parse_count(data.draw(typed(sign + str(count))), indicator) == count
    digits = str(count * 10 + data.draw(st.integers(min_value=0, max_value=9)))  # 10 for "1,0"
    split = data.draw(st.integers(min_value=1, max_value=len(digits)))
    ambiguous = digits[:split] + data.draw(st.sampled_from([",", ".", "，"])) + digits[split:]
    with pytest.raises(ReportInputError):  # 1,0 is neither 1 nor 10: refused, never guessed
        parse_count(data.draw(typed(ambiguous)), indicator)


@given(data=st.data(), back=st.integers(min_value=0, max_value=WINDOW.days_back))
def test_a_date_is_read_as_the_day_meant(data: st.DataObject, back: int) -> None:
    day = WINDOW.today - timedelta(days=back)
    assert parse_day(data.draw(typed(day.isoformat())), WINDOW) == day
    assert parse_day(data.draw(st.sampled_from(["today", "今天", "TODAY"])), WINDOW) == WINDOW.today
    assert parse_day(data.draw(st.sampled_from(["yesterday", "昨天"])), WINDOW) == WINDOW.today - timedelta(
        days=1
    )


@given(data=st.data(), count=st.integers(min_value=0, max_value=50))
def test_a_report_line_is_read_as_meant(data: st.DataObject, count: int) -> None:
    back = data.draw(st.integers(min_value=0, max_value=WINDOW.days_back))
    day = WINDOW.today - timedelta(days=back)
    alias = data.draw(st.sampled_from(["dui", "酒駕", "取締酒駕件數"]))
    line = (
        f"{data.draw(typed(alias))} {data.draw(typed(str(count)))} {data.draw(typed(day.isoformat()))} 夜巡"
    )
    request = parse_report_line(line, plan=PLAN, window=WINDOW)
    assert (request.indicator.id, request.count, request.day, request.note) == ("dui", count, day, "夜巡")


@given(data=st.text(max_size=80) | st.from_regex(r"\A(r:(i|c|o|d|ok):|n:|u:|l:)[a-z0-9:]{0,40}\Z"))
def test_callback_data_decodes_to_something_it_can_encode_or_to_nothing(data: str) -> None:
    decoded = cb.decode(data)
    if decoded is not None:
        assert cb.decode(cb.encode(decoded)) == decoded


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("-1", None), ("-0", 0), ("+3", 3), ("51", None), ("1e9", None), ("3.0", None),
        ("99999999999999999999999", None), ("٣", None), ("३", None), ("３", 3), ("3\u200b", 3),
        ("\u202e3", 3), ("\ufeff12", 12), ("1,0", None), ("1.0", None), ("1，0", None), ("", None),
        ("\u200b", None),
    ],
)  # fmt: skip
def test_counts(text: str, count: int | None) -> None:
    indicator = PLAN.resolve_indicator("dui")
    assert indicator is not None
    if count is None:
        with pytest.raises(ReportInputError):
            parse_count(text, indicator)
    else:
        assert parse_count(text, indicator) == count


@pytest.mark.parametrize(
    "text", ["0001-01-01", "9999-12-31", "10000-01-01", "2026-11-28", "2026-02-30", "2026-1-1-1", "1911-1-1"]
)
def test_dates_far_away_are_refused(text: str) -> None:
    with pytest.raises(ReportInputError):
        parse_day(text, WINDOW)
    with pytest.raises(ReportInputError):
        parse_report_line(f"dui 1 {text} note", plan=PLAN, window=WINDOW)


async def test_abuse_through_the_running_bot(bot: BotProcess, standin: BotApiStandIn) -> None:
    await seed_officers(bot.database, [OFFICER])
    standin.user(OFFICER, "陳警員")
    await bot.start()
    today = datetime.now(ZoneInfo("Asia/Taipei")).date()
    refused = {
        "/report dui -1": "0 到 50",
        "/report dui 99999999999999999999999": "0 到 50",
        "/report dui 51": "0 到 50",
        "/report dui ٣": "0 到 50",
        "/report dui 1 today " + "長" * 5000: "備註最多",
        "/report " + "x" * 5000 + " 3": "找不到項目",
        "/report dui 1 0001-01-01": "太久",
        "/report dui 1 9999-12-31": "未來",
        "/report dui 1 10000-01-01": "YYYY-MM-DD",
        f"/report dui 1 {today + timedelta(days=1)}": "未來",
        "/report@otherbot dui 6": "我不懂",
    }
    for text, expected in refused.items():
        answer = await say(standin, OFFICER, text)
        assert expected in answer and FAILED not in answer and len(answer) < 4096, (text[:40], answer[:200])
    accepted = {"/report dui ３": 3, "/report d\u200bui 2\u200b": 2, "/report \u202edui\u202c 4": 4,
                "/report dui \u200f5\u200e 夜巡\u2066": 5, "/report@keelung_field_bot dui 7": 7}  # fmt: skip
    for text, count in accepted.items():
        assert f"{count} 件" in await say(standin, OFFICER, text), text

    await say(standin, OFFICER, "/report")  # the guided flow: typed counts and dates
    menu = standin.last_message(OFFICER)
    standin.press(OFFICER, menu, menu.button("取締酒駕"))
    await standin.next_event(OFFICER)
    for typed in ("-5", "٣", "99999999999999", "1" * 5000):
        assert "0 到 50" in await say(standin, OFFICER, typed), typed
    assert "哪一天" in await say(standin, OFFICER, "２")
    for typed, expected in (("9999-12-31", "未來"), ("0001-01-01", "太久"), ("昨天昨天", "YYYY-MM-DD")):
        assert expected in await say(standin, OFFICER, typed), typed
    assert "請確認" in await say(standin, OFFICER, "today")
    confirm = standin.last_message(OFFICER)
    standin.press(OFFICER, confirm, confirm.button("確認"))
    assert "已記錄" in ((await standin.next_event(OFFICER)).plain_text or "")

    assert await bot.terminate() == 0, bot.log_tail()
    stored = sorted(count for counts in stored_reports(bot.database).values() for count in counts)
    assert stored == [2, 2, 3, 4, 5, 7]
