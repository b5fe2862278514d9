"""Databases on the shared PostgreSQL test server (CUSTSEG_TEST_PG_URL): fresh empty ones, and
fresh copies of a template database, each dropped after use."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa


def pg_admin_url() -> str:
    """The test server's URL; skips or fails the test when there is none (see the message)."""
    url = os.environ.get("CUSTSEG_TEST_PG_URL")
    if not url:
        if os.environ.get("CUSTSEG_SKIP_PG") == "1":
            pytest.skip("PostgreSQL tests skipped on purpose (CUSTSEG_SKIP_PG=1)")
        pytest.fail(
            "PostgreSQL tests need a server: run the suite with scripts/test (it starts one), or set "
            "CUSTSEG_TEST_PG_URL to a database URL, or CUSTSEG_SKIP_PG=1 to skip them deliberately."
        )
    return url


def new_database_name(prefix: str = "t") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def create_database(name: str, template: str | None = None) -> str:
    """Create database ``name`` (empty, or a copy of ``template``, which must have no open
    connections) on the test server; its URL."""
    admin_url = sa.engine.make_url(pg_admin_url())
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            copy = f' TEMPLATE "{template}"' if template else ""
            conn.execute(sa.text(f'CREATE DATABASE "{name}"{copy}'))
    finally:
        admin.dispose()
    return admin_url.set(database=name).render_as_string(hide_password=False)


def drop_database(name: str) -> None:
    admin = sa.create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextmanager
def fresh_pg_database(template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database on the test server (its URL), empty or a copy of ``template``,
    dropped afterwards."""
    name = new_database_name()
    url = create_database(name, template)
    try:
        yield url
    finally:
        drop_database(name)
