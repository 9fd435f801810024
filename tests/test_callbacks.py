"""Callback data: every kind round-trips, fits Telegram's 64 bytes, and forgeries decode to None."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core import callbacks as cb
from bot.core.domain import Language

SAMPLES: list[cb.CallbackData] = [
    cb.PickIndicator("domestic_violence", "0123abcd"),
    cb.PickCount("domestic_violence", 20, "0123abcd"),
    cb.OtherDay("prevention_talks", 3, "0123abcd"),
    cb.PickDay("domestic_violence", 20, date(2026, 11, 27), "0123abcd"),
    cb.ConfirmReport("domestic_violence", 999999, date(2026, 11, 27), "0123abcd"),
    cb.CancelReport(),
    cb.StartReport(),
    cb.NothingToReport(date(2026, 1, 1)),
    cb.ConfirmUndo(123456789012),
    cb.KeepReport(),
    cb.ChooseLanguage(Language.EN),
    cb.OfficersPage(None, 0),
    cb.OfficersPage("women_children", 46),
]


@pytest.mark.parametrize("data", SAMPLES)
def test_round_trip_within_limit(data: cb.CallbackData) -> None:
    text = cb.encode(data)
    assert len(text.encode()) <= cb.MAX_CALLBACK_BYTES
    assert cb.decode(text) == data


@pytest.mark.parametrize(
    "forged",
    ["", "r:ok:dui:3:20261340:0123abcd", "u:-1", "l:fr", "r:i:DUI:zz", "x" * 64, "o:P1:1", "o:*:12345"],
)
def test_forged_data_is_rejected(forged: str) -> None:
    assert cb.decode(forged) is None


@given(st.text(max_size=80))
def test_decode_never_raises(text: str) -> None:
    result = cb.decode(text)
    assert result is None or cb.encode(result) == text


@pytest.mark.parametrize("data", SAMPLES)
def test_each_handler_pattern_matches_its_own_kind_only(data: cb.CallbackData) -> None:
    text = cb.encode(data)
    kinds = {type(sample) for sample in SAMPLES}
    assert {kind for kind in kinds if cb.pattern(kind).fullmatch(text)} == {type(data)}


def test_a_pattern_of_several_kinds_and_a_malformed_button() -> None:
    assert cb.pattern(cb.ConfirmUndo, cb.KeepReport).fullmatch("u:x")
    assert cb.pattern(cb.ConfirmUndo, cb.KeepReport).fullmatch("u:12")
    assert cb.pattern(cb.PickIndicator).fullmatch("r:i:dui:zzzz") is None
