"""Orders in: reading order files and the company database into per-customer aggregates.

``readers`` reads and validates order and customer files through a column mapping, ``parquet`` is
the fast path for big Parquet files in custseg's own column names, ``aggregate`` turns orders (in
memory, or inside a database) into one row of aggregates per customer as of a day.
"""
