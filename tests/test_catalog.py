"""The catalogs: both languages have the same keys and placeholders, and the HTML is valid."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from bot.core.domain import Language
from bot.core.progress import Pace
from bot.rendering.i18n import Catalog, Markup

CATALOG = Catalog.load()
ALLOWED_TAGS = {"b", "i", "u", "s", "code", "pre", "a", "blockquote"}


def test_languages_have_the_same_keys() -> None:
    assert CATALOG.keys(Language.ZH) == CATALOG.keys(Language.EN)


@pytest.mark.parametrize("key", sorted(CATALOG.keys(Language.ZH)))
def test_placeholders_match(key: str) -> None:
    assert CATALOG.placeholders(Language.ZH, key) == CATALOG.placeholders(Language.EN, key)


class _TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ALLOWED_TAGS, tag
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, tag


@pytest.mark.parametrize("language", list(Language))
def test_templates_are_balanced_html(language: Language) -> None:
    for key in CATALOG.keys(language):
        checker = _TagChecker()
        checker.feed(CATALOG.template(language, key))
        assert not checker.open, key


def test_values_are_escaped_but_markup_is_not() -> None:
    text = CATALOG.text(Language.EN, "report.note_line", note="<b>&")
    assert "&lt;b&gt;&amp;" in text
    assert CATALOG.text(Language.EN, "report.line_voided", line=Markup("<b>x</b>")).startswith("<s><b>x</b>")


def test_a_pace_wears_the_same_mark_in_every_answer() -> None:
    catalog = Catalog.load()
    for language in Language:
        for pace in (Pace.DONE, Pace.AHEAD, Pace.ON_TRACK, Pace.BEHIND):
            mark = catalog.plain(language, f"progress.mark_{pace.value}")
            assert catalog.plain(language, f"figure.pace_{pace.value}").startswith(mark + " "), pace
