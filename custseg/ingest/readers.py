"""Read order files (CSV, compressed CSV, Parquet) through a column mapping into clean frames.

Everything is validated before anything is written: a file with a missing column, an unparseable
date or amount, or an order split across customers is rejected whole with the file, line and reason.
Line numbers are physical lines of a CSV file (the header is line 1; blank lines and line breaks
inside quoted values count); for Parquet they are row numbers starting at 1.

Timestamps follow one rule: a timestamp without an offset is wall-clock time in the settings'
``timezone``; one with an offset (``Z``, ``+02:00``) is converted to that zone. Either way the
result is a naive wall-clock time in that zone.
"""

from __future__ import annotations

import bz2
import codecs
import csv
import gzip
import hashlib
import io
import lzma
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from config.mappings import FileFormat, Mapping, list_mappings, load_mapping
from custseg.errors import ConfigError, InputFileError
from custseg.progress import Progress, Silent

ORDER_COLUMNS = ["order_id", "customer_id", "ordered_at", "amount"]

#: Largest amount (currency units) a line or an order may have: far above any real order, far below
#: what the store's Numeric(18, 2) column holds, so a typo like 1e30 is refused with its line.
MAX_AMOUNT = 1e12
#: Orders dated after tomorrow (in the settings' time zone) are refused: a typo, not a sale.
FUTURE_DAYS = 1
#: Longest values the store's columns hold (custseg.store.models).
MAX_LENGTH = {"customer_id": 64, "order_id": 128, "name": 255, "owner": 128, "region": 128}

_EXTRA = "\x00extra"  # name of the column that catches fields beyond the header's
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_OFFSET = re.compile(r"(?:\d:\d\d(?::\d\d(?:[.,]\d*)?)?|T\d\d)\s*(?:[Zz]|[+-]\d\d(?::?\d\d)?)\s*$")


@dataclass
class OrderFile:
    """A validated order file.

    Attributes
    ----------
    orders : DataFrame
        One row per order: ``order_id`` (str), ``customer_id`` (str), ``ordered_at`` (datetime64,
        earliest line of the order, wall-clock time in the settings' time zone), ``amount`` (float,
        currency units, negative for returns).
    customers : DataFrame
        ``customer_id`` plus whichever of ``name``, ``owner``, ``region`` the mapping provides
        (last non-empty value in the file wins).
    lines_read : int
        Data lines read (header excluded).
    skipped : dict
        Reason → number of lines skipped for it.
    warnings : list of str
        ``file:line: what`` for things that were loaded but deserve a look (repeated lines).
    """

    path: Path
    mapping: Mapping
    sha256: str
    orders: pd.DataFrame
    customers: pd.DataFrame
    lines_read: int
    skipped: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _is_parquet(path: Path) -> bool:
    return path.suffix.lower() in {".parquet", ".pq"}


def _refuse(path: Path, reason: str, line: int | None = None) -> InputFileError:
    return InputFileError(str(path), [(line, reason)])


def _decompress(path: Path, raw: bytes) -> bytes:
    """The file's bytes, uncompressed by its suffix, with the real cause when that fails."""
    suffix = path.suffix.lower()
    kinds = {
        ".gz": (b"\x1f\x8b", "gzip"),
        ".bz2": (b"BZh", "bzip2"),
        ".xz": (b"\xfd7zXZ", "xz"),
        ".zip": (b"PK", "zip"),
    }
    if suffix not in kinds:
        return raw
    magic, kind = kinds[suffix]
    if not raw.startswith(magic):
        raise _refuse(
            path,
            f"is named {suffix} but is not {kind}-compressed (it starts with {raw[:24]!r}); "
            f"rename it without {suffix} if it is plain text, or compress it with {kind}",
        )
    try:
        if suffix == ".gz":
            return gzip.decompress(raw)
        if suffix == ".bz2":
            return bz2.decompress(raw)
        if suffix == ".xz":
            return lzma.decompress(raw)
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) != 1:
                raise _refuse(
                    path, f"holds {len(members)} files; a zip file must hold exactly one order file"
                )
            return archive.read(members[0])
    except EOFError:
        raise _refuse(
            path,
            f"the {kind} data is truncated (the file ends before the compressed data does): "
            "the copy is incomplete; copy or download it again",
        ) from None
    except (OSError, zlib.error, lzma.LZMAError, zipfile.BadZipFile, ValueError) as err:
        raise _refuse(path, f"the {kind} data is corrupt ({err}); copy or download it again") from None


