"""Shared set-up for the win-back action tests: the team's settings and the demo book (helpers:
tests/helpers/actions.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.brain import Brain
from config import Settings
from custseg.store import Store, open_store
from tests.helpers.actions import team_settings
from tests.helpers.demo_book import DemoBooks


@pytest.fixture
def team() -> Settings:
    return team_settings()


@pytest.fixture
def demo_store(demo_books: DemoBooks, tmp_path: Path) -> Iterator[Store]:
    """A copy of the demo book (two weekly snapshots) of the test's own."""
    store = open_store(demo_books.sqlite_url(tmp_path))
    yield store
    store.dispose()


@pytest.fixture
def brain(demo_store: Store, team: Settings) -> Brain:
    return Brain(demo_store, team)
