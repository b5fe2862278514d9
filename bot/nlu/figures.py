"""What to compute: measure, statistic, group, interval and ranking of a figure question.

Read after the filters, on the words they left, so "revenue under 1,000" (a filter) never names the
measure and "revenue by region" does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from . import lexicon as L
from .grammar import Message, _alternation, _table, rx
from .slots import read_table
from .vocabulary import Vocabulary

MEASURE_RE = _table(L.MEASURE)
STAT_RE = _table(L.STAT)
INTERVAL_RE = _table(L.INTERVAL)
TREND_RE = rx(L.TREND_CUE)
ORDER_ASC_RE = rx(L.ORDER_ASC)
COMPARE_RE = rx(L.COMPARE_GROUPS)
# "key accounts vs the rest", "non-key vs key accounts": both sides named. "non-key accounts in EMEA"
# alone is a filter, not a comparison.
NOT_KEY_GROUP_RE = rx(
    rf"(key accounts?|key customers?) ({L.COMPARE_GROUPS}|and|or) ({L.NOT_KEY}|{L.EVERYONE_ELSE})"
    rf"|({L.NOT_KEY}) ({L.COMPARE_GROUPS}|and|or) (the )?(key accounts?|key customers?)"
)
MOST_RE = rx(L.MOST)
LEAST_RE = rx(L.LEAST)


@dataclass
class Figures:
    """The figure slots of a query; None when the message does not say."""

    measure: str | None = None
    stat: str | None = None
    group_by: str | None = None
    interval: str | None = None
    order: str | None = None
    rank: bool = False
    trend: bool = False
    compared: bool = False  # the groups are the values named ("EMEA vs APAC"), not every group


def _group_table(vocab: Vocabulary | None) -> dict[str, str]:
    table = dict(L.GROUP_BY)
    columns = set(L.COMMON_COLUMNS) | set(vocab.attribute_columns if vocab is not None else ())
    for column in sorted(columns, key=len, reverse=True):
        plural = column[:-1] + "ies" if column.endswith("y") else column + "es"
        table.setdefault(_alternation([column.replace("_", " "), column + "s", plural]), column)
    return table


def read_group(msg: Message, vocab: Vocabulary | None) -> tuple[str | None, bool]:
    """Read ``(group_by, ranked)``: "by region", "per country", "which industry has the most …"."""
    table = _group_table(vocab)
    words = "|".join(f"(?:{p})" for p in table)
    for pattern, ranked in (
        (
            rx(
                rf"(?P<cue>which|what) (?P<g>{words})( has| have| is| are| brings| gives| generates| with| shows)"
            ),
            True,
        ),
        (rx(rf"(rank|ranking|ranked|order|sort)( the| all| our)? (?P<g>{words})"), True),
        (rx(rf"({L.GROUP_CUE}) (the |each |every )?(?P<g>{words})"), False),
        (rx(rf"(?P<g>{words}) (breakdown|split|comparison|leaderboard|ranking)"), False),
    ):
        for i, j, m in msg.matches(pattern):
            group = m.group("g")
            for p, value in table.items():
                if re.fullmatch(p, group):
                    msg.consume(i, j)
                    return value, ranked
    return None, False


def read_figures(
    msg: Message,
    vocab: Vocabulary | None,
    filters: dict[str, Any],
    group: tuple[str | None, bool] = (None, False),
) -> Figures:
    """Read the figure slots from the words the filters left.

    ``group`` is a ``(group_by, ranked)`` already read before the filters, if any.

    ``filters`` is edited for comparisons: "EMEA vs APAC" keeps ``region`` as the list of groups and
    groups by it; "key accounts vs the rest" groups by ``key_account`` and drops that filter.
    """
    fig = Figures()
    for pattern, value in INTERVAL_RE:
        if msg.take(pattern):
            fig.interval = value
            break
    fig.trend = fig.interval is not None or TREND_RE.search(msg.text) is not None
    fig.group_by, fig.rank = group if group[0] else read_group(msg, vocab)
    if fig.group_by is None:
        if NOT_KEY_GROUP_RE.search(msg.original) and "key_account" in filters:
            fig.group_by = "key_account"
            del filters["key_account"]
        else:
            listed = [k for k, v in filters.items() if isinstance(v, list)]
            attr = [c for c, v in filters.get("attributes", {}).items() if isinstance(v, list)]
            if (listed or attr) and COMPARE_RE.search(msg.original):
                fig.group_by = (listed or attr)[0]
                fig.compared = True
    fig.measure = read_table(msg, MEASURE_RE)
    fig.stat = read_table(msg, STAT_RE)
    if ORDER_ASC_RE.search(msg.text):
        fig.order = "asc"
    if fig.group_by and (fig.rank or re.search(r"(?<![^ ])(which|what) ", msg.original)):
        fig.rank = fig.rank or MOST_RE.search(msg.text) is not None or LEAST_RE.search(msg.text) is not None
    return fig
