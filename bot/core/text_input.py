"""Normalising what people type on phones before it is parsed."""

from __future__ import annotations

import re
import unicodedata

_ASCII_NUMBER = re.compile(r"^[+-]?[0-9]+$")


def clean(text: str) -> str:
    """NFKC-normalise (full-width digits become ASCII) and drop invisible format characters."""
    normalised = unicodedata.normalize("NFKC", text)
    visible = "".join(ch for ch in normalised if unicodedata.category(ch) not in {"Cf", "Cc"} or ch in "\n\t")
    return visible.strip()


def tokens(text: str) -> list[str]:
    """Split cleaned text on any whitespace."""
    return clean(text).split()


def parse_int(text: str) -> int | None:
    """Return the whole number written with ASCII (or full-width) digits, else None."""
    value = clean(text).replace(",", "")
    if not _ASCII_NUMBER.match(value) or len(value) > 12:
        return None
    return int(value)
