"""Customer names: where they are in a message and how the user spelt them."""

from __future__ import annotations

import re

from . import lexicon as L
from .grammar import CUE, USED, Message, keyword_index
from .normalize import Token, join_orig
from .vocabulary import MAX_NAME_TOKENS, Vocabulary

# ------------------------------------------------------------------ customer names


def name_span(msg: Message, start: int) -> tuple[str, int] | None:
    """Read a customer name starting at token ``start``, as the user wrote it.

    Capitalised names run while words stay capitalised ("Stark Industries");
    lower-case names run until a word that cannot be part of a name
    ("why is acme *at* risk").

    Returns
    -------
    tuple or None
        ``(name, end)`` where ``end`` is the index of the first token after the name.
    """
    n = len(msg.norms)
    k = start
    while k < n and msg.norms[k] in L.NAME_AFFIX and not msg.tokens[k].brk:
        k += 1
    if k >= n or msg.norms[k] == USED or msg.norms[k] in L.NAME_STOP:
        return None
    if msg.norms[k] in L.NOT_A_NAME and not msg.is_cap(k):
        return None
    first = k
    capital = msg.is_cap(k)
    words: list[Token] = []
    while k < n and len(words) < MAX_NAME_TOKENS + 1:
        norm, tok = msg.norms[k], msg.tokens[k]
        if norm == USED or norm == "'s":
            break
        if capital and not (tok.glue and words):
            connector = norm in ("and", "of", "de", "la", "du", "von", "van", "the") and words
            if not (msg.is_cap(k) or (connector and k + 1 < n and msg.is_cap(k + 1))):
                break
            if msg.is_cap(k) and norm in L.NAME_STOP and norm not in ("new", "high", "value") and k > first:
                break
        elif not capital and (norm in L.NAME_STOP or norm in L.FILLER):
            break
        words.append(tok)
        k += 1
        if tok.brk:
            break
    while words and words[-1].orig.lower() in L.NAME_AFFIX | {"and", "of", "the"}:
        words.pop()
        k -= 1
    if not words:
        return None
    name = join_orig(words).strip(" \"'()?!.,;:")
    if not name or name.lower() in L.NOT_A_NAME or (name.lower() in L.COMMON_WORDS and not capital):
        return None
    return name, k


def take_name(msg: Message, start: int) -> str | None:
    """Read a customer name starting at token ``start`` (see :func:`name_span`)."""
    got = name_span(msg, start)
    return got[0] if got else None


def find_name_after(
    msg: Message, pattern: re.Pattern[str], skip: frozenset[str] = frozenset(), last: bool = False
) -> str | None:
    """Return the first (or, with ``last``, the last) customer name that follows a match of ``pattern``."""
    found = list(pattern.finditer(msg.original))
    for m in reversed(found) if last else found:
        _i, j = msg.span(m)
        while j < len(msg.norms) and msg.tokens[j].norm in skip:
            j += 1
        name = take_name(msg, j)
        if name:
            return name
    return None


def known_customer(msg: Message, vocab: Vocabulary | None) -> str | None:
    """Find a customer from the data in the message, returned as the user wrote it."""
    if vocab is None or not vocab.customers:
        return None
    n = len(msg.norms)
    for size in range(min(MAX_NAME_TOKENS, n), 0, -1):
        for i in range(n - size + 1):
            key = tuple(t.norm for t in msg.tokens[i : i + size])
            if key in vocab.customer_names and USED not in msg.norms[i : i + size]:
                if size == 1 and key[0] in L.COMMON_WORDS | L.NAME_STOP and not msg.is_cap(i):
                    continue
                end = i + size
                while end < n and msg.tokens[end].norm in L.LEGAL_FORMS and msg.norms[end] != USED:
                    end += 1
                msg.consume(i, end)
                return join_orig(msg.tokens[i:end])
    for size in (3, 2, 1):
        for i in range(n - size + 1):
            words = [t.norm for t in msg.tokens[i : i + size]]
            if USED in msg.norms[i : i + size] or any(w in L.NAME_STOP for w in words):
                continue
            known = keyword_index().words
            if all(w in L.COMMON_WORDS or w in known for w in words) and not msg.is_cap(i):
                continue  # ordinary words ("number") are not a misspelt customer
            phrase = " ".join(words)
            if len(phrase) >= 6 and vocab.customer_fuzzy.lookup(phrase):
                msg.consume(i, i + size)
                return join_orig(msg.tokens[i : i + size])
    return None


def profile_name(msg: Message) -> str | None:
    """Return the customer a profile question is about, if the message is one."""
    name = find_name_after(msg, CUE["profile_before_name"])
    if name:
        return name
    n = len(msg.norms)
    # "how is Tyrell Corp doing"
    for m in CUE["profile_around_name"].finditer(msg.original):
        got = name_span(msg, msg.span(m)[1])
        if got and CUE["profile_after_around"].match(" ".join(msg.norms[got[1] :])):
            return got[0]
    # "Umbrella Inc profile", "acme corp churn risk", "Globex's card"
    live = [k for k, word in enumerate(msg.norms) if word != USED]
    if live and live[-1] > 0 and CUE["profile_after_name"].fullmatch(msg.norms[live[-1]]):
        first = 0
        while first < live[-1] and (msg.norms[first] in L.COMMON_WORDS or msg.norms[first] in L.NAME_STOP):
            first += 1  # "What's Acme's CLV?"
        got = name_span(msg, first) if first < live[-1] else None
        if got:
            between = range(got[1], live[-1])
            if all(CUE["profile_attribute"].fullmatch(msg.norms[k]) for k in between):
                return got[0]
    # After a vague verb ("show", "what is") only a capitalised word is taken for a name.
    for m in CUE["profile_weak"].finditer(msg.original):
        j = msg.span(m)[1]
        while j < n and msg.norms[j] in ("customer", "client", "account"):
            j += 1
        if j < n and msg.is_cap(j):
            name = take_name(msg, j)
            if name and not all(w.lower() in L.COMMON_WORDS for w in name.split()):
                return name
    return None


def any_capitalised_name(msg: Message) -> str | None:
    """The first capitalised name anywhere ("why so risky, Initech?"), for explain and win-back."""
    for k in range(len(msg.norms)):
        word = msg.norms[k]
        if msg.is_cap(k) and word != USED and word.isalpha():
            if word in L.NAME_STOP or word in L.NOT_A_NAME or word in L.COMMON_WORDS or word in L.FILLER:
                continue
            name = take_name(msg, k)
            if name:
                return name
    return None
