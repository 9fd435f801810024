"""Normalising what people type on phones before it is parsed."""

from __future__ import annotations

import re
import unicodedata

_ASCII_NUMBER = re.compile(r"^[+-]?[0-9]+$")
_GROUPED_THOUSANDS = re.compile(r"^[+-]?[0-9]{1,3}(,[0-9]{3})+$")
_SEPARATORS = frozenset(",.，。、､٫٬")


def clean(text: str) -> str:
    """NFKC-normalise (full-width digits become ASCII) and drop invisible format characters."""
    normalised = unicodedata.normalize("NFKC", text)
    visible = "".join(ch for ch in normalised if unicodedata.category(ch) not in {"Cf", "Cc"} or ch in "\n\t")
    return visible.strip()


def tokens(text: str) -> list[str]:
    """Split cleaned text on any whitespace."""
    return clean(text).split()


def parse_int(text: str) -> int | None:
    """Return the whole number written with ASCII (or full-width) digits, else None.

    Commas count only as thousands grouped by three (`1,234`); `1,0` or `1,00` could mean
    1.0 or 10 or 100 and is not a number (see `has_separator`).
    """
    value = clean(text)
    if _GROUPED_THOUSANDS.match(value):
        value = value.replace(",", "")
    if not _ASCII_NUMBER.match(value) or len(value) > 12:
        return None
    return int(value)


def has_separator(text: str) -> bool:
    """Whether typed digits carry a comma or a point (`1,0`, `3.0`, `1，5`): read either way, they
    could mean different numbers."""
    return any(ch in _SEPARATORS for ch in clean(text))
