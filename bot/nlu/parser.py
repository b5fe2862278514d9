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
from .grammar import CUE, Message, keyword_index, rx
from .languages import to_english
from .names import any_capitalised_name, find_name_after, known_customer, profile_name
from .normalize import Token, clean, tokenize
from .slots import CUSTOMER_NOUN_RE, read_filters, read_schedule, read_topic
from .vocabulary import Vocabulary

# Filters that still make sense on channel intents ("any churn alerts for my accounts?").
CHANNEL_FILTERS = ("owner", "region")
FILTER_ORDER = FILTERS
POST_HERE_RE = rx(rf"({L.POST_VERB}) .*({L.HERE})|({L.HERE}) .*({L.POST_VERB})|(into|to|in) ({L.HERE})")
QUESTION_WHO_RE = rx(L.SEARCH_WORDS)

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
    if msg.cue("help_question"):
        return {"intent": "help"}
    channel = _channel_query(msg, vocab)
    if channel:
        return channel

    customer = known_customer(msg, vocab)
    filters, sort, limit = read_filters(msg, vocab)

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
    if msg.cue("segment_overview"):
        return _assemble("segment_overview", filters, None, None)
    name = profile_name(msg) if not filters or customer else None
    if customer or name:
        return _customer_query("customer_profile", customer or name)
    if CUE["count_customers"].search(msg.text):  # "sorted by number of orders" was consumed as a sort
        return _assemble("count_customers", filters, None, None)

    has_noun = CUSTOMER_NOUN_RE.search(msg.original) is not None
    # A place alone is a search only when it is a known region ("in EMEA"),
    # not any capitalised word after "in" ("what's the weather in Paris").
    region = filters.get("region")
    known_region = region in L.REGIONS or (vocab is not None and region in vocab.region_names.values())
    # ...and only when nothing else was said ("what's the capital of France" is not a search).
    known = keyword_index().words
    stray = [w for w in msg.norms if w.isalpha() and w not in L.COMMON_WORDS and w not in known]
    only_region = set(filters) <= {"region"} and not (known_region and not stray)
    # "my" alone proves nothing either: "what's on my calendar today" is no search.
    only_owner = set(filters) == {"owner"} and bool(stray)
    if msg.cue("help") and not (filters or sort or limit):
        return {"intent": "help"}
    who = filters and QUESTION_WHO_RE.search(msg.original)
    if has_noun or sort or limit or who or msg.cue("find_generic") or not (only_region or only_owner):
        return _assemble("find_customers", filters, sort, limit)
    if CUE["overview_weak"].search(msg.original):
        return _assemble("segment_overview", filters, None, None)
    topic, _strong = read_topic(msg)
    if topic == "digest":
        return {"intent": "key_account_digest"}
    return {"intent": "unknown"}


def _customer_query(intent: str, name: str | None) -> dict[str, Any]:
    query: dict[str, Any] = {"intent": intent}
    if name:
        query["customer"] = name
    return query


def _assemble(intent: str, filters: dict[str, Any], sort: str | None, limit: int | None) -> dict[str, Any]:
    query: dict[str, Any] = {"intent": intent}
    if filters:
        query["filters"] = {k: filters[k] for k in FILTER_ORDER if k in filters}
    if sort:
        query["sort"] = sort
    if limit:
        query["limit"] = limit
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


def parse_message(text: str, vocab: Vocabulary | None = None) -> dict[str, Any]:
    """Parse one message; may raise on unforeseen input (see ``bot.nlu.parse``)."""
    text = to_english(text)
    if CODE_LIKE_RE.search(text[:2000]):
        return {"intent": "unknown"}
    known = vocab.known_words if vocab is not None else frozenset()
    tokens = strip_filler(tokenize(clean(text), keyword_index(), known))
    if len(tokens) == 1 and tokens[0].norm in L.HELP_ALONE:
        return {"intent": "help"}
    return build(Message(tokens), vocab)
