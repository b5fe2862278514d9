"""Shared fixtures: real SQLite files, a real PostgreSQL database per test, the real data sets."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest
import sqlalchemy as sa

from config import Settings, load_settings
from custseg.store import Store, open_store

if TYPE_CHECKING:
    from bot.brain import Brain

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"
RETAIL = DATA / "online_retail" / "online_retail.csv.gz"
CDNOW_MASTER = DATA / "cdnow" / "CDNOW_master.txt"
CDNOW_SAMPLE = DATA / "cdnow" / "CDNOW_sample.txt"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"reference data {path} is absent (expected ../shared/data beside the project)")
    return path


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


def _pg_admin_url() -> str:
    url = os.environ.get("CUSTSEG_TEST_PG_URL")
    if not url:
        if os.environ.get("CUSTSEG_SKIP_PG") == "1":
            pytest.skip("PostgreSQL tests skipped on purpose (CUSTSEG_SKIP_PG=1)")
        pytest.fail(
            "PostgreSQL tests need a server: run the suite with scripts/test (it starts one), or set "
            "CUSTSEG_TEST_PG_URL to a database URL, or CUSTSEG_SKIP_PG=1 to skip them deliberately."
        )
    return url


@contextmanager
def fresh_pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server (its URL), dropped afterwards."""
    admin_url = sa.engine.make_url(_pg_admin_url())
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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


def load_demo(store: Store, settings: Settings, tmp: Path, n_customers: int = 2000) -> None:
    """The demo book loaded into ``store`` through its CSV files and segmented twice, a week apart,
    so digests and alerts have a previous snapshot to compare with."""
    from custseg.demo import make_demo_book, to_csv
    from custseg.ingest.readers import read_customer_file, read_order_file
    from custseg.pipeline import segment
    from custseg.store.load import save_customers, save_order_file

    book = make_demo_book(n_customers=n_customers)
    customers, orders = to_csv(book, tmp)
    save_customers(store, read_customer_file(customers))
    save_order_file(store, read_order_file(orders, "custseg_orders"))
    end = book.orders["ordered_at"].max().date()
    segment(store, settings, end - dt.timedelta(weeks=1))
    segment(store, settings, end)


def brain_on_demo(store: Store, settings: Settings, tmp: Path, n_customers: int = 2000) -> Brain:
    """A brain answering on the demo book (see ``load_demo``)."""
    from bot.brain import Brain

    load_demo(store, settings, tmp, n_customers)
    return Brain(store, settings)


def orders_frame(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    """(order_id, customer_id, ISO time, amount) rows → an order frame."""
    frame = pd.DataFrame(rows, columns=["order_id", "customer_id", "ordered_at", "amount"])
    frame["ordered_at"] = pd.to_datetime(frame["ordered_at"])
    return frame


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text.lstrip("\n"), encoding="utf-8")
    return path


# -- suite-wide: no token, secret or customer name ever reaches a log ------------------------------------
# Every record of the whole run is captured at the production levels (custseg at DEBUG, the chatty
# third-party clients as adapters.logs.configure sets them) and redacted the way production redacts
# (adapters.logs: secret-shaped strings and the values of secret environment variables). At the end the
# run fails if any record still holds one of the tests' secrets or a demo customer's name.
TEST_SECRETS = ("xoxb-", "xapp-", "8f742231b10e8888abcd99yyyzzz85a5", "not-a-real-secret")


class _LogCapture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        from adapters.logs import redact, secret_values

        try:
            text = record.getMessage()
        except Exception:  # a broken format string is the logging call's bug, not a leak
            text = str(record.msg)
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.records.append((record.name, redact(text, secret_values(os.environ))))


_CAPTURE = _LogCapture()


def demo_customer_names() -> list[str]:
    """Every name a demo customer can have (the named stories and every generated base name)."""
    from custseg import demo

    names = {str(c["name"]) for c in demo._NAMED}
    names |= {f"{p} {t}" for p in demo._PREFIXES for t in demo._TRADES}
    names |= {pattern.format(s) for s in demo._SURNAMES for pattern in demo._SURNAME_PATTERNS}
    return sorted(names, key=len, reverse=True)


def pytest_sessionstart(session: pytest.Session) -> None:
    from adapters.logs import NOISY_LOGGERS

    logging.getLogger().addHandler(_CAPTURE)
    logging.getLogger().setLevel(logging.INFO)
    logging.getLogger("custseg").setLevel(logging.DEBUG)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def log_leaks(records: list[tuple[str, str]]) -> list[str]:
    """The captured records that hold a test secret or a demo customer's name."""
    names = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, demo_customer_names())) + r")(?!\w)")
    leaks = []
    for logger, text in records:
        found = [s for s in TEST_SECRETS if s in text] + names.findall(text)
        if found:
            leaks.append(f"{logger}: {', '.join(sorted(set(found)))} in {text[:200]!r}")
    return leaks


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
