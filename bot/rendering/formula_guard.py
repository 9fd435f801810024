"""Text that a spreadsheet would run as a formula, written so that it stays text.

Officers choose their display names and notes; Excel and LibreOffice read a cell that starts
with `=`, `+`, `-` or `@` (and, through some import paths, a tab or a carriage return) as a
formula, so `=HYPERLINK(…)` in a name would become a live link in the statistics office's
sheet. Following OWASP's advice on CSV injection, such a text is prefixed with an apostrophe:
it is read, shown and sorted as text. Numbers are not text and are never changed. The CSV and
the .xlsx writers both pass every text cell through `neutralise`.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula."""


def neutralise(text: str) -> str:
    """The text, with an apostrophe in front when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