_NON_BLANK = re.compile(rb"\S")


def _text_start(data: bytes) -> int:
    """Offset of the first non-blank byte (``len(data)`` if none), without copying the data."""
    found = _NON_BLANK.search(data)
    return found.start() if found else len(data)


def _line_of(data: bytes, pos: int) -> int:
    return data.count(b"\n", 0, pos) + 1


def _read_bytes(path: Path) -> tuple[bytes, str, str | None]:
    """(text bytes, sha256 of the file, encoding a byte-order mark decided or None).

    A UTF-16 file is turned into UTF-8 here, so everything after sees ASCII-compatible bytes.
    """
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise _refuse(path, f"cannot be read: {err.strerror or err}") from None
    sha = hashlib.sha256(raw).hexdigest()
    data = _decompress(path, raw) if raw else raw
    bom_encoding = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            bom_encoding = name
            if name == "utf-8":
                data = data[len(bom) :]
            else:
                try:
                    data = data.decode("utf-16").encode("utf-8")
                except UnicodeDecodeError as err:
                    raise _refuse(
                        path, f"starts with a UTF-16 byte-order mark but is not UTF-16: {err}"
                    ) from None
            break
    if _text_start(data) == len(data):
        raise _refuse(path, "is empty" if not data else "holds nothing but blank lines")
    nul = data.find(b"\x00")
    if nul >= 0:
        utf16 = data.count(b"\x00") * 4 > len(data)
        raise _refuse(
            path,
            "holds a NUL byte (\\x00), which no text file has: "
            + (
                "it looks like UTF-16 without a byte-order mark; save it as UTF-8 (or as UTF-16 with "
                "a byte-order mark, as Excel's Unicode text has)"
                if utf16
                else "the file is binary or damaged; export it again"
            ),
            _line_of(data, nul),
        )
    return data, sha, bom_encoding


def _to_utf8(path: Path, data: bytes, encoding: str, bom_encoding: str | None, setting: str | None) -> bytes:
    """The text as UTF-8 bytes; an undecodable byte is refused with its line and the likely encoding.

    ``setting`` says where the encoding is set (None: it cannot be, the file must be UTF-8).
    """
    if bom_encoding is not None:
        return data  # a byte-order mark says what the file is, whatever the mapping says
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise _refuse(path, f"{setting} names the encoding {encoding!r}, which does not exist") from None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as err:
        line = _line_of(data, err.start)
        start = data.rfind(b"\n", 0, err.start) + 1
        end = data.find(b"\n", err.start)
        shown = data[start : end if end >= 0 else len(data)][:120].decode(codec, errors="backslashreplace")
        likely = "cp1252" if _decodes(data, "cp1252") else "latin-1"
        looks = f"the file looks like {'Windows-1252' if likely == 'cp1252' else 'Latin-1'}"
        fix = f'set encoding = "{likely}" under [format] in {setting}, or ' if setting else ""
        raise _refuse(
            path,
            f"byte 0x{data[err.start]:02X} is not valid {encoding} (in {shown.strip()!r}); {looks}: "
            f"{fix}save the file as UTF-8",
            line,
        ) from None
    return data if codec == "utf-8" else text.encode("utf-8")


def _encoding_setting(mapping: Mapping) -> str:
    if mapping.name in list_mappings():
        return (
            f"the column mapping (a copy of config/mappings/{mapping.name}.toml passed with --mapping FILE)"
        )
    return f"your column mapping {mapping.name!r}"


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _sep(fmt: FileFormat) -> str:
    return r"\s+" if fmt.delimiter == "whitespace" else fmt.delimiter


