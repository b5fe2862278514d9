"""The worker tests' synthetic book and fast-retry settings (helpers: tests/helpers/worker.py)."""

from __future__ import annotations

import pytest

from config import Settings
from tests.helpers.worker import Book, make_book


@pytest.fixture
def book() -> Book:
    return make_book()


@pytest.fixture
def fast_settings(settings: Settings) -> Settings:
    """Short backoff so retry tests run in simulated seconds."""
    delivery = settings.delivery.model_copy(
        update={"backoff_seconds": 2.0, "max_backoff_seconds": 60.0, "max_attempts": 5, "lease_seconds": 30.0}
    )
    return settings.model_copy(update={"delivery": delivery})
