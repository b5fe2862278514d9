"""Loading order files: mappings, real messy data, bad files rejected whole, idempotent reloads."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select

from custseg.errors import InputFileError
from custseg.ingest.readers import read_customer_file, read_order_file
from custseg.store.load import save_order_file
from custseg.store.models import Customer, LoadBatch, Order
from tests.helpers.data import CDNOW_MASTER, CDNOW_SAMPLE, RETAIL, need, write_csv

GOOD = """
order_id,customer_id,ordered_at,amount
A1,c1,2024-01-05 10:00,100.50
A2,c1,2024-02-05 11:00,80
A3,c2,2024-02-10,55.25
A4,c1,2024-02-20,-20
"""


def counts(store) -> tuple[int, int, int]:
    with store.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(Order)).scalar_one(),
            conn.execute(select(func.count()).select_from(Customer)).scalar_one(),
            conn.execute(select(func.count()).select_from(LoadBatch)).scalar_one(),
        )


def test_simple_file_loads_with_guessed_mapping(any_store, tmp_path):
    f = read_order_file(write_csv(tmp_path / "o.csv", GOOD))
    assert f.mapping.name == "custseg_orders"
    summary = save_order_file(any_store, f)
    assert (summary.added, summary.changed, summary.unchanged) == (4, 0, 0)
    assert summary.customers_added == 2
    assert counts(any_store) == (4, 2, 1)
    with any_store.connect() as conn:
        amount = conn.execute(select(Order.amount).where(Order.id == "A4")).scalar_one()
    assert amount == -20.0


def test_reload_changes_nothing_and_a_corrected_file_updates_only_what_changed(any_store, tmp_path):
    path = write_csv(tmp_path / "o.csv", GOOD)
    save_order_file(any_store, read_order_file(path))
    again = save_order_file(any_store, read_order_file(path))
    assert (again.added, again.changed, again.unchanged) == (0, 0, 4)
    assert again.already_loaded_at is not None
    assert "loaded before" in again.one_line()
    assert counts(any_store)[:2] == (4, 2)

    fixed = write_csv(
        tmp_path / "fixed.csv",
        GOOD.replace("A3,c2,2024-02-10,55.25", "A3,c2,2024-02-10,65.25") + "A5,c3,2024-03-01,10\n",
    )
    result = save_order_file(any_store, read_order_file(fixed))
    assert (result.added, result.changed, result.unchanged) == (1, 1, 3)
    with any_store.connect() as conn:
        assert conn.execute(select(Order.amount).where(Order.id == "A3")).scalar_one() == 65.25


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (GOOD.replace("2024-02-10", "10th of Feb"), 4, "unreadable date"),
        (GOOD.replace("80", "eighty"), 3, "amount is not a number"),
        (GOOD.replace("A3,c2", "A3,"), 4, "no customer id"),
    ],
)
def test_bad_line_rejects_the_whole_file_with_line_and_reason(any_store, tmp_path, text, line, reason):
    save_order_file(any_store, read_order_file(write_csv(tmp_path / "ok.csv", GOOD)))
    before = counts(any_store)
    bad = write_csv(tmp_path / "bad.csv", text + "A9,c9,2024-04-01,5\n")
    with pytest.raises(InputFileError) as err:
        save_order_file(any_store, read_order_file(bad))
    message = str(err.value)
    assert f"{bad}:{line}: {reason}" in message
    assert "nothing was loaded" in message
    assert counts(any_store) == before


def test_missing_column_names_the_column_and_what_the_file_has(tmp_path):
    bad = write_csv(tmp_path / "bad.csv", "order_id,customer_id,amount\nA1,c1,5\n")
    with pytest.raises(InputFileError) as err:
        read_order_file(bad, "custseg_orders")
    assert "missing column 'ordered_at'" in str(err.value)
    assert f"{bad}:1:" in str(err.value)


def test_unrecognised_header_asks_for_a_mapping(tmp_path):
    bad = write_csv(tmp_path / "weird.csv", "kunde,datum,betrag\n1,2024-01-01,5\n")
    with pytest.raises(InputFileError, match="pass --mapping"):
        read_order_file(bad)


def test_order_split_across_customers_is_rejected(tmp_path):
    bad = write_csv(
        tmp_path / "split.csv",
        "order_id,customer_id,ordered_at,amount\nA1,c1,2024-01-01,5\nA1,c2,2024-01-01,6\n",
    )
    with pytest.raises(InputFileError, match="2 different customers"):
        read_order_file(bad)


def test_parquet_input(tmp_path):
    frame = pd.read_csv(write_csv(tmp_path / "o.csv", GOOD), parse_dates=["ordered_at"])
    frame.to_parquet(tmp_path / "o.parquet")
    f = read_order_file(tmp_path / "o.parquet")
    assert len(f.orders) == 4
    assert f.orders["amount"].sum() == pytest.approx(215.75)


def test_customer_list_with_attributes(tmp_path):
    path = write_csv(
        tmp_path / "c.csv",
        "customer_id,name,owner,region,industry\nc1,Acme Corp,Maria,EMEA,Retail\nc2,Globex,,APAC,\n",
    )
    frame = read_customer_file(path)
    assert frame.loc[1, "owner"] is None
    dup = write_csv(tmp_path / "d.csv", "customer_id,name\nc1,A\nc1,B\n")
    with pytest.raises(InputFileError, match=r"d.csv:3: customer id listed twice"):
        read_customer_file(dup)


@pytest.mark.slow
def test_online_retail_loads_with_the_mapping_only(sqlite_store):
    f = read_order_file(need(RETAIL))
    assert f.mapping.name == "online_retail"
    assert f.lines_read == 541_909
    assert f.skipped == {"no customer id": 135_080}
    # Repeated invoice lines are real in this file: loaded as written, and said (README, Loading).
    assert len(f.warnings) == 1 and ": 5,225 lines repeat an earlier line exactly" in f.warnings[0]
    orders = f.orders
    cancelled = orders["order_id"].str.startswith("C")
    assert cancelled.sum() > 3000
    assert (orders.loc[cancelled, "amount"] <= 0).all()
    assert orders["order_id"].is_unique
    # Invoice 536365 has 7 lines; revenue is quantity × unit price summed over them.
    assert orders.set_index("order_id").loc["536365", "amount"] == pytest.approx(139.12)
    assert orders["customer_id"].nunique() == 4372
    summary = save_order_file(sqlite_store, f)
    assert summary.added == len(orders) and summary.customers_added == 4372
    assert "135,080 skipped (no customer id)" in summary.one_line()


def test_cdnow_master_and_sample_load(sqlite_store):
    master = read_order_file(need(CDNOW_MASTER))
    assert master.mapping.name == "cdnow"
    assert "255 lines repeat an earlier line exactly" in master.warnings[0]
    assert len(master.orders) == 69_659
    assert master.orders["customer_id"].nunique() == 23_570
    sample = read_order_file(need(CDNOW_SAMPLE), "cdnow_sample")
    assert len(sample.orders) == 6_919 and sample.orders["customer_id"].nunique() == 2_357
    save_order_file(sqlite_store, master)
    # The sample is a subset of the master: same customers, same content-derived order ids.
    overlap = save_order_file(sqlite_store, sample)
    assert overlap.added == 0 and overlap.unchanged == 6_919