def _read_header(source: Path | bytes, fmt: FileFormat, encoding: str | None = None) -> list[str]:
    """The column names: the Parquet schema, the mapping's names, or the first line of the CSV text."""
    if isinstance(source, Path):
        import pyarrow.parquet as pq

        return list(pq.read_schema(source).names)
    if not fmt.header:
        return list(fmt.names or [])
    # Only the first non-blank line: a broken line further down is reported with its own line later.
    start = _text_start(source)
    end = source.find(b"\n", start)
    head = pd.read_csv(
        io.BytesIO(source[start : end if end >= 0 else len(source)]),
        sep=_sep(fmt),
        nrows=0,
        encoding=encoding or fmt.encoding,
        encoding_errors="replace",
    )
    return [str(c) for c in head.columns]


def resolve_mapping(
    path: Path, mapping: str | Path | Mapping | None, data: Path | bytes | None = None
) -> Mapping:
    """The mapping to use: the one given, or the shipped mapping whose columns the file has.

    ``data`` is the file's text (bytes, see ``_read_bytes``) or, for Parquet, its path.
    """
    if isinstance(mapping, Mapping):
        return mapping
    if mapping is not None:
        return load_mapping(mapping)
    source: Path | bytes = data if data is not None else path
    if isinstance(source, Path) and not _is_parquet(source):
        source = _read_bytes(source)[0]
    if isinstance(source, Path):
        import pyarrow.parquet as pq

        try:
            pq.read_schema(source)
        except Exception as err:  # pyarrow raises several kinds for a damaged file
            raise _refuse(path, f"cannot be read as Parquet: {err}") from None
    best: tuple[int, Mapping] | None = None
    seen: list[str] = []
    for name in list_mappings():
        candidate = load_mapping(name)
        if not candidate.format.header:
            continue  # without a header there is nothing to recognise the file by
        try:
            header = _read_header(source, candidate.format)
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


@dataclass
class _Records:
    """Where each data record of a CSV text starts, and which repeat an earlier one exactly."""

    lines: np.ndarray  # physical line of each record's start
    repeats: np.ndarray  # record index → index of the first identical record (itself if none)


def _records_fast(data: bytes, first: int, n: int) -> _Records | None:
    """One record per physical line, no blank lines: the common case, checked by counting."""
    physical = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if physical != n + first - 1 or (b"\r" in data and data.count(b"\r") != data.count(b"\r\n")):
        return None
    rows = data.split(b"\n")[first - 1 : first - 1 + n]
    return _Records(np.arange(first, first + n), _first_same(np.fromiter(map(hash, rows), np.int64, n)))


def _first_same(keys: np.ndarray) -> np.ndarray:
    """For each key, the index of its first occurrence (a hash table pass, no sort)."""
    codes, _ = pd.factorize(keys)
    # factorize numbers keys in order of first appearance, so the k-th first occurrence is key k's.
    seen_max = np.maximum.accumulate(codes) if len(codes) else codes
    is_first = np.ones(len(codes), dtype=bool)
    is_first[1:] = codes[1:] > seen_max[:-1]
    return np.flatnonzero(is_first)[codes]


def _records_scan(data: bytes, fmt: FileFormat) -> _Records:
    """Walk the text the way the CSV parser does: quoted values may span lines, blank lines are skipped."""
    delim = " " if fmt.delimiter == "whitespace" else fmt.delimiter
    if len(delim) != 1:
        delim = ","  # only line breaks and quotes matter for where records start
    csv.field_size_limit(2**31 - 1)
    reader = csv.reader(
        io.StringIO(data.decode("utf-8"), newline=""), delimiter=delim, skipinitialspace=True, strict=False
    )
    starts: list[int] = []
    keys: list[int] = []
    previous = 0
    for row in reader:
        start, previous = previous + 1, reader.line_num
        if all(not f.strip() for f in row) and (len(row) <= 1 or delim == " "):
            continue
        starts.append(start)
        keys.append(hash(tuple(row)))
    skip = 1 if fmt.header else 0
    return _Records(
        np.array(starts[skip:], dtype=np.int64), _first_same(np.array(keys[skip:], dtype=np.int64))
    )


