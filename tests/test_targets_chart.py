"""A unit's chart with an allocation: its bars are the unit's own, and its title says so."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from bot.core.domain import Language
from bot.core.plan import load_plan
from bot.core.standing import Basis, Standing, build_standing, chart_point
from bot.core.targets import Amendment, Change, YearTargets
from bot.rendering.chart import font_path
from bot.rendering.i18n import Catalog
from bot.rendering.progress_text import ProgressTexts

PLAN = load_plan(Path(__file__).resolve().parents[1] / "plan.json")
CATALOG = Catalog.load()
ZH = ProgressTexts(CATALOG, Language.ZH, PLAN)
COUNTS = {"p1": {"prevention_talks": 6, "dui": 4}, "p2": {"prevention_talks": 2}}
AS_OF = date(2026, 11, 29)
AT = datetime(2026, 11, 27, 2, tzinfo=UTC)


def amended(indicator: str, unit_code: str | None, value: int, change: Change = Change.SET) -> Amendment:
    return Amendment(indicator, 2026, unit_code, Decimal(value), change, 9001, AT, id=value)


def targets(*amendments: Amendment) -> YearTargets:
    return YearTargets(PLAN, 2026, amendments)


def standing(unit_code: str | None, year_targets: YearTargets) -> Standing:
    return build_standing(
        PLAN, unit_code=unit_code, year=2026, as_of=AS_OF, counts=COUNTS, bureau_figures={},
        targets=year_targets,
    )  # fmt: skip


ALLOCATED = targets(
    amended("prevention_talks", None, 40),
    amended("prevention_talks", "p1", 30, Change.ALLOCATE),
    amended("dui", None, 80),
)


def test_an_allocated_unit_is_charted_on_its_own_figures_against_its_share() -> None:
    p1 = standing("p1", ALLOCATED)
    talks = p1.row("prevention_talks")
    assert talks.basis is Basis.UNIT and talks.progress.target == 30 and talks.progress.actual == 6
    assert chart_point(talks).achieved == Decimal(20)
    assert p1.row("dui").basis is Basis.CONTRIBUTION and p1.row("dui").progress.target == 80
    title = ZH.chart_text(p1).title
    assert title.startswith("第一分局（1 項為本單位分配目標，其餘為全局實績）｜民國115年（2026）")


def test_the_title_says_whose_figures_a_unit_chart_shows() -> None:
    only_own = targets(amended("prevention_talks", None, 40), amended("prevention_talks", "p1", 30))
    own_title = ZH.chart_text(standing("p1", only_own)).title
    assert own_title.startswith("第一分局（本單位實績對照本單位分配目標）")
    p2 = standing("p2", ALLOCATED)
    assert p2.row("prevention_talks").basis is Basis.CONTRIBUTION
    assert ZH.chart_text(p2).title.startswith("第二分局（未分配單位目標：全局實績與目標）")
    assert ZH.chart_text(standing(None, ALLOCATED)).title.startswith("全局｜")


@pytest.mark.parametrize("language", list(Language))
def test_the_font_has_every_glyph_of_the_titles(language: Language) -> None:
    from matplotlib.ft2font import FT2Font

    face = FT2Font(str(font_path()))
    words = "".join(
        CATALOG.plain(language, f"targets.chart_whose_{whose}", unit="", count=1)
        for whose in ("unit", "mixed", "bureau")
    )
    assert {char for char in words if not char.isspace() and face.get_char_index(ord(char)) == 0} == set()
