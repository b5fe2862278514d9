"""Company tables as the order source: every cut-off in one statement, fetched as Arrow, vs the file path.

What is timed, in interleaved rounds (medians; ratios are what count, absolute times drift):

- **file**: the in-memory path on the same orders read from Parquet: ``read_orders_fast`` +
  ``aggregate_frame`` as of the day + the churn model's two past cut-offs through
  ``OrderHistory.from_orders(…).at`` (what ``custseg segment --file`` does for the aggregates);
- **PostgreSQL**: ``aggregate_sql_many`` for the three cut-offs on a PostgreSQL table (one
  statement, fetched through ADBC); the orders are loaded once with ``COPY`` and kept, with a
  marker table naming the data set, so later runs skip the load;
- **DuckDB** and **Spark** (local mode) at a smaller size, each next to the file path at that size.

Usage::

    flock -o /tmp/bench.lock .venv/bin/python bench/bench_sources.py               # 10M orders
    flock -o /tmp/bench.lock .venv/bin/python bench/bench_sources.py --orders 1000000 --customers 100000

PostgreSQL comes from ``scripts/postgres.sh`` (``CUSTSEG_PG_PORT`` chooses the port) unless
``--pg-url`` is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import synthetic
from _util import pg_url

from config.mappings import ColumnMapping

COLUMNS = ColumnMapping(customer_id="customer_id", ordered_at="ordered_at", amount="amount")
HORIZON = 60
DAYS = [
    synthetic.AS_OF,
    synthetic.AS_OF - dt.timedelta(days=HORIZON),
    synthetic.AS_OF - dt.timedelta(days=2 * HORIZON),
]
TABLE = "bench_orders"


def load_pg(url: str, path: Path) -> float | None:
    """The orders of ``path`` in ``bench_orders`` (COPY), unless the marker says they are there."""
    import psycopg
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    marker = path.name
    with psycopg.connect(conninfo, autocommit=True) as con:
        con.execute("CREATE TABLE IF NOT EXISTS bench_sources_meta (dataset text)")
        if con.execute("SELECT dataset FROM bench_sources_meta").fetchone() == (marker,):
            return None
        t0 = time.perf_counter()
        # The marker goes first, so a load that fails half-way is redone next time.
        con.execute("DELETE FROM bench_sources_meta")
        con.execute(f"DROP TABLE IF EXISTS {TABLE}")
        con.execute(f"CREATE TABLE {TABLE} (customer_id text, ordered_at timestamp, amount double precision)")
        # CSV without header lines: each batch would otherwise repeat one.
        no_header = pacsv.WriteOptions(include_header=False)
        with con.cursor() as cur, cur.copy(f"COPY {TABLE} FROM STDIN (FORMAT csv)") as copy:
            for batch in pq.ParquetFile(path).iter_batches(
                1_000_000, columns=["customer_id", "ordered_at", "amount"]
            ):
                buf = io.BytesIO()
                pacsv.write_csv(batch, buf, no_header)
                copy.write(buf.getvalue())
        con.execute(f"ANALYZE {TABLE}")
        con.execute("INSERT INTO bench_sources_meta VALUES (%s)", (marker,))
        return time.perf_counter() - t0


def pg_plan(url: str) -> str:
    """PostgreSQL's plan for the statement (with its settings): does it use parallel workers?"""
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql

    from custseg.ingest.sql_source import PG_SETTINGS, aggregate_statement, mapped_table, postgresql_parts

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        parts = postgresql_parts(
            int(conn.execute(sa.text("SHOW max_parallel_workers_per_gather")).scalar() or 0)
        )
        stmt = aggregate_statement(mapped_table(TABLE, COLUMNS), COLUMNS, DAYS, parts=parts)
        sql = str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
        for setting in PG_SETTINGS if parts > 1 else ():
            conn.execute(sa.text(setting))
        lines = [r[0] for r in conn.execute(sa.text("EXPLAIN " + sql))]
    engine.dispose()
    return "\n".join(lines)