def _read_csv(
    path: Path, data: bytes, fmt: FileFormat, header: list[str], columns: list[str]
) -> tuple[pd.DataFrame, _Records]:
    """The raw columns as strings, where each record starts, and the rows with fields beyond the header."""
    # The parser is given its own header, c0 … cN plus one more column: fields beyond the file's
    # header land there (pandas would otherwise drop them, or shift a whole line into an index).
    sep = " " if fmt.delimiter == "whitespace" else fmt.delimiter
    names = [f"c{i}" for i in range(len(header) + 1)]
    body = data
    if fmt.header:
        start = _text_start(data)
        end = data.find(b"\n", start)
        body = data[end + 1 :] if end >= 0 else b""
    text = io.BytesIO(sep.join(names).encode() + b"\n" + body)
    del body
    wanted = [names[header.index(c)] for c in columns]
    try:
        frame = pd.read_csv(
            text,
            sep=_sep(fmt),
            usecols=[*wanted, names[-1]],
            dtype=str,
            keep_default_na=False,
            encoding="utf-8",
            skipinitialspace=True,
        )
    except pd.errors.ParserError as err:
        if "EOF inside string" in str(err):
            scan = _records_scan(data, fmt)
            line = int(scan.lines[-1]) if len(scan.lines) else 1
            raise _refuse(
                path,
                'a quoted value opens on this line (") and is never closed, so the rest of the file would be '
                'one value: close the quote, or double a " that belongs inside a value ("")',
                line,
            ) from None
        raise _refuse(path, f"cannot be parsed as a table: {err}".strip()) from None
    frame.columns = [header[names.index(c)] if c != names[-1] else _EXTRA for c in frame.columns]
    first = 2 if fmt.header else 1
    records = _records_fast(data, first, len(frame)) or _records_scan(data, fmt)
    if len(records.lines) != len(frame):  # the scan disagrees with the parser: fall back to record order
        records = _Records(np.arange(first, first + len(frame)), records.repeats[: len(frame)])
        if len(records.repeats) != len(frame):
            records.repeats = np.arange(len(frame))
    return frame, records


def _read_table(path: Path, columns: list[str]) -> tuple[pd.DataFrame, _Records]:
    import pyarrow.parquet as pq

    try:
        frame = pq.read_table(path, columns=columns).to_pandas()
    except Exception as err:  # pyarrow raises several kinds for a damaged file
        raise _refuse(path, f"cannot be read as Parquet: {err}") from None
    n = len(frame)
    return frame, _Records(np.arange(1, n + 1), np.arange(n))


def _problems(
    mask: np.ndarray, lines: np.ndarray, values: pd.Series, what: str
) -> list[tuple[int | None, str]]:
    idx = np.flatnonzero(mask)
    return [(int(lines[i]), f"{what} {values.iloc[i]!r}") for i in idx[:50]] + (
        [(None, f"{len(idx) - 50} more lines with the same problem")] if len(idx) > 50 else []
    )


def _parse_dates(raw: pd.Series, date_format: str | None, timezone: str) -> pd.Series:
    """Naive wall-clock times in ``timezone``: naive input is taken as that zone's, offsets converted."""
    if pd.api.types.is_datetime64_any_dtype(raw):
        parsed = raw
    elif date_format:
        aware = "%z" in date_format or "%Z" in date_format
        parsed = pd.to_datetime(raw, format=date_format, errors="coerce", utc=aware)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # "mixed time zones": handled just below
            parsed = pd.to_datetime(raw, format="ISO8601", errors="coerce")
        if not pd.api.types.is_datetime64_dtype(parsed):
            # Some or all carry an offset. pandas would read naive ones in the first offset's zone
            # (or give up): parse each kind on its own, so the rule above holds line by line.
            offset = raw.str.contains(_OFFSET).to_numpy()
            naive = pd.to_datetime(raw[~offset], format="ISO8601", errors="coerce")
            if not pd.api.types.is_datetime64_dtype(naive):  # an offset form the pattern missed
                naive = raw[~offset].map(lambda v: _one_timestamp(v, timezone))
            aware = pd.to_datetime(raw[offset], format="ISO8601", errors="coerce", utc=True)
            aware = aware.dt.tz_convert(timezone).dt.tz_localize(None)
            parsed = pd.concat([naive.astype("datetime64[ns]"), aware.astype("datetime64[ns]")]).sort_index()
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert(timezone).dt.tz_localize(None)
    return parsed.astype("datetime64[ns]")


