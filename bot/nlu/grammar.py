"""Matching machinery shared by the slot readers and the intent rules.

The normalised message is one string of space-separated tokens. Lexicon
phrases are compiled to regular expressions anchored on token boundaries
(:func:`rx`), and a :class:`Message` lets a rule *consume* the tokens it
used, so later, vaguer rules cannot read the same words again.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from . import lexicon as L
from .fuzzy import FuzzyIndex
from .normalize import Token, join_orig

USED = "_"


def rx(pattern: str) -> re.Pattern[str]:
    """Compile ``pattern`` so it matches whole tokens of the normalised message."""
    return re.compile(rf"(?<![^ ])(?:{pattern})(?![^ ])")


def _table(table: dict[str, Any]) -> list[tuple[re.Pattern[str], Any]]:
    return [(rx(p), v) for p, v in table.items()]


def _alternation(words: Any) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


CUE = {name: rx(p) for name, p in L.INTENT_CUES.items()}


@lru_cache(maxsize=1)
def keyword_index() -> FuzzyIndex:
    """The typo corrector over every word the lexicon knows (built once, ~20 ms)."""
    words: set[str] = set()
    tables: list[Any] = [
        L.SORT_BY,
        L.SORT_SUPERLATIVE,
        L.SORT_WITH_COUNT,
        L.CHURN_RISK,
        L.SEGMENT,
        L.LIFECYCLE,
        L.VALUE_TIER,
        L.TOPIC,
        L.TOPIC_WEAK,
        L.INTENT_CUES,
        L.DAYS,
        L.MEASURE,
        L.STAT,
        L.INTERVAL,
        L.GROUP_BY,
        L.SPEND_CHANGE,
        L.DECIDE_VERB,
        L.FORMAT,
        L.TERMS,
        L.MONTHS,
    ]
    for table in tables:
        for pattern, value in table.items():
            words.update(re.findall(r"[a-z]+", pattern))
            if isinstance(value, str):
                words.update(re.findall(r"[a-z]+", value))
    for text in (
        L.KEY_ACCOUNT,
        L.OWNER_ME,
        L.OWNER_CUE,
        L.OWNER_VERB,
        L.OWNER_POSSESSED,
        L.INACTIVE_CUE,
        L.MONEY_CUE,
        L.MONEY_COMPARATOR,
        L.DAILY,
        L.CUSTOMER_NOUN,
        L.POST_VERB,
        L.HERE,
        L.MOVE_VERB,
        L.MOVE_CHANGES,
        L.LEFT_LABEL,
        L.ORDER_ASC,
        L.MOST,
        L.LEAST,
        L.EXCLUDE_CUE,
        L.EXPORT_CUE,
        L.TREND_CUE,
        L.UNSUPPORTED,
        L.FIRST_ORDER_CUE,
        L.ORDERED_CUE,
        L.ONE_TIME,
        L.REPEAT,
        L.MAX_COMPARATOR,
        L.CLV_CUE,
        L.REASON_CUE,
        " ".join(L.SMALLTALK),
        " ".join(L.COUNTRIES),
    ):
        words.update(re.findall(r"[a-z]+", text))
    words.update(L.DURATION_UNITS)
    words.update(w for r in L.REGIONS for w in r.split())
    words.update(["customers", "accounts", "clients", "segment", "segments", "many"])
    return FuzzyIndex((w for w in words if len(w) > 1), protected=L.COMMON_WORDS | L.REAL_WORDS)


class Message:
    """A tokenised message whose words can be consumed by slot rules.

    Parameters
    ----------
    tokens : list of Token
        Normalised tokens.
    """

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.norms = [t.norm for t in tokens]
        self.original = " ".join(self.norms)
        self._rebuild()
        caps = sum(1 for t in tokens if t.orig[:1].isupper())
        letters = [t.orig for t in tokens if t.orig.isalpha()]
        # In an all-capitals message, capitals say nothing about names.
        self.shouting = bool(letters) and all(w.isupper() for w in letters) and caps > 1
        # Words a reader recognised but could not turn into the contract ("in October" without
        # the book's date): they go into the query's ``unsupported``.
        self.unread: list[str] = []
        # The book's as-of day, when the parser has the data's vocabulary.
        self.as_of: dt.date | None = None

    def _rebuild(self) -> None:
        self.text = " ".join(self.norms)
        self.starts: list[int] = []
        pos = 0
        for n in self.norms:
            self.starts.append(pos)
            pos += len(n) + 1

    def span(self, m: re.Match[str], group: int | str = 0) -> tuple[int, int]:
        """Token range ``[i, j)`` covered by a match (or one of its groups)."""
        a, b = m.span(group)
        i = bisect.bisect_right(self.starts, a) - 1
        j = bisect.bisect_left(self.starts, b)
        return i, max(j, i + 1)

    def matches(self, pattern: re.Pattern[str]) -> Iterator[tuple[int, int, re.Match[str]]]:
        """Yield ``(i, j, match)`` for each match in the not yet consumed text.

        Token ranges are computed up front, so the caller may consume tokens
        while iterating (character offsets shift, token indices do not).
        """
        found = [(*self.span(m), m) for m in pattern.finditer(self.text) if m.end() > m.start()]
        return iter(found)

    def take(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        """Consume the first match of ``pattern`` and return it."""
        for i, j, m in self.matches(pattern):
            self.consume(i, j)
            return m
        return None

    def consume(self, i: int, j: int) -> None:
        """Mark tokens ``[i, j)`` as used by a slot."""
        for k in range(i, j):
            self.norms[k] = USED
        self._rebuild()

    def set_aside(self, i: int, j: int, said_from: int | None = None) -> None:
        """Consume tokens ``[i, j)`` as words read but not applied: the user's words from
        ``said_from`` (default ``i``) to ``j`` go into ``unread``."""
        self.unread.append(join_orig(self.tokens[i if said_from is None else said_from : j]))
        self.consume(i, j)

    def cue(self, name: str) -> bool:
        """Whether the intent cue ``name`` occurs anywhere in the original message."""
        return CUE[name].search(self.original) is not None

    def is_cap(self, k: int) -> bool:
        """Whether token ``k`` looks like part of a proper name."""
        o = self.tokens[k].orig
        return (not self.shouting and o[:1].isupper()) or o[:1].isdigit()


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    """Every word the lexicon names anywhere, in a pattern, a table or a word list."""
    found: set[str] = set(keyword_index().words)
    for name, value in vars(L).items():
        if name.startswith("_") or name in ("UNSUPPORTED", "REAL_WORDS"):
            continue
        parts: list[Any] = []
        if isinstance(value, str):
            parts = [value]
        elif isinstance(value, dict):
            parts = [*value.keys(), *(v for v in value.values() if isinstance(v, str))]
        elif isinstance(value, (frozenset, set, tuple, list)):
            parts = [v for v in value if isinstance(v, str)]
        for part in parts:
            found.update(re.findall(r"[a-z]+", part))
    return frozenset(found)


@lru_cache(maxsize=1)
def _unsupported_words() -> frozenset[str]:
    return frozenset(re.findall(r"[a-z]+", L.UNSUPPORTED)) - {"s", "y", "ies", "ity", "ability"}


def is_content(word: str, extra: frozenset[str] = frozenset()) -> bool:
    """Whether ``word`` is a content word no rule knows: a sign of a condition the rules did not read.

    Parameters
    ----------
    extra : frozenset of str
        Further known words (the names of the company's data).
    """
    return len(word) > 2 and word.isalpha() and word not in _known_words() and word not in extra


def is_foreign_noun(word: str, extra: frozenset[str] = frozenset()) -> bool:
    """A word naming something outside the book: unknown to the rules, or data the book does not have."""
    return is_content(word, extra) or word in _unsupported_words()
