"""Names known from the data: customers, account managers, regions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from .fuzzy import FuzzyIndex

# Longest name (in tokens) looked for in a message.
MAX_NAME_TOKENS = 5


def _norm_name(name: str) -> tuple[str, ...]:
    """Lower-case, punctuation-free token tuple used to match a name in a message."""
    cleaned = "".join(ch.lower() if ch.isalnum() else " " for ch in name.replace("'s", ""))
    return tuple(cleaned.split())[:MAX_NAME_TOKENS]


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
    def customer_names(self) -> dict[tuple[str, ...], str]:
        """Normalised customer name -> name as stored."""
        return {k: n for n in self.customers if (k := _norm_name(n))}

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
        words: set[str] = set()
        for table in (self.customer_names, self.owner_names, self.region_names, self.country_names):
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
        """Typo lookup for whole customer names written as one string."""
        return FuzzyIndex((" ".join(k) for k in self.customer_names), max_k=1)
