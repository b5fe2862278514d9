"""Matching what a user typed against names in the data: customers, account managers, regions
(with the other names people use for a country), and "did you mean" candidates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

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


# Printable ASCII: for these names Arrow's RE2 expressions give exactly what ``plain`` and
# ``normalise`` give (``\w``, ``\b`` and whitespace agree); any other name goes through Python.
_SIMPLE = r"^[\x20-\x7e]*$"


# A lower-cased printable-ASCII name that ``plain`` leaves as it is: words of letters and digits,
# one blank apart. Most names are like that, and testing for it costs a fifth of rewriting them.
_CLEAN = r"^[0-9a-z_]+( [0-9a-z_]+)*$"


def _squeeze(text: pa.Array) -> pa.Array:
    """Each run of characters that are neither letters nor digits as one blank, trimmed (for
    printable ASCII what blanking punctuation and then squeezing blanks gives); clean names as
    they are."""
    import pyarrow.compute as pc

    dirty = pc.invert(pc.match_substring_regex(text, _CLEAN))
    if not pc.any(dirty).as_py():
        return text
    fixed = pc.utf8_trim_whitespace(pc.replace_substring_regex(text.filter(dirty), r"[^\w]+", " "))
    return pc.replace_with_mask(text, dirty, fixed)


def _keys(names: pa.Array) -> tuple[pa.Array, pa.Array]:
    """``plain`` and ``normalise`` of every name (Arrow string arrays), vectorised.

    Names that are not printable ASCII, where Arrow's regular expressions and Python's differ,
    go through ``plain`` and ``normalise`` themselves.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    lower = pc.utf8_lower(names)
    other = np.flatnonzero(~pc.match_substring_regex(names, _SIMPLE).to_numpy(zero_copy_only=False))
    keys = []
    for text, python in ((lower, plain), (pc.replace_substring_regex(lower, _LEGAL.pattern, " "), normalise)):
        out = _squeeze(text)
        if len(other):
            fixed = out.to_numpy(zero_copy_only=False)
            for i in other:
                fixed[i] = python(names[i].as_py())
            out = pa.array(fixed, type=pa.string())
        keys.append(out)
    return keys[0], keys[1]


def _hash(values: np.ndarray) -> np.ndarray:
    """64-bit hashes of strings (equal strings, equal hashes; collisions are checked by callers)."""
    import pandas as pd

    return pd.util.hash_array(values.astype(object), categorize=False)


def hash_of(text: str) -> int:
    """``_hash`` of one string."""
    import numpy as np

    return int(_hash(np.array([text], dtype=object))[0])


def sorted_hashes(values: np.ndarray) -> np.ndarray:
    """The distinct ``_hash`` values of ``values``, sorted (for ``contains``)."""
    import numpy as np

    hashes = _hash(values)
    hashes.sort()
    # Sorted, so the repeats are neighbours (np.unique's hash table is slower here).
    return hashes[np.r_[True, hashes[1:] != hashes[:-1]]] if len(hashes) else hashes


def contains(hashes: np.ndarray, text: str) -> bool:
    """Whether ``text`` is among the strings ``hashes`` (``sorted_hashes``) was made of.

    A false "yes" needs a 64-bit collision: with a million strings, about one chance in 10^13.
    """
    import numpy as np

    h = np.uint64(hash_of(text))
    i = int(np.searchsorted(hashes, h))
    return i < len(hashes) and hashes[i] == h


# Words longer than this are matched exactly only: their one-letter deletions would be most of
# the typo index, and a word that long is pasted more often than typed.
MAX_TYPO_WORD = 24


