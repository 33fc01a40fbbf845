#!/usr/bin/env bash
# A dataset's rows sorted by a column, one page at a time (GET /api/v1/dataset/view?order_by=),
# against DuckDB and pandas sorting the same validated Parquet files, in the same run.
# Prints medians and ratios (peer / ours). See README.md here.
#
# Usage: bench/sort_view/run.sh [--rows N] [--repeat N]
#   --rows N    rows of the dataset (default 1000000)
#   --repeat N  timed calls per case (default 7; the median is reported)
# Uses the project .venv with bench/requirements.txt (DuckDB, pandas, pyarrow).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="$ROOT/build/dataml"
VENV="$ROOT/.venv"

case "${1:-}" in -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
if [[ ! -x "$BIN" ]]; then
  echo "error: $BIN not found; build the server first: make build" >&2
  exit 1
fi
[[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/bench/requirements.txt"
mkdir -p "$ROOT/bench/out/sort_view"
exec "$VENV/bin/python" "$HERE/bench.py" --bin "$BIN" --work "$ROOT/bench/out/sort_view" "$@"
