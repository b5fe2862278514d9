"""Names known from the data: customers, account managers, regions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from .fuzzy import FuzzyIndex

if TYPE_CHECKING:
    import pyarrow as pa

# Longest name (in tokens) looked for in a message.
MAX_NAME_TOKENS = 5


def _norm_name(name: str) -> tuple[str, ...]:
    """Lower-case, punctuation-free token tuple used to match a name in a message."""
    cleaned = "".join(ch.lower() if ch.isalnum() else " " for ch in name.replace("'s", ""))
    return tuple(cleaned.split())[:MAX_NAME_TOKENS]


def _name_keys(names: tuple[str, ...]) -> pa.ListArray:
    """``_norm_name`` of every name, vectorised: each name's tokens as an Arrow list.

    Printable-ASCII names go through Arrow (where "alphanumeric" and lower-casing agree with
    Python's); any other name through ``_norm_name`` itself.
    """
    # Imported here: the parser alone (no data's names) must start fast.
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(names, type=pa.string())
    text = pc.replace_substring_regex(pc.replace_substring(arr, "'s", ""), "[^A-Za-z0-9]", " ")
    words = pc.utf8_split_whitespace(pc.utf8_trim_whitespace(pc.utf8_lower(text)))
    tokens = pc.list_slice(words, 0, MAX_NAME_TOKENS)
    other = np.flatnonzero(~pc.match_substring_regex(arr, r"^[\x20-\x7e]*$").to_numpy(zero_copy_only=False))
    if not len(other):
        return tokens
    listed = tokens.to_pylist()
    for i in other:
        listed[i] = list(_norm_name(names[i]))
    return pa.array(listed, type=pa.list_(pa.string()))


class NameKeys:
    """A set of normalised names (token tuples), held as joined strings: a million customers'
    names take one ``frozenset`` of strings instead of a million tuples."""

    def __init__(self, joined: frozenset[str]):
        self.joined = joined

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and " ".join(key) in self.joined

    def __len__(self) -> int:
        return len(self.joined)


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Names taken from the data, so the parser can spot them without cue words.

    Parameters
    ----------
    customers : iterable of str
        Customer names as stored.
    owners : iterable of str
        Account-manager names (first names or full names).
    regions : iterable of str
        Region names.
    countries : iterable of str
        Country names (the data's country column).
    attributes : mapping of str to iterable of str
        The data's other customer columns and their values ("industry" -> "Retail", ...).

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

    def __post_init__(self) -> None:
        for name in ("customers", "owners", "regions", "countries"):
            values = tuple(str(v) for v in (getattr(self, name) or ()) if str(v).strip())
            object.__setattr__(self, name, values)
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
        return tokens.filter(pc.greater(pc.list_value_length(tokens), 0))

    @cached_property
    def _customer_joined(self) -> pa.Array:
        """Every customer's normalised name, its tokens joined by one blank."""
        import pyarrow.compute as pc

        return pc.binary_join(self._customer_tokens, " ")

    @cached_property
    def customer_names(self) -> NameKeys:
        """The customers' normalised names (``key in customer_names`` for a token tuple)."""
        import pyarrow.compute as pc

        return NameKeys(frozenset(pc.unique(self._customer_joined).to_pylist()))

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
    def known_words(self) -> frozenset[str]:
        """Every word of every name: protected from typo correction."""
        import pyarrow.compute as pc

        words: set[str] = set(pc.unique(pc.list_flatten(self._customer_tokens)).to_pylist())
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
    def customer_fuzzy(self) -> FuzzyIndex:
        """Typo lookup for whole customer names written as one string.

        Only a phrase of letters is ever looked up (``FuzzyIndex.lookup``), and one edit away from
        it a name has at most one character that is neither a letter nor a blank: names with more
        ("Customer 4242") can only match themselves, so they stay out of the deletion index.
        """
        import pyarrow.compute as pc

        joined = pc.unique(self._customer_joined)
        reachable = pc.less_equal(pc.count_substring_regex(joined, r"[^\p{L} ]"), 1)
        return FuzzyIndex(joined.to_pylist(), max_k=1, reachable=joined.filter(reachable).to_pylist())