class TypoIndex:
    """The words of a vocabulary within one edit of a typed word, found by symmetric deletion.

    Every word is stored under its own hash and under the hash of each string one letter shorter;
    a typed word is looked up under its own deletions the same way. Words one edit away
    (insertion, deletion, substitution, swap of neighbours) always share such a string, so
    ``near(word, 1)`` misses none; some two edits away share one too and ``near(word, 2)`` finds
    those. Built from whole arrays (Arrow, numpy): no Python loop over the words.

    Parameters
    ----------
    words : array of str
        The vocabulary (duplicates allowed).
    """

    def __init__(self, words: np.ndarray):
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        unique = pc.unique(pa.array(words, type=pa.string()))
        self.words = unique.to_numpy(zero_copy_only=False)
        lengths = pc.utf8_length(unique).to_numpy()
        keys, rows = [self.words], [np.arange(len(self.words))]
        typable = lengths <= MAX_TYPO_WORD
        for i in range(int(lengths[typable].max()) if typable.any() else 0):
            at = np.flatnonzero(typable & (lengths > i))
            part = unique.take(pa.array(at))
            shorter = pc.binary_join_element_wise(
                pc.utf8_slice_codeunits(part, 0, i), pc.utf8_slice_codeunits(part, i + 1), ""
            )
            keys.append(shorter.to_numpy(zero_copy_only=False))
            rows.append(at)
        hashes = _hash(np.concatenate(keys))
        order = np.argsort(hashes, kind="stable")
        self._hashes, self._rows = hashes[order], np.concatenate(rows)[order]

    def near(self, word: str, edits: int = 1) -> list[str]:
        """The vocabulary's words within ``edits`` (1 or 2) of ``word``, ``word`` itself included."""
        import numpy as np

        probes = {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}
        h = _hash(np.array(sorted(probes), dtype=object))
        lo = np.searchsorted(self._hashes, h, side="left")
        hi = np.searchsorted(self._hashes, h, side="right")
        rows = np.unique(np.concatenate([self._rows[a:b] for a, b in zip(lo, hi, strict=True)]))
        return [w for w in self.words[rows] if osa_distance(word, w, edits) <= edits]


# The most names ``closest`` compares a typed name with one by one.
MAX_COMPARED = 2_000


