"""From a chat message to the query object of ``shared/spec/query-schema.md``.

The parser is a small rule grammar over the normalised message:

1. clean and tokenise (``normalize.py``), correcting typos against the
   keyword vocabulary (``fuzzy.py``);
2. decide the *channel* intents that are named by their own nouns
   (digest, alerts, subscriptions, pending actions);
3. otherwise read the filter slots, most specific phrases first, each match
   consuming its words so that overlapping phrases resolve as the spec says;
4. look for a customer name after cue words in the words that are left
   (profile, explain, win-back), else fall back to overview / count / find.

All wording lives in ``lexicon.py``; this module only says in which order
tables are applied and how their matches become slots.
"""

from __future__ import annotations

import re
from typing import Any

from custseg.schema import FILTERS

from . import lexicon as L
from .acts import (
    is_smalltalk,
    leftover_condition,
    leftover_words,
    read_decide,
    read_define,
    read_export_format,
    read_movement,
    read_unsupported,
)
from .figures import Figures, read_figures, read_group
from .grammar import CUE, Message, keyword_index, rx
from .languages import to_english
from .names import any_capitalised_name, find_name_after, known_customer, profile_name
from .normalize import MENTION_RE, Token, clean, tokenize
from .periods import period_words
from .slots import CUSTOMER_NOUN_RE, read_filters, read_schedule, read_topic
from .vocabulary import Vocabulary

# The slots a figure question may carry, in the order they are written.
FIGURE_SLOTS = ("measure", "stat", "group_by", "interval", "period", "compare_to", "sort", "order", "limit")
# A sort a list takes from the measure it names ("lowest CLV first").
MEASURE_SORT = {
    "clv": "clv",
    "revenue": "revenue",
    "aov": "aov",
    "orders": "frequency",
    "churn_probability": "churn_risk",
    "recency_days": "recency",
}

# Intents whose result depends on every condition said, so a word no rule read must be reported.
LEFTOVER_INTENTS = frozenset(
    {"find_customers", "count_customers", "aggregate", "breakdown", "trend", "export", "segment_overview"}
)
# Filters that still make sense on channel intents ("any churn alerts for my accounts?").
CHANNEL_FILTERS = ("owner", "region")
FILTER_ORDER = FILTERS
POST_HERE_RE = rx(rf"({L.POST_VERB}) .*({L.HERE})|({L.HERE}) .*({L.POST_VERB})|(into|to|in) ({L.HERE})")
QUESTION_WHO_RE = rx(L.SEARCH_WORDS)
SPEND_DROP_RE = rx(L.SPEND_DROP)
STRONG_TREND_RE = rx(L.STRONG_TREND_CUE)
# A figure asked for: "customer count by churn risk" groups, where "customers by churn risk" sorts a list.
FIGURE_CUE_RE = rx(rf"{L.INTENT_CUES['count_customers']}|{'|'.join(L.STAT)}|customer count|breakdown of")

# Sorts of a list that a period would change the meaning of (figures to date vs. in the period).
PERIOD_SORTS = ("revenue", "orders", "aov", "frequency")
# Filters on figures to date, which a period next to them would seem to narrow.
PERIOD_FILTERS = frozenset(("min_revenue", "max_revenue", "min_orders", "max_orders", "min_clv", "max_clv"))
# "Sorted by churn risk" orders a list; it groups nothing.
SORTED_BY_RE = rx(r"(sort|sorted|order|ordered|rank|ranked) by")
RANK_SAID_RE = rx(r"rank|ranked|ranking|(sort|sorted|ordered) by")
CODE_LIKE_RE = re.compile(L.CODE_LIKE, re.IGNORECASE)
FILLER_PHRASES_RE = re.compile(rf"^(?:(?:{L.FILLER_PHRASES}) ?)+|(?: ?(?:{L.FILLER_PHRASES}))+$")


# ------------------------------------------------------------------ intent


