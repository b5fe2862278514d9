"""Charts as PNG bytes (matplotlib's Agg canvas, no display and no pyplot state)."""

from __future__ import annotations

import io
from functools import lru_cache
from typing import TYPE_CHECKING

from bot import i18n, wording
from bot.interpret import figure_value

if TYPE_CHECKING:
    from matplotlib.figure import Figure

BAR_COLOR = "#4C78A8"
LINE_COLOR = "#F58518"
# Chinese labels need a font with CJK glyphs: matplotlib falls back glyph by glyph along the family
# list, so the first of these installed is added after the default (fonts-noto-cjk, fonts-wqy-*).
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
)


@lru_cache(maxsize=1)
def _cjk_font() -> str | None:
    """The first installed font of ``CJK_FONTS``, added to matplotlib's family list once.

    matplotlib is imported here, on the first chart, not with the bot: a process that answers
    without a chart (most do, and every one's first seconds) never pays its import.
    """
    from matplotlib import font_manager, rcParams

    installed = {f.name for f in font_manager.fontManager.ttflist}
    cjk = [f for f in CJK_FONTS if f in installed]
    rcParams["font.family"] = [*rcParams["font.family"], *cjk[:1]]
    return cjk[0] if cjk else None


def _figure(width: float, height: float) -> Figure:
    """A figure on matplotlib's Agg canvas (no display, no pyplot state)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    _cjk_font()
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def chart_language() -> str:
    """The language a chart is drawn in: the reply's, but English for Chinese when no CJK font is
    installed (its glyphs would be empty boxes; the reply's text and table say it in Chinese)."""
    language = i18n.current()
    return "en" if language == "zh" and _cjk_font() is None else language


# Bars beyond this many are too thin to label; a breakdown shows the first ones.
MAX_BARS = 20


def segment_chart(rows: list[dict], title: str | None = None) -> bytes:
    """Horizontal bars: share of customers and share of revenue per segment."""
    key = tuple((r["segment"], round(r["share"], 4), round(r["revenue_share"], 4)) for r in rows)
    return _segment_chart(key, title or wording.CHART_LABEL["segments_title"], i18n.current())


# The same breakdown of the same snapshot is asked for again and again; drawing it once is enough.
# ``language`` is part of each cached chart's key: its labels and numbers are drawn in it.
@lru_cache(maxsize=64)
def _segment_chart(rows: tuple[tuple[str, float, float], ...], title: str, language: str) -> bytes:
    names = [wording.SEGMENT_LABEL[segment] for segment, _, _ in rows][::-1]
    customers = [100 * share for _, share, _ in rows][::-1]
    revenue = [100 * rev for _, _, rev in rows][::-1]
    fig = _figure(7, 4.2)
    # Fixed margins instead of tight_layout, which costs more than drawing the bars.
    ax = fig.add_axes((0.22, 0.12, 0.74, 0.8))
    y = range(len(names))
    ax.barh(
        [i + 0.2 for i in y],
        customers,
        height=0.4,
        label=wording.CHART_LABEL["customers_pct"],
        color="#4C78A8",
    )
    ax.barh(
        [i - 0.2 for i in y], revenue, height=0.4, label=wording.CHART_LABEL["revenue_pct"], color="#F58518"
    )
    ax.set_yticks(list(y), names)
    ax.set_xlabel("%")
    ax.set_title(title)
    ax.legend(loc="lower right", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def key_account_value_chart(
    stages: list[str],
    before: list[float],
    after: list[float],
    value_label: str,
    before_label: str,
    title: str,
) -> bytes:
    """Grouped horizontal bars: key-account value (currency units) in each lifecycle stage, a week
    ago and now, so value sliding towards declining and dormant shows at a glance."""
    names = stages[::-1]
    fig = _figure(7, 3.6)
    ax = fig.add_axes((0.18, 0.15, 0.78, 0.74))
    y = range(len(names))
    ax.barh([i + 0.2 for i in y], before[::-1], height=0.4, label=before_label, color="#BAB0AC")
    ax.barh([i - 0.2 for i in y], after[::-1], height=0.4, label=wording.CHART_LABEL["now"], color="#E45756")
    ax.set_yticks(list(y), names)
    ax.set_xlabel(value_label)
    ax.set_title(title)
    ax.legend(loc="lower right", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _value_axis(axis: object, measure: str, stat: str | None, currency: str) -> None:
    """Tick labels in the figure's own units ("$1.2M", "35 %", "1,200"), never matplotlib's offset
    or scientific notation ("1e7"), which readers take for the value."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    formatter = FuncFormatter(lambda v, _pos: figure_value(measure, stat, v, currency))
    axis.set_major_formatter(formatter)  # type: ignore[attr-defined]
    axis.set_major_locator(MaxNLocator(nbins=5))  # type: ignore[attr-defined]


def bar_chart(
    labels: list[str],
    values: list[float],
    title: str,
    measure: str,
    stat: str | None = None,
    currency: str = "$",
) -> bytes:
    """Horizontal bars, first label on top, each bar labelled with its value in the figure's units
    (money, a count, a percentage)."""
    key = (tuple(labels[:MAX_BARS]), tuple(round(v, 6) for v in values[:MAX_BARS]))
    return _bar_chart(key, title, measure, stat, currency, i18n.current())


@lru_cache(maxsize=64)
def _bar_chart(
    rows: tuple[tuple[str, ...], tuple[float, ...]],
    title: str,
    measure: str,
    stat: str | None,
    currency: str,
    language: str,
) -> bytes:
    labels, values = list(rows[0])[::-1], list(rows[1])[::-1]
    height = max(2.4, 0.9 + 0.36 * len(labels))
    fig = _figure(7, height)
    # Fixed margins in inches (tick labels below, title above) whatever the number of bars.
    ax = fig.add_axes((0.27, 0.5 / height, 0.66, 1 - 0.95 / height))
    y = list(range(len(labels)))
    bars = ax.barh(y, values, height=0.6, color=BAR_COLOR)
    ax.set_yticks(y, [label if len(label) <= 28 else label[:27] + "…" for label in labels])
    ax.bar_label(bars, labels=[figure_value(measure, stat, v, currency) for v in values], padding=3)
    _value_axis(ax.xaxis, measure, stat, currency)
    low, high = min(0.0, *values), max(0.0, *values)
    # Room on the right for the value labels of the longest bar.
    ax.set_xlim(low * 1.2, high * 1.2 if high > 0 else 1)
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def line_chart(
    labels: list[str],
    values: list[float | None],
    title: str,
    measure: str,
    stat: str | None = None,
    currency: str = "$",
) -> bytes:
    """A line over time: ``labels`` are the intervals as said ("Nov 2026", "Q3 2025", "week of 3
    Nov") on the x axis, the figure in its units on the y axis; intervals without a value are gaps."""
    key = (tuple(labels), tuple(None if v is None else round(v, 6) for v in values))
    return _line_chart(key, title, measure, stat, currency, i18n.current())


@lru_cache(maxsize=64)
def _line_chart(
    rows: tuple[tuple[str, ...], tuple[float | None, ...]],
    title: str,
    measure: str,
    stat: str | None,
    currency: str,
    language: str,
) -> bytes:
    labels, values = list(rows[0]), [float("nan") if v is None else v for v in rows[1]]
    fig = _figure(7, 3.6)
    ax = fig.add_axes((0.14, 0.22, 0.82, 0.68))
    x = list(range(len(labels)))
    ax.plot(x, values, marker="o", color=LINE_COLOR)
    # Every label when they fit, else every n-th, so month names never overlap.
    step = max(1, -(-len(labels) // 8))
    ax.set_xticks(x[::step], labels[::step], rotation=30, ha="right")
    _value_axis(ax.yaxis, measure, stat, currency)
    ax.set_ylim(bottom=0)
    ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)
