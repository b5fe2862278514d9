#!/usr/bin/env bash
# Create .venv and install custseg with pinned versions (constraints.txt). Idempotent and quick when
# nothing changed. Usage: scripts/setup.sh [--dev]
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "custseg needs Python 3.11 or newer; '$PY' is $("$PY" --version 2>&1). Set PYTHON=/path/to/python3.11." >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv

extra=""
[ "${1:-}" = "--dev" ] && extra="[dev]"
stamp=".venv/.installed$extra"
# Reinstall only when the dependency list or the pins changed.
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
  echo "Installing custseg into .venv (first run only; about a minute)…" >&2
  log=.venv/install.log
  # pip's build chatter is kept in a log and shown only if the install fails.
  if ! { .venv/bin/python -m pip install --disable-pip-version-check --upgrade pip &&
         .venv/bin/python -m pip install --disable-pip-version-check -c constraints.txt -e ".$extra"; } >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "Installing custseg failed; the full log is in $log" >&2
    exit 1
  fi
  touch "$stamp"
fi

# The dev tools include what renders the Teams cards in a real browser (tests/teams/test_real_renderer.py).
[ "${1:-}" = "--dev" ] && scripts/setup-renderer.sh
# ...and the Java runtime PySpark needs for the Spark source test (tests/test_sources.py).
[ "${1:-}" = "--dev" ] && scripts/setup-java.sh
exit 0
