#!/usr/bin/env bash
# Real-time prediction benchmark: dataml's POST /api/v1/inference/ against a FastAPI + uvicorn +
# XGBoost 1.7.4 peer that loads the same model file and applies the same preprocess, both driven
# by wrk (keep-alive connections, several request bodies in turn), one after the other, in the
# same run. Prints req/s and p50/p99 latency per connection count with ratios ours/peer, the
# peer's saturation load and dataml's p99 there. See README.md here.
#
# Usage: bench/predict_realtime/run.sh [--connections 1,2,4,...] [--main-connections N]
#                                      [--workers 1,2] [--duration S] [--warmup S] [--repeat N]
#                                      [--bodies N] [--io-threads N] [--threads N]
#                                      [--access-log on|off] [--peer-nthread N]
#                                      [--quiet S] [--no-reference] [--peer-only] [--keep]
#   --connections      wrk connection counts to sweep (default 1,2,4,8,16,32,64)
#   --main-connections the "many keep-alive connections" point compared head to head (default 64)
#   --workers          uvicorn worker processes of the peer; each count is measured and the
#                      better peer reported (default 1,2)
#   --duration S       measured wrk run per server and connection count (default 10)
#   --warmup S         discarded wrk run before each measurement (default 3)
#   --repeat N         rounds of the whole sweep; each figure is the median of the rounds (default 1)
#   --bodies N         different request bodies, sent in turn (default 64)
#   --io-threads N     dataml --io-threads: the event loops that own the connections and run
#                      real-time predictions inline (default: dataml's default, one per core)
#   --threads N        dataml --threads: its pool for blocking handlers (default: dataml's, 16)
#   --access-log X     dataml's access log, on or off (default: DATAML_ACCESS_LOG from the
#                      environment, else dataml's default, on; the peer never logs requests)
#   --peer-nthread N   XGBoost nthread in the peer (default 1)
#   --quiet S          before each measurement, wait up to S seconds for the rest of the machine
#                      to go idle (< 0.2 cores busy); default 0 (don't wait)
#   --no-reference     skip the reference runs of dataml's GET /api/v1/validate-token
#   --peer-only        measure the peer(s) alone (no dataml endpoint needed)
#   --keep             keep the work dir (server data dir, wrk outputs, logs)
# The server binary is $DATAML_BENCH_BIN if set, else build/dataml.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="${DATAML_BENCH_BIN:-$ROOT/build/dataml}"
VENV="$ROOT/.venv"
REQS="$ROOT/bench/requirements.txt"
OUT="$ROOT/bench/out"
PEER_VENV="$OUT/.venv-predict-peer"
PEER_REQS="$HERE/requirements-peer.txt"

ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --connections|--main-connections|--workers|--duration|--warmup|--repeat|--bodies|--io-threads|--threads|--access-log|--peer-nthread|--quiet)
      ARGS+=("$1" "$2"); shift 2 ;;
    --peer-only|--no-reference|--keep) ARGS+=("$1"); shift ;;
    -h|--help) sed -n '2,31p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

# ---- prerequisites -----------------------------------------------------------------------------
source "$ROOT/bench/prerequisites.sh"
bench_prerequisites "$BIN" "$VENV" "$REQS"
bench_require_wrk

# The peer's own venv: XGBoost 1.7.4 (the version dataml links) with FastAPI/uvicorn, the whole
# pinned set installed with --no-deps; left alone while its stamp matches (no pip, no network).
mkdir -p "$OUT"
WANT="$(sha256sum "$PEER_REQS" | cut -d' ' -f1) $(python3 -c 'import sys; print(sys.version.split()[0])')"
if [[ ! -x "$PEER_VENV/bin/python" || ! -f "$PEER_VENV/.requirements.sha256" \
      || "$(cat "$PEER_VENV/.requirements.sha256")" != "$WANT" ]]; then
  echo "== peer venv $PEER_VENV ($(python3 --version 2>&1), $(basename "$PEER_REQS"))"
  rm -rf "$PEER_VENV"
  python3 -m venv "$PEER_VENV"
  "$PEER_VENV/bin/pip" install -q --disable-pip-version-check --no-deps -r "$PEER_REQS"
  "$PEER_VENV/bin/python" -c 'import xgboost, numpy, fastapi, uvicorn, uvloop, httptools' \
    || { echo "error: $PEER_VENV does not import xgboost/fastapi/uvicorn" >&2; exit 1; }
  echo "$WANT" >"$PEER_VENV/.requirements.sha256"
fi

cd "$HERE"
exec "$VENV/bin/python" "$HERE/bench.py" --bin "$BIN" --peer-python "$PEER_VENV/bin/python" \
  ${ARGS[@]+"${ARGS[@]}"}
