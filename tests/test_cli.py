"""The `custseg` command as a user runs it: real processes, a fresh working directory, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from custseg.snapshot.storage import load_snapshot
from custseg.store import open_store
from tests.helpers.data import CDNOW_MASTER, RETAIL, need, write_csv

CLI = [sys.executable, "-m", "adapters.cli.main"]
ROOT = Path(__file__).resolve().parents[1]


def run(cwd: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("CUSTSEG_DATABASE_URL", None)
    proc = subprocess.run([*CLI, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory) -> Path:
    cwd = tmp_path_factory.mktemp("demo")
    out = run(cwd, "demo").stdout
    assert "Demo book: 2,000 customers" in out
    assert "Segment" in out and "champions" in out
    return cwd


def test_ask_json_count_matches_the_segment_table(demo_dir):
    out = run(demo_dir, "ask", "--json", "how many champions do we have?").stdout
    payload = json.loads(out)
    assert payload["query"] == {"intent": "count_customers", "filters": {"segment": "champions"}}
    snap = load_snapshot(open_store(f"sqlite:///{demo_dir / 'var' / 'custseg.db'}"))
    assert payload["answer"]["count"] == int((snap.customers["segment"] == "champions").sum()) > 0


def test_demo_is_idempotent_and_history_can_be_rebuilt(demo_dir):
    again = run(demo_dir, "demo").stdout
    assert "(0 new)" in again
    out = run(demo_dir, "segment", "--as-of", "2026-11-13", "--history", "3").stdout
    assert out.count("Snapshot 2026-") == 3
    listing = run(demo_dir, "snapshots").stdout
    assert "2026-10-30" in listing and "2026-11-06" in listing and "2026-11-13" in listing
    changes = run(demo_dir, "changes", "--by", "lifecycle").stdout
    assert "Lifecycle changes from 2026-11-06 to 2026-11-13" in changes


def test_bad_file_exits_with_file_line_and_reason_and_loads_nothing(tmp_path):
    bad = write_csv(
        tmp_path / "orders.csv",
        "order_id,customer_id,ordered_at,amount\nA1,c1,2024-01-01,5\nA2,c1,yesterday,6\n",
    )
    proc = run(tmp_path, "load", str(bad), ok=False)
    assert proc.returncode == 3
    assert f"{bad}:3: unreadable date" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run(tmp_path, "segment", ok=False)
    assert "no orders" in proc.stderr and "Traceback" not in proc.stderr


def test_ask_before_any_snapshot_says_what_to_do(tmp_path):
    proc = run(tmp_path, "ask", "how many champions?")
    assert "no segmentation yet" in proc.stdout and "custseg segment" in proc.stdout
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_real_data_sets_load_and_segment_without_manual_cleaning(tmp_path):
    out = run(tmp_path, "load", str(need(RETAIL))).stdout
    assert "135,080 skipped (no customer id)" in out
    out = run(tmp_path, "segment").stdout
    assert (
        "Snapshot 2011-12-09" in out
        and "4,339 customers" in out
        and "customers with nothing but returns left out" in out
    )

    other = tmp_path / "cdnow"
    other.mkdir()
    run(other, "load", str(need(CDNOW_MASTER)))
    out = run(other, "segment").stdout
    assert "Snapshot 1998-06-30" in out and "23,570 customers" in out


def test_ask_in_german_answers_in_german(demo_dir):
    from bot import i18n, wording

    out = run(demo_dir, "ask", "danke schön!").stdout
    with i18n.speaking("de"):
        german = str(wording.SMALLTALK["thanks"])
    assert german in out
    if i18n.catalogue("de"):  # the German catalogue is there: the answer is not the English one
        assert wording.SMALLTALK["thanks"] not in out
