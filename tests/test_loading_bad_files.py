"""Bad order files, as users and exports really produce them: each one is refused with ``file:line:`` and
the real cause (the store left exactly as it was), or loaded by a documented rule (README, "Loading").

Each test writes the bad file, runs the real reader and saves into a real SQLite file and a real
PostgreSQL database; a few run the ``custseg load`` command as a separate process.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from custseg.errors import InputFileError
from custseg.ingest.readers import MAX_AMOUNT, read_order_file
from custseg.store.load import save_order_file
from custseg.store.models import Customer, LoadBatch, Order

HEADER = "order_id,customer_id,ordered_at,amount\n"
GOOD = HEADER + "A1,c1,2024-01-05 10:00,100.50\nA2,c2,2024-02-10,55.25\n"
ROOT = Path(__file__).resolve().parents[1]


def contents(store) -> tuple[list, list, int]:
    """Every stored order and customer, and the number of load batches."""
    with store.connect() as conn:
        orders = conn.execute(
            select(Order.id, Order.customer_id, Order.ordered_at, Order.amount).order_by(Order.id)
        ).all()
        customers = conn.execute(select(Customer.id).order_by(Customer.id)).scalars().all()
        batches = len(conn.execute(select(LoadBatch.id)).all())
    return [tuple(r) for r in orders], list(customers), batches


def write(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def refused(store, path: Path, **kwargs) -> str:
    """Load ``path`` into a store that already holds GOOD; it must be refused and change nothing."""
    save_order_file(store, read_order_file(write(path.with_name("good.csv"), GOOD)))
    before = contents(store)
    with pytest.raises(InputFileError) as err:
        save_order_file(store, read_order_file(path, **kwargs))
    assert contents(store) == before
    message = str(err.value)
    assert "nothing was loaded" in message
    return message


def run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("CUSTSEG_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli.main", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


# -- time stamps: one rule ------------------------------------------------------------------------


def stored_times(store) -> dict[str, pd.Timestamp]:
    with store.connect() as conn:
        return {i: pd.Timestamp(t) for i, t in conn.execute(select(Order.id, Order.ordered_at)).all()}


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
def test_naive_times_are_in_the_settings_zone_and_offsets_are_converted_whatever_the_order(
    any_store, tmp_path, zone
):
    # Naive first then an offset (used to be a stack trace), and an offset first then naive ones
    # (used to shift the naive ones silently by that offset).
    naive_first = write(
        tmp_path / "a.csv", HEADER + "A1,c1,2024-01-05 10:00,10\nA2,c1,2024-01-06 10:00+02:00,5\n"
    )
    offset_first = write(
        tmp_path / "b.csv",
        HEADER + "B1,c2,2024-07-05T10:00+02:00,10\nB2,c2,2024-07-06 10:00,5\nB3,c2,2024-07-07 10:00Z,5\n",
    )
    for path in (naive_first, offset_first):
        save_order_file(any_store, read_order_file(path, timezone=zone))
    berlin = zone == "Europe/Berlin"
    assert stored_times(any_store) == {
        "A1": pd.Timestamp("2024-01-05 10:00"),  # naive: wall-clock time in the zone, as written
        "A2": pd.Timestamp("2024-01-06 09:00" if berlin else "2024-01-06 08:00"),  # CET is +01:00
        "B1": pd.Timestamp("2024-07-05 10:00" if berlin else "2024-07-05 08:00"),  # CEST is +02:00
        "B2": pd.Timestamp("2024-07-06 10:00"),  # not shifted by B1's offset
        "B3": pd.Timestamp("2024-07-07 12:00" if berlin else "2024-07-07 10:00"),
    }


def test_an_unknown_settings_zone_is_a_settings_error_not_a_traceback(tmp_path):
    from custseg.errors import ConfigError

    path = write(tmp_path / "o.csv", GOOD)
    with pytest.raises(ConfigError, match="timezone 'Mars/Olympus' is not a time zone; use an IANA name"):
        read_order_file(path, timezone="Mars/Olympus")


def test_parquet_times_with_a_zone_are_converted_and_naive_ones_kept(tmp_path):
    frame = pd.DataFrame(
        {
            "order_id": ["A1", "A2"],
            "customer_id": ["c1", "c2"],
            "ordered_at": pd.to_datetime(["2024-01-05 10:00", "2024-07-05 10:00"]).tz_localize(
                "Europe/Berlin"
            ),
            "amount": [10.0, 5.0],
        }
    )
    frame.to_parquet(tmp_path / "aware.parquet")
    frame.assign(ordered_at=frame["ordered_at"].dt.tz_localize(None)).to_parquet(tmp_path / "naive.parquet")
    aware = read_order_file(tmp_path / "aware.parquet", timezone="America/New_York").orders
    assert list(aware["ordered_at"]) == [pd.Timestamp("2024-01-05 04:00"), pd.Timestamp("2024-07-05 04:00")]
    naive = read_order_file(tmp_path / "naive.parquet", timezone="America/New_York").orders
    assert list(naive["ordered_at"]) == [pd.Timestamp("2024-01-05 10:00"), pd.Timestamp("2024-07-05 10:00")]


# -- amounts ------------------------------------------------------------------------------------------


def test_infinite_and_absurd_amounts_are_refused_with_their_lines(any_store, tmp_path):
    bad = write(
        tmp_path / "bad.csv",
        HEADER
        + "A5,c1,2024-03-01,inf\nA6,c1,2024-03-02,1e30\nA7,c1,2024-03-03,-Infinity\nA8,c1,2024-03-04,12\n",
    )
    message = refused(any_store, bad)
    limit = f"{MAX_AMOUNT:,.0f}"
    assert f"{bad}:2: amount is not within ±{limit}: 'inf'" in message
    assert f"{bad}:3: amount is not within ±{limit}: '1e30'" in message
    assert f"{bad}:4: amount is not within ±{limit}: '-Infinity'" in message
    assert ":5:" not in message


def test_an_order_whose_lines_add_up_beyond_the_range_is_refused_at_its_first_line(any_store, tmp_path):
    bad = write(
        tmp_path / "sum.csv", HEADER + "A5,c1,2024-03-01,10\nA6,c1,2024-03-02,9e11\nA6,c1,2024-03-02,9e11\n"
    )
    message = refused(any_store, bad)
    assert f"{bad}:3: order 'A6' totals 1,800,000,000,000.00, not within ±{MAX_AMOUNT:,.0f}" in message


def test_quantity_times_price_out_of_range_names_both(tmp_path):
    bad = write(
        tmp_path / "lines.csv",
        "InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice,Country\n"
        "1,17850,2010-12-01 08:26,6,2.55,UK\n1,17850,2010-12-01 08:26,1e7,1e7,UK\n",
    )
    with pytest.raises(
        InputFileError, match=r"lines.csv:3: quantity × unit price is not within .*'1e7 × 1e7'"
    ):
        read_order_file(bad)


def test_the_database_refusing_a_value_is_a_file_error_without_sql(pg_store, tmp_path):
    # The reader refuses what the store cannot hold; if something slips through, PostgreSQL's
    # refusal comes back as a file error (no SQL, no values), and the transaction is rolled back.
    save_order_file(pg_store, read_order_file(write(tmp_path / "good.csv", GOOD)))
    before = contents(pg_store)
    loaded = read_order_file(write(tmp_path / "more.csv", HEADER + "B1,c9,2024-03-01,5\n"))
    loaded.orders.loc[0, "amount"] = 1e17  # beyond Numeric(18, 2)
    with pytest.raises(InputFileError) as err:
        save_order_file(pg_store, loaded)
    assert "the database refused it: numeric field overflow" in str(err.value)
    assert "INSERT" not in str(err.value) and "c9" not in str(err.value)
    assert contents(pg_store) == before


# -- bytes that are not what they seem --------------------------------------------------------------


def test_a_nul_byte_is_refused_with_its_line_and_creates_no_customer(any_store, tmp_path):
    bad = write(tmp_path / "nul.csv", HEADER.encode() + b"A5,c1,2024-03-01,5\nA6,c7\x00x,2024-03-02,6\n")
    message = refused(any_store, bad)
    assert f"{bad}:3: holds a NUL byte" in message
    assert "c7" not in contents(any_store)[1]


def test_over_long_customer_id_is_refused_with_its_line(any_store, tmp_path):
    bad = write(tmp_path / "long.csv", HEADER + f"A5,c1,2024-03-01,5\nA6,{'x' * 65},2024-03-02,6\n")
    message = refused(any_store, bad)
    assert f"{bad}:3: customer id 'xxxx" in message and "is longer than 64 characters" in message


UNREADABLE = [
    ("truncated.csv.gz", gzip.compress(GOOD.encode() * 50)[:60], "the gzip data is truncated"),
    ("plain.csv.gz", GOOD.encode(), "is named .gz but is not gzip-compressed (it starts with b'order_id"),
    ("empty.csv", b"", "is empty"),
    ("blank.csv", b"\n  \n\n", "holds nothing but blank lines"),
    ("empty.csv.gz", gzip.compress(b""), "is empty"),
    ("damaged.parquet", b"PAR1 not really", "cannot be read as Parquet"),
]


def test_unreadable_files_say_the_real_cause(any_store, tmp_path):
    for name, data, cause in UNREADABLE:
        bad = write(tmp_path / name, data)
        message = refused(any_store, bad)
        assert f"{bad}: {cause}" in message
        assert "no shipped column mapping" not in message


def test_an_unclosed_quote_is_refused_at_the_line_where_it_opens(any_store, tmp_path):
    bad = write(
        tmp_path / "quote.csv", HEADER + 'A5,c1,2024-03-01,5\nA6,"c2,2024-03-02,6\nA7,c3,2024-03-03,7\n'
    )
    message = refused(any_store, bad)
    assert f'{bad}:3: a quoted value opens on this line (") and is never closed' in message


def test_latin1_byte_names_the_line_the_encoding_and_the_setting(any_store, tmp_path):
    text = HEADER + "A5,c1,2024-03-01,5\nA6,Café Rouge,2024-03-02,6\n"
    bad = write(tmp_path / "latin.csv", text.encode("latin-1"))
    message = refused(any_store, bad)
    assert f"{bad}:3: byte 0xE9 is not valid utf-8 (in 'A6,Caf\\\\xe9 Rouge,2024-03-02,6')" in message
    assert 'set encoding = "cp1252" under [format]' in message and "custseg_orders.toml" in message

    # Doing what it says loads the file, with the name read right.
    mapping = write(
        tmp_path / "latin.toml",
        '[columns]\norder_id = "order_id"\ncustomer_id = "customer_id"\nordered_at = "ordered_at"\n'
        'amount = "amount"\n[format]\nencoding = "cp1252"\n',
    )
    loaded = read_order_file(bad, mapping)
    assert "Café Rouge" in set(loaded.orders["customer_id"])


def test_byte_order_marks_decide_the_encoding(any_store, tmp_path):
    bom8 = write(tmp_path / "excel.csv", b"\xef\xbb\xbf" + (HEADER + "A1,Zoë,2024-03-01,5\n").encode())
    bom16 = write(tmp_path / "unicode.csv", (HEADER + "A2,Zoë,2024-03-02,6\n").encode("utf-16"))
    for path in (bom8, bom16):
        loaded = read_order_file(path)
        assert loaded.mapping.name == "custseg_orders" and loaded.warnings == []
        save_order_file(any_store, loaded)
    orders, customers, _ = contents(any_store)
    assert customers == ["Zoë"] and [o[0] for o in orders] == ["A1", "A2"]


# -- lines -------------------------------------------------------------------------------------------


def test_line_numbers_are_physical_after_blank_lines_and_multi_line_values(any_store, tmp_path):
    mapping = write(
        tmp_path / "named.toml",
        '[columns]\norder_id = "order_id"\ncustomer_id = "customer_id"\nordered_at = "ordered_at"\n'
        'amount = "amount"\ncustomer_name = "name"\n',
    )
    text = (
        "order_id,customer_id,ordered_at,amount,name\n"
        "\n"  # line 2: blank
        "A5,c1,2024-03-01,5,Acme\n"  # line 3
        "   \n"  # line 4: only blanks
        'A6,c2,2024-03-02,6,"Globex\nEast, Building 2"\n'  # lines 5-6: a quoted value over two lines
        "A7,c3,the 3rd,7,Initech\n"  # line 7
    )
    bad = write(tmp_path / "lines.csv", text)
    assert f"{bad}:7: unreadable date" in refused(any_store, bad, mapping=mapping)
    fixed = write(tmp_path / "fixed.csv", text.replace("the 3rd", "2024-03-03"))
    loaded = read_order_file(fixed, mapping)
    assert loaded.customers.set_index("customer_id").loc["c2", "name"] == "Globex\nEast, Building 2"


def test_extra_fields_are_refused_but_a_trailing_empty_field_is_not(any_store, tmp_path):
    bad = write(
        tmp_path / "extra.csv", HEADER + "A5,c1,2024-03-01,5,\nA6,c2,2024-03-02,6,7\nA7,c3,2024-03-03,7\n"
    )
    message = refused(any_store, bad)
    assert f"{bad}:3: more fields than the header's 4" in message and "'7'" in message
    assert f"{bad}:2:" not in message
    # On the first data line it used to shift every column into the wrong field silently.
    first = write(tmp_path / "first.csv", HEADER + "A5,c1,2024-03-01,5,oops\n")
    assert f"{first}:2: more fields than the header's 4" in refused(any_store, first)
    ok = write(tmp_path / "ok.csv", HEADER + "A5,c1,2024-03-01,5,\n")
    assert len(read_order_file(ok).orders) == 1


def test_repeated_lines_are_loaded_and_said_with_their_lines(any_store, tmp_path):
    path = write(
        tmp_path / "dup.csv",
        HEADER + "A5,c1,2024-03-01,5\nA5,c1,2024-03-01,5\nA6,c2,2024-03-02,6\nA5,c1,2024-03-01,5\n",
    )
    loaded = read_order_file(path)
    summary = save_order_file(any_store, loaded)
    assert summary.warnings == (
        f"{path}:3: 2 lines repeat an earlier line exactly (line 3 = line 2, line 5 = line 2); each was "
        "loaded, and counted in its order's total. If they are copies made by mistake, remove them and "
        "load the file again.",
    )
    assert f"  warning: {path}:3: 2 lines repeat" in summary.report()
    with any_store.connect() as conn:
        assert conn.execute(select(Order.amount).where(Order.id == "A5")).scalar_one() == 15.0


def test_a_date_in_the_future_is_refused(any_store, tmp_path):
    bad = write(tmp_path / "future.csv", HEADER + "A5,c1,2024-03-01,5\nA6,c2,2099-03-02,6\n")
    message = refused(any_store, bad)
    assert f"{bad}:3: date is in the future (after " in message and "'2099-03-02'" in message


def test_header_only_file_loads_nothing_and_says_so(tmp_path):
    path = write(tmp_path / "none.csv", HEADER)
    loaded = read_order_file(path)
    assert loaded.orders.empty and loaded.warnings == [
        f"{path}: no order lines after the header; nothing to load"
    ]


# -- the command, as a user runs it -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("cut.csv.gz", gzip.compress(GOOD.encode() * 50)[:60], "{bad}: the gzip data is truncated"),
        (
            "latin.csv",
            (HEADER + "A6,Café,2024-03-02,6\n").encode("latin-1"),
            "{bad}:2: byte 0xE9 is not valid utf-8",
        ),
    ],
    ids=["truncated-gzip", "latin-1"],
)
def test_cli_load_refuses_with_file_line_exit_code_3_and_no_traceback(tmp_path, name, data, expected):
    bad = write(tmp_path / name, data)
    proc = run_cli(tmp_path, "load", str(bad))
    assert proc.returncode == 3, proc.stderr
    assert expected.format(bad=bad) in proc.stderr
    assert "Traceback" not in proc.stderr and "nothing was loaded" in proc.stderr


def test_cli_load_on_postgres_uses_the_configured_zone_and_prints_warnings(tmp_path, pg_url):
    config = write(tmp_path / "my.toml", 'timezone = "America/New_York"\n')
    path = write(
        tmp_path / "dup.csv",
        HEADER + "A5,c1,2024-01-05 10:00,5\nA5,c1,2024-01-05 10:00,5\nA6,c1,2024-01-06T15:00Z,5\n",
    )
    proc = run_cli(tmp_path, "--config", str(config), "--database", pg_url, "load", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "2 new" in proc.stdout
    assert f"  warning: {path}:3: 1 line repeats an earlier line exactly (line 3 = line 2)" in proc.stdout
    from custseg.store import open_store

    store = open_store(pg_url)
    try:
        assert stored_times(store) == {
            "A5": pd.Timestamp("2024-01-05 10:00"),  # naive: New York wall-clock time, as written
            "A6": pd.Timestamp("2024-01-06 10:00"),  # 15:00 UTC is 10:00 in New York (EST)
        }
    finally:
        store.dispose()


# -- customer lists go through the same reading -----------------------------------------------------


def test_customer_list_gets_physical_lines_and_the_real_cause(any_store, tmp_path):
    from custseg.ingest.readers import read_customer_file
    from custseg.store.load import save_customers

    save_customers(any_store, read_customer_file(write(tmp_path / "ok.csv", "customer_id,name\nc1,Acme\n")))
    before = contents(any_store)
    cases = [
        ("dup.csv", "customer_id,name\n\nc1,Acme\n\nc1,Again\n", ":5: customer id listed twice: 'c1'"),
        ("latin.csv", "customer_id,name\nc2,Café\n".encode("latin-1"), ":2: byte 0xE9 is not valid utf-8"),
        ("extra.csv", "customer_id,name\nc2,Acme, Inc\n", ":2: more fields than the header's 2"),
        ("cut.csv.gz", gzip.compress(b"customer_id,name\n" * 100)[:40], ": the gzip data is truncated"),
        ("empty.csv", b"", ": is empty"),
    ]
    for name, data, expected in cases:
        bad = write(tmp_path / name, data)
        with pytest.raises(InputFileError) as err:
            save_customers(any_store, read_customer_file(bad))
        assert f"{bad}{expected}" in str(err.value)
        assert contents(any_store) == before
    bom = write(tmp_path / "bom.csv", b"\xef\xbb\xbf" + "customer_id,name\nc3,Zoë\n".encode())
    assert list(read_customer_file(bom)["customer_id"]) == ["c3"]
