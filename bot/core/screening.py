"""Screening free text for personal data that must not travel through a chat service.

Protection-order and domestic-violence reports must not carry a person's national ID
number, resident certificate number, phone number or e-mail address. Pure functions; phone
numbers are recognised by libphonenumber (the `phonenumbers` package) as valid Taiwanese
numbers, with or without separators and in +886 form. ID and certificate numbers are found
with a space or a dash between any of their characters (`A 123 456 789`, `A123-456-789`).
"""

from __future__ import annotations

import re
from enum import StrEnum

import phonenumbers

from bot.core.text_input import clean

# A letter, then 1/2 (citizens) or 8/9 (residents' certificates since 2021), then 8 digits;
# or two letters, the second A-D, then 8 digits (residents' certificates before 2021).
# A space or a dash may stand between any two characters; a digit may not follow.
_SEPARATOR = r"[ \-]?"
_ID_SHAPE = re.compile(
    rf"(?<![A-Za-z0-9])[A-Za-z]{_SEPARATOR}(?:[A-Da-d]|[1289])(?:{_SEPARATOR}\d){{8}}(?!-?\d)"
)
_OLD_RESIDENT_NUMBER = re.compile(r"[A-Za-z][A-Da-d]\d{8}")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_REGION = "TW"

# The two-digit number each leading letter stands for in the checksum.
_LETTER_CODES = {
    "A": 10, "B": 11, "C": 12, "D": 13, "E": 14, "F": 15, "G": 16, "H": 17, "I": 34,
    "J": 18, "K": 19, "L": 20, "M": 21, "N": 22, "O": 35, "P": 23, "Q": 24, "R": 25,
    "S": 26, "T": 27, "U": 28, "V": 29, "W": 32, "X": 30, "Y": 31, "Z": 33,
}  # fmt: skip
_DIGIT_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 1, 1)


class PersonalData(StrEnum):
    """The kind of personal data found in a text."""

    NATIONAL_ID = "national_id"
    PHONE = "phone"
    EMAIL = "email"


def is_national_id(text: str) -> bool:
    """Whether text is a national ID (or a resident certificate number since 2021) with a valid checksum."""
    match = re.fullmatch(r"([A-Za-z])([1289]\d{8})", text)
    if match is None:
        return False
    code = _LETTER_CODES[match[1].upper()]
    total = code // 10 + (code % 10) * 9
    total += sum(int(digit) * weight for digit, weight in zip(match[2], _DIGIT_WEIGHTS, strict=True))
    return total % 10 == 0


def is_old_resident_number(text: str) -> bool:
    """Whether text has the shape of a resident certificate number of before 2021 (AB12345678)."""
    return _OLD_RESIDENT_NUMBER.fullmatch(text) is not None


def _has_national_id(text: str) -> bool:
    for match in _ID_SHAPE.finditer(text):
        compact = re.sub(_SEPARATOR, "", match[0])
        if is_national_id(compact) or is_old_resident_number(compact):
            return True
    return False


def _has_phone(text: str) -> bool:
    matcher = phonenumbers.PhoneNumberMatcher(text, _REGION, leniency=phonenumbers.Leniency.VALID)
    return matcher.has_next()


def find_personal_data(text: str) -> PersonalData | None:
    """The first kind of personal data found in text (ID, then e-mail, then phone), else None."""
    folded = clean(text)
    if _has_national_id(folded):
        return PersonalData.NATIONAL_ID
    if _EMAIL.search(folded):
        return PersonalData.EMAIL
    if _has_phone(folded):
        return PersonalData.PHONE
    return None