class NameIndex:
    """Resolve typed names against known ones.

    Built vectorised (Arrow and numpy, no Python loop over the names), and looked up by binary
    search in sorted hash arrays, so a million-customer book is indexed in seconds and a lookup
    costs microseconds.

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
        # Imported here: the parser imports this module for ``osa_distance`` and must start fast.
        import numpy as np
        import pandas as pd
        import pyarrow as pa
        import pyarrow.compute as pc

        given = pa.array(
            list(names) if not isinstance(names, np.ndarray | pd.Index) else np.asarray(names, dtype=object),
            type=pa.string(),
            from_pandas=True,
        )
        unique = pc.unique(given.filter(pc.and_kleene(pc.is_valid(given), pc.not_equal(given, ""))))
        # Arrow sorts by UTF-8 bytes, which is code-point order: the order ``sorted`` gives.
        ordered = unique.take(pc.sort_indices(unique))
        self._names = ordered.to_numpy(zero_copy_only=False)
        self.confident = confident
        self.plausible = plausible
        self.margin = margin
        plain_keys, norm = _keys(ordered)
        hashes = _hash(plain_keys.to_numpy(zero_copy_only=False))
        self._plain_hash, self._plain_rows = self._sorted(hashes)
        # Most names have no legal form, so their two keys are the same: only the others hash again.
        differs = np.flatnonzero(pc.not_equal(plain_keys, norm).to_numpy(zero_copy_only=False))
        hashes[differs] = _hash(norm.take(differs).to_numpy(zero_copy_only=False))
        self._norm_hash, self._norm_rows = self._sorted(hashes)
        self._norm_len = pc.utf8_length(norm).to_numpy()
        words = pc.utf8_split_whitespace(norm)
        owner = pc.list_parent_indices(words).to_numpy()
        self._words = pc.list_flatten(words)
        # Names share words ("Stores", "Basel"): each distinct word is hashed once.
        distinct = pc.dictionary_encode(self._words)
        word_hash = _hash(distinct.dictionary.to_numpy(zero_copy_only=False))[distinct.indices.to_numpy()]
        self._word_hash, rows = self._sorted(word_hash)
        self._word_rows = owner[rows]
        self._typos: TypoIndex | None = None

    @staticmethod
    def _sorted(hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``hashes`` sorted, and the row each came from (stable: rows in name order within a hash)."""
        import numpy as np

        order = np.argsort(hashes, kind="stable")
        return hashes[order], order

    @property
    def names(self) -> list[str]:
        """The known names, sorted, each once."""
        return self._names.tolist()

    def _rows(self, hashes: np.ndarray, rows: np.ndarray, key: str) -> np.ndarray:
        import numpy as np

        h = np.uint64(hash_of(key))
        lo, hi = np.searchsorted(hashes, h, side="left"), np.searchsorted(hashes, h, side="right")
        return rows[lo:hi]

    def _containing(self, words: list[str]) -> np.ndarray:
        """Rows (in name order) whose normalised name has every one of ``words`` among its words."""
        import numpy as np

        sets = sorted(
            (np.unique(self._rows(self._word_hash, self._word_rows, w)) for w in dict.fromkeys(words)),
            key=len,
        )
        rows = sets[0]
        for other in sets[1:]:
            rows = rows[np.isin(rows, other, assume_unique=True)]
        # A 64-bit hash collision would add a name without the words: checked on the few left.
        return (
            rows
            if len(rows) > 64
            else np.array(
                [r for r in rows if set(words) <= set(normalise(self._names[r]).split())], dtype=np.int64
            )
        )

    def resolve(self, typed: str) -> Match:
        """Exact (ignoring case and punctuation) wins; then a name that equals the typed one without
        legal forms, or contains all its words, if it is the only one; several → candidates to pick
        from; otherwise the closest spellings."""
        found = self.resolve_exact(typed)
        return found if found is not None else self.closest(typed)

    def resolve_exact(self, typed: str) -> Match | None:
        """``resolve`` without its last step: None where only the closest spellings would be left
        (the one step that compares with many names)."""
        typed = typed.strip()
        key = plain(typed)
        hits = [
            n for n in self._names[self._rows(self._plain_hash, self._plain_rows, key)] if plain(n) == key
        ]
        if hits:
            return Match(typed, exact=hits[0]) if len(hits) == 1 else Match(typed, candidates=hits)
        norm = normalise(typed)
        if not norm:
            return Match(typed)
        containing = self._names[self._containing(norm.split())].tolist()
        if len(containing) == 1:
            return Match(typed, exact=containing[0])
        if containing:
            same = [
                n
                for n in self._names[self._rows(self._norm_hash, self._norm_rows, norm)]
                if normalise(n) == norm
            ]
            return Match(typed, candidates=same + sorted(c for c in containing if c not in same)[:10])
        return None

    def _sharing_words(self, words: list[str]) -> np.ndarray:
        """Rows whose name shares the most of ``words`` (each word as typed or one or two edits
        off), at most ``MAX_COMPARED`` of them, in name order."""
        import numpy as np

        if self._typos is None:
            import pyarrow.compute as pc

            # Only words a typo of letters can reach (ids and numbers have more than one
            # character that is no letter): a typed id is matched as typed.
            letters = pc.less_equal(pc.count_substring_regex(self._words, r"[^\p{L}]"), 1)
            self._typos = TypoIndex(self._words.filter(letters).to_numpy(zero_copy_only=False))
        hits = [
            np.unique(
                np.concatenate(
                    [
                        self._rows(self._word_hash, self._word_rows, near)
                        for near in {w, *self._typos.near(w, 2 if len(w) >= 5 else 1)}
                    ]
                )
            )
            for w in dict.fromkeys(words)
        ]
        counts = np.bincount(np.concatenate(hits), minlength=len(self._names))
        rows = np.flatnonzero(counts)
        best = rows[np.argsort(-counts[rows], kind="stable")[:MAX_COMPARED]]
        return np.sort(best)

    def closest(self, typed: str) -> Match:
        """The closest spellings of ``typed``: one taken when it is confidently best, else up to five
        "did you mean" candidates (none when nothing is plausible).

        Every name within reach of the typed length is compared when there are at most
        ``MAX_COMPARED`` of them; in a bigger book only the names sharing the most words with
        the typed one (as typed or a typo away) are.
        """
        import numpy as np

        typed = typed.strip()
        norm = normalise(typed)
        slack = max(2, len(norm) // 3)
        # Cheap length screen first: on a big book, most names cannot be within reach.
        reach = np.abs(self._norm_len - len(norm)) <= slack
        if np.count_nonzero(reach) > MAX_COMPARED and norm:
            rows = self._sharing_words(norm.split())
            near = self._names[rows[reach[rows]]]
        else:
            near = self._names[reach]
        scored = sorted(((similarity(norm, normalise(n)), n) for n in near), key=lambda p: (-p[0], p[1]))
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
