"""Read order files (CSV, gzipped CSV, Parquet) through a column mapping into clean frames.

Everything is validated before anything is written: a file with a missing column, an unparseable
date or amount, or an order split across customers is rejected whole with the file, line and reason.
Line numbers are physical lines of a CSV file (the header is line 1); for Parquet they are row
numbers starting at 1.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from config.settings import Mapping, list_mappings, load_mapping
from custseg.errors import InputFileError
from custseg.progress import Progress, Silent

ORDER_COLUMNS = ["order_id", "customer_id", "ordered_at", "amount"]
CUSTOMER_COLUMNS = ["customer_id", "name", "owner", "region"]


@dataclass
class OrderFile:
    """A validated order file.

    Attributes
    ----------
    orders : DataFrame
        One row per order: ``order_id`` (str), ``customer_id`` (str), ``ordered_at`` (datetime64,
        earliest line of the order), ``amount`` (float, currency units, negative for returns).
    customers : DataFrame
        ``customer_id`` plus whichever of ``name``, ``owner``, ``region`` the mapping provides
        (last non-empty value in the file wins).
    lines_read : int
        Data lines read (header excluded).
    skipped : dict
        Reason → number of lines skipped for it.
    """

    path: Path
    mapping: Mapping
    sha256: str
    orders: pd.DataFrame
    customers: pd.DataFrame
    lines_read: int
    skipped: dict[str, int] = field(default_factory=dict)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() in {".parquet", ".pq"}


def _read_header(path: Path, mapping: Mapping | None) -> list[str]:
    if _is_parquet(path):
        import pyarrow.parquet as pq

        return list(pq.read_schema(path).names)
    fmt = mapping.format if mapping else None
    if fmt is not None and not fmt.header:
        return list(fmt.names or [])
    sep = r"\s+" if fmt is not None and fmt.delimiter == "whitespace" else (fmt.delimiter if fmt else ",")
    head = pd.read_csv(path, sep=sep, nrows=0, encoding=fmt.encoding if fmt else "utf-8")
    return [str(c) for c in head.columns]


def resolve_mapping(path: Path, mapping: str | Path | Mapping | None) -> Mapping:
    """The mapping to use: the one given, or the shipped mapping whose columns the file has."""
    if isinstance(mapping, Mapping):
        return mapping
    if mapping is not None:
        return load_mapping(mapping)
    best: tuple[int, Mapping] | None = None
    seen: list[str] = []
    for name in list_mappings():
        candidate = load_mapping(name)
        if not candidate.format.header:
            continue  # without a header there is nothing to recognise the file by
        try:
            header = _read_header(path, candidate)
        except Exception:  # a mapping whose delimiter does not fit this file is simply not a match
            continue
        seen = seen or header
        needed = set(candidate.columns.used().values())
        if needed <= set(header) and (best is None or len(needed) > best[0]):
            best = (len(needed), candidate)
    if best is None:
        raise InputFileError(
            str(path),
            [
                (
                    1,
                    f"no shipped column mapping fits the columns {seen}; pass --mapping NAME "
                    f"({', '.join(list_mappings())}) or --mapping your_mapping.toml",
                )
            ],
        )
    return best[1]


def _read_table(path: Path, mapping: Mapping, columns: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """The raw columns as strings (CSV) or typed (Parquet), and each row's line number."""
    fmt = mapping.format
    if _is_parquet(path):
        import pyarrow.parquet as pq

        table = pq.read_table(path, columns=columns)
        frame = table.to_pandas()
        return frame, np.arange(1, len(frame) + 1)
    sep = r"\s+" if fmt.delimiter == "whitespace" else fmt.delimiter
    frame = pd.read_csv(
        path,
        sep=sep,
        header=0 if fmt.header else None,
        names=None if fmt.header else fmt.names,
        usecols=columns,
        dtype=str,
        keep_default_na=False,
        encoding=fmt.encoding,
        skipinitialspace=True,
    )
    first_line = 2 if fmt.header else 1
    return frame, np.arange(first_line, len(frame) + first_line)


def _problems(
    mask: np.ndarray, lines: np.ndarray, values: pd.Series, what: str
) -> list[tuple[int | None, str]]:
    idx = np.flatnonzero(mask)
    return [(int(lines[i]), f"{what} {values.iloc[i]!r}") for i in idx[:50]] + (
        [(None, f"{len(idx) - 50} more lines with the same problem")] if len(idx) > 50 else []
    )


