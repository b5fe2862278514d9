#!/usr/bin/env bash
# Create bench/.venv-bench: the project (editable) plus the benchmark-only baseline, lifetimes.
# lifetimes never goes into the project's dependencies or its .venv.
#
# When the project's .venv exists, its exact package versions are used as constraints, so the
# benchmark runs on the same pandas / numpy / scipy / pyarrow as the project does.
#   bench/setup.sh            # create or update .venv-bench
#   bench/setup.sh --check    # only verify that lifetimes imports and summarises a few orders
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=bench/.venv-bench   # inside bench/ so that bench/.gitignore covers it
PY="${PYTHON:-python3}"

check() {
  "$VENV/bin/python" - <<'PY'
import warnings
import numpy as np, pandas as pd
warnings.simplefilter("ignore")
import lifetimes
from lifetimes.utils import summary_data_from_transaction_data
tx = pd.DataFrame({
    "customer_id": [1, 1, 1, 2, 2, 3],
    "ordered_at": pd.to_datetime(["2024-01-01", "2024-01-10", "2024-02-01", "2024-01-05", "2024-03-01", "2024-02-02"]),
    "amount": [10.0, 20.0, -5.0, 7.5, 2.5, 100.0],
})
s = summary_data_from_transaction_data(tx, "customer_id", "ordered_at", monetary_value_col="amount",
                                       observation_period_end="2024-03-31")
assert list(s.columns) == ["frequency", "recency", "T", "monetary_value"], s.columns
assert s.loc[1, "frequency"] == 2 and s.loc[3, "T"] == 58, s
print(f"lifetimes {lifetimes.__version__} OK with pandas {pd.__version__}, numpy {np.__version__}")
PY
}

if [ "${1:-}" = "--check" ]; then check; exit; fi

[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
constraints=()
if [ -x .venv/bin/python ]; then
  .venv/bin/python -m pip freeze --exclude-editable 2>/dev/null | grep -v '^-e ' | grep -iv '^custseg' > "$VENV/constraints.txt" || true
  constraints=(-c "$VENV/constraints.txt")
fi
"$VENV/bin/python" -m pip install -q "${constraints[@]}" -e . -r requirements-bench.txt
check
