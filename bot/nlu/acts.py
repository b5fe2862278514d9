"""Conversation intents read from one message: decide, export, define, movements, smalltalk, and the
words naming data the book does not have (``unsupported``)."""

from __future__ import annotations

import re
from typing import Any

from . import lexicon as L
from .grammar import USED, Message, _table, is_content, rx
from .names import known_customer, take_name
from .normalize import Token, join_orig
from .periods import _days
from .slots import CHURN_RE, CUSTOMER_NOUN_RE, LIFECYCLE_RE, SEGMENT_RE, TIER_RE, read_table
from .vocabulary import Vocabulary

DECIDE_RE = [(re.compile(rf"^(?:(?:{L.DECIDE_LEAD}) )*(?:{p})(?![^ ])"), v) for p, v in L.DECIDE_VERB.items()]
SNOOZE_RE = rx(
    rf"(for|by|until|till|another|an extra)( another| a further)? (?P<n>\d+|a|an|one|a couple of) "
    rf"(?P<u>{'|'.join(L.DURATION_UNITS)})"
)
# "snooze 33 two weeks": a length without "for", read only after the suggestion's number.
SNOOZE_BARE_RE = rx(rf"(?P<n>\d+|a|an|one|a couple of) (?P<u>{'|'.join(L.DURATION_UNITS)})")
REASON_RE = rx(L.REASON_CUE)
SUGGESTION_RE = rx(r"(?P<n>\d+)")
EXPORT_RE = rx(L.EXPORT_CUE)
FORMAT_RE = _table(L.FORMAT)
DEFINE_RE = [re.compile(p) for p in L.DEFINE_FRAMES]
TERM_RE = [(re.compile(rf"(?:{p})"), v) for p, v in L.TERMS.items()]
DEFINE_LEAD_RE = re.compile(rf"^(?:(?:{L.DEFINE_LEAD}) )+")
DEFINE_TAIL_RE = re.compile(L.DEFINE_TAIL)
LABEL_TABLES = (
    ("churn_risk", CHURN_RE),
    ("segment", SEGMENT_RE),
    ("lifecycle", LIFECYCLE_RE),
    ("value_tier", TIER_RE),
)
MOVE_CHANGES_RE = rx(L.MOVE_CHANGES)
MOVE_VERB_RE = rx(L.MOVE_VERB)
LEFT_RE = rx(L.LEFT_LABEL)
UNSUPPORTED_RE = rx(L.UNSUPPORTED)
UNSUPPORTED_LEAD_RE = rx(L.UNSUPPORTED_LEAD)
# A tier adjective before data the book lacks belongs to it ("the premium product line" sets no tier).
LEFT_CONTEXT = (
    L.words("sorted ranked ordered by bought purchased buy buying with a an low high open their in of the")
    | L.BARE_TIER
)
RIGHT_CONTEXT = L.words("score scores category categories line lines sold")
# Words that start another condition, so the clause of an unsupported phrase ends before them.
CLAUSE_STOP = L.words("and but or with without who whose that which where having sorted ranked by")
CONDITION_RE = rx(L.CONDITION_VERB)


def read_decide(msg: Message, vocab: Vocabulary | None) -> dict[str, Any] | None:
    """ "approve 12", "reject #23 because …", "snooze the suggestion for Globex for 2 weeks"."""
    decision = next((v for p, v in DECIDE_RE if p.search(msg.original)), None)
    if decision is None:
        return None
    tokens = msg.tokens
    # The reason: after "because", or after a comma that closes the suggestion's number.
    cut = len(tokens)
    reason: str | None = None
    for k, t in enumerate(tokens):
        if k > 0 and REASON_RE.fullmatch(t.norm):
            cut, reason = k, join_orig(tokens[k + 1 :])
            break
        if (t.brk or t.orig.endswith(",")) and t.norm.isdigit() and k + 1 < len(tokens):
            cut, reason = k + 1, join_orig(tokens[k + 1 :])
            break
    head = Message(tokens[:cut])
    query: dict[str, Any] = {"intent": "decide", "decision": decision}
    snooze = None
    bare = [(i, j, m) for i, j, m in head.matches(SNOOZE_BARE_RE) if any(w.isdigit() for w in head.norms[:i])]
    for i, j, m in [*head.matches(SNOOZE_RE), *bare]:
        n = m.group("n")
        snooze = _days("1" if n in ("a", "an", "one") else "2" if "couple" in n else n, m.group("u"))
        head.consume(i, j)
        break
    number = next((int(n) for n in head.norms if n.isdigit()), None)
    if number is not None:
        query["suggestion"] = number
    else:
        name = known_customer(head, vocab) or _customer_of(head)
        if not name:
            return None
        query["customer"] = name
    if (reason and decision == "reject") or (reason and decision != "reject" and reason.strip()):
        query["reason"] = reason.strip(" \"'.,;:!?")
        if not query["reason"]:
            del query["reason"]
    if snooze and decision == "snooze":
        query["snooze_days"] = snooze
    return query


