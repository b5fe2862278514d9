"""Matching what a user typed against names in the data: customers, account managers, regions."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

_LEGAL = re.compile(
    r"\b(inc|incorporated|corp|corporation|co|company|ltd|limited|llc|plc|gmbh|ag|sa|s\.a\.|bv|nv|pty|kk)\b\.?"
)
_NON_WORD = re.compile(r"[^\w\s]")


def normalise(name: str) -> str:
    """Lower-case, without punctuation, legal forms or extra blanks: "ACME Corp." → "acme"."""
    text = _NON_WORD.sub(" ", _LEGAL.sub(" ", name.lower()))
    return " ".join(text.split())


@dataclass
class Match:
    """The outcome of resolving a typed name.

    ``exact`` is set when one name was recognised with confidence (``corrected`` when typos were
    forgiven); otherwise ``candidates`` lists the names it might be ("did you mean …?"), best first.
    """

    query: str
    exact: str | None = None
    corrected: bool = False
    candidates: list[str] = field(default_factory=list)


class NameIndex:
    """Resolve typed names against known ones.

    Parameters
    ----------
    names : iterable of str
        The known names (duplicates allowed; they are resolved to themselves).
    confident : float
        Similarity (0–1, difflib ratio on normalised names) above which a single fuzzy match is
        taken without asking.
    """

    def __init__(self, names, confident: float = 0.88, plausible: float = 0.6):
        self.names = sorted({n for n in names if n})
        self.confident = confident
        self.plausible = plausible
        self._lower: dict[str, list[str]] = {}
        self._norm: dict[str, list[str]] = {}
        for n in self.names:
            self._lower.setdefault(n.lower().strip(), []).append(n)
            self._norm.setdefault(normalise(n), []).append(n)

    def resolve(self, typed: str) -> Match:
        typed = typed.strip()
        key = typed.lower()
        if key in self._lower:
            hits = self._lower[key]
            return Match(typed, exact=hits[0]) if len(hits) == 1 else Match(typed, candidates=hits)
        norm = normalise(typed)
        if not norm:
            return Match(typed)
        if norm in self._norm and len(self._norm[norm]) == 1:
            return Match(typed, exact=self._norm[norm][0])
        words = norm.split()
        containing = [n for nk, ns in self._norm.items() for n in ns if all(w in nk.split() for w in words)]
        if len(containing) == 1:
            return Match(typed, exact=containing[0])
        if containing:
            return Match(typed, candidates=sorted(containing)[:10])
        scored = sorted(
            (
                (difflib.SequenceMatcher(None, norm, nk).ratio(), n)
                for nk, ns in self._norm.items()
                for n in ns
            ),
            key=lambda p: (-p[0], p[1]),
        )
        good = [(s, n) for s, n in scored if s >= self.plausible][:5]
        if good and good[0][0] >= self.confident and (len(good) == 1 or good[0][0] - good[1][0] >= 0.08):
            return Match(typed, exact=good[0][1], corrected=True)
        return Match(typed, candidates=[n for _, n in good])
