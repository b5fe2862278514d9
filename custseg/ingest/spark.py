"""Orders in a Spark table, aggregated by Spark SQL with the same statement as a database table.

The statement is ``custseg.ingest.sql_source.aggregate_statement``, compiled by SQLAlchemy's
PostgreSQL compiler with three changes Spark needs: identifiers are quoted with backticks (a double
quote is a string in Spark SQL), ``DOUBLE`` for ``DOUBLE PRECISION``, and parameters are named
(``:name``), which ``SparkSession.sql`` binds itself. The result comes back with ``DataFrame.toArrow()``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy.dialects.postgresql.base import PGDialect, PGIdentifierPreparer, PGTypeCompiler

from config.mappings import ColumnMapping
from custseg.errors import SourceError
from custseg.ingest.sql_source import (
    Statement,
    aggregate_statement,
    check_columns,
    compile_for,
    latest_order_statement,
    mapped_table,
    split_days,
    to_frame,
)


class _SparkPreparer(PGIdentifierPreparer):
    def __init__(self, dialect: PGDialect) -> None:
        super().__init__(dialect, initial_quote="`", escape_quote="`")


class _SparkTypes(PGTypeCompiler):
    def visit_double(self, type_: Any, **kw: Any) -> str:
        return "DOUBLE"  # PostgreSQL's DOUBLE PRECISION does not parse in Spark SQL


class SparkDialect(PGDialect):
    """PostgreSQL's SQL, which Spark SQL accepts, with backtick quoting and named parameters."""

    name = "spark"
    # A subclass of PostgreSQL's preparer; mypy still rejects overriding the class attribute.
    preparer = _SparkPreparer  # type: ignore[assignment]
    type_compiler_cls = _SparkTypes

    def __init__(self, **kw: Any) -> None:
        super().__init__(paramstyle="named", **kw)


class SparkSource:
    """A table of a Spark catalogue (``schema`` is its database), read through one Spark session.

    Parameters
    ----------
    master : str
        ``local[2]``, ``spark://host:7077``, ``yarn``…, or a Spark Connect URL ``sc://host:15002``.
    conf : dict
        Extra Spark settings for the session (only applied when this creates it).
    """

    def __init__(
        self,
        master: str,
        table: str,
        columns: ColumnMapping,
        schema: str | None = None,
        conf: dict[str, str] | None = None,
    ) -> None:
        if columns.amount is None:
            raise SourceError("Reading from Spark needs an 'amount' column (net order value).")
        self.master, self.table, self.columns, self.schema = master, table, columns, schema
        self.conf = dict(conf or {})
        self.name = f"{schema}.{table}" if schema else table
        self._session: Any = None

    def session(self) -> Any:
        """The Spark session (created on first use; an existing one in this process is reused)."""
        if self._session is None:
            try:
                from pyspark.sql import SparkSession
            except ImportError:
                raise SourceError(
                    "The order source is a Spark table, but PySpark is not installed: pip install pyspark"
                ) from None
            builder = SparkSession.builder.appName("custseg")
            builder = (
                builder.remote(self.master)
                if self.master.startswith("sc://")
                else builder.master(self.master)
            )
            for key, value in self.conf.items():
                builder = builder.config(key, value)
            try:
                self._session = builder.getOrCreate()
            except Exception as err:  # Java missing, master unreachable: PySpark raises plain exceptions
                raise SourceError(f"Cannot start a Spark session on '{self.master}': {err}") from None
        return self._session

    def _run(self, stmt: Statement) -> pd.DataFrame:
        sql, params = compile_for(stmt, SparkDialect())
        try:
            return to_frame(self.session().sql(sql, args=dict(params)).toArrow())
        except SourceError:
            raise
        except Exception as err:  # AnalysisException and friends
            said = next((line for line in str(err).splitlines() if line.strip()), type(err).__name__)
            raise SourceError(f"The Spark query on '{self.name}' failed: {said}") from None

    def _checked(self) -> Any:
        try:
            present = self.session().table(self.name).columns
        except SourceError:
            raise
        except Exception:
            raise SourceError(f"The Spark table '{self.name}' does not exist or cannot be read.") from None
        check_columns(self.name, self.columns, present)
        return mapped_table(self.table, self.columns, self.schema)

    def latest_order(self) -> dt.datetime | None:
        """The time of the newest order in the table (None when it is empty)."""
        latest = self._run(latest_order_statement(self._checked(), self.columns))["latest"].iloc[0]
        return None if pd.isna(latest) else pd.Timestamp(latest).to_pydatetime()

    def aggregate_many(self, days: Sequence[dt.date], window_days: int = 90) -> dict[dt.date, pd.DataFrame]:
        """Per-customer aggregates as of each of ``days``, in one Spark job (``aggregate_sql_many``)."""
        days = list(dict.fromkeys(days))
        if not days:
            return {}
        stmt = aggregate_statement(self._checked(), self.columns, days, window_days, "spark")
        return split_days(self._run(stmt), days)