def _channel_query(msg: Message, vocab: Vocabulary | None) -> dict[str, Any] | None:
    """Digest, alerts, (un)subscribe and pending actions: intents named by their own nouns."""
    topic, strong = read_topic(msg)
    unsub = msg.cue("unsubscribe")
    explicit = re.search(r"(?<![^ ])(unsubscribe|unsub|subscribe|sub|opt out)(?![^ ])", msg.original)
    if not topic and not explicit and msg.cue("unsubscribe_posting"):
        return {"intent": "unsubscribe"}
    if topic or explicit:
        probe = Message(msg.tokens)
        schedule = read_schedule(probe)
        wants_post = msg.cue("subscribe") or bool(schedule) or POST_HERE_RE.search(msg.original) is not None
        query: dict[str, Any]
        if unsub and (topic or (explicit and explicit.group(0) in ("unsubscribe", "unsub", "opt out"))):
            query = {"intent": "unsubscribe"}
        elif wants_post and (topic or explicit):
            query = {"intent": "subscribe"}
        elif topic and strong:
            query = {"intent": "key_account_digest" if topic == "digest" else "churn_alerts"}
        else:
            query = {}
        if query.get("intent") in ("subscribe", "unsubscribe"):
            if topic:
                query["topic"] = topic
            if query["intent"] == "subscribe" and schedule:
                query["schedule"] = schedule
            return query
        if query:
            return _with_channel_filters(query, msg, vocab)
    if msg.cue("pending_actions"):
        return _with_channel_filters({"intent": "pending_actions"}, msg, vocab)
    if msg.cue("churn_alerts"):
        return _with_channel_filters({"intent": "churn_alerts"}, msg, vocab)
    return None


def _with_channel_filters(query: dict[str, Any], msg: Message, vocab: Vocabulary | None) -> dict[str, Any]:
    probe = Message(msg.tokens)
    filters, _sort, _limit = read_filters(probe, vocab)
    kept = {k: filters[k] for k in CHANNEL_FILTERS if k in filters}
    if kept:
        query["filters"] = kept
    return query


def build(msg: Message, vocab: Vocabulary | None) -> dict[str, Any]:
    """Decide the intent and fill the slots of one normalised message."""
    if not msg.norms:
        return {"intent": "unknown"}
    decided = read_decide(msg, vocab)
    if decided:
        return decided
    term = read_define(msg)
    if term:
        return {"intent": "define", "term": term}
    if msg.cue("help_question"):
        return {"intent": "help"}
    channel = _channel_query(msg, vocab)
    if channel:
        return channel
    unsupported = read_unsupported(msg)
    query = _data_query(msg, vocab)
    unsupported += msg.unread
    leftover = leftover_condition(msg)
    if not leftover and query["intent"] in LEFTOVER_INTENTS:
        leftover = leftover_words(msg, vocab)
    if leftover:
        unsupported.append(leftover)
    if unsupported:
        unsupported = [*query.pop("unsupported", []), *unsupported]
        if query["intent"] == "unknown" or (
            set(query) == {"intent"}
            and query["intent"]
            in (
                "find_customers",
                "trend",
                "aggregate",
                "count_customers",
            )
        ):
            query = {"intent": "unknown"}
        query["unsupported"] = unsupported
    return query


