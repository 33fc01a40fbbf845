#!/usr/bin/env bash
# SHAP benchmark: dataml's feature-importance job (our TreeSHAP, timings.shap_seconds) against
# XGBoost's own TreeSHAP, Booster.predict(pred_contribs=True), in XGBoost 1.7.4 and the latest
# release, on the same model file and the same 10,000 sampled rows, in the same run, one after
# the other. Prints seconds and ratios ours/peer, and checks that both give the same values.
# See README.md here.
#
# Usage: bench/shap/run.sh [--rows N] [--sample-rows N] [--repeat N] [--peers LABELS] [--keep]
#   --rows N         rows of the training dataset (default 50000; 20 float features)
#   --sample-rows N  rows explained (default 10000)
#   --repeat N       SHAP runs per side and thread setting; the fastest is reported (default 5)
#   --peers LABELS   comma-separated: "xgboost 1.7.4", "xgboost latest", "xgboost 1.7.4 on
#                    dataml's lib" (default: all three)
#   --keep           keep the work dir (server data dir, logs) and print its path
# The generated CSV is cached in bench/out/; the peers' venvs are bench/out/.venv-xgb174,
# .venv-xgblatest and .venv-xgb174-dataml-lib (made by bench/train/peer_venvs.sh).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="$ROOT/build/dataml"
VENV="$ROOT/.venv"
REQS="$ROOT/bench/requirements.txt"

ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rows|--sample-rows|--repeat|--peers) ARGS+=("$1" "$2"); shift 2 ;;
    --keep) ARGS+=("$1"); shift ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

# ---- prerequisites -----------------------------------------------------------------------------
source "$ROOT/bench/prerequisites.sh"
bench_prerequisites "$BIN" "$VENV" "$REQS"
"$ROOT/bench/train/peer_venvs.sh"

cd "$HERE"
exec "$VENV/bin/python" "$HERE/bench.py" --bin "$BIN" ${ARGS[@]+"${ARGS[@]}"}
