"""The digest chart: a PNG whose Chinese labels are drawn with a font that has their glyphs."""

from __future__ import annotations

import subprocess
import sys
import warnings
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from bot.core.domain import Language
from bot.core.plan import load_plan
from bot.core.progress import Actuals
from bot.core.standing import build_standing, chart_point
from bot.rendering.chart import FONT_FAMILY, ChartText, draw_chart, font, font_path
from bot.rendering.i18n import Catalog
from bot.rendering.progress_text import ProgressTexts

ROOT = Path(__file__).resolve().parents[1]
PLAN = load_plan(ROOT / "plan.json")
CATALOG = Catalog.load()
COUNTS = {"p1": {"prevention_talks": 31, "dui": 440, "trafficking": 1}}
FIGURES = {
    "dui": Actuals(reference=Decimal(800)),
    "clearance_rate": Actuals(numerator=Decimal(410), denominator=Decimal(500)),
}


def chart_words(text: ChartText) -> str:
    return "".join([text.title, text.axis, text.achieved, text.expected, text.no_data, *text.labels])


@pytest.mark.parametrize("language", list(Language))
def test_chart_draws_every_label_with_a_font_that_has_its_glyphs(language: Language) -> None:
    from matplotlib.ft2font import FT2Font

    texts = ProgressTexts(CATALOG, language, PLAN)
    standing = build_standing(
        PLAN, unit_code="p1", year=2021, as_of=date(2021, 7, 2), counts=COUNTS, bureau_figures=FIGURES
    )
    text = texts.chart_text(standing)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = draw_chart([chart_point(row) for row in standing.rows], text)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000
    assert [str(w.message) for w in caught if "missing from font" in str(w.message)] == []
    face = FT2Font(str(font_path()))
    missing = {char for char in chart_words(text) + "0123456789%≥" if not char.isspace()}
    missing = {char for char in missing if face.get_char_index(ord(char)) == 0}
    assert missing == set()
    if language is Language.ZH:
        assert "第一分局" in text.title and "預防犯罪宣導" in text.labels


def test_the_chart_font_is_noto_sans_tc_from_an_installed_wheel() -> None:
    path = font_path()
    assert path.is_file() and path.stat().st_size > 1_000_000
    assert "site-packages" in path.parts or "dist-packages" in path.parts
    assert font().get_name() == FONT_FAMILY


def test_the_default_font_would_miss_the_glyphs() -> None:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    default = FT2Font(font_manager.findfont("DejaVu Sans"))
    assert default.get_char_index(ord("預")) == 0
    assert FT2Font(str(font_path())).get_char_index(ord("預")) != 0


def test_start_up_does_not_import_matplotlib() -> None:
    code = (
        "import sys, bot.app, bot.cli.main, bot.scheduling.dispatcher, handlers;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'matplotlib', 'numpy', 'PIL'});"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