def _customer_of(head: Message) -> str | None:
    """The customer a decision names: "… for Globex", "the Sakura Apparel suggestion"."""
    norms = head.norms
    for k, w in enumerate(norms):
        if w == "for" and k + 1 < len(norms):
            name = take_name(head, k + 1)
            if name:
                return name
    for k in range(1, len(norms)):
        if head.is_cap(k) and norms[k] != USED:
            end = k
            while end < len(norms) and head.is_cap(end):
                end += 1
            if end < len(norms) and re.fullmatch(L.SUGGESTION_NOUN, norms[end]):
                return join_orig(head.tokens[k:end])
    return None


def read_export_format(msg: Message) -> tuple[bool, str | None]:
    """Whether the message asks for a file, and in which format."""
    if not EXPORT_RE.search(msg.original):
        return False, None
    fmt = read_table(msg, FORMAT_RE)
    while msg.take(EXPORT_RE):
        pass
    return True, fmt


def read_define(msg: Message) -> str | None:
    """The term of "what does X mean", "how is X calculated", "define X"."""
    text = msg.original.replace(" ( ", " ").replace(" )", "")
    text = DEFINE_LEAD_RE.sub("", text)
    for pattern in DEFINE_RE:
        m = pattern.search(text)
        if m:
            term = _term(m.group("t"))
            if term:
                return term
    return None


def _term(text: str) -> str | None:
    words = DEFINE_TAIL_RE.sub("", text).split()
    tries = [" ".join(words)]
    while words and words[0] in L.DEFINE_NOISE:
        words.pop(0)
        tries.append(" ".join(words))
    while words and words[-1] in L.DEFINE_NOISE | {"is", "are", "mean", "means"}:
        words.pop()
        tries.append(" ".join(words))
    for phrase in tries:
        if not phrase:
            continue
        for pattern, value in TERM_RE:
            if pattern.fullmatch(phrase):
                return value
        for _kind, table in LABEL_TABLES[1:3]:
            for label, value in table:
                if label.fullmatch(phrase) or label.fullmatch(phrase + " customers"):
                    return value
    return None


def _label(tokens: list[Token], like: str | None = None) -> dict[str, str] | None:
    words = [t.norm for t in tokens if t.norm not in ("the", "a", "an", "segment", "stage")]
    if like and words and words[-1] in ("high", "medium", "low"):
        words += {"churn_risk": ["churn", "risk"], "value_tier": ["value"]}.get(like, [])
    probe = Message([Token(w, w) for w in words])
    for kind, table in LABEL_TABLES:
        value = read_table(probe, table)
        if value:
            return {kind: value}
    return None


