#!/usr/bin/env bash
# Lake statistics through the API against DuckDB: a silver table of --rows rows (a small CSV
# uploaded with iceberg_table_name creates it, pyiceberg appends the rest in chunks), then
# 11.5 numeric_stats (a double and a long column) and 11.6 distinct-count (~100k, 12 and all
# distinct values), cold (first call after a server restart) and cached (repeated calls), against
# DuckDB's read_parquet over exactly the table's current data files, cold (a fresh connection) and
# warm (one connection, repeated), in the same run. Checks every answer against DuckDB's and
# prints medians and ratios (DuckDB / ours). See README.md here.
#
# Usage: bench/lake/run.sh [--rows N] [--cold N] [--cached N] [--peer-repeats N] [--threads N]
#                          [--chunk-rows N] [--keep]
#   --rows N          rows of the table (default 10000000)
#   --cold N          cold rounds (default 5);  --cached N: our cached calls per operation (50)
#   --peer-repeats N  DuckDB's warm runs per operation (10);  --threads N: DuckDB's (every core)
#   --keep            keep the data dir, bench/out/lake/run/data
# The venv is bench/out/lake/venv (DuckDB, pyiceberg, pyarrow, numpy, pinned); made on the first
# run (needs PyPI). The last run's figures are in bench/out/lake/report.json.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="$ROOT/build/dataml"
OUT="$ROOT/bench/out/lake"
VENV="$OUT/venv"

case "${1:-}" in -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
if [[ ! -x "$BIN" ]]; then
  echo "error: $BIN not found; build the server first: make build" >&2
  exit 1
fi
mkdir -p "$OUT"
if [[ ! -x "$VENV/bin/python" ]]; then
  echo "== creating $VENV"
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --disable-pip-version-check "duckdb==2.0.1" "pyiceberg[sql-sqlite]==0.12.0" \
  "pyarrow==26.0.1" "numpy==2.4.6"
exec "$VENV/bin/python" "$HERE/bench.py" --bin "$BIN" --work "$OUT" "$@"