def _one_timestamp(text: str, timezone: str) -> pd.Timestamp:
    stamp = pd.to_datetime(text, format="ISO8601", errors="coerce")
    if stamp is not pd.NaT and stamp.tzinfo is not None:
        stamp = stamp.tz_convert(timezone).tz_localize(None)
    return stamp


def _parse_numbers(raw: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(raw):
        return raw.astype("float64")
    return pd.to_numeric(raw, errors="coerce")  # surrounding blanks are allowed by to_numeric itself


def _out_of_range(values: pd.Series | np.ndarray) -> np.ndarray:
    v = np.asarray(values, dtype="float64")
    with np.errstate(invalid="ignore"):
        return ~np.isfinite(v) | (np.abs(v) > MAX_AMOUNT)


def _as_text(raw: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(raw):
        # Parquet or pandas may hand integer ids over as floats ("17850.0"); ids must match across files.
        text = raw.map(lambda v: "" if pd.isna(v) else (str(int(v)) if float(v).is_integer() else str(v)))
    else:
        text = raw.astype("string").fillna("")
    return text.astype(str).str.strip()


def read_order_file(
    path: str | Path,
    mapping: str | Path | Mapping | None = None,
    progress: Progress | None = None,
    timezone: str = "UTC",
) -> OrderFile:
    """Read and validate one order file.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` / ``.txt`` file (optionally ``.gz``, ``.bz2``, ``.xz`` or ``.zip``) or a ``.parquet`` file.
    mapping : str, Path or Mapping, optional
        A shipped mapping name, a mapping TOML file, or a Mapping. Guessed from the header if omitted.
    timezone : str
        IANA zone (the settings' ``timezone``): timestamps without an offset are wall-clock times
        there, timestamps with one are converted to it.

    Raises
    ------
    InputFileError
        The file is missing, unreadable or fails validation; the message lists file:line: reason.
    """
    progress = progress or Silent()
    path = Path(path)
    _check_zone(timezone)
    if not path.exists():
        raise InputFileError(str(path), [(None, "no such file")])
    if path.is_dir():
        raise InputFileError(str(path), [(None, "is a folder; give the order file inside it")])
    parquet = _is_parquet(path)
    progress.stage(f"checking {path.name}")
    data, sha, bom_encoding = (b"", file_sha256(path), None) if parquet else _read_bytes(path)
    mapping = resolve_mapping(path, mapping, path if parquet else data)
    cols = mapping.columns.used()
    fmt = mapping.format
    if not parquet:
        data = _to_utf8(path, data, fmt.encoding, bom_encoding, _encoding_setting(mapping))
    try:
        header = _read_header(path if parquet else data, fmt, "utf-8")
    except Exception as err:
        raise _refuse(path, f"cannot read its header: {err}") from None
    missing = [f"'{col}' (for {fld})" for fld, col in cols.items() if col not in header]
    if missing:
        raise InputFileError(
            str(path),
            [(1, f"missing column {m}; the file has {header}") for m in missing],
        )
    wanted = list(dict.fromkeys(cols.values()))
    raw, records = _read_table(path, wanted) if parquet else _read_csv(path, data, fmt, header, wanted)
    del data
    lines = records.lines
    n = len(raw)
    progress.stage(f"validating {path.name}", rows=n)
    problems: list[tuple[int | None, str]] = []
    if _EXTRA in raw.columns:
        extra = raw[_EXTRA].to_numpy().astype(bool)  # non-empty strings
        problems += _problems(
            extra,
            lines,
            raw[_EXTRA],
            f"more fields than the header's {len(header)} (a value with an unquoted "
            f"{fmt.delimiter!r}? quote it); the first extra field is",
        )
    if problems:
        raise InputFileError(str(path), problems)

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

    ordered_at = _parse_dates(raw[cols["ordered_at"]], fmt.date_format, timezone)
    bad_date = ordered_at.isna().to_numpy() & keep
    if bad_date.any():
        hint = (
            f"expected format {fmt.date_format}"
            if fmt.date_format
            else "expected ISO 8601, e.g. 2024-03-31 14:05 or 2024-03-31T14:05+02:00"
        )
        problems += _problems(bad_date, lines, raw[cols["ordered_at"]], f"unreadable date ({hint}):")
    latest = pd.Timestamp.now(tz=timezone).tz_localize(None).normalize() + pd.Timedelta(days=FUTURE_DAYS + 1)
    future = (ordered_at >= latest).to_numpy() & keep
    if future.any():
        problems += _problems(
            future,
            lines,
            raw[cols["ordered_at"]],
            f"date is in the future (after {(latest - pd.Timedelta(days=1)).date()}, {timezone}):",
        )

    if mapping.columns.amount is not None:
        amount = _parse_numbers(raw[cols["amount"]])
        bad_amount = amount.isna().to_numpy() & keep
        if bad_amount.any():
            problems += _problems(bad_amount, lines, raw[cols["amount"]], "amount is not a number:")
        huge = _out_of_range(amount) & ~bad_amount & keep
        if huge.any():
            problems += _problems(
                huge, lines, raw[cols["amount"]], f"amount is not within ±{MAX_AMOUNT:,.0f}:"
            )
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
        huge = _out_of_range(amount) & amount.notna().to_numpy() & keep
        if huge.any():
            shown = raw[cols["quantity"]].astype(str) + " × " + raw[cols["unit_price"]].astype(str)
            problems += _problems(
                huge, lines, shown, f"quantity × unit price is not within ±{MAX_AMOUNT:,.0f}:"
            )
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
    _check_stored_values(path, orders, customers, lines_df, cols, raw, keep, lines)
    return OrderFile(
        path=path,
        mapping=mapping,
        sha256=sha,
        orders=orders,
        customers=customers,
        lines_read=n,
        skipped=skipped,
        warnings=_repeat_warnings(path, records, keep, "order_id" in cols)
        + ([f"{path}: no order lines after the header; nothing to load"] if n == 0 else []),
    )


def _check_zone(timezone: str) -> None:
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"The settings' timezone {timezone!r} is not a time zone; use an IANA name such as "
            '"Europe/Berlin" or "UTC" (timestamps without an offset are read in it).'
        ) from None


def _check_stored_values(
    path: Path,
    orders: pd.DataFrame,
    customers: pd.DataFrame,
    lines_df: pd.DataFrame,
    cols: dict[str, str],
    raw: pd.DataFrame,
    keep: np.ndarray,
    lines: np.ndarray,
) -> None:
    """What the store cannot hold, refused with a line: checked on the distinct values, so it is cheap."""
    problems: list[tuple[int | None, str]] = []
    huge = _out_of_range(orders["amount"])
    for oid, total in zip(orders["order_id"][huge][:10], orders["amount"][huge][:10], strict=True):
        line = int(lines_df.loc[lines_df["order_id"] == oid, "line"].min())
        problems.append((line, f"order {oid!r} totals {total:,.2f}, not within ±{MAX_AMOUNT:,.0f}"))
    if huge.sum() > 10:
        problems.append((None, f"{int(huge.sum()) - 10} more orders with the same problem"))
    checks = [
        (orders["order_id"], "order_id", "order id"),
        (customers["customer_id"], "customer_id", "customer id"),
    ]
    checks += [(customers[c], c, c) for c in ("name", "owner", "region") if c in customers.columns]
    for values, kind, what in checks:
        text = values.dropna().astype(str)
        too_long = text[text.str.len() > MAX_LENGTH[kind]]
        has_nul = text[text.str.contains("\x00", regex=False)]
        field_name = {"name": "customer_name"}.get(kind, kind)
        column = raw[cols[field_name]] if field_name in cols else None
        for value, reason in [(v, f"is longer than {MAX_LENGTH[kind]} characters") for v in too_long[:10]] + [
            (v, "holds a NUL byte (\\x00)") for v in has_nul[:10]
        ]:
            at = _first_line(column, value, keep, lines) if column is not None else None
            problems.append((at, f"{what} {value[:80]!r}{'…' if len(value) > 80 else ''} {reason}"))
    if problems:
        raise InputFileError(str(path), problems)


def _first_line(column: pd.Series, value: str, keep: np.ndarray, lines: np.ndarray) -> int | None:
    hits = np.flatnonzero((_as_text(column) == value).to_numpy() & keep)
    return int(lines[hits[0]]) if len(hits) else None


def _repeat_warnings(path: Path, records: _Records, keep: np.ndarray, by_order_id: bool) -> list[str]:
    """Lines that repeat an earlier line exactly: loaded (an invoice may list the same item twice), but said."""
    repeats = (records.repeats != np.arange(len(records.repeats))) & keep
    if not repeats.any():
        return []
    idx = np.flatnonzero(repeats)
    shown = ", ".join(f"line {records.lines[i]} = line {records.lines[records.repeats[i]]}" for i in idx[:3])
    return [
        f"{path}:{records.lines[idx[0]]}: {len(idx):,} "
        + ("lines repeat" if len(idx) != 1 else "line repeats")
        + " an earlier "
        f"line exactly ({shown}{', …' if len(idx) > 3 else ''}); each was loaded, "
        + ("and counted in its order's total" if by_order_id else "as an order of its own")
        + ". If they are copies made by mistake, remove them and load the file again."
    ]


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
    column is kept as an attribute. A CSV file is UTF-8 (a byte-order mark may say UTF-16), comma-separated.

    Raises
    ------
    InputFileError
        Unreadable file, missing ``customer_id`` column, empty, duplicated or over-long ids; file:line: reason.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(str(path), [(None, "no such file")])
    if path.is_dir():
        raise InputFileError(str(path), [(None, "is a folder; give the customer file inside it")])
    if _is_parquet(path):
        try:
            frame = pd.read_parquet(path)
        except Exception as err:  # pyarrow raises several kinds for a damaged file
            raise _refuse(path, f"cannot be read as Parquet: {err}") from None
        lines = np.arange(1, len(frame) + 1)
    else:
        fmt = FileFormat()
        data, _, bom_encoding = _read_bytes(path)
        data = _to_utf8(path, data, fmt.encoding, bom_encoding, None)
        header = _read_header(data, fmt, "utf-8")
        frame, records = _read_csv(path, data, fmt, header, list(dict.fromkeys(header)))
        lines = records.lines
        extra_field = frame.pop(_EXTRA)
        extra = extra_field.to_numpy().astype(bool)  # non-empty strings
        if extra.any():
            raise InputFileError(
                str(path),
                _problems(
                    extra,
                    lines,
                    extra_field,
                    f"more fields than the header's {len(header)} (a value with an unquoted ','? quote it); "
                    "the first extra field is",
                ),
            )
    if "customer_id" not in frame.columns:
        raise InputFileError(
            str(path), [(1, f"missing column 'customer_id'; the file has {list(frame.columns)}")]
        )
    ids = _as_text(frame["customer_id"])
    problems = _problems((ids == "").to_numpy(), lines, ids, "empty customer id:")
    dup = ids.duplicated(keep="first").to_numpy() & (ids != "").to_numpy()
    problems += _problems(dup, lines, ids, "customer id listed twice:")
    for col in ("customer_id", "name", "owner", "region"):
        if col in frame.columns:
            text = _as_text(frame[col])
            bad = (text.str.len() > MAX_LENGTH[col]).to_numpy() | text.str.contains(
                "\x00", regex=False
            ).to_numpy()
            problems += _problems(
                bad, lines, text, f"{col} longer than {MAX_LENGTH[col]} characters or with a NUL byte:"
            )
    if problems:
        raise InputFileError(str(path), problems)
    frame = frame.copy()
    frame["customer_id"] = ids
    for col in ("name", "owner", "region"):
        if col in frame.columns:
            frame[col] = _as_text(frame[col]).replace("", None)
    return frame
