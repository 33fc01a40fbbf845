#!/usr/bin/env bash
# Training benchmark: end-to-end training from validated Parquet, dataml's train job (worker-side
# timings from /train/model-summary) against XGBoost's Python package 1.7.4 (the libxgboost
# dataml links) and the latest release, on the same Parquet files with the same XGBoost
# parameters, in the same run, one after the other; then the quality comparison (quality.py).
# Prints seconds, ratios ours/peer and the holdout metrics side by side. See README.md here.
#
# Usage: bench/train/run.sh [--datasets numeric,churn] [--algorithms XGBoost,RandomForest,Linear]
#                           [--repeat N] [--peers LABELS] [--no-quality] [--only-quality] [--keep]
#   --datasets        which generated datasets (default both)
#   --algorithms      which algorithms (default all three)
#   --repeat N        rounds of (dataml, each peer) per case; the fastest of each counts (default 5)
#   --peers LABELS    comma-separated: "xgboost 1.7.4", "xgboost latest", "xgboost 1.7.4 on
#                     dataml's lib" (default: all three; quality.py: the first two)
#   --no-quality      skip quality.py;  --only-quality: run quality.py only
#   --keep            keep the work dir (server data dir, logs) and print its path
# Generated CSVs are cached in bench/out/ (delete them to regenerate); the peers' venvs are
# bench/out/.venv-xgb174, .venv-xgblatest and .venv-xgb174-dataml-lib (peer_venvs.sh).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="$ROOT/build/dataml"
VENV="$ROOT/.venv"
REQS="$ROOT/bench/requirements.txt"

ARGS=()
QARGS=()
QUALITY=1
SPEED=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --datasets|--algorithms|--repeat) ARGS+=("$1" "$2"); shift 2 ;;
    --peers) ARGS+=("$1" "$2"); QARGS+=("$1" "$2"); shift 2 ;;
    --keep) ARGS+=("$1"); QARGS+=("$1"); shift ;;
    --no-quality) QUALITY=0; shift ;;
    --only-quality) SPEED=0; shift ;;
    -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

# ---- prerequisites -----------------------------------------------------------------------------
source "$ROOT/bench/prerequisites.sh"
bench_prerequisites "$BIN" "$VENV" "$REQS"
"$HERE/peer_venvs.sh"

cd "$HERE"
rc=0
if [[ $SPEED -eq 1 ]]; then
  "$VENV/bin/python" "$HERE/bench.py" --bin "$BIN" ${ARGS[@]+"${ARGS[@]}"} || rc=$?
fi
if [[ $QUALITY -eq 1 ]]; then
  "$VENV/bin/python" "$HERE/quality.py" --bin "$BIN" ${QARGS[@]+"${QARGS[@]}"} || rc=$?
fi
exit $rc