def _parse_dates(raw: pd.Series, date_format: str | None) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(raw):
        parsed = raw
    elif date_format:
        parsed = pd.to_datetime(raw, format=date_format, errors="coerce")
    else:
        parsed = pd.to_datetime(raw, format="ISO8601", errors="coerce")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert(None)
    return parsed.astype("datetime64[ns]")


def _parse_numbers(raw: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(raw):
        return raw.astype("float64")
    return pd.to_numeric(raw.str.strip(), errors="coerce")


def _as_text(raw: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(raw):
        # Parquet or pandas may hand integer ids over as floats ("17850.0"); ids must match across files.
        text = raw.map(lambda v: "" if pd.isna(v) else (str(int(v)) if float(v).is_integer() else str(v)))
    else:
        text = raw.astype("string").fillna("")
    return text.astype(str).str.strip()


def read_order_file(
    path: str | Path, mapping: str | Path | Mapping | None = None, progress: Progress | None = None
) -> OrderFile:
    """Read and validate one order file.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` (optionally ``.gz``), ``.txt`` or ``.parquet`` file.
    mapping : str, Path or Mapping, optional
        A shipped mapping name, a mapping TOML file, or a Mapping. Guessed from the header if omitted.

    Raises
    ------
    InputFileError
        The file is missing, unreadable or fails validation; the message lists file:line: reason.
    """
    progress = progress or Silent()
    path = Path(path)
    if not path.exists():
        raise InputFileError(str(path), [(None, "no such file")])
    if path.is_dir():
        raise InputFileError(str(path), [(None, "is a folder; give the order file inside it")])
    mapping = resolve_mapping(path, mapping)
    cols = mapping.columns.used()
    fmt = mapping.format

    progress.stage(f"checking {path.name}")
    try:
        header = _read_header(path, mapping)
    except Exception as err:
        raise InputFileError(str(path), [(None, f"cannot read it as a table: {err}")]) from None
    missing = [f"'{col}' (for {fld})" for fld, col in cols.items() if col not in header]
    if missing:
        raise InputFileError(
            str(path),
            [(1, f"missing column {m}; the file has {header}") for m in missing],
        )
    try:
        raw, lines = _read_table(path, mapping, list(dict.fromkeys(cols.values())))
    except (UnicodeDecodeError, pd.errors.ParserError, ValueError, OSError) as err:
        raise InputFileError(str(path), [(None, f"cannot be parsed: {err}")]) from None
    n = len(raw)
    progress.stage(f"validating {path.name}", rows=n)

    skipped: dict[str, int] = {}
    customer = _as_text(raw[cols["customer_id"]])
    no_customer = (customer == "").to_numpy()
    if no_customer.any():
        if not fmt.skip_missing_customer:
            raise InputFileError(
                str(path),
                _problems(no_customer, lines, customer, "no customer id in column " + cols["customer_id"]),
            )
        skipped["no customer id"] = int(no_customer.sum())
    keep = ~no_customer

    problems: list[tuple[int | None, str]] = []
    ordered_at = _parse_dates(raw[cols["ordered_at"]], fmt.date_format)
    bad_date = ordered_at.isna().to_numpy() & keep
    if bad_date.any():
        hint = (
            f"expected format {fmt.date_format}"
            if fmt.date_format
            else "expected ISO 8601, e.g. 2024-03-31 14:05"
        )
        problems += _problems(bad_date, lines, raw[cols["ordered_at"]], f"unreadable date ({hint}):")

    if mapping.columns.amount is not None:
        amount = _parse_numbers(raw[cols["amount"]])
        bad_amount = amount.isna().to_numpy() & keep
        if bad_amount.any():
            problems += _problems(bad_amount, lines, raw[cols["amount"]], "amount is not a number:")
    else:
        qty = _parse_numbers(raw[cols["quantity"]])
        price = _parse_numbers(raw[cols["unit_price"]])
        for series, name in ((qty, "quantity"), (price, "unit price")):
            bad = series.isna().to_numpy() & keep
            if bad.any():
                problems += _problems(
                    bad, lines, raw[cols[name.replace(" ", "_")]], f"{name} is not a number:"
                )
        amount = qty * price
    if problems:
        raise InputFileError(str(path), problems)

    if "order_id" in cols:
        order_id = _as_text(raw[cols["order_id"]])
        bad_id = (order_id == "").to_numpy() & keep
        if bad_id.any():
            raise InputFileError(str(path), _problems(bad_id, lines, order_id, "empty order id:"))
    else:
        # A stable id from the order's own content makes reloading the same file a no-op.
        key = customer + "@" + ordered_at.dt.strftime("%Y-%m-%dT%H:%M:%S")
        order_id = key + "#" + key.groupby(key).cumcount().astype(str)

    lines_df = pd.DataFrame(
        {
            "order_id": order_id[keep].to_numpy(),
            "customer_id": customer[keep].to_numpy(),
            "ordered_at": ordered_at[keep].to_numpy(),
            "amount": amount[keep].to_numpy(dtype="float64"),
            "line": lines[keep],
        }
    )
    progress.stage(f"grouping {path.name} into orders", rows=n)
    orders = _group_lines(path, lines_df, fmt.cancellation_prefix)
    customers = _customers(raw[keep], cols, customer[keep])
    return OrderFile(
        path=path,
        mapping=mapping,
        sha256=file_sha256(path),
        orders=orders,
        customers=customers,
        lines_read=n,
        skipped=skipped,
    )


def _group_lines(path: Path, lines_df: pd.DataFrame, cancellation_prefix: str | None) -> pd.DataFrame:
    grouped = lines_df.groupby("order_id", sort=True)
    n_customers = grouped["customer_id"].nunique()
    split = n_customers[n_customers > 1]
    if len(split):
        first_lines = lines_df[lines_df["order_id"].isin(split.index)].groupby("order_id")["line"].min()
        raise InputFileError(
            str(path),
            [
                (int(first_lines[oid]), f"order {oid!r} has lines for {n} different customers")
                for oid, n in split.items()
            ],
        )
    orders = grouped.agg(
        customer_id=("customer_id", "first"), ordered_at=("ordered_at", "min"), amount=("amount", "sum")
    ).reset_index()
    if cancellation_prefix:
        # A cancellation is a return whatever sign its lines carry.
        cancelled = orders["order_id"].str.startswith(cancellation_prefix).to_numpy()
        orders.loc[cancelled, "amount"] = -orders.loc[cancelled, "amount"].abs()
    orders["amount"] = orders["amount"].round(2)
    return orders[ORDER_COLUMNS]


def _customers(raw: pd.DataFrame, cols: dict[str, str], customer: pd.Series) -> pd.DataFrame:
    out = pd.DataFrame({"customer_id": customer.to_numpy()})
    for fld, target in (("customer_name", "name"), ("owner", "owner"), ("region", "region")):
        if fld in cols:
            out[target] = _as_text(raw[cols[fld]]).replace("", None).to_numpy()
    # Last non-empty value wins: a file sorted by time carries the latest name/owner last.
    return out.groupby("customer_id", sort=True).last().reset_index()


def read_customer_file(path: str | Path) -> pd.DataFrame:
    """Read a customer list: ``customer_id`` plus any of ``name``, ``owner``, ``region``; every other
    column is kept as an attribute.

    Raises
    ------
    InputFileError
        Missing ``customer_id`` column, empty or duplicated ids.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(str(path), [(None, "no such file")])
    try:
        frame = (
            pd.read_parquet(path)
            if _is_parquet(path)
            else pd.read_csv(path, dtype=str, keep_default_na=False)
        )
    except Exception as err:
        raise InputFileError(str(path), [(None, f"cannot be parsed: {err}")]) from None
    if "customer_id" not in frame.columns:
        raise InputFileError(
            str(path), [(1, f"missing column 'customer_id'; the file has {list(frame.columns)}")]
        )
    ids = _as_text(frame["customer_id"])
    lines = np.arange(2, len(frame) + 2)
    problems = _problems((ids == "").to_numpy(), lines, ids, "empty customer id:")
    dup = ids.duplicated(keep="first").to_numpy() & (ids != "").to_numpy()
    problems += _problems(dup, lines, ids, "customer id listed twice:")
    if problems:
        raise InputFileError(str(path), problems)
    frame = frame.copy()
    frame["customer_id"] = ids
    for col in ("name", "owner", "region"):
        if col in frame.columns:
            frame[col] = _as_text(frame[col]).replace("", None)
    return frame
