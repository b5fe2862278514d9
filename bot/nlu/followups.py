"""Follow-ups: a message read against the conversation so far, resolved to the whole query.

>>> recent = Recent().after({"intent": "count_customers", "filters": {"segment": "champions", "region": "emea"}})
>>> resolve("and in APAC?", recent)
{'intent': 'count_customers', 'filters': {'segment': 'champions', 'region': 'apac'}}

``Recent`` is what a conversation remembers between messages (the last query, the rows of the last
list shown, the customer last talked about); ``resolve`` is pure: the same message on the same
``Recent`` always gives the same query. A message that stands on its own (it names its own intent
and carries no cue that it continues the last one) starts afresh: it is returned as ``parse`` reads
it. The spec's "Conversations" section lists the cases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from custseg.schema import FILTERS

from . import parse
from .figures import read_figures
from .grammar import Message, keyword_index
from .languages import to_english
from .normalize import clean, tokenize
from .parser import strip_filler
from .slots import CUSTOMER_NOUN_RE, read_filters
from .vocabulary import Vocabulary

# The intents whose answer is a list of customers a later "the second one" can point into.
LIST_INTENTS = ("find_customers", "movements")
# The intents about one customer: "why?", "what should we do?" then mean that customer.
ONE_CUSTOMER = ("customer_profile", "explain", "propose_action", "decide")
# The intents a refinement ("and in APAC?", "only the top 3") may continue.
REFINABLE = (
    "find_customers",
    "count_customers",
    "aggregate",
    "breakdown",
    "trend",
    "movements",
    "segment_overview",
    "export",
)
# Slots of a query that describe which customers and what figure: what an export or a list keeps.
SELECTION_SLOTS = (
    "filters",
    "measure",
    "stat",
    "group_by",
    "interval",
    "period",
    "compare_to",
    "sort",
    "order",
    "limit",
    "from",
    "to",
)
# A row of a list as the conversation shows it: (customer id, name).
Row = tuple[str, str | None]

# Whole-message rewrites of follow-ups the languages layer does not read (it translates requests,
# and a bare "show them to me" is none); applied before it, so they never mix languages in a line.
FOREIGN_FOLLOWUPS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), english)
    for p, english in (
        (r"^那(?P<x>.+?)呢[?？]?$", r"and \g<x>?"),
        (
            r"^(?:把)?(?:他们|她们|它们|这些|那些)(?:客户)?(?:都)?(?:列出来|列一下|给我看看?|显示出来)[。!！]?$",
            "show them to me",
        ),
        (r"^(?:列出来|给我看看|列出他们)[。!！]?$", "show them to me"),
        (
            r"^(?:zeig|zeige|zeigen sie)(?: mir)? (?:sie|die|diese)(?: mir)?(?: bitte)?[.!]?$",
            "show them to me",
        ),
        (r"^(?:liste|list) (?:sie|die|diese) (?:auf|mir auf)[.!]?$", "show them to me"),
        (
            r"^(?:mu[ée]stramelos|mu[ée]stramelas|l[ií]stalos|l[ií]stalas|mu[ée]strame (?:esos|esas|los|las)(?: clientes)?)[.!]?$",
            "show them to me",
        ),
        (r"^(?:s[oó]lo|solamente|solo) (?P<x>.+)$", r"only \g<x>"),
        (r"^(?:und|und was ist mit|was ist mit) (?P<x>.+)$", r"and \g<x>"),
        (r"^(?:warum|wieso|weshalb)[?]?$", "why?"),
        (r"^¿?(?:por qu[ée]|y por qu[ée])[?]?$", "why?"),
        (r"^(?:为什么|为何|为啥)[?？]?$", "why?"),
    )
)
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10,
    "ersten": 1, "erste": 1, "erster": 1, "zweiten": 2, "zweite": 2, "dritten": 3, "dritte": 3,
    "vierten": 4, "fünften": 5,
    "primero": 1, "primer": 1, "primera": 1, "segundo": 2, "segunda": 2, "tercero": 3, "tercer": 3,
    "tercera": 3, "cuarto": 4, "quinto": 5,
}  # fmt: skip
CHINESE_ORDINAL = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
ROW_NOUN = r"(?:one|ones|customer|client|account|company|row|entry|line|name|on (?:the|that|this|your) list)"
ORDINAL_RE = re.compile(
    rf"\b(?:the |that |this )?(?P<w>{'|'.join(ORDINAL_WORDS)}|last|\d+(?:st|nd|rd|th))(?: {ROW_NOUN}|$| ?[?.!])"
)
NUMBER_ROW_RE = re.compile(r"(?:\b(?:number|no\.?|row|nr\.?|nummer|número|numero)|#) ?(?P<n>\d{1,3})\b")
CHINESE_ROW_RE = re.compile(r"第(?P<n>[一二两三四五六七八九十\d]+)(?:个|位|家|行|名)")

WHY_RE = re.compile(r"\b(?:why|how come|explain|reason|reasons|what makes|what made)\b")
PROPOSE_RE = re.compile(
    r"\b(?:suggest|suggestion|propose|recommend|win.?back|what (?:should|shall|can|could|would|do) (?:we|i|you)(?: \w+)? do"
    r"|what to do|next step|action)\b"
)
PROFILE_RE = re.compile(
    r"\b(?:tell me (?:more )?about|more about|profile|details|who is|who's|show me|open|look at|card)\b"
)
DECIDE_RE = re.compile(r"^(?:please )?(?P<d>approve|accept|reject|decline|snooze)\b")
DECISIONS = {
    "approve": "approve",
    "accept": "approve",
    "reject": "reject",
    "decline": "reject",
    "snooze": "snooze",
}
# Words that point back at what was just shown ("this month", "customers that …" do not).
POINTER_RE = re.compile(
    r"\b(?:it|its|it's|they|them|those|these|he|she|him|her|his|hers|the same|ones"
    r"|(?:that|this|the) (?:list|one|customer|account|client|company))\b"
)
# Pointers strong enough to continue a question that could also stand on its own.
THEM_RE = re.compile(r"\b(?:they|them|those|these|ones|(?:that|this|the) list)\b")
# "how many is that?", "and the total revenue?", "what's their average CLV?": a figure of the same customers.
SAME_SET_RE = re.compile(
    r"^(?:(?:and|so|ok|okay|then) )*how many (?:is|are) (?:that|there|those|these|in (?:it|that|there))\b"
    r"|^(?:(?:ok|okay|so|then) )*and (?:what(?:'s| is) )?the (?:total|average|combined|sum|mean|median)\b"
    r"|\btheir (?:total|average|combined|sum|mean|median)\b|^how much (?:is that|do they|did they|have they)\b"
)
# "and the average?", "what about the median?": the same figure, another statistic.
STAT_ONLY_RE = re.compile(
    r"^(?:(?:and|what about|how about|now|ok|okay|so) )*(?:the )?(?P<stat>average|mean|median|total|sum|share)"
    r"(?: one| value| figure)?(?: per customer| of it| instead)?$"
)
STAT_WORDS = {
    "average": "mean",
    "mean": "mean",
    "median": "median",
    "total": "sum",
    "sum": "sum",
    "share": "share",
}
SEARCH_VERB_RE = re.compile(r"\b(?:show|list|find|who|which|give|get|display|search|pull)\b")
PERSON_POINTER_RE = re.compile(r"\b(?:him|her|he|she|them|they)\b")
# Openings that continue the last question ("and in APAC?", "only the top 3").
CONTINUE_RE = re.compile(
    r"^(?:(?:ok|okay|so|then|great|good|thanks|right|now|and|but|also|same|what|how) )*"
    r"(?:and|what about|how about|same for|same but|now|only|just|but|instead|then|also|except|without|plus|now only)\b"
)
SHOW_THEM_RE = re.compile(
    r"^(?:(?:ok|okay|so|then|great|good|thanks|right|now|yes|sure|please|and|can you|could you) ?,? ?)*"
    r"(?:(?:show|list|give|display|send)(?: me)? (?:them|those|these|the customers|the list|who they are|the names|their names)(?: to me| please)?"
    r"|who are (?:they|those|these)|which (?:ones|customers|are they)|list them|name them)\b"
)
COMPARE_RE = re.compile(r"\b(?:compare|compared|versus|vs|against|side by side)\b")
CAPITALISED_RE = re.compile(r"\b[A-Z][\w'-]*(?: [A-Z][\w'-]*)*")


@dataclass(frozen=True)
class Recent:
    """What a conversation remembers between two messages.

    Attributes
    ----------
    query : dict, optional
        The last resolved query (the contract's JSON).
    listing : dict, optional
        The query of the last list shown (``find_customers``, ``movements``).
    rows : tuple of (customer_id, name)
        The rows that list showed the asker, in the order shown (row 1 first).
    customer : str, optional
        The customer last talked about, as resolved (a name, else the id).
    """

    query: dict[str, Any] | None = None
    listing: dict[str, Any] | None = None
    rows: tuple[Row, ...] = field(default_factory=tuple)
    customer: str | None = None

    def after(
        self, query: dict[str, Any], rows: Iterable[Row] | None = None, customer: str | None = None
    ) -> Recent:
        """The conversation once ``query`` has been answered (``rows``: the list it showed, when it
        showed one; ``customer``: the one customer it was about, as resolved)."""
        if query.get("intent") in ("unknown", "help", "smalltalk", None):
            return self  # a greeting or a miss between two questions keeps the thread
        listing, shown = self.listing, self.rows
        if query.get("intent") in LIST_INTENTS:
            listing, shown = query, tuple(rows or ())
        named = customer or query.get("customer")
        if named is None and "customer_row" in query:
            named = self.row(int(query["customer_row"]))
            named = named[1] or named[0] if named else None
        return Recent(query=query, listing=listing, rows=shown, customer=named or None)

    def row(self, n: int) -> Row | None:
        """Row ``n`` (1-based) of the last list shown, or None when it showed fewer."""
        return self.rows[n - 1] if 1 <= n <= len(self.rows) else None

    def to_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "listing": self.listing,
            "rows": [list(r) for r in self.rows],
            "customer": self.customer,
        }

    @classmethod
    def from_json(cls, data: Any) -> Recent:
        """A remembered conversation as ``to_json`` wrote it; anything malformed starts afresh."""
        if not isinstance(data, dict):
            return cls()
        given = data.get("rows")
        rows: list[Any] = given if isinstance(given, list) else []
        return cls(
            query=data["query"] if isinstance(data.get("query"), dict) else None,
            listing=data["listing"] if isinstance(data.get("listing"), dict) else None,
            rows=tuple(
                (str(r[0]), None if r[1] is None else str(r[1]))
                for r in rows
                if isinstance(r, list) and len(r) == 2
            ),
            customer=data["customer"] if isinstance(data.get("customer"), str) else None,
        )


@dataclass(frozen=True)
class _Said:
    """The slots a follow-up states on its own: filters, sort, limit, periods, order."""

    filters: dict[str, Any]
    sort: str | None
    limit: int | None
    periods: list[dict[str, Any]]
    order: str | None

    @property
    def anything(self) -> bool:
        return bool(self.filters or self.sort or self.limit or self.periods or self.order)


def _said(english: str, vocab: Vocabulary | None) -> _Said:
    known = vocab.known_words if vocab is not None else frozenset()
    msg = Message(strip_filler(tokenize(clean(english), keyword_index(), known)))
    periods: list[dict[str, Any]] = []
    filters, sort, limit = read_filters(msg, vocab, periods)
    order = read_figures(msg, vocab, filters).order
    return _Said(filters, sort, limit, periods, order if sort or limit else None)


def foreign_followup(text: str) -> str:
    """``text`` with a Chinese, German or Spanish follow-up phrase put in English (the whole message,
    so no line mixes two languages for the languages layer); any other text unchanged."""
    stripped = text.strip()
    for pattern, english in FOREIGN_FOLLOWUPS:
        if pattern.search(stripped):
            return pattern.sub(english, stripped)
    return text


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w#'\- ]+", " ", text.lower()).split())


def _row_number(original: str, words: str, recent: Recent) -> int | None:
    m = CHINESE_ROW_RE.search(original)
    if m:
        n = m.group("n")
        return int(n) if n.isdigit() else CHINESE_ORDINAL.get(n)
    m = NUMBER_ROW_RE.search(words)
    if m:
        return int(m.group("n"))
    m = ORDINAL_RE.search(words)
    if m:
        w = m.group("w")
        if w == "last":
            return len(recent.rows) or None
        return ORDINAL_WORDS.get(w) or int(re.sub(r"\D", "", w))
    return None


def _focus(recent: Recent) -> dict[str, Any] | None:
    """The customer the last answer was about, as the query named them."""
    last = recent.query or {}
    if last.get("intent") not in ONE_CUSTOMER:
        return None
    if "customer_row" in last:
        return {"customer_row": last["customer_row"]}
    if "customer" in last:
        return {"customer": last["customer"]}
    return None


def _one_customer_intent(words: str, standalone: dict[str, Any]) -> str | None:
    if WHY_RE.search(words):
        return "explain"
    if PROPOSE_RE.search(words) or standalone.get("intent") == "propose_action":
        return "propose_action"
    if PROFILE_RE.search(words) or standalone.get("intent") == "customer_profile":
        return "customer_profile"
    return None


def _decide(words: str, standalone: dict[str, Any], target: dict[str, Any]) -> dict[str, Any] | None:
    m = DECIDE_RE.search(words)
    if standalone.get("intent") == "decide":
        if "suggestion" in standalone:
            return None  # "approve 12" names its own suggestion
        decided = {k: v for k, v in standalone.items() if k != "customer"}
        return {**decided, **target}
    if m is None:
        return None
    return {"intent": "decide", "decision": DECISIONS[m.group("d")], **target}


def _selection(base: dict[str, Any], keep: Iterable[str] = SELECTION_SLOTS) -> dict[str, Any]:
    return {k: base[k] for k in keep if k in base}


def _merge_filters(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``old`` with the kinds ``new`` names replaced by its values, in the contract's order."""
    merged = {**old, **new}
    if "inactive_days" in new or "ordered_within_days" in new:
        merged.pop("lifecycle", None) if "lifecycle" not in new else None
    order = {k: i for i, k in enumerate(FILTERS)}
    return dict(sorted(merged.items(), key=lambda kv: order.get(kv[0], len(order))))


def _base(recent: Recent) -> dict[str, Any] | None:
    """The last query a refinement can continue."""
    last = recent.query
    if last is not None and last.get("intent") in REFINABLE:
        return last
    return None


def _refined(base: dict[str, Any], said: _Said, words: str, original: str) -> dict[str, Any] | None:
    """``base`` with what the follow-up said put in, or None when it said nothing that fits."""
    query = dict(base)
    changed = False
    new_filters = dict(said.filters)
    old = dict(base.get("filters") or {})
    if not new_filters and "owner" in old and not said.anything:
        # "what about Diego?" without the data's names: the one capitalised word is the other owner.
        name = _capitalised(original)
        if name:
            new_filters["owner"] = name.lower()
    if new_filters:
        query["filters"] = _merge_filters(old, new_filters)
        changed = True
    intent = base["intent"]
    if said.periods:
        if intent in ("aggregate", "breakdown", "trend") or "period" in base:
            query["period"] = said.periods[0]
            if len(said.periods) > 1:
                query["compare_to"] = said.periods[1]
            changed = True
        else:
            for key in ("ordered_in", "first_order_in"):
                if key in old:
                    query["filters"] = {**query.get("filters", old), key: said.periods[0]}
                    changed = True
                    break
    if said.sort or said.limit or said.order:
        if intent == "count_customers":
            intent = "find_customers"
        if intent in ("find_customers", "movements", "export"):
            for key, value in (("sort", said.sort), ("order", said.order), ("limit", said.limit)):
                if value is not None:
                    query[key] = value
            changed = True
        elif intent == "breakdown" and said.sort:
            query["sort"] = "value"
            changed = True
    if not changed:
        return None
    query["intent"] = intent
    return _ordered(query)


def _ordered(query: dict[str, Any]) -> dict[str, Any]:
    head = ("intent", "filters", "measure", "stat", "group_by", "interval", "period", "compare_to")
    return {**{k: query[k] for k in head if k in query}, **{k: v for k, v in query.items() if k not in head}}


def _capitalised(original: str) -> str | None:
    names = [m.group(0) for m in CAPITALISED_RE.finditer(original)]
    names = [
        n for n in names if n.lower() not in ("and", "what", "how", "ok", "only", "just", "compare", "i")
    ]
    return names[0] if len(names) == 1 else None


def _compared(base: dict[str, Any], said: _Said, words: str, original: str) -> dict[str, Any] | None:
    """ "compare her with Lukas" after Maria's count: a breakdown of the groups named."""
    old = dict(base.get("filters") or {})
    new = dict(said.filters)
    if not new and PERSON_POINTER_RE.search(words) and "owner" in old:
        name = _capitalised(original)
        if name:
            new["owner"] = name.lower()
    kinds = [
        k
        for k in new
        if k in ("segment", "value_tier", "lifecycle", "churn_risk", "owner", "region", "country")
    ]
    if len(kinds) == 1 and kinds[0] in old:
        kind = kinds[0]
        first = old[kind] if isinstance(old[kind], list) else [old[kind]]
        second = new[kind] if isinstance(new[kind], list) else [new[kind]]
        filters = _merge_filters(old, {kind: list(dict.fromkeys([*first, *second]))})
        query: dict[str, Any] = {"intent": "breakdown", "filters": filters, "group_by": kind}
        if base["intent"] in ("aggregate", "breakdown", "trend"):
            query.update(_selection(base, ("measure", "stat", "period")))
        query.setdefault("measure", "customers")
        return _ordered(query)
    if said.periods and base["intent"] == "aggregate" and "period" in base and not new:
        return _ordered({**base, "compare_to": said.periods[0]})
    return None


def resolve(text: str, recent: Recent | None = None, vocabulary: Vocabulary | None = None) -> dict[str, Any]:
    """The whole query ``text`` means after the conversation ``recent``.

    Parameters
    ----------
    text : str
        The new message, as typed (any of the parser's languages).
    recent : Recent, optional
        The conversation so far; None or empty: the message is read on its own.
    vocabulary : Vocabulary, optional
        The data's names, as for ``parse``.

    Returns
    -------
    dict
        A query following the spec. ``customer_row`` stays a row number: it is resolved against
        the rows shown when the query runs. Never raises.
    """
    english_text = foreign_followup(text)
    standalone = parse(english_text, vocabulary)
    try:
        if recent is None or recent.query is None:
            return _pointing_nowhere(text, english_text, standalone) or standalone
        return _resolve(text, english_text, standalone, recent, vocabulary) or standalone
    except Exception:  # a follow-up that cannot be read is read on its own, never an error
        return standalone


def _pointing_nowhere(original: str, text: str, standalone: dict[str, Any]) -> dict[str, Any] | None:
    """ "tell me about the second one" with no list before it: still a row (which the answer then
    says it cannot find), but only in its unmistakable forms, never a bare "last"."""
    if "customer" in standalone or standalone.get("intent") == "decide":
        return None
    words = _words(to_english(text))
    strict = Recent()
    m = ORDINAL_RE.search(words)
    loose_only = m is not None and m.group(0).rstrip(" ?.!").split()[-1] in {*ORDINAL_WORDS, "last"}
    n = (
        None
        if loose_only or (m is not None and m.group("w") == "last")
        else _row_number(original, words, strict)
    )
    if n is None:
        return None
    return {"intent": _one_customer_intent(words, standalone) or "customer_profile", "customer_row": n}


def _resolve(
    original: str, text: str, standalone: dict[str, Any], recent: Recent, vocab: Vocabulary | None
) -> dict[str, Any] | None:
    english = to_english(text)
    words = _words(english)
    intent = standalone.get("intent")
    named = "customer" in standalone and intent in ONE_CUSTOMER
    if named and _row_number(str(standalone["customer"]), _words(str(standalone["customer"])), recent):
        named = False  # "why is the third one dormant?": the parser took the ordinal for a name

    # "tell me about the second one", "why is number 3 at risk?": a row of the last list.
    if not named and (recent.listing is not None or _pointing_nowhere(original, text, standalone)):
        row = _row_number(original, words, recent)
        if row is not None:
            target = {"customer_row": row}
            decided = _decide(words, standalone, target)
            if decided is not None:
                return decided
            return {"intent": _one_customer_intent(words, standalone) or "customer_profile", **target}

    # "why?", "what should we do about them?", "approve it": the customer just talked about.
    focus = _focus(recent)
    if focus is not None and not named:
        decided = _decide(words, standalone, focus)
        if decided is not None:
            return decided
        pointed = POINTER_RE.search(words) is not None or len(words.split()) <= 6
        about = _one_customer_intent(words, standalone)
        if about and pointed and intent in (*ONE_CUSTOMER, "unknown", "find_customers", "help"):
            return {"intent": about, **focus}
        if CONTINUE_RE.search(words) and intent in ("customer_profile", "find_customers", "unknown"):
            name = _capitalised(original)
            if name:  # "what about Globex?" after a profile: the same question of another customer
                return {
                    "intent": recent.query["intent"] if recent.query else "customer_profile",
                    "customer": name,
                }

    base = _base(recent)
    if base is None:
        return None
    said = _said(english, vocab)
    pointing = POINTER_RE.search(words) is not None
    them = THEM_RE.search(words) is not None

    # "export that to Excel", "send me that as a CSV": the last list or figure, as a file.
    if intent == "export":
        own = standalone.get("filters") or {}
        if own and not pointing:
            return None  # "export all at-risk customers to excel" names its own rows
        query = {"intent": "export", **_selection(base)}
        if base["intent"] == "count_customers":
            query = {"intent": "export", **_selection(base, ("filters",))}
        if own:
            query["filters"] = _merge_filters(query.get("filters") or {}, own)
        if "format" in standalone:
            query["format"] = standalone["format"]
        return _ordered(query)

    # "ok, show them to me", "list them": the customers behind the last figure.
    if SHOW_THEM_RE.search(words) and base["intent"] != "find_customers":
        query = {"intent": "find_customers", **_selection(base, ("filters",))}
        if base["intent"] in ("movements", "export"):
            query = {**base, "intent": base["intent"] if base["intent"] == "movements" else "find_customers"}
        return _ordered(query)

    # "compare her with Lukas", "vs APAC".
    if COMPARE_RE.search(words):
        compared = _compared(base, said, words, original)
        if compared is not None:
            return compared

    # "and in APAC?", "only the top 3", "sort those by risk", "what about Diego?", "and last year?".
    continues = CONTINUE_RE.search(words) is not None or original.rstrip(" ?？").endswith("呢")
    bare = (
        intent in ("unknown", "find_customers")
        and CUSTOMER_NOUN_RE.search(english.lower()) is None
        and SEARCH_VERB_RE.search(words) is None
    )
    stat_only = STAT_ONLY_RE.match(words)
    if (
        stat_only
        and base["intent"] in ("aggregate", "breakdown", "trend")
        and base.get("measure") not in (None, "customers")
    ):
        return _ordered({**base, "stat": STAT_WORDS[stat_only.group("stat")]})
    if stat_only and stat_only.group("stat") == "share" and base["intent"] == "count_customers":
        # "how many champions?" → "and the share?": their part of the book.
        return _ordered(
            {"intent": "aggregate", **_selection(base, ("filters",)), "measure": "customers", "stat": "share"}
        )
    if (
        SAME_SET_RE.search(words)
        and (intent == "count_customers" or standalone.get("measure") not in (None, "customers"))
        and base["intent"] in ("find_customers", "count_customers", "aggregate")
        and not standalone.get("filters")
        and base.get("filters")
    ):
        return _ordered({**standalone, "filters": dict(base["filters"])})
    # "how many of them are key accounts?": the question is new, the customers are the last ones.
    # Not "and the dormant ones?" after a breakdown or a count: a bare continuation refines the
    # last question, it does not turn it into a list.
    if (
        them
        and intent in ("count_customers", "find_customers", "aggregate")
        and base["intent"] != intent
        and not (continues and bare)
    ):
        own = standalone.get("filters") or {}
        query = {**standalone, "filters": _merge_filters(base.get("filters") or {}, own)}
        return _ordered(query)
    if continues or them or bare:
        refined = _refined(base, said, words, original)
        if refined is not None:
            return refined
    return None


def parse_conversation(
    lines: Iterable[str], vocabulary: Vocabulary | None = None
) -> Iterator[dict[str, Any]]:
    """One resolved query per message; an empty line starts a new conversation (and gives no query).

    ``customer_row`` stays a row: there are no data rows here to resolve it against.
    """
    recent = Recent()
    for line in lines:
        text = line.rstrip("\r\n")
        if not text.strip():
            recent = Recent()
            continue
        query = resolve(text, recent, vocabulary)
        recent = recent.after(query)
        yield query


__all__ = ["Recent", "Row", "foreign_followup", "parse_conversation", "resolve"]