def _data_query(msg: Message, vocab: Vocabulary | None) -> dict[str, Any]:
    exporting, fmt = read_export_format(msg)
    movement = None if exporting or msg.cue("explain") else read_movement(msg)
    if movement is not None:
        slots, used = movement
        for k in used:
            msg.consume(k, k + 1)
        filters, _sort, _limit = read_filters(msg, vocab, [])
        query = _assemble("movements", filters, None, None)
        query.update(slots)
        return query

    customer = known_customer(msg, vocab)
    periods: list[dict[str, Any]] = []
    # Read before the sort, which would take "by churn risk" of a figure question.
    figure_words = FIGURE_CUE_RE.search(msg.original) or (exporting and not SORTED_BY_RE.search(msg.original))
    group = read_group(msg, vocab) if figure_words else (None, False)
    filters, sort, limit = read_filters(msg, vocab, periods)
    if exporting:
        # "Export revenue by region": the file holds the breakdown's table, so its figure and groups
        # are part of the query.
        fig = read_figures(msg, vocab, filters, group) if group[0] is not None else None
        slots = {"measure": fig.measure, "stat": fig.stat, "group_by": fig.group_by} if fig else {}
        if fig and periods:
            slots["period"] = periods[0]
        query = _assemble("export", filters, sort, limit, slots)
        if fmt:
            query["format"] = fmt
        return query

    if msg.cue("propose_action"):
        name = customer or find_name_after(msg, CUE["propose_target"], last=True) or any_capitalised_name(msg)
        if name or not (filters or sort):
            return _customer_query("propose_action", name)
    # A yes/no question about one named customer ("is Globex at risk?") asks why it has that status.
    if msg.norms[0] in ("is", "are", "was", "has", "does") and len(msg.norms) > 1 and msg.is_cap(1):
        name = customer or any_capitalised_name(msg)
        if name:
            return _customer_query("explain", name)
    if msg.cue("explain"):
        name = (
            customer
            or find_name_after(msg, CUE["explain_target"], L.EXPLAIN_SKIP)
            or any_capitalised_name(msg)
        )
        if name:
            return _customer_query("explain", name)
    counting = CUE["count_customers"].search(msg.text) is not None
    fig = read_figures(msg, vocab, filters, group)
    figure = _figure_query(msg, fig, filters, periods, sort, limit)
    if figure is not None:
        return figure
    if fig.group_by == "segment":
        return _assemble("segment_overview", filters, None, None)
    if CUE["segment_overview"].search(msg.text):
        return _assemble("segment_overview", filters, None, None)
    name = profile_name(msg) if not filters or customer else None
    if customer or name:
        return _customer_query("customer_profile", customer or name)
    if counting:  # "sorted by number of orders" was consumed as a sort
        query = _assemble("count_customers", filters, None, None)
        labelled = {"segment", "lifecycle", "value_tier", "churn_risk"} & set(filters)
        named = [p for p in periods if "year" in p or labelled]
        if named:
            # "how many champions in 2025", "lost this year": labels are the snapshot's, not a
            # period's, so the period is said not applied.
            query["unsupported"] = [period_words(p) for p in named]
        return query

    if sort is None and fig.measure in MEASURE_SORT and (fig.order or limit):
        sort = MEASURE_SORT[fig.measure]
    has_noun = CUSTOMER_NOUN_RE.search(msg.original) is not None
    # A place alone is a search only when it is a known region ("in EMEA"),
    # not any capitalised word after "in" ("what's the weather in Paris").
    region = filters.get("region")
    known_region = (
        isinstance(region, list)
        or region in L.REGIONS
        or "country" in filters
        or (vocab is not None and region in vocab.region_names.values())
    )
    # ...and only when nothing else was said ("what's the capital of France" is not a search).
    known = keyword_index().words
    stray = [w for w in msg.norms if w.isalpha() and w not in L.COMMON_WORDS and w not in known]
    only_region = set(filters) <= {"region", "country"} and not (known_region and not stray)
    # "my" alone proves nothing either: "what's on my calendar today" is no search.
    only_owner = set(filters) == {"owner"} and bool(stray)
    if msg.cue("help") and not (filters or sort or limit):
        return {"intent": "help"}
    who = filters and QUESTION_WHO_RE.search(msg.original)
    if has_noun or sort or limit or who or msg.cue("find_generic") or not (only_region or only_owner):
        slots = {"order": fig.order if sort else None}
        if sort == "spend_change" and SPEND_DROP_RE.search(msg.original):
            slots["order"] = "asc"  # the biggest drop is the lowest change
        if "spend_change" in filters and periods:
            slots.update(period=periods[0], compare_to=periods[1] if len(periods) > 1 else None)
        query = _assemble("find_customers", filters, sort, limit, slots)
        if (
            periods
            and "spend_change" not in filters
            and (sort in PERIOD_SORTS or PERIOD_FILTERS & set(filters) or any("year" in p for p in periods))
        ):
            # A list is ranked and filtered by figures to date: "top 10 by revenue this year" or
            # "spent more than 10k last quarter" would look computed over the period, so the
            # period is said to be unused rather than dropped. So is a named year or month ("lost
            # customers from 2025"); "call this week" is the time of the call, no condition.
            query["unsupported"] = [period_words(p) for p in periods]
        return query
    if CUE["overview_weak"].search(msg.original):
        return _assemble("segment_overview", filters, None, None)
    topic, _strong = read_topic(msg)
    if topic == "digest":
        return {"intent": "key_account_digest"}
    return {"intent": "unknown"}


