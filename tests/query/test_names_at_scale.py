"""Names resolved on the demo book whatever the frame's text columns are (object or categorical),
and out-of-scope customers told apart without a comparison with every name of the book."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from custseg.query import QueryEngine
from custseg.query.names import NameIndex
from custseg.snapshot.frame import Snapshot
from custseg.snapshot.storage import load_snapshot
from custseg.store import Store
from tests.helpers.demo_book import DemoBooks

TEXT = ("name", "owner", "region", "segment", "lifecycle_stage", "value_tier")


@pytest.fixture(scope="module")
def stored(demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with demo_books.store("sqlite", tmp_path_factory.mktemp("names")) as store:
        yield store


def categorical(snap: Snapshot) -> Snapshot:
    """``snap`` with its low-cardinality text columns as pandas categoricals (how a columnar
    store may load them)."""
    frame = snap.customers.copy()
    for col in TEXT:
        if col in frame:
            frame[col] = frame[col].astype("category")
    return dataclasses.replace(snap, customers=frame)


def questions(snap: Snapshot) -> list[tuple[str, frozenset[str] | None]]:
    frame = snap.customers
    owner = str(frame["owner"].dropna().iloc[0])
    mine = frame[frame["owner"] == owner]
    others = frame[frame["owner"].notna() & (frame["owner"] != owner)]
    names = [*mine["name"].head(5), *others["name"].head(5), *others.index[:3]]
    typos = [n[:-1] for n in mine["name"].head(3)] + [n.split()[0] for n in others["name"].head(3)]
    scope = frozenset({owner.lower()})
    return [(str(n), s) for n in [*names, *typos, "nobody at all", ""] for s in (None, scope)]


def test_profiles_are_the_same_with_categorical_columns(stored: Store) -> None:
    snap = load_snapshot(stored)
    plain_engine, cat_engine = QueryEngine(snap), QueryEngine(categorical(snap))
    for typed, scope in questions(snap):
        expected = plain_engine.resolve_customer(typed, scope)
        assert cat_engine.resolve_customer(typed, scope) == expected, typed
        assert cat_engine.run_json({"intent": "customer_profile", "customer": typed}, scope=scope) == (
            plain_engine.run_json({"intent": "customer_profile", "customer": typed}, scope=scope)
        )


def test_a_customer_of_another_manager_is_named_as_theirs(stored: Store) -> None:
    snap = load_snapshot(stored)
    engine = QueryEngine(snap)
    frame = snap.customers
    owner = str(frame["owner"].dropna().iloc[0])
    other = frame[frame["owner"].notna() & (frame["owner"] != owner)].iloc[0]
    answer = engine.run_json(
        {"intent": "customer_profile", "customer": other["name"]}, scope=frozenset({owner.lower()})
    )
    assert answer == {"kind": "outside_scope", "typed": other["name"], "owner": other["owner"]}


@pytest.mark.parametrize(
    ("typed", "exact", "candidates"),
    [
        ("acme corp", None, ["ACME corp", "Acme Corp."]),
        ("Acme", None, ["ACME corp", "Acme Corp.", "Acme Holdings"]),
        ("holdings", "Acme Holdings", []),
        ("Müller", "Müller GmbH", []),
        ("initek", None, ["Initech"]),
        ("xyz", None, []),
    ],
)
def test_name_index_built_vectorised_resolves_as_written(
    typed: str, exact: str | None, candidates: list[str]
) -> None:
    index = NameIndex(
        ["Acme Corp.", "ACME corp", "Globex Inc", "Müller GmbH", "Initech", "Acme Holdings", None, ""]
    )
    found = index.resolve(typed)
    assert (found.exact, found.candidates) == (exact, candidates)


def test_name_index_keys_are_those_of_the_one_by_one_rules() -> None:
    """The vectorised keys (clean names passed through, the rest rewritten by Arrow or, outside
    printable ASCII, by Python) are ``plain`` and ``normalise`` of every name."""
    import numpy as np
    import pyarrow as pa

    from custseg.query.names import _keys, normalise, plain

    rng = np.random.default_rng(5)
    alphabet = [*"abcXYZ 019'-.&_", "Co", "GmbH", " S.A.", " inc.", "Ltd", "\t", "é", "ß", "中", "K"]
    names = ["".join(rng.choice(alphabet, int(rng.integers(0, 12)))) for _ in range(4000)]
    names += ["acme", "acme corp", "  acme  ", "acme--corp", "co", "s.a.", "a_b c"]
    plains, norms = _keys(pa.array(names, pa.string()))
    for name, p, n in zip(names, plains.to_pylist(), norms.to_pylist(), strict=True):
        assert (p, n) == (plain(name), normalise(name)), repr(name)


def test_words_shared_by_many_names_find_each_of_them() -> None:
    names = [f"Brave Ridge Stores {city}" for city in ("Basel", "Bern", "Chur")] + ["Ridge Gmbh"]
    index = NameIndex(names)
    assert index.resolve("Stores Bern").exact == "Brave Ridge Stores Bern"
    # The name that is "Ridge" but for its legal form comes first, then the others by name.
    assert index.resolve("ridge").candidates == ["Ridge Gmbh", *names[:3]]


def test_a_name_asked_while_the_index_builds_waits_for_it(stored: Store) -> None:
    snap = load_snapshot(stored)
    building, built = QueryEngine(snap), QueryEngine(snap)
    built.index_names()
    thread = building.index_names(background=True)
    assert thread is not None
    for typed, scope in questions(snap):
        assert building.resolve_customer(typed, scope) == built.resolve_customer(typed, scope), typed
    thread.join(timeout=60)
    assert not thread.is_alive()
