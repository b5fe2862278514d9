"""The fault tests' own PostgreSQL server, which they stop and start again (helpers:
tests/helpers/throwaway_postgres.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.helpers.throwaway_postgres import ThrowawayPostgres


@pytest.fixture(scope="package")
def own_postgres() -> Iterator[ThrowawayPostgres]:
    if os.environ.get("CUSTSEG_SKIP_PG") == "1":
        pytest.skip("PostgreSQL tests skipped on purpose (CUSTSEG_SKIP_PG=1)")
    server = ThrowawayPostgres()
    server.start()
    yield server
    server.remove()