def _figure_query(
    msg: Message,
    fig: Figures,
    filters: dict[str, Any],
    periods: list[dict[str, Any]],
    sort: str | None,
    limit: int | None,
) -> dict[str, Any] | None:
    """A total, a breakdown or a trend, when the message asks for a figure rather than a list."""
    measure = fig.measure
    # "Accounts with $100k+ in revenue", "no orders in 2 months": the figure's word is the filter's.
    bounds = {
        "revenue": ("min_revenue", "max_revenue"),
        "orders": ("min_orders", "max_orders", "inactive_days"),
        "clv": ("min_clv", "max_clv"),
    }
    if any(b in filters for b in bounds.get(measure or "", ())) and not (fig.stat or periods or fig.group_by):
        measure = None
    if measure == "customers" and fig.stat == "sum" and not (fig.group_by or fig.interval):
        return None  # "total customers in EMEA" is a count
    if measure == "customers" and fig.stat in (None, "sum"):
        measure = None if fig.group_by or fig.interval or fig.trend else "customers"
    slots: dict[str, Any] = {"measure": measure, "stat": fig.stat}
    if periods:
        slots["period"] = periods[0]
    if len(periods) > 1:
        slots["compare_to"] = periods[1]
    if fig.group_by:
        if fig.group_by == "segment" and not (measure or fig.stat or fig.rank or periods):
            return None  # the classic segment overview
        # "Rank the account managers by revenue": the sort names the measure.
        if sort and not measure:
            slots["measure"] = {v: k for k, v in MEASURE_SORT.items()}.get(sort, sort)
        if not slots["measure"] and not fig.stat:
            slots["measure"] = "customers"
        # "EMEA vs APAC by revenue": "by" names the figure of a comparison, it asks for no ranking.
        ranked = fig.rank or (sort and not (fig.compared and not RANK_SAID_RE.search(msg.original)))
        slots.update(group_by=fig.group_by, sort="value" if ranked else None, order=fig.order)
        return _assemble("breakdown", filters, None, None, slots)
    # Two periods compared without a series word ("how did revenue in 2025 compare to 2024") are two figures.
    two_figures = len(periods) > 1 and not STRONG_TREND_RE.search(msg.original)
    trend = fig.interval or (
        fig.trend and (measure or periods or filters) and not limit and not sort and not two_figures
    )
    if trend:
        slots.update(interval=fig.interval)
        return _assemble("trend", filters, None, None, slots)
    if (measure and measure != "customers") or fig.stat or len(periods) > 1:
        if limit or sort or fig.order or "spend_change" in filters:
            return None  # a list ranked by the figure ("lowest CLV first"), not the figure
        if not (filters or fig.stat or periods) and profile_name(msg):
            return None  # "acme corp churn risk" asks for one customer's card
        if measure is None:
            slots["measure"] = "customers" if fig.stat == "share" or not periods else "revenue"
        return _assemble("aggregate", filters, None, None, slots)
    if measure == "customers" and fig.stat:
        return _assemble("aggregate", filters, None, None, slots)
    return None


def _customer_query(intent: str, name: str | None) -> dict[str, Any]:
    query: dict[str, Any] = {"intent": intent}
    if name:
        query["customer"] = name
    return query


def _assemble(
    intent: str,
    filters: dict[str, Any],
    sort: str | None,
    limit: int | None,
    slots: dict[str, Any] | None = None,
) -> dict[str, Any]:
    query: dict[str, Any] = {"intent": intent}
    if filters:
        query["filters"] = {k: filters[k] for k in FILTER_ORDER if k in filters}
    if sort:
        query["sort"] = sort
    if limit:
        query["limit"] = limit
    for key in FIGURE_SLOTS:
        if slots and slots.get(key) is not None:
            query[key] = slots[key]
    return query


