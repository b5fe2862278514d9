"""`custseg doctor` tells an operator in plain words what is wrong and how to fix it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from adapters.ops.doctor import check_snapshot, deployment, render, run_checks
from config import load_settings
from config.mappings import ColumnMapping
from config.sections import SourceSettings
from custseg.ingest.readers import read_order_file
from custseg.pipeline import segment
from custseg.store import open_store
from custseg.store.load import save_order_file
from custseg.store.models import SNAPSHOTS
from tests.helpers.data import write_csv


def _settings(url: str, **update):
    return load_settings(env={}).model_copy(update={"database_url": url, **update})


def test_a_new_database_is_reported_unmigrated_with_the_fix(tmp_path) -> None:
    d = deployment(_settings(f"sqlite:///{tmp_path / 'new.db'}"), env={})
    findings = {f.check: f for f in run_checks(d)}
    assert findings["database"].level == "fail"
    assert "custseg db upgrade" in findings["database"].fix
    text = render(list(findings.values()))
    assert "1 problem(s)" in text


def test_empty_store_then_stale_snapshot_then_healthy(tmp_path, any_store) -> None:
    d = deployment(_settings(any_store.url), env={})
    findings = {f.check: f for f in run_checks(d)}
    assert findings["database"].level == "ok"
    assert findings["source"].level == "fail" and "custseg load" in findings["source"].fix
    assert findings["snapshot"].level == "fail" and "custseg segment" in findings["snapshot"].fix

    orders = write_csv(
        tmp_path / "orders.csv",
        "\n".join(
            ["customer_id,ordered_at,amount,order_id"]
            + [f"C{i % 12},2026-0{1 + i % 9}-1{i % 9},{10 + i},O{i}" for i in range(40)]
        ),
    )
    save_order_file(any_store, read_order_file(orders, "custseg_orders"))
    segment(any_store, d.settings, dt.date(2026, 10, 1))
    with any_store.begin() as conn:
        conn.execute(update(SNAPSHOTS).values(created_at=dt.datetime.now() - dt.timedelta(days=3)))
    findings = {f.check: f for f in run_checks(d)}
    assert findings["source"].level == "ok" and "40 orders" in findings["source"].message
    stale = findings["snapshot"]
    assert stale.level == "warn" and "3 days ago" in stale.message and "worker" in stale.fix

    with any_store.begin() as conn:
        conn.execute(update(SNAPSHOTS).values(created_at=dt.datetime.now()))
    assert check_snapshot(d)[0].level == "ok"


def test_a_company_table_source_without_its_url_names_the_variable(tmp_path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'ours.db'}")
    settings = _settings(
        store.url,
        source=SourceSettings(
            kind="sql",
            table="sales",
            url_env="SALES_DB_URL",
            columns=ColumnMapping(customer_id="cust_no", ordered_at="order_ts", amount="net_value"),
        ),
    )
    findings = {f.check: f for f in run_checks(deployment(settings, env={}))}
    assert findings["source"].level == "fail"
    assert "SALES_DB_URL is not set" in findings["source"].message
