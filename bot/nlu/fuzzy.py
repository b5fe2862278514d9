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

from collections.abc import Container, Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from custseg.query.names import TypoIndex, osa_distance

if TYPE_CHECKING:
    import numpy as np

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


class NameTypos:
    """Whole names one edit away from a typed phrase, found through their words.

    A name of many words one edit from a phrase differs from it in one word by one edit, or by
    one blank (two words run together, one word split). So each word of the phrase is looked up
    in a ``TypoIndex`` of the names' words, and every phrase made by one such replacement (or
    by a blank dropped or added) is checked against the names: a few dozen probes instead of a
    deletion index over every whole name, which for a million names takes gigabytes.

    Parameters
    ----------
    names : container of token tuples
        The normalised names (``("brave", "ridge", "stores")``).
    words : array of str
        The names' words a typo of letters can reach.
    """

    def __init__(self, names: Container[tuple[str, ...]], words: np.ndarray) -> None:
        self.names = names
        self.words = TypoIndex(words)
        self.lookup = lru_cache(maxsize=8192)(self._lookup)

    def _respellings(self, words: list[str]) -> Iterable[list[str]]:
        """``words`` with one edit: a word replaced by a known one an edit away, two neighbours
        joined, or a word split in two."""
        for j, w in enumerate(words):
            for known in self.words.near(w, 1):
                if known != w:
                    yield [*words[:j], known, *words[j + 1 :]]
            for i in range(1, len(w)):
                yield [*words[:j], w[:i], w[i:], *words[j + 1 :]]
        for j in range(len(words) - 1):
            yield [*words[:j], words[j] + words[j + 1], *words[j + 2 :]]

    def _lookup(self, phrase: str) -> str | None:
        """The one name (its words joined by blanks) ``phrase`` is, or is one edit away from;
        None when none is, or several are and the first letter does not single one out."""
        words = phrase.split()
        if tuple(words) in self.names:
            return phrase
        if not phrase.replace(" ", "").isalpha() or max_edits(len(phrase)) == 0:
            return None
        found = sorted({" ".join(w) for w in self._respellings(words) if tuple(w) in self.names})
        if len(found) == 1:
            return found[0]
        # Two names equally close: guessing would silently change the meaning, so neither,
        # unless only one shares the typed first letter.
        same_start = [name for name in found if name[:1] == phrase[:1]]
        return same_start[0] if len(same_start) == 1 else None
