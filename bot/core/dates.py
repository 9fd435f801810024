"""Years and dates as people type them in every command: Gregorian or ROC (民國), one parser each.

A year is `2021`, `110`, `110年`, `民國110年` or `2021年`: up to three digits is a ROC year
(民國 = Gregorian - 1911), four digits a Gregorian one. A date is `2021-03-07` (or with / or .),
the ROC `110/3/7`, or `民國110年3月7日`. Parsing says what was written; each command then checks
the span it accepts.
"""

from __future__ import annotations

import re
from datetime import date

from bot.core.plan import MAX_ROC_YEAR, gregorian_year
from bot.core.text_input import clean

FIRST_YEAR, LAST_YEAR = gregorian_year(1), gregorian_year(MAX_ROC_YEAR)
EARLIEST_COMMAND_YEAR = 2000
"""The oldest year a command accepts (the latest is next year)."""
_ROC_PREFIXES = ("民國", "民国")
_YEAR_SUFFIX = "年"
_YEAR = re.compile(r"^(\d{1,4})$")
_DATE = re.compile(r"^(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_WRITTEN_DATE = re.compile(r"^(\d{1,4})年(\d{1,2})月(\d{1,2})[日號号]?$")
_DATE_SHAPED = re.compile(r"^(?:\d+(?:[-/.]\d+){2,}|\d+年\d+月\d+[日號号]?)$")


def _without_era(text: str) -> str:
    word = clean(text).lower()
    for prefix in _ROC_PREFIXES:
        word = word.removeprefix(prefix)
    return word.removeprefix("roc").strip()


def _gregorian(digits: str) -> int | None:
    """A year written with 1–3 digits is ROC (1–199), with 4 digits Gregorian; else None."""
    number = int(digits)
    if len(digits) == 4:
        return number or None
    return gregorian_year(number) if 1 <= number <= MAX_ROC_YEAR else None


def parse_year(text: str) -> int | None:
    """The Gregorian year meant by `2021`, `110`, `110年`, `民國110年`; None when it is not a year."""
    match = _YEAR.match(_without_era(text).removesuffix(_YEAR_SUFFIX))
    year = _gregorian(match[1]) if match else None
    return year if year is not None and FIRST_YEAR <= year <= LAST_YEAR else None


def command_year(text: str, today: date) -> int | None:
    """A year as every command takes it: any form `parse_year` reads, from 2000 to next year."""
    year = parse_year(text)
    return year if year is not None and EARLIEST_COMMAND_YEAR <= year <= today.year + 1 else None


def looks_like_year(text: str) -> bool:
    """Whether a word is meant as a year (starts with a digit or 民國) rather than a code or name."""
    word = clean(text)
    return word[:1].isdigit() or word.startswith(_ROC_PREFIXES)


def parse_date(text: str) -> date | None:
    """The date meant by `2021-03-07`, `2021/3/7`, `110/3/7` or `民國110年3月7日`; None otherwise."""
    word = _without_era(text)
    match = _DATE.match(word) or _WRITTEN_DATE.match(word)
    if match is None:
        return None
    year = _gregorian(match[1])
    if year is None:
        return None
    try:
        return date(year, int(match[2]), int(match[3]))
    except ValueError:
        return None


def looks_like_date(text: str) -> bool:
    """Whether a word is shaped like a date (so a bad one is refused, not read as a note)."""
    return bool(_DATE_SHAPED.match(_without_era(text)))
