"""The rows of a list as a file: CSV or XLSX, with plainly named columns and their units.

Values are written as data, not as chat text: money and probabilities as plain numbers (the unit is
in the column's heading), dates as ISO dates, labels in words. The column headings are in
``bot.wording`` (``EXPORT_COLUMNS``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from typing import Any

from bot import wording
from bot.reply import Attachment
from custseg.query import ListedCustomer

# An export carries at most this many rows: enough for any account manager's or team's book, and
# a file Slack and Teams clients open without trouble. The reply says when a list was cut.
MAX_ROWS = 10_000

MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# The fields of a listed customer, in the file's column order, and how each value is written.
_LABELS: dict[str, dict[str, str]] = {
    "segment": wording.SEGMENT_LABEL,
    "lifecycle": wording.STAGE_LABEL,
}


def _cell(field: str, value: Any) -> Any:
    if value is None:
        return None
    if field in _LABELS:
        # The column already says it is the segment: "new", not the chat's "new (segment)".
        label = _LABELS[field].get(value, value).removesuffix(" (segment)")
        return label[:1].upper() + label[1:]
    if field in ("value_tier", "churn_risk"):
        return str(value).capitalize()
    if field == "key_account":
        return wording.EXPORT_YES_NO[bool(value)]
    if isinstance(value, float):
        return round(value, 4 if field == "churn_probability" else 2)
    return value


def headings(currency: str) -> list[str]:
    """The file's column headings, units in brackets (money in ``currency``)."""
    return [h.format(currency=currency) for h in wording.EXPORT_COLUMNS.values()]


def table(customers: Sequence[ListedCustomer]) -> list[list[Any]]:
    """One row of cells per customer, in the columns of ``headings``."""
    return [[_cell(f, getattr(c, f)) for f in wording.EXPORT_COLUMNS] for c in customers]


def unit(measure: str, stat: str | None, currency: str) -> str | None:
    """The unit a figure's column heading names: money in ``currency``, a share 0–1, days, a count."""
    if stat == "share":
        return "share 0–1"
    if measure in ("revenue", "clv", "aov"):
        return currency
    if measure in ("recency_days", "gap_days"):
        return "days"
    if measure == "churn_probability":
        return "0–1"
    return "count" if measure in ("customers", "orders") and stat != "mean" else None


def filename(words: Sequence[str], as_of: str, fmt: str) -> str:
    """``customers-dormant-high-value-2026-11-13.csv``: what and when, safe on every platform."""
    slug = re.sub(r"[^a-z0-9]+", "-", " ".join(words).lower()).strip("-")[:60].strip("-")
    return f"customers-{slug + '-' if slug else ''}{as_of}.{fmt}"


def build(customers: Sequence[ListedCustomer], fmt: str, currency: str, name: str) -> Attachment:
    """The customers as a ``fmt`` (``csv`` or ``xlsx``) file named ``name``."""
    return file_of(headings(currency), table(customers), fmt, name)


def file_of(
    head: list[str], rows: list[list[Any]], fmt: str, name: str, sheet: str | None = None
) -> Attachment:
    """A table (``head`` and ``rows`` of cells) as a ``fmt`` file named ``name``."""
    if fmt == "xlsx":
        content = _xlsx(head, rows, sheet or wording.EXPORT_SHEET)
    else:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(head)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
        # A byte-order mark, so Excel opens names with accents as UTF-8 rather than guessing.
        content = out.getvalue().encode("utf-8-sig")
    return Attachment(filename=name, content=content, media_type=MEDIA_TYPES[fmt], rows=len(rows))


def _xlsx(head: list[str], rows: list[list[Any]], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has its first sheet
    sheet.title = title
    sheet.append(head)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for i, title in enumerate(head, 1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = max(10, min(len(title) + 2, 40))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
