"""Names known from the data: customers, account managers, regions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from custseg.query.names import contains, sorted_hashes

from .fuzzy import FuzzyIndex, NameTypos

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

# Longest name (in tokens) looked for in a message.
MAX_NAME_TOKENS = 5


def _norm_name(name: str) -> tuple[str, ...]:
    """Lower-case, punctuation-free token tuple used to match a name in a message."""
    cleaned = "".join(ch.lower() if ch.isalnum() else " " for ch in name.replace("'s", ""))
    return tuple(cleaned.split())[:MAX_NAME_TOKENS]


def _ascii_words(arr: pa.Array) -> pa.Array:
    """Each string of ``arr`` lower-cased, with every byte that is no ASCII letter or digit made a
    blank: one table lookup over the array's bytes (for ASCII text, what ``_norm_name`` does
    character by character; a regular expression over a million names takes seconds)."""
    import numpy as np
    import pyarrow as pa

    validity, offsets, data = arr.buffers()
    if data is None or not len(arr):
        return arr
    table = np.full(256, ord(" "), dtype=np.uint8)
    for c in b"abcdefghijklmnopqrstuvwxyz0123456789":
        table[c] = c
    for c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[c] = c + 32
    mapped = pa.py_buffer(table[np.frombuffer(data, dtype=np.uint8)])
    return pa.StringArray.from_buffers(len(arr), offsets, mapped, validity, arr.null_count, arr.offset)


def _name_keys(names: tuple[str, ...]) -> pa.ListArray:
    """``_norm_name`` of every name, vectorised: each name's tokens as an Arrow list.

    ASCII names go through a byte table (``_ascii_words``); any other name through
    ``_norm_name`` itself.
    """
    # Imported here: the parser alone (no data's names) must start fast.
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(names, type=pa.string())
    ascii_ = pc.string_is_ascii(arr)
    text = _ascii_words(pc.replace_substring(arr, "'s", ""))
    tokens = pc.list_slice(pc.utf8_split_whitespace(pc.utf8_trim_whitespace(text)), 0, MAX_NAME_TOKENS)
    other = np.flatnonzero(~ascii_.to_numpy(zero_copy_only=False))
    if not len(other):
        return tokens
    listed = tokens.to_pylist()
    for i in other:
        listed[i] = list(_norm_name(names[i]))
    return pa.array(listed, type=pa.list_(pa.string()))


def _texts(values: Iterable[object] | None) -> tuple[str, ...]:
    """``values`` as text, without blank ones: vectorised for an array of strings (a million
    customer names), one by one otherwise."""
    import numpy as np

    if isinstance(values, np.ndarray) and values.dtype == object:
        import pyarrow as pa
        import pyarrow.compute as pc

        try:
            arr = pa.array(values, type=pa.string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass  # not all strings: taken one by one below
        else:
            kept = arr.filter(pc.not_equal(pc.utf8_trim_whitespace(arr), ""))
            return tuple(kept.to_numpy(zero_copy_only=False))
    return tuple(str(v) for v in (values if values is not None else ()) if str(v).strip())


class NameKeys:
    """A set of normalised names (token tuples), held as the sorted 64-bit hashes of the names'
    tokens joined by one blank: a million customers' names take 8 MB and no Python object each
    (``custseg.query.names.contains``)."""

    def __init__(self, hashes: np.ndarray):
        self.hashes = hashes

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and contains(self.hashes, " ".join(key))

    def __len__(self) -> int:
        return len(self.hashes)


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Names taken from the data, so the parser can spot them without cue words.

    Parameters
    ----------
    customers : iterable of str
        Customer names as stored (an object array of a million is taken whole, not one by one).
    owners : iterable of str
        Account-manager names (first names or full names).
    regions : iterable of str
        Region names.
    countries : iterable of str
        Country names (the data's country column).
    attributes : mapping of str to iterable of str
        The data's other customer columns and their values ("industry" -> "Retail", ...).
    as_of : date, optional
        The book's as-of day: a month said without its year ("in October") is the last one up
        to it. Without it such a month is reported as not read.

    Notes
    -----
    Lookup tables are built on first use and kept on the instance, so build one
    ``Vocabulary`` per data load and pass the same object to every ``parse`` call.
    """

    customers: Iterable[str] = field(default_factory=tuple)
    owners: Iterable[str] = field(default_factory=tuple)
    regions: Iterable[str] = field(default_factory=tuple)
    countries: Iterable[str] = field(default_factory=tuple)
    attributes: Mapping[str, Iterable[str]] = field(default_factory=dict)
    as_of: dt.date | None = None

    def __post_init__(self) -> None:
        for name in ("customers", "owners", "regions", "countries"):
            object.__setattr__(self, name, _texts(getattr(self, name)))
        columns = {
            str(c).strip().lower(): tuple(str(v) for v in values if str(v).strip())
            for c, values in (self.attributes or {}).items()
            if str(c).strip()
        }
        object.__setattr__(self, "attributes", columns)

    def warm(self) -> Vocabulary:
        """Build every lookup table now (a few seconds for 100k names) rather than on a user's
        first message; returns self."""
        for name in ("customer_names", "owner_names", "region_names", "country_names", "attribute_names"):
            getattr(self, name)
        self.known_words  # noqa: B018  built now, not on a first message
        for name in ("owner_fuzzy", "region_fuzzy", "country_fuzzy", "customer_fuzzy"):
            getattr(self, name)
        return self

    @cached_property
    def _customer_tokens(self) -> pa.ListArray:
        """Every customer name's normalised tokens (names without any left out)."""
        import pyarrow.compute as pc

        assert isinstance(self.customers, tuple)
        tokens = _name_keys(self.customers)
        # A name of punctuation alone has no token ("" split is one empty one).
        return tokens.filter(pc.greater(pc.utf8_length(pc.binary_join(tokens, " ")), 0))

    @cached_property
    def _customer_joined(self) -> pa.Array:
        """Every customer's normalised name, its tokens joined by one blank."""
        import pyarrow.compute as pc

        return pc.binary_join(self._customer_tokens, " ")

    @cached_property
    def customer_names(self) -> NameKeys:
        """The customers' normalised names (``key in customer_names`` for a token tuple)."""
        return NameKeys(sorted_hashes(self._customer_joined.to_numpy(zero_copy_only=False)))

    @cached_property
    def owner_names(self) -> dict[tuple[str, ...], str]:
        """Normalised owner name, full or first name alone -> that name lower-cased.

        The spec wants the name "as written", so "maria" stays "maria" even when
        the data says "Maria Lopez"; only typos are replaced by the known spelling.
        """
        out: dict[tuple[str, ...], str] = {}
        for n in self.owners:
            k = _norm_name(n)
            if k:
                out[k] = " ".join(k)
                out.setdefault(k[:1], k[0])
        return out

    @cached_property
    def region_names(self) -> dict[tuple[str, ...], str]:
        """Normalised region name -> lower-case name."""
        return {k: " ".join(k) for n in self.regions if (k := _norm_name(n))}

    @cached_property
    def country_names(self) -> dict[tuple[str, ...], str]:
        """Normalised country name -> lower-case name."""
        return {k: " ".join(k) for n in self.countries if (k := _norm_name(n))}

    @cached_property
    def attribute_columns(self) -> tuple[str, ...]:
        """The other customer columns of the data, lower-cased (``country`` is a filter of its own)."""
        assert isinstance(self.attributes, dict)
        return tuple(c for c in self.attributes if c != "country")

    @cached_property
    def attribute_names(self) -> dict[tuple[str, ...], tuple[str, str]]:
        """Normalised attribute value -> (column, value lower-cased as the data spells it).

        "&" is matched as "and", as the message's tokens have it ("Wholesale & Distribution").
        """
        assert isinstance(self.attributes, dict)
        out: dict[tuple[str, ...], tuple[str, str]] = {}
        for column in self.attribute_columns:
            for value in self.attributes[column]:
                if k := _norm_name(value.replace("&", " and ")):
                    out.setdefault(k, (column, value.strip().lower()))
        return out

    @cached_property
    def _customer_words(self) -> pa.Array:
        """Every distinct word of the customers' names."""
        import pyarrow.compute as pc

        return pc.unique(pc.list_flatten(self._customer_tokens))

    @cached_property
    def known_words(self) -> frozenset[str]:
        """Every word of every name that typo correction could touch (words of letters; a word
        with a digit is never corrected): protected from it."""
        import pyarrow.compute as pc

        names = self._customer_words
        words: set[str] = set(names.filter(pc.match_substring_regex(names, r"^\p{L}+$")).to_pylist())
        for table in (self.owner_names, self.region_names, self.country_names):
            for key in table:
                words.update(key)
        for key in self.attribute_names:
            words.update(key)
        words.update(w for c in self.attribute_columns for w in c.split())
        return frozenset(words)

    @cached_property
    def owner_fuzzy(self) -> FuzzyIndex:
        """Typo lookup for one-word owner names ("mraia" -> "maria")."""
        return FuzzyIndex(k[0] for k in self.owner_names if len(k) == 1)

    @cached_property
    def region_fuzzy(self) -> FuzzyIndex:
        """Typo lookup for one-word region names."""
        return FuzzyIndex(k[0] for k in self.region_names if len(k) == 1)

    @cached_property
    def country_fuzzy(self) -> FuzzyIndex:
        """Typo lookup for one-word country names."""
        return FuzzyIndex(k[0] for k in self.country_names if len(k) == 1)

    @cached_property
    def customer_fuzzy(self) -> NameTypos:
        """Typo lookup for whole customer names written as one string (one edit away).

        Only a phrase of letters is ever looked up, and one edit away from it a name has at most
        one character that is neither a letter nor a blank: only the words with at most one such
        character go into the word index the lookup goes through.
        """
        import pyarrow.compute as pc

        words = self._customer_words
        reachable = pc.less_equal(pc.count_substring_regex(words, r"[^\p{L}]"), 1)
        return NameTypos(self.customer_names, words.filter(reachable).to_numpy(zero_copy_only=False))
