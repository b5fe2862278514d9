"""Terminal rendering for the command line: aligned tables and one-line summaries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.interpret import money
from custseg.query import OverviewAnswer


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], right: Sequence[int] = ()) -> str:
    """An aligned plain-text table; columns whose index is in ``right`` are right-aligned."""
    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()

    sep = "  ".join("─" * w for w in widths)
    return "\n".join([line(cells[0]), sep, *(line(r) for r in cells[1:])])


def pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def overview(answer: OverviewAnswer, currency: str = "$") -> str:
    """The segment / tier / stage breakdown of an overview answer."""
    parts = []
    for breakdown, title in (
        (answer.segments, "Segment"),
        (answer.value_tiers, "Value tier"),
        (answer.lifecycle, "Lifecycle stage"),
    ):
        rows = [
            [
                r.label.replace("_", " "),
                f"{r.customers:,}",
                pct(r.share),
                money(r.revenue, currency),
                pct(r.revenue_share),
            ]
            for r in breakdown
        ]
        parts.append(table([title, "Customers", "Share", "Revenue", "Of revenue"], rows, right=(1, 2, 3, 4)))
    return "\n\n".join(parts)
