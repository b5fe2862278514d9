"""Charts as PNG bytes (matplotlib, no display needed)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from bot.wording import SEGMENT_LABEL


def segment_chart(rows: list[dict], title: str = "Customers and revenue by segment") -> bytes:
    """Horizontal bars: share of customers and share of revenue per segment."""
    names = [SEGMENT_LABEL[r["segment"]] for r in rows][::-1]
    customers = [100 * r["share"] for r in rows][::-1]
    revenue = [100 * r["revenue_share"] for r in rows][::-1]
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=100)
    y = range(len(names))
    ax.barh([i + 0.2 for i in y], customers, height=0.4, label="% of customers", color="#4C78A8")
    ax.barh([i - 0.2 for i in y], revenue, height=0.4, label="% of revenue", color="#F58518")
    ax.set_yticks(list(y), names)
    ax.set_xlabel("%")
    ax.set_title(title)
    ax.legend(loc="lower right", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()