def file_path(path: Path) -> Callable[[], None]:
    from custseg.ingest.aggregate import aggregate_frame
    from custseg.ingest.parquet import read_orders_fast
    from custseg.models.churn.history import OrderHistory

    def run() -> None:
        orders = read_orders_fast(path)
        assert orders is not None
        aggregate_frame(orders, DAYS[0])
        OrderHistory.from_orders(orders).at(DAYS[1:])

    return run


def sql_path(url: str, table: str) -> Callable[[], None]:
    import sqlalchemy as sa

    from custseg.ingest.sql_source import aggregate_sql_many

    def run() -> None:
        engine = sa.create_engine(url)
        try:
            aggregate_sql_many(engine, table, COLUMNS, DAYS)
        finally:
            engine.dispose()

    return run


def rounds(runs: dict[str, Callable[[], None]], n: int) -> dict[str, float]:
    """Median wall time of each, rounds interleaved so drift hits all alike."""
    times: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(n):
        for name, run in runs.items():
            t0 = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - t0)
    return {k: statistics.median(v) for k, v in times.items()}


def show(title: str, medians: dict[str, float], base: str) -> None:
    print(f"\n{title}")
    for name, secs in medians.items():
        print(f"  {name:<34} {secs:8.2f} s   {secs / medians[base]:5.2f}× {base}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orders", type=int, default=10_000_000)
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--small-orders", type=int, default=1_000_000, help="size for DuckDB and Spark")
    ap.add_argument("--small-customers", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pg-url", help="default: scripts/postgres.sh start")
    ap.add_argument("--skip-spark", action="store_true")
    args = ap.parse_args()

    big, _ = synthetic.ensure_parquet(args.orders, args.customers)
    small, _ = synthetic.ensure_parquet(args.small_orders, args.small_customers)
    url = args.pg_url or pg_url()
    loaded = load_pg(url, big)
    print(
        f"PostgreSQL table: {args.orders:,} orders" + (f" (COPY: {loaded:.1f} s)" if loaded else " (cached)")
    )
    plan = pg_plan(url)
    workers = [line.strip() for line in plan.splitlines() if "Workers Planned" in line]
    print("PostgreSQL plan: " + (workers[0] if workers else "no parallel workers"))
    show(
        f"{args.orders:,} orders, cut-offs {', '.join(map(str, DAYS))} (medians of {args.rounds} interleaved rounds)",
        rounds(
            {
                "file (Parquet, in memory)": file_path(big),
                "PostgreSQL table (1 statement, ADBC)": sql_path(url, TABLE),
            },
            args.rounds,
        ),
        "file (Parquet, in memory)",
    )

    with tempfile.TemporaryDirectory() as tmp:
        import duckdb

        db = Path(tmp) / "orders.duckdb"
        con = duckdb.connect(str(db))
        # Microsecond timestamps, as tables hold them (and as Spark reads Parquet).
        con.execute(
            f"CREATE TABLE {TABLE} AS SELECT customer_id, CAST(ordered_at AS TIMESTAMP) AS ordered_at, amount "
            f"FROM read_parquet('{small}')"
        )
        micro = Path(tmp) / "orders_us.parquet"
        con.execute(f"COPY {TABLE} TO '{micro}' (FORMAT parquet)")
        con.close()
        runs = {
            "file (Parquet, in memory)": file_path(small),
            "DuckDB table (duckdb_engine)": sql_path(f"duckdb:///{db}", TABLE),
        }
        if not args.skip_spark:
            from pyspark.sql import SparkSession

            from custseg.ingest.spark import SparkSource

            spark = (
                SparkSession.builder.master("local[2]")
                .config("spark.sql.warehouse.dir", str(Path(tmp) / "warehouse"))
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .getOrCreate()
            )
            spark.read.parquet(str(micro)).write.saveAsTable(TABLE)
            source = SparkSource("local[2]", TABLE, COLUMNS)
            runs["Spark local[2] table"] = lambda: (source.aggregate_many(DAYS), None)[1]
        show(
            f"{args.small_orders:,} orders (medians of {args.rounds} interleaved rounds)",
            rounds(runs, args.rounds),
            "file (Parquet, in memory)",
        )


if __name__ == "__main__":
    main()
