"""Matching what a user typed against names in the data: customers, account managers, regions
(with the other names people use for a country), and "did you mean" candidates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_LEGAL = re.compile(
    r"\b(inc|incorporated|corp|corporation|co|company|ltd|limited|llc|plc|gmbh|ag|sa|s\.a\.|bv|nv|pty|kk)\b\.?"
)
_NON_WORD = re.compile(r"[^\w\s]")


def plain(name: str) -> str:
    """Lower-case without punctuation: "Acme Corp." → "acme corp"."""
    return " ".join(_NON_WORD.sub(" ", name.lower()).split())


def normalise(name: str) -> str:
    """Lower-case, without punctuation, legal forms or extra blanks: "ACME Corp." → "acme"."""
    text = _NON_WORD.sub(" ", _LEGAL.sub(" ", name.lower()))
    return " ".join(text.split())


def osa_distance(a: str, b: str, limit: int | None = None) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions and a swap of two
    neighbouring letters each count one edit ("mraia" → "maria" is 1).

    Parameters
    ----------
    limit : int, optional
        Distances above ``limit`` are reported as ``limit + 1``, which lets a caller screening many
        candidates stop early.
    """
    if a == b:
        return 0
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        best = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            best = min(best, v)
        if limit is not None and best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def similarity(a: str, b: str) -> float:
    """1 for equal strings, 0 for nothing in common, by edit distance relative to length."""
    longest = max(len(a), len(b))
    return 1.0 - osa_distance(a, b) / longest if longest else 1.0


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
        Similarity (0–1, by edit distance on normalised names) above which the best fuzzy match is
        taken without asking, provided it is ``margin`` ahead of the runner-up.
    plausible : float
        Similarity below which a name is not even suggested.
    """

    def __init__(self, names, confident: float = 0.75, plausible: float = 0.5, margin: float = 0.15):
        self.names = sorted({n for n in names if n})
        self.confident = confident
        self.plausible = plausible
        self.margin = margin
        self._plain: dict[str, list[str]] = {}
        self._norm: dict[str, list[str]] = {}
        for n in self.names:
            self._plain.setdefault(plain(n), []).append(n)
            self._norm.setdefault(normalise(n), []).append(n)

    def resolve(self, typed: str) -> Match:
        """Exact (ignoring case and punctuation) wins; then a name that equals the typed one without
        legal forms, or contains all its words, if it is the only one; several → candidates to pick
        from; otherwise the closest spellings."""
        typed = typed.strip()
        key = plain(typed)
        if key in self._plain:
            hits = self._plain[key]
            return Match(typed, exact=hits[0]) if len(hits) == 1 else Match(typed, candidates=hits)
        norm = normalise(typed)
        if not norm:
            return Match(typed)
        words = norm.split()
        containing = [n for nk, ns in self._norm.items() for n in ns if all(w in nk.split() for w in words)]
        if len(containing) == 1:
            return Match(typed, exact=containing[0])
        if containing:
            same = self._norm.get(norm, [])
            return Match(typed, candidates=same + sorted(c for c in containing if c not in same)[:10])
        slack = max(2, len(norm) // 3)
        scored = sorted(
            (
                (similarity(norm, nk), n)
                for nk, ns in self._norm.items()
                # Cheap length screen first: on a big book, most names cannot be within reach.
                if abs(len(nk) - len(norm)) <= slack
                for n in ns
            ),
            key=lambda p: (-p[0], p[1]),
        )
        good = [(s, n) for s, n in scored if s >= self.plausible][:5]
        if (
            good
            and good[0][0] >= self.confident
            and (len(good) == 1 or good[0][0] - good[1][0] >= self.margin)
        ):
            return Match(typed, exact=good[0][1], corrected=True)
        return Match(typed, candidates=[n for _, n in good])


# Names people use for a country other than the one in the data ("uk" for "United Kingdom"). Each
# group is one country; a region typed as any member resolves to the member the data spells out.
REGION_ALIASES: tuple[tuple[str, ...], ...] = (
    ("united kingdom", "uk", "u k", "gb", "great britain", "britain", "england"),
    ("united states", "usa", "us", "u s a", "u s", "united states of america", "america"),
    ("ireland", "eire", "republic of ireland"),
    ("netherlands", "the netherlands", "holland", "nl"),
    ("united arab emirates", "uae"),
    ("south africa", "rsa"),
    ("germany", "deutschland", "de", "allemagne", "alemania"),
    ("austria", "österreich", "oesterreich", "osterreich"),
    ("switzerland", "schweiz", "suisse", "ch"),
    ("spain", "españa", "espana", "spanien", "es"),
    ("france", "frankreich", "francia", "fr"),
    ("italy", "italien", "italia"),
    ("mexico", "méxico", "mexiko", "mx"),
    ("japan", "日本", "jp"),
    ("china", "中国", "cn"),
    ("australia", "australien", "au"),
    ("singapore", "新加坡", "sg"),
)
_ALIAS_GROUP = {name: group for group in REGION_ALIASES for name in group}


def region_alias(typed: str, known: NameIndex) -> str | None:
    """The region of the data that ``typed`` is another name for ("uk" → "United Kingdom"), if any."""
    group = _ALIAS_GROUP.get(plain(typed))
    if group is None:
        return None
    spelled = {plain(n): n for n in known.names}
    return next((spelled[a] for a in group if a in spelled and a != plain(typed)), None)


def resolve_region(typed: str, known: NameIndex) -> Match:
    """A region as typed, against the regions ``known``: by spelling first, then by another name
    of the same country ("uk" → "United Kingdom") when the spelling is not an exact hit."""
    found = known.resolve(typed)
    alias = region_alias(typed, known) if found.exact is None or found.corrected else None
    return Match(typed, exact=alias, corrected=True) if alias is not None else found
