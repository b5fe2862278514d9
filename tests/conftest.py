"""Shared fixtures: real SQLite files, a real PostgreSQL database per test, the demo book built once
per session and copied per user; the suite-wide log check. Helpers live in tests/helpers."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from config import Settings, load_settings
from custseg.store import Store, open_store
from tests.fakes.teams_connector import BROKEN_CARDS
from tests.helpers.demo_book import DemoBooks
from tests.helpers.logs import LogCapture, log_leaks
from tests.helpers.postgres import fresh_pg_database


@pytest.fixture
def settings() -> Settings:
    return load_settings(env={})


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'custseg.db'}"


@pytest.fixture
def sqlite_store(sqlite_url: str) -> Iterator[Store]:
    store = open_store(sqlite_url)
    yield store
    store.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    with fresh_pg_database() as url:
        yield url


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[Store]:
    store = open_store(pg_url)
    yield store
    store.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def any_store(request: pytest.FixtureRequest) -> Store:
    """Each test using this runs against a real SQLite file and a real PostgreSQL database."""
    if request.param == "postgres":
        return request.getfixturevalue("pg_store")
    return request.getfixturevalue("sqlite_store")


@pytest.fixture(scope="session")
def demo_books(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoBooks]:
    """The demo book, built once per session per variant; ``demo_books.sqlite_url(tmp_path)`` or
    ``demo_books.store(backend, tmp_path)`` give a test a copy of its own."""
    books = DemoBooks(tmp_path_factory.mktemp("demo_books"))
    yield books
    books.close()


@pytest.fixture(autouse=True)
def teams_cards_keep_teams_rules() -> Iterator[None]:
    """Every card a test sent to the fake Teams connector shows all its actions, whole titles and
    lines, within Teams' size limit (``tests.teams.cards.rule_breaks``)."""
    yield
    broken = list(BROKEN_CARDS)
    BROKEN_CARDS.clear()
    assert broken == [], f"cards sent to Teams break its rules: {broken[:3]}"


# -- suite-wide: no token, secret or customer name ever reaches a log (tests/helpers/logs.py) ----------
_CAPTURE = LogCapture()


def pytest_sessionstart(session: pytest.Session) -> None:
    from adapters.logs import NOISY_LOGGERS

    logging.getLogger().addHandler(_CAPTURE)
    logging.getLogger().setLevel(logging.INFO)
    logging.getLogger("custseg").setLevel(logging.DEBUG)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    logging.getLogger().removeHandler(_CAPTURE)
    leaks = log_leaks(_CAPTURE.records)
    if leaks:
        print(
            f"\n\nLOG LEAK: {len(leaks)} log record(s) of this test run hold a token, a secret or a "
            "customer name (log ids and counts instead):\n  " + "\n  ".join(leaks[:20]),
            file=sys.stderr,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
