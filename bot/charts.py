"""Charts as PNG bytes (matplotlib's Agg canvas, no display and no pyplot state)."""

from __future__ import annotations

import io
from functools import lru_cache

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.wording import SEGMENT_LABEL


def segment_chart(rows: list[dict], title: str = "Customers and revenue by segment") -> bytes:
    """Horizontal bars: share of customers and share of revenue per segment."""
    key = tuple((r["segment"], round(r["share"], 4), round(r["revenue_share"], 4)) for r in rows)
    return _segment_chart(key, title)


# The same breakdown of the same snapshot is asked for again and again; drawing it once is enough.
@lru_cache(maxsize=64)
def _segment_chart(rows: tuple[tuple[str, float, float], ...], title: str) -> bytes:
    names = [SEGMENT_LABEL[segment] for segment, _, _ in rows][::-1]
    customers = [100 * share for _, share, _ in rows][::-1]
    revenue = [100 * rev for _, _, rev in rows][::-1]
    fig = Figure(figsize=(7, 4.2), dpi=100)
    FigureCanvasAgg(fig)
    # Fixed margins instead of tight_layout, which costs more than drawing the bars.
    ax = fig.add_axes((0.22, 0.12, 0.74, 0.8))
    y = range(len(names))
    ax.barh([i + 0.2 for i in y], customers, height=0.4, label="% of customers", color="#4C78A8")
    ax.barh([i - 0.2 for i in y], revenue, height=0.4, label="% of revenue", color="#F58518")
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
    fig = Figure(figsize=(7, 3.6), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.18, 0.15, 0.78, 0.74))
    y = range(len(names))
    ax.barh([i + 0.2 for i in y], before[::-1], height=0.4, label=before_label, color="#BAB0AC")
    ax.barh([i - 0.2 for i in y], after[::-1], height=0.4, label="now", color="#E45756")
    ax.set_yticks(list(y), names)
    ax.set_xlabel(value_label)
    ax.set_title(title)
    ax.legend(loc="lower right", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
