"""Typo-tolerant lookup of words against a fixed vocabulary.

Chat messages are typed fast ("dormnat", "champoins", "custmers"), so every
unknown word is compared with the parser's keyword vocabulary using the
optimal-string-alignment (restricted Damerau-Levenshtein) distance, where a
swap of two neighbouring letters costs one edit like any other slip.

Candidates are found through a deletion index (the SymSpell idea): every
vocabulary word is stored under each string obtained by deleting up to ``k``
of its letters, and a query looks up its own deletions. That keeps a lookup
to a few dictionary probes instead of a scan of the whole vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from custseg.query.names import osa_distance

# Shorter words get fewer edits: "lost" and "last", "list" and "most" are one
# edit apart, so words under MIN_FUZZY_LEN are never corrected at all.
MIN_FUZZY_LEN = 5
LONG_WORD_LEN = 9


def max_edits(length: int) -> int:
    """Return how many edits a word of ``length`` letters may be away from a match.

    Parameters
    ----------
    length : int
        Length of the typed word.

    Returns
    -------
    int
        0 for short words, 1 for medium words, 2 for long words.
    """
    if length < MIN_FUZZY_LEN:
        return 0
    return 2 if length >= LONG_WORD_LEN else 1


def _deletions(word: str, k: int) -> set[str]:
    """All strings reachable from ``word`` by deleting up to ``k`` letters (``word`` included)."""
    out = {word}
    frontier = {word}
    for _ in range(k):
        frontier = {w[:i] + w[i + 1 :] for w in frontier if len(w) > 1 for i in range(len(w))}
        out |= frontier
    return out


class FuzzyIndex:
    """A vocabulary that answers "which known word did the user mean?".

    Parameters
    ----------
    words : iterable of str
        Lower-case vocabulary words.
    protected : iterable of str, optional
        Real words that must never be "corrected" (e.g. "least" must not turn
        into a keyword even if it is one edit away from one).
    max_k : int, optional
        Upper bound on edits, to keep the index small for large name lists.
    reachable : iterable of str, optional
        The words a typo can turn out to be, when the caller knows most of ``words`` never can
        (a lookup only corrects letters and blanks); all of ``words`` by default. Only these go
        into the deletion index; every word still matches itself.
    """

    def __init__(
        self,
        words: Iterable[str],
        protected: Iterable[str] = (),
        max_k: int = 2,
        reachable: Iterable[str] | None = None,
    ) -> None:
        self.words = frozenset(w for w in words if w)
        self.protected = frozenset(protected) | self.words
        self.max_k = max_k
        self._index: dict[str, set[str]] = {}
        for w in self.words if reachable is None else frozenset(w for w in reachable if w):
            for d in _deletions(w, min(max_k, max_edits(len(w)))):
                self._index.setdefault(d, set()).add(w)
        self.lookup = lru_cache(maxsize=8192)(self._lookup)

    def _lookup(self, token: str) -> str | None:
        if token in self.words:
            return token
        if token in self.protected or not token.replace(" ", "").isalpha():
            return None
        k = min(self.max_k, max_edits(len(token)))
        if k == 0:
            return None
        candidates: set[str] = set()
        for d in _deletions(token, k):
            candidates |= self._index.get(d, set())
        best: tuple[int, str] | None = None
        ambiguous = False
        for cand in candidates:
            dist = osa_distance(token, cand, k)
            if dist > min(k, max_edits(len(cand)), self.max_k):
                continue
            key = (dist, cand)
            if best is None or dist < best[0]:
                best, ambiguous = key, False
            elif dist == best[0]:
                # Two keywords equally close (e.g. an in-between spelling):
                # guessing would silently change the meaning, so prefer neither
                # unless one shares the first letter and the other does not.
                if (cand[0] == token[0]) != (best[1][0] == token[0]):
                    if cand[0] == token[0]:
                        best = key
                    ambiguous = False
                else:
                    ambiguous = True
        if best is None or ambiguous:
            return None
        return best[1]
