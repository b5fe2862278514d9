"""Small helpers shared by the benchmark scripts: timing, child processes, the results table."""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BENCH_VENV_PY = BENCH / ".venv-bench" / "bin" / "python"


class Timer:
    """Collects named wall-clock durations (seconds), in the order first seen."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.times[name] = self.times.get(name, 0.0) + time.perf_counter() - t0

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self(name):
                return fn(*args, **kwargs)

        return timed


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, MiB.

    Reads VmHWM from /proc: Linux carries ``ru_maxrss`` over ``execve`` from the parent, so a child
    started by a big parent would report the parent's peak; VmHWM belongs to this process's own
    address space. Falls back to ``ru_maxrss`` (KiB on Linux) elsewhere.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(argv: list[str], python: str | Path = sys.executable, timeout: float = 900) -> dict[str, Any]:
    """Run ``python argv…`` in a fresh process; it prints one JSON object as its last stdout line."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(BENCH)])}
    proc = subprocess.run(
        [str(python), *argv], capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env
    )
    if proc.returncode != 0:
        raise RuntimeError(f"child {argv} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import numpy
    import pandas
    import pyarrow

    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, Python {platform.python_version()}, "
        f"pandas {pandas.__version__}, numpy {numpy.__version__}, pyarrow {pyarrow.__version__}"
    )


def fmt_s(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x * 1000:.1f} ms" if x < 1 else f"{x:.2f} s"


def print_table(title: str, rows: list[list[str]], header: tuple[str, ...] | None = None) -> None:
    header = header or ("step", "ours", "baseline", "ratio", "target", "result")
    widths = [max(len(str(r[i])) for r in [list(header), *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    print(f"\n{title}")
    print(line)
    print("  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)))
    print(line)
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)))
    print(line, flush=True)


def verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("PASS" if ok else "FAIL")


def pct(values: list[float], q: float) -> float:
    """The ``q``-th percentile of ``values`` (NaN for none)."""
    import numpy

    return float(numpy.percentile(numpy.asarray(values), q)) if values else float("nan")


def pg_url() -> str:
    """The URL of the benchmarks' PostgreSQL (``scripts/postgres.sh start``, database custseg_bench
    unless ``CUSTSEG_PG_DB`` says otherwise)."""
    env = {**os.environ, "CUSTSEG_PG_DB": os.environ.get("CUSTSEG_PG_DB", "custseg_bench")}
    out = subprocess.run(
        ["bash", str(ROOT / "scripts" / "postgres.sh"), "start"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]
