"""The digest's PNG chart: year-to-date achievement against expected pace, per indicator.

matplotlib (Agg, object-oriented API, no pyplot) is imported here only, when a chart is drawn,
so that start-up stays light. Labels use Noto Sans TC from the pylopdf-fonts-zh-tw wheel (SIL
Open Font License), passed explicitly to every text so that no global style is touched; drawing
is serialised because matplotlib is not thread-safe.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.progress import Pace
from bot.core.standing import CHART_CAP, ChartPoint

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties

FONT_FAMILY = "Noto Sans TC"
_COLOURS = {
    Pace.DONE: "#2e7d32",
    Pace.AHEAD: "#43a047",
    Pace.ON_TRACK: "#1e88e5",
    Pace.BEHIND: "#e53935",
    Pace.NO_DATA: "#bdbdbd",
    Pace.NO_TARGET: "#bdbdbd",
}
_MARKER = "#212121"
_DRAWING = threading.Lock()


@dataclass(frozen=True)
class ChartText:
    """Every word on the chart, in the reader's language."""

    title: str
    axis: str
    achieved: str
    expected: str
    no_data: str
    labels: Sequence[str]


def font_path() -> Path:
    """The Traditional Chinese font file shipped in the pylopdf-fonts-zh-tw wheel."""
    import pylopdf_fonts_zh_tw

    return Path(pylopdf_fonts_zh_tw.sans_path())


@cache
def font() -> FontProperties:
    """Font properties for Noto Sans TC, registered with matplotlib once."""
    from matplotlib import font_manager

    path = font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path))


def draw_chart(points: Sequence[ChartPoint], text: ChartText) -> bytes:
    """Render the chart as PNG bytes (call it in a worker thread: it takes ~0.1 s)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    with _DRAWING:
        fp = font()
        count = len(points)
        figure = Figure(figsize=(7.2, 1.6 + 0.42 * count), dpi=110)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        rows = list(range(count))[::-1]
        values = [float(p.achieved) if p.achieved is not None else 0.0 for p in points]
        colours = [_COLOURS[p.pace] for p in points]
        axes.barh(rows, values, color=colours, height=0.6)
        expected_rows = [row for row, p in zip(rows, points, strict=True) if p.expected is not None]
        expected = [float(p.expected) for p in points if p.expected is not None]
        axes.scatter(expected, expected_rows, marker="|", s=260, linewidths=2.5, color=_MARKER, zorder=3)
        for row, point, value in zip(rows, points, values, strict=True):
            note = text.no_data if point.achieved is None else _percent(point.achieved)
            right = max(value, float(point.expected or 0))
            axes.text(right + 3, row, note, va="center", fontproperties=fp, fontsize=8, color="#424242")
        axes.set_yticks(rows, list(text.labels), fontproperties=fp, fontsize=9)
        axes.set_xlim(0, float(CHART_CAP) + 20)
        axes.axvline(100, color="#9e9e9e", linewidth=0.8, linestyle="--")
        axes.set_xlabel(text.axis, fontproperties=fp, fontsize=9)
        axes.set_title(text.title, fontproperties=fp, fontsize=11, loc="left")
        small = fp.copy()
        small.set_size(8)
        handles = [
            Patch(color=_COLOURS[Pace.ON_TRACK], label=text.achieved),
            Line2D([], [], marker="|", markersize=12, markeredgewidth=2.5, linestyle="", color=_MARKER,
                   label=text.expected),
        ]  # fmt: skip
        axes.legend(handles=handles, prop=small, loc="lower right", frameon=False)
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _percent(value: Decimal) -> str:
    shown = f"{value:.0f}%"
    return shown if value < CHART_CAP else f"≥{shown}"
