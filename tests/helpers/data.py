"""Where the reference data sets live, and small builders for order frames and CSV files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"
RETAIL = DATA / "online_retail" / "online_retail.csv.gz"
CDNOW_MASTER = DATA / "cdnow" / "CDNOW_master.txt"
CDNOW_SAMPLE = DATA / "cdnow" / "CDNOW_sample.txt"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"reference data {path} is absent (expected ../shared/data beside the project)")
    return path


def orders_frame(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    """(order_id, customer_id, ISO time, amount) rows → an order frame."""
    frame = pd.DataFrame(rows, columns=["order_id", "customer_id", "ordered_at", "amount"])
    frame["ordered_at"] = pd.to_datetime(frame["ordered_at"])
    return frame


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text.lstrip("\n"), encoding="utf-8")
    return path
