#!/usr/bin/env bash
# Ingest benchmark: CSV upload -> validated Parquet on dataml, against pandas and DuckDB doing
# read_csv + type checks + Parquet on the same generated file, in the same run, one after the
# other. Prints seconds, MB/s, CPU seconds, peak RSS and ratios vs dataml. See README.md here.
#
# Usage: bench/ingest/run.sh [--rows N] [--small-rows N] [--repeat N] [--keep] [--no-peers]
#                            [--no-dataml]
#   --rows N        rows of the main CSV (default 5000000, about 1 GB)
#   --small-rows N  rows of a second, smaller run to see how memory scales (default 1000000;
#                   0 to skip)
#   --repeat N      runs per tool and size; the fastest is reported (default 1)
#   --keep          keep the work dir (server data dir and logs) and print its path
#   --no-peers      dataml only;  --no-dataml: peers only
# Generated CSVs are cached in bench/out/ingest_<rows>.csv (delete them to regenerate).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="$ROOT/build/dataml"
VENV="$ROOT/.venv"
REQS="$ROOT/bench/requirements.txt"

ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rows|--small-rows|--repeat) ARGS+=("$1" "$2"); shift 2 ;;
    --keep|--no-peers|--no-dataml) ARGS+=("$1"); shift ;;
    -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

# ---- prerequisites (installs what is missing; builds nothing) ----------------------------------
if [[ ! -x "$BIN" && " ${ARGS[*]-} " != *" --no-dataml "* ]]; then
  echo "error: $BIN not found. Build the server first (release), e.g.:" >&2
  echo "  make build" >&2
  exit 1
fi
if [[ ! -x "$VENV/bin/python" ]]; then
  echo "== creating venv $VENV"
  python3 -m venv "$VENV"
fi
# Pinned; a no-op (no network) when everything is already installed.
"$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQS"

AVAIL_KB="$(df -Pk "$ROOT/bench" | awk 'NR==2 {print $4}')"
if [[ -n "$AVAIL_KB" && "$AVAIL_KB" -lt 6000000 ]]; then
  echo "warning: only $((AVAIL_KB / 1024)) MiB free; a 5M-row run needs about 4 GB (CSV cache," \
       "the server's staged copy and the Parquet outputs)" >&2
fi

cd "$HERE"
exec "$VENV/bin/python" "$HERE/bench.py" --bin "$BIN" ${ARGS[@]+"${ARGS[@]}"}
