#!/usr/bin/env bash
# Batch prediction benchmark: rows per second from a dataset's validated Parquet to a results CSV,
# dataml's batch_prediction job (POST /api/v1/inference/batch-prediction, in-worker timings from
# the job's result) against XGBoost's Python package 1.7.4 (the libxgboost dataml links) doing the
# same work on the same Parquet files in one Python process (pyarrow read, vectorized preprocess,
# DMatrix + predict or inplace_predict, pandas/pyarrow CSV), in the same run, one after the other.
# Checks first that every results file equals dataml's. Prints seconds, rows/s and ratios
# ours/peer, and the per-step breakdown. See README.md here.
#
# Usage: bench/predict_batch/run.sh [--cases churn:100000,churn:1000000,numeric:1000000]
#                                   [--repeat N] [--variants dmatrix+pandas,inplace+pandas,inplace+arrow]
#                                   [--peer-nthread N] [--with-target] [--poll S] [--quiet S]
#                                   [--keep]
#   --cases         kind:rows,... (kind churn or numeric): the prediction datasets; the churn
#                   model is trained on 100,000 rows, the numeric one on 200,000
#   --repeat N      timed rounds of (dataml, each peer variant); fastest and median (default 3)
#   --variants      peer variants predict+writer, predict dmatrix|inplace, writer pandas|arrow
#                   (default all three; the fastest is "the peer")
#   --peer-nthread  XGBoost nthread in the peer (default 0: all cores)
#   --with-target   keep the target column in the prediction datasets (both sides then score)
#   --poll S        seconds between GET /api/v1/inference/result polls (default 0.01)
#   --quiet S       before each timed run, wait up to S s for the rest of the machine to go idle
#                   (< 0.2 cores busy); default 0 (don't wait)
#   --keep          keep the work dir (server data dir, results files) and print its path
# Generated CSVs are cached in bench/out/ (delete them to regenerate). The peer runs in
# bench/out/.venv-xgb174, made by bench/train/peer_venvs.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="$ROOT/build/dataml"
VENV="$ROOT/.venv"
REQS="$ROOT/bench/requirements.txt"
PEER_PY="$ROOT/bench/out/.venv-xgb174/bin/python"

ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cases|--repeat|--variants|--peer-nthread|--poll|--quiet) ARGS+=("$1" "$2"); shift 2 ;;
    --with-target|--keep) ARGS+=("$1"); shift ;;
    -h|--help) sed -n '2,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

# ---- prerequisites -----------------------------------------------------------------------------
source "$ROOT/bench/prerequisites.sh"
bench_prerequisites "$BIN" "$VENV" "$REQS"
# The peers' venvs of the train benchmark; this one uses .venv-xgb174 (xgboost 1.7.4, pyarrow,
# pandas). Left alone while their stamps match.
"$ROOT/bench/train/peer_venvs.sh"

cd "$HERE"
exec "$VENV/bin/python" "$HERE/bench.py" --bin "$BIN" --peer-python "$PEER_PY" \
  ${ARGS[@]+"${ARGS[@]}"}
