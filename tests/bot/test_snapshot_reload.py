"""A newer snapshot is loaded before a one-off or worker answer, and beside the held one in the
web process (``background_reload``): messages meanwhile are answered from the old snapshot."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest

from bot.brain import Brain
from bot.context import Channel, ChatUser
from config import load_settings
from custseg.snapshot.storage import load_snapshot, save_snapshot
from custseg.store import Store
from tests.helpers.demo_book import DemoBooks

USER, CHANNEL = ChatUser("U1", "test"), Channel("C1", "test")


@pytest.fixture
def stored(demo_books: DemoBooks, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with demo_books.store("sqlite", tmp_path_factory.mktemp("reload")) as store:
        yield store


def newer(store: Store) -> dt.date:
    """Store a copy of the latest snapshot one day later; its as-of date."""
    snap = load_snapshot(store)
    later = snap.as_of + dt.timedelta(days=1)
    save_snapshot(store, dataclasses.replace(snap, as_of=later))
    return later


@pytest.mark.parametrize("background", [False, True])
def test_a_newer_snapshot_is_switched_to(stored: Store, background: bool) -> None:
    brain = Brain(stored, load_settings(env={}))
    brain.background_reload = background
    first = brain.engine().as_of
    later = newer(stored)
    held = brain.engine().as_of
    brain.ask("how many champions do we have?", USER, CHANNEL)
    brain.preload()
    assert brain.engine().as_of == later
    # Without a background reload the newer snapshot answers at once; with it, the held one
    # answers until the new one is built.
    assert held == (first if background else later)
