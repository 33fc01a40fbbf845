#!/usr/bin/env bash
# CPU profile of dataml under load: perf record (software clock, cpu-clock, since the VM has no
# hardware counters) of the server process while wrk drives GET /api/v1/validate-token and, when
# a kept predict_realtime work dir is given, POST /api/v1/inference/ with its bodies. Prints the
# top symbols by self time (all threads), by component, shared object and thread, and the
# system calls' inclusive shares (perf_summary.py).
#
# Usage: bench/http_ceiling/profile.sh [--predict-work DIR] [--connections N] [--seconds S]
#                                      [--top N] [--access-log on|off] [--keep]
#   --predict-work DIR  a work dir kept by `bench/predict_realtime/run.sh --keep` (its
#                       server/data holds the trained model, bodies.jsonl the request bodies);
#                       without it only validate-token is profiled, on a fresh data dir
#   --connections N     wrk connections (default 2)
#   --seconds S         profiled seconds per load (default 10, after a 3 s warm-up)
#   --top N             symbols listed (default 15)
#   --access-log X      dataml's access log, on or off (default: DATAML_ACCESS_LOG, else on)
#   --keep              keep the perf data and logs and print their path
# The server binary is $DATAML_BENCH_BIN if set, else build/dataml. Needs perf (linux-perf).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="${DATAML_BENCH_BIN:-$ROOT/build/dataml}"
PY="$ROOT/.venv/bin/python"

PREDICT_WORK=""
CONNS=2
SECONDS_=10
TOP=15
ACCESS_LOG="${DATAML_ACCESS_LOG:-}"
KEEP=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --predict-work) PREDICT_WORK="$2"; shift 2 ;;
    --connections) CONNS="$2"; shift 2 ;;
    --seconds) SECONDS_="$2"; shift 2 ;;
    --top) TOP="$2"; shift 2 ;;
    --access-log) ACCESS_LOG="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$ACCESS_LOG" in
  ""|on|1|true) ACCESS_LOG=on; LOG_ENV=1 ;;
  off|0|false) ACCESS_LOG=off; LOG_ENV=0 ;;
  *) echo "--access-log: on or off" >&2; exit 2 ;;
esac
[[ -x "$BIN" ]] || { echo "error: $BIN not found" >&2; exit 1; }
command -v perf >/dev/null || { echo "error: perf is missing (apt-get install linux-perf)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "error: wrk is missing (apt-get install wrk)" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/dataml-profile.XXXXXX")"
DATAML_PID=""
cleanup() {
  local rc=$?
  if [[ -n "$DATAML_PID" ]]; then
    kill -TERM "$DATAML_PID" 2>/dev/null || true
    wait "$DATAML_PID" 2>/dev/null || true
  fi
  if [[ $rc -ne 0 || $KEEP -eq 1 ]]; then echo "perf data and logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DATA="$WORK/data"
if [[ -n "$PREDICT_WORK" ]]; then
  DATA="$PREDICT_WORK/server/data"
  [[ -f "$PREDICT_WORK/bodies.jsonl" && -d "$DATA" ]] || { echo "error: $PREDICT_WORK has no server/data or bodies.jsonl" >&2; exit 1; }
fi
mkdir -p "$DATA"
: >"$WORK/dataml.out"
DATAML_ADMIN_PASSWORD=Admin12345 DATAML_JWT_SECRET="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(36))')" \
  DATAML_ACCESS_LOG="$LOG_ENV" "$BIN" serve --host 127.0.0.1 --port 0 --data-dir "$DATA" \
  >"$WORK/dataml.out" 2>"$WORK/dataml.err" &
DATAML_PID=$!
PORT=""
for _ in $(seq 150); do
  PORT="$(sed -n 's#^dataml listening on http://127\.0\.0\.1:\([0-9]*\).*#\1#p' "$WORK/dataml.out" | head -n1)"
  [[ -n "$PORT" ]] && break
  sleep 0.1
done
[[ -n "$PORT" ]] || { echo "dataml did not start" >&2; cat "$WORK/dataml.err" >&2; exit 1; }
TOKEN="$(curl -sS -f -X POST --data 'username=admin&password=Admin12345' \
  "http://127.0.0.1:$PORT/api/v1/login/access-token" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"

profile() {  # profile NAME WRK-ARGS...: warm-up, then wrk and perf record side by side
  local name="$1"; shift
  local t=$(( CONNS < 2 ? CONNS : 2 ))
  wrk -t"$t" -c"$CONNS" -d3s "$@" >/dev/null
  wrk -t"$t" -c"$CONNS" -d"$(( SECONDS_ + 2 ))s" --latency "$@" >"$WORK/$name.wrk" &
  local wrk_pid=$!
  sleep 1
  perf record -q -e cpu-clock -F 1999 -g -p "$DATAML_PID" -o "$WORK/$name.perf" -- sleep "$SECONDS_" 2>/dev/null
  wait "$wrk_pid"
  echo
  echo "=== $name: wrk -c$CONNS, perf record -e cpu-clock -F 1999 for ${SECONDS_}s; access log $ACCESS_LOG"
  grep -E "Requests/sec|^ +(50|99)%|Non-2xx" "$WORK/$name.wrk" | sed 's/^ */   /'
  "$PY" "$HERE/perf_summary.py" "$WORK/$name.perf" "$TOP"
}

profile validate_token -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/validate-token"
if [[ -n "$PREDICT_WORK" ]]; then
  export BODIES="$PREDICT_WORK/bodies.jsonl" TOKEN
  profile prediction -s "$ROOT/bench/predict_realtime/predict.lua" "http://127.0.0.1:$PORT/api/v1/inference/"
fi
