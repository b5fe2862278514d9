"""Scheduled churn alerts speak the data's currency, like answers in chat (issue 20)."""

from __future__ import annotations

import datetime as dt

import pytest

from adapters.worker.tick import Worker
from config import load_settings
from custseg.ingest.readers import read_order_file
from custseg.pipeline import segment
from custseg.store import open_store
from custseg.store.load import save_order_file
from tests.helpers.data import RETAIL, need


@pytest.mark.slow
def test_a_scheduled_alert_on_a_book_in_pounds_shows_pounds(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'custseg.db'}")
    settings = load_settings(env={})
    save_order_file(store, read_order_file(need(RETAIL), "online_retail"))
    segment(store, settings, dt.date(2011, 10, 9))
    segment(store, settings, dt.date(2011, 12, 9))

    (alert,) = Worker(store, settings, {}).preview("alerts", "slack", "C1")

    text = alert.reply.text
    # Before: the worker used the shipped settings' "$" ("$22k lifetime value") on UCI Online Retail.
    assert "*16029* went dormant; £" in text
    assert "$" not in text
