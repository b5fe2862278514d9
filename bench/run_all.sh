#!/usr/bin/env bash
# Run every custseg benchmark and keep the output under bench/.data/results-<date>.txt.
#   bench/run_all.sh                  # full size: 10M orders / 1M customers (~6–8 min on 2 cores)
#   bench/run_all.sh --skip-db        # extra flags go to bench_snapshot.py
# Needs bench/.venv-bench for the lifetimes baseline (bench/setup.sh; skipped with a note if missing)
# and starts the throw-away PostgreSQL server with scripts/postgres.sh (database custseg_bench).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p bench/.data
out="bench/.data/results-$(date +%Y%m%d-%H%M).txt"
{
  "$PY" bench/bench_snapshot.py "$@"
  echo
  "$PY" bench/bench_query.py
  echo
  "$PY" bench/bench_chat.py
} 2>&1 | tee "$out"
echo "saved to $out"