def read_movement(msg: Message) -> tuple[dict[str, Any], list[int]] | None:
    """ "from champions to at risk", "became high risk from low", "moved into hibernating".

    Returns
    -------
    tuple or None
        The movement's slots and the token indices they used.
    """
    norms = msg.norms
    n = len(norms)
    has_verb = MOVE_VERB_RE.search(msg.original) is not None
    if "from" in norms and has_verb:
        f = norms.index("from")
        to = next((k for k in range(f + 1, n) if norms[k] in ("to", "into")), None)
        if to is not None:
            # "from low to high churn risk": a bare level takes the kind said on the other side.
            dst = _label(msg.tokens[to + 1 :])
            src = _label(msg.tokens[f + 1 : to], next(iter(dst)) if dst else None)
            if src and dst:
                return {"from": src, "to": dst}, list(range(f, n))
        before = next((k for k in range(f - 1, -1, -1) if MOVE_VERB_RE.fullmatch(norms[k])), None)
        if before is not None:
            dst = _label(msg.tokens[before + 1 : f])
            src = _label(msg.tokens[f + 1 :], next(iter(dst)) if dst else None)
            if src and dst:
                return {"from": src, "to": dst}, list(range(before, n))
    for k in range(n - 1):
        if MOVE_VERB_RE.fullmatch(norms[k]) and norms[k + 1] in ("into", "to"):
            dst = _label(msg.tokens[k + 2 :])
            if dst:
                return {"to": dst}, list(range(k, n))
    m = LEFT_RE.search(msg.original)
    if m:
        i, j = msg.span(m)
        src = _label(msg.tokens[j:])
        if src:
            return {"from": src}, list(range(i, n))
    if MOVE_CHANGES_RE.search(msg.original):
        m2 = MOVE_CHANGES_RE.search(msg.original)
        assert m2 is not None
        i, j = msg.span(m2)
        return {}, list(range(i, n))
    return None


def read_unsupported(msg: Message) -> list[str]:
    """Consume and return the phrases that name data the book does not have."""
    found: list[tuple[int, str]] = []
    for pattern in (UNSUPPORTED_LEAD_RE, UNSUPPORTED_RE):
        for i, j, _m in msg.matches(pattern):
            if any(msg.norms[k] == USED for k in range(i, j)):
                continue
            while i > 0 and msg.norms[i - 1] in LEFT_CONTEXT and msg.norms[i - 1] != USED:
                i -= 1
            while j < len(msg.norms) and msg.norms[j] in RIGHT_CONTEXT:
                j += 1
            j = _clause_end(msg, j)
            found.append((i, join_orig(msg.tokens[i:j])))
            msg.consume(i, j)
    return [text for _i, text in sorted(found)]


def _clause_end(msg: Message, j: int) -> int:
    """ "contract renews in Q1": a verb no rule knows after the unsupported noun says what about it, and
    the rest of its clause goes with it (so "Q1" is no limit)."""
    if j >= len(msg.norms) or msg.tokens[j - 1].brk or not is_content(msg.norms[j]):
        return j
    while j < len(msg.norms) and msg.norms[j] != USED and msg.norms[j] not in CLAUSE_STOP:
        j += 1
        if msg.tokens[j - 1].brk:
            break
    return j


def leftover_condition(msg: Message) -> str | None:
    """ "who bought office chairs": a buying verb whose object no reader used."""
    for i, j, _m in msg.matches(CONDITION_RE):
        end = j
        while (
            end < len(msg.norms)
            and msg.norms[end] != USED
            and msg.norms[end].isalpha()
            and (msg.norms[end] not in L.COMMON_WORDS or msg.norms[end] in ("office", "things"))
        ):
            end += 1
        if end > j:
            text = join_orig(msg.tokens[i:end])
            msg.consume(i, end)
            return text
    return None


def leftover_words(msg: Message, vocab: Vocabulary | None) -> str | None:
    """The words no rule read that form a condition: "who use our mobile app" (nothing dropped silently).

    Returns
    -------
    str or None
        The phrase around the first content word left over, as the user wrote it.
    """
    extra = vocab.known_words if vocab is not None else frozenset()
    norms = msg.norms
    for k, word in enumerate(norms):
        if word == USED or not is_content(word, extra):
            continue
        i = k
        while i > 0 and norms[i - 1] != USED and not msg.tokens[i - 1].brk:
            if norms[i - 1] not in L.LEFTOVER_LEAD and not is_content(norms[i - 1], extra):
                break
            i -= 1
        j = k + 1
        while j < len(norms) and norms[j] != USED and not msg.tokens[j - 1].brk and norms[j].isalpha():
            if norms[j] in L.LIST_JOIN or CUSTOMER_NOUN_RE.fullmatch(norms[j]):
                break
            j += 1
        text = join_orig(msg.tokens[i:j]).strip(" ?!.,;:")
        msg.consume(i, j)
        return text
    return None


def is_smalltalk(tokens: list[Token]) -> bool:
    """Greetings, thanks and other social words with no request in them."""
    return bool(tokens) and all(
        t.norm in L.SMALLTALK or t.norm in L.FILLER or t.orig.lower() in L.SMALLTALK for t in tokens
    )