def strip_filler(tokens: list[Token]) -> list[Token]:
    """Drop greetings and politeness: they change nothing (spec)."""
    kept = [t for t in tokens if t.norm not in L.FILLER]
    text = " ".join(t.norm for t in kept)
    m = FILLER_PHRASES_RE.search(text)
    while m and m.group(0).strip():
        before = text[: m.start()].split()
        dropped = len(m.group(0).split())
        kept = kept[: len(before)] + kept[len(before) + dropped :]
        text = " ".join(t.norm for t in kept)
        m = FILLER_PHRASES_RE.search(text)
    return kept


def named_customer(text: str, vocab: Vocabulary) -> str | None:
    """The customer of the data a message names anywhere in it (as written there), or None.

    For a message that is not a question to custseg (a colleague's note a "Look up customer"
    shortcut was used on), so no cue words are needed: only the data's names count."""
    text = to_english(MENTION_RE.sub(" ", text))
    return known_customer(Message(tokenize(clean(text), keyword_index(), vocab.known_words)), vocab)


def parse_message(text: str, vocab: Vocabulary | None = None) -> dict[str, Any]:
    """Parse one message; may raise on unforeseen input (see ``bot.nlu.parse``)."""
    # Chinese, German and Spanish are read by rewriting them into the English the rules know.
    # Mentions go first: the language layer would split "<@U04QK2CUST>" into words and numbers.
    original = MENTION_RE.sub(" ", text)
    text = to_english(original)
    if CODE_LIKE_RE.search(text[:2000]):
        return {"intent": "unknown"}
    query = _parse_english(text, vocab)
    if "unsupported" in query and text != original:
        query["unsupported"] = in_own_words(query["unsupported"], original)
    return query


def _parse_english(text: str, vocab: Vocabulary | None) -> dict[str, Any]:
    known = vocab.known_words if vocab is not None else frozenset()
    raw = tokenize(clean(text), keyword_index(), known)
    if is_smalltalk(raw):
        return {"intent": "smalltalk"}
    tokens = strip_filler(raw)
    if not tokens and any(t.norm.isalpha() for t in raw):
        return {"intent": "smalltalk"}
    if len(tokens) == 1 and tokens[0].norm in L.HELP_ALONE:
        return {"intent": "help"}
    msg = Message(tokens)
    msg.as_of = vocab.as_of if vocab is not None else None
    return build(msg, vocab)


_WORD_RE = re.compile(r"[^\W\d_][\w'-]*")
_CLAUSE_RE = re.compile(r"[^,，、;；。?？!！]+")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")


def in_own_words(fragments: list[str], original: str) -> list[str]:
    """The conditions the parser could not read, as the user wrote them.

    A message in another language is read through an English rewrite, so a fragment left over
    mixes English glue words with the user's own ("with Produktkategorie Elektronik"). Each is
    put back as the stretch of the original message its own words span, with the short word
    before it ("mit Produktkategorie Elektronik"); stretches that touch are one condition. In
    Chinese, without spaces between words, it is the clause holding them. A fragment none of
    whose words are in the message stays as it was.
    """
    lowered = original.casefold()
    spans: list[tuple[int, int]] = []
    kept: list[str] = []
    for fragment in fragments:
        found = [
            (at, at + len(word))
            for word in dict.fromkeys(w.casefold() for w in _WORD_RE.findall(fragment))
            if (at := _find_word(lowered, word)) >= 0
        ]
        if not found:
            kept.append(fragment)
            continue
        start, end = min(a for a, _ in found), max(b for _, b in found)
        if _CJK_RE.search(original[start:end]):
            clause = next(m for m in _CLAUSE_RE.finditer(original) if m.start() <= start < m.end())
            start, end = clause.start(), clause.end()
        else:
            before = list(_WORD_RE.finditer(original[:start]))
            if before and len(before[-1].group()) <= 4 and not original[before[-1].end() : start].strip():
                start = before[-1].start()
        spans.append((start, end))
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and not original[merged[-1][1] : start].strip():
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    own = [original[a:b].strip(" ?？.!！,，") for a, b in merged]
    return list(dict.fromkeys([*own, *kept]))


def _find_word(text: str, word: str) -> int:
    """Where ``word`` first stands as a whole word in ``text`` (any position for Chinese), or −1."""
    if _CJK_RE.search(word):
        return text.find(word)
    m = re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)
    return -1 if m is None else m.start()
