"""One reading of years and dates for every command: Gregorian, ROC and 民國…年."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.dates import command_year, looks_like_date, looks_like_year, parse_date, parse_year

TODAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("2021", 2021),
        ("110", 2021),
        ("110年", 2021),
        ("民國110年", 2021),
        ("民國110", 2021),
        ("２０２１", 2021),
        ("115", 2026),
        ("2026年", 2026),
        ("99", 2010),
    ],
)
def test_years_in_every_form(text: str, year: int) -> None:
    assert parse_year(text) == year


@pytest.mark.parametrize("text", ["", "x", "20200", "2020.5", "0", "200", "民國", "110年年", "-110"])
def test_not_years(text: str) -> None:
    assert parse_year(text) is None


@pytest.mark.parametrize(
    ("text", "year"), [("2000", 2000), ("89", 2000), ("115", 2026), ("2027", 2027), ("民國116年", 2027)]
)
def test_commands_take_years_from_2000_to_next_year(text: str, year: int) -> None:
    assert command_year(text, TODAY) == year


@pytest.mark.parametrize("text", ["1999", "88", "2028", "117", "民國120年"])
def test_commands_refuse_years_outside_their_span(text: str) -> None:
    assert command_year(text, TODAY) is None


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-12-06", date(2026, 12, 6)),
        ("2026/12/6", date(2026, 12, 6)),
        ("2026.12.06", date(2026, 12, 6)),
        ("115/12/6", date(2026, 12, 6)),
        ("115-12-06", date(2026, 12, 6)),
        ("民國115年12月6日", date(2026, 12, 6)),
        ("115年12月6日", date(2026, 12, 6)),
        ("２０２６－１２－０６", date(2026, 12, 6)),
        ("2024-02-29", date(2024, 2, 29)),
        ("1900-01-01", date(1900, 1, 1)),
    ],
)
def test_dates_in_every_form(text: str, day: date) -> None:
    assert parse_date(text) == day
    assert looks_like_date(text)


@pytest.mark.parametrize("text", ["2026-02-29", "2026-13-01", "10000-01-01", "115/12", "today", "0/1/1"])
def test_not_dates(text: str) -> None:
    assert parse_date(text) is None


def test_a_bad_date_still_looks_like_one_so_it_is_refused_not_taken_as_a_note() -> None:
    assert looks_like_date("10000-01-01") and looks_like_date("2026-02-30")
    assert not looks_like_date("社區反詐騙")


def test_years_and_unit_codes_are_told_apart() -> None:
    assert looks_like_year("110") and looks_like_year("民國110年")
    assert not looks_like_year("p1") and not looks_like_year("bureau")
