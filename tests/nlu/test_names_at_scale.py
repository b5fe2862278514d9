"""The parser's and the engine's name lookups on books named like real ones, at a size where a
comparison with every name (or a deletion index over every whole name) would take seconds to
minutes: misspelt names are still found, the same way a small book finds them."""

from __future__ import annotations

import numpy as np
import pytest

from bench.synthetic import company_names
from bot.nlu import Vocabulary, parse
from bot.nlu.fuzzy import FuzzyIndex, NameTypos
from bot.nlu.vocabulary import NameKeys, _name_keys, _norm_name
from custseg.query.names import MAX_COMPARED, NameIndex, TypoIndex, osa_distance, sorted_hashes

BOOK = company_names(50_000)


def test_typo_index_finds_every_word_one_edit_away() -> None:
    words = np.array(["stores", "store", "storm", "basel", "bakers", "müller"], dtype=object)
    index = TypoIndex(words)
    for typed in ["stores", "stroes", "stres", "storesx", "sxores", "basle", "mülle", "bakres"]:
        expected = sorted(w for w in words if osa_distance(typed, w) <= 1)
        assert sorted(index.near(typed, 1)) == expected, typed
    assert index.near("zzzzzz", 1) == []


def name_keys(names: list[str]) -> NameKeys:
    return NameKeys(sorted_hashes(np.array([" ".join(_norm_name(n)) for n in names], dtype=object)))


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("brave ridge stores", "brave ridge stores"),  # as it is
        ("brave ridge stroes", "brave ridge stores"),  # neighbours swapped
        ("brave rdge stores", "brave ridge stores"),  # a letter left out
        ("bravee ridge stores", "brave ridge stores"),  # one too many
        ("braveridge stores", "brave ridge stores"),  # the blank left out
        ("brave ridge st ores", "brave ridge stores"),  # one blank too many
        ("brave ridge stxres", "brave ridge stores"),
        ("globex", "globex"),
        ("glbex", "globex"),
        ("acme corp", None),  # two edits from "acme corp 3", which has a digit
        ("brave ridge", None),  # not a whole name
        ("red oak bakes", None),  # one edit from two names, both starting with r
    ],
)
def test_a_phrase_one_edit_from_a_name_is_that_name(phrase: str, expected: str | None) -> None:
    names = ["Brave Ridge Stores", "Globex", "Acme Corp 3", "Red Oak Bakers", "Red Oak Baker"]
    words = np.array(sorted({w for n in names for w in _norm_name(n) if w.isalpha()}), dtype=object)
    assert NameTypos(name_keys(names), words).lookup(phrase) == expected


def test_name_typos_agree_with_a_deletion_index_over_whole_names() -> None:
    """On a sample of real-looking names, the word route finds what a deletion index over every
    whole name finds, for typos made within a word (where nearly all typos are)."""
    names = list(BOOK[:3000])
    joined = [" ".join(_norm_name(n)) for n in names]
    whole = FuzzyIndex(joined, max_k=1)
    words = np.array(sorted({w for j in joined for w in j.split()}), dtype=object)
    typos = NameTypos(name_keys(names), words)
    rng = np.random.default_rng(3)
    tried = 0
    for k in rng.integers(0, len(joined), 300):
        name = joined[k]
        i = int(rng.integers(0, len(name)))
        if name[i] == " ":
            continue
        for typed in (name[:i] + "q" + name[i + 1 :], name[:i] + name[i + 1 :], name[:i] + "e" + name[i:]):
            tried += 1
            assert typos.lookup(typed) == whole.lookup(typed), typed
    assert tried > 700


def test_vocabulary_from_an_array_of_names_is_the_vocabulary_from_a_list() -> None:
    names = np.array(
        [*BOOK[:2000], None, "", "  ", "Joe's Diner", "Müller GmbH", "ACME-corp. (UK)"], dtype=object
    )
    from_array = Vocabulary(customers=names)
    from_list = Vocabulary(customers=[n for n in names.tolist() if n is not None])
    assert from_array.customers == from_list.customers
    assert from_array.known_words == from_list.known_words
    for name in ["Joe's Diner", "Müller GmbH", "acme corp uk", str(BOOK[5])]:
        assert _norm_name(name) in from_array.customer_names
    assert ("nobody", "here") not in from_array.customer_names


def test_name_tokens_are_those_of_the_one_by_one_rule() -> None:
    rng = np.random.default_rng(11)
    alphabet = [*"abcXYZ 019'-.&\t_s", "é", "ß", "中"]
    names = tuple("".join(rng.choice(alphabet, int(rng.integers(0, 25)))) for _ in range(3000))
    got = _name_keys(names).to_pylist()
    for name, tokens in zip(names, got, strict=True):
        assert [t for t in tokens if t] == list(_norm_name(name)), name


def test_parser_spots_a_misspelt_company_name_in_a_big_book() -> None:
    vocab = Vocabulary(customers=BOOK).warm()
    name = str(BOOK[123])
    words = name.split()
    typo = " ".join([*words[:-1], words[-1][:-1]])
    assert parse(f"what about {name}?", vocab).get("customer", "").lower() == name.lower()
    assert parse(f"what about {typo}?", vocab).get("customer", "").lower() == typo.lower()


def test_closest_spellings_on_a_big_book_are_found_through_shared_words() -> None:
    index = NameIndex(BOOK)
    name = str(BOOK[4321])
    first, *rest = name.split()
    typed = " ".join([first[:-1] + "x", *rest])  # one letter wrong, in the first word
    assert np.count_nonzero(np.abs(index._norm_len - len(typed)) <= 2) > MAX_COMPARED
    found = index.resolve(typed)
    assert name in ([found.exact] if found.exact else found.candidates)
    assert index.resolve("zzzz qqqq wwww").candidates == []
