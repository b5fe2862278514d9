"""The demo book for tests, built once per test session and copied for each user.

Building the demo book (generate, write CSV, load, segment twice) takes tens of seconds; a copy of
the built SQLite file takes a fraction of one, and so does ``CREATE DATABASE … TEMPLATE`` on
PostgreSQL. :class:`DemoBooks` (the session fixture ``demo_books``) builds each variant on first
use — per number of customers, per stage (orders only, or segmented) and per the settings
sections segmentation reads — and hands out copies of it: every copy is a database of its own, so a
test that writes to its book changes nobody else's.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from config import Settings, load_settings
from custseg.demo import DemoBook, make_demo_book
from custseg.store import Store, open_store
from tests.helpers.postgres import create_database, drop_database, fresh_pg_database, new_database_name

#: The settings a snapshot build reads (custseg.pipeline.segment and what it calls); books built
#: with equal values of these are equal, whatever the people, teams, channels or chat settings.
SEGMENTATION_SETTINGS = ("source", "lifecycle", "value_tiers", "key_accounts", "models", "churn", "timezone")


@functools.cache
def demo_book(n_customers: int = 2000) -> DemoBook:
    """The generated demo book (deterministic), made once per process; treat it as read-only."""
    return make_demo_book(n_customers=n_customers)


def last_order_day(n_customers: int = 2000) -> dt.date:
    return demo_book(n_customers).orders["ordered_at"].max().date()


def load_orders(store: Store, tmp: Path, n_customers: int = 2000) -> None:
    """The demo book's customers and orders loaded into ``store`` through its CSV files."""
    from custseg.demo import to_csv
    from custseg.ingest.readers import read_customer_file, read_order_file
    from custseg.store.load import save_customers, save_order_file

    customers, orders = to_csv(demo_book(n_customers), tmp)
    save_customers(store, read_customer_file(customers))
    save_order_file(store, read_order_file(orders, "custseg_orders"))


def load_demo(store: Store, settings: Settings, tmp: Path, n_customers: int = 2000) -> None:
    """The demo book loaded into ``store`` through its CSV files and segmented twice, a week apart,
    so digests and alerts have a previous snapshot to compare with."""
    from custseg.pipeline import segment

    load_orders(store, tmp, n_customers)
    end = last_order_day(n_customers)
    segment(store, settings, end - dt.timedelta(weeks=1))
    segment(store, settings, end)


@dataclass(frozen=True)
class _Variant:
    n_customers: int
    segmented: bool
    settings_key: str  # JSON of SEGMENTATION_SETTINGS ("" when not segmented)

    @property
    def slug(self) -> str:
        digest = hashlib.sha256(self.settings_key.encode()).hexdigest()[:10]
        return f"n{self.n_customers}_{'segmented' if self.segmented else 'orders'}_{digest}"


class DemoBooks:
    """Demo books built once per session (SQLite files under ``root``, PostgreSQL template
    databases on the test server), handed out as copies."""

    def __init__(self, root: Path):
        self.root = root
        self._files: dict[_Variant, Path] = {}
        self._templates: dict[_Variant, str] = {}

    def _variant(
        self, settings: Settings | None, n_customers: int, segmented: bool
    ) -> tuple[_Variant, Settings]:
        base = load_settings(env={})
        if not segmented:
            return _Variant(n_customers, False, ""), base
        given = settings or base
        key = json.dumps(given.model_dump(mode="json", include=set(SEGMENTATION_SETTINGS)), sort_keys=True)
        build = base.model_copy(update={name: getattr(given, name) for name in SEGMENTATION_SETTINGS})
        return _Variant(n_customers, True, key), build

    @staticmethod
    def _build(store: Store, variant: _Variant, settings: Settings, tmp: Path) -> None:
        if variant.segmented:
            load_demo(store, settings, tmp, variant.n_customers)
        else:
            load_orders(store, tmp, variant.n_customers)

    def _file(self, variant: _Variant, settings: Settings) -> Path:
        if variant not in self._files:
            folder = self.root / variant.slug
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "custseg.db"
            store = open_store(f"sqlite:///{path}")
            try:
                self._build(store, variant, settings, folder)
            finally:
                store.dispose()  # closing the last connection folds the WAL into the file: a copy is complete
            self._files[variant] = path
        return self._files[variant]

    def _template(self, variant: _Variant, settings: Settings) -> str:
        if variant not in self._templates:
            name = new_database_name("demo")
            store = open_store(create_database(name))
            try:
                folder = self.root / f"pg_{variant.slug}"
                folder.mkdir(parents=True, exist_ok=True)
                self._build(store, variant, settings, folder)
            except BaseException:
                store.dispose()
                drop_database(name)
                raise
            store.dispose()  # a template may have no open connections while it is copied
            self._templates[variant] = name
        return self._templates[variant]

    def sqlite_url(
        self, folder: Path, settings: Settings | None = None, n_customers: int = 2000, segmented: bool = True
    ) -> str:
        """A copy of the demo book as ``folder/custseg.db``; its URL.

        ``segmented``: with the two weekly snapshots ``load_demo`` builds (segmented with the
        segmentation sections of ``settings``), else only the customers and orders loaded."""
        variant, build = self._variant(settings, n_customers, segmented)
        path = folder / "custseg.db"
        shutil.copyfile(self._file(variant, build), path)
        return f"sqlite:///{path}"

    @contextmanager
    def postgres_url(
        self, settings: Settings | None = None, n_customers: int = 2000, segmented: bool = True
    ) -> Iterator[str]:
        """A fresh PostgreSQL database holding a copy of the demo book (see ``sqlite_url``),
        dropped afterwards; its URL."""
        variant, build = self._variant(settings, n_customers, segmented)
        with fresh_pg_database(template=self._template(variant, build)) as url:
            yield url

    @contextmanager
    def url(
        self,
        backend: str,
        folder: Path,
        settings: Settings | None = None,
        n_customers: int = 2000,
        segmented: bool = True,
    ) -> Iterator[str]:
        """A copy of the demo book on ``backend`` ("sqlite" or "postgres"); its URL."""
        if backend == "postgres":
            with self.postgres_url(settings, n_customers, segmented) as url:
                yield url
        else:
            yield self.sqlite_url(folder, settings, n_customers, segmented)

    @contextmanager
    def store(
        self,
        backend: str,
        folder: Path,
        settings: Settings | None = None,
        n_customers: int = 2000,
        segmented: bool = True,
    ) -> Iterator[Store]:
        """A store on a copy of the demo book (see ``url``), disposed afterwards."""
        with self.url(backend, folder, settings, n_customers, segmented) as url:
            store = open_store(url)
            try:
                yield store
            finally:
                store.dispose()

    def close(self) -> None:
        """Drop the PostgreSQL templates (the SQLite files go with the session's tmp dir)."""
        for name in self._templates.values():
            drop_database(name)
        self._templates.clear()
