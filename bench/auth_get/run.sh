#!/usr/bin/env bash
# Authenticated-GET benchmark: dataml (C++) vs a minimal FastAPI + uvicorn peer doing the same
# work (HS256 JWT verify + SQLite user lookup by id + JSON), both driven by wrk with identical
# settings, one after the other, in the same run. See bench/README.md.
#
# Usage: bench/auth_get/run.sh [--workers N] [--io-threads N] [--threads N] [--access-log on|off]
#                              [--connections N] [--wrk-threads N] [--duration SECS] [--warmup SECS]
#   --workers N      uvicorn worker processes for the peer (default 2 = cores; use 1 for one)
#   --io-threads N   dataml --io-threads: the event loops that own the connections and run
#                    validate-token inline (default: dataml's default, one per core)
#   --threads N      dataml --threads: the pool for blocking handlers, not used by validate-token
#                    (default: dataml's default, 16)
#   --access-log X   dataml's per-request access log, on or off (default: DATAML_ACCESS_LOG from
#                    the environment, else dataml's default, on; the peer never logs requests)
#   --connections N  wrk connections (default 50)
#   --wrk-threads N  wrk threads (default 2)
#   --duration SECS  measured wrk run per server (default 10)
#   --warmup SECS    discarded wrk run before each measurement (default 3)
#   --keep           keep the temp dir (raw wrk outputs, server logs) and print its path
# The server binary is $DATAML_BENCH_BIN if set, else build/dataml.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="${DATAML_BENCH_BIN:-$ROOT/build/dataml}"
VENV="$ROOT/.venv"
REQS="$ROOT/bench/requirements.txt"

WORKERS=2
IO_THREADS=""
DATAML_THREADS=""
ACCESS_LOG="${DATAML_ACCESS_LOG:-}"
CONNS=50
WRK_THREADS=2
DURATION=10
WARMUP=3
KEEP=0

while [[ $# -gt 0 ]]; do
  case "$1" in
    --workers) WORKERS="$2"; shift 2 ;;
    --io-threads) IO_THREADS="$2"; shift 2 ;;
    --threads) DATAML_THREADS="$2"; shift 2 ;;
    --access-log) ACCESS_LOG="$2"; shift 2 ;;
    --connections) CONNS="$2"; shift 2 ;;
    --wrk-threads) WRK_THREADS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$ACCESS_LOG" in
  ""|on|1|true) ACCESS_LOG=on; LOG_ENV=1 ;;
  off|0|false) ACCESS_LOG=off; LOG_ENV=0 ;;
  *) echo "--access-log: on or off" >&2; exit 2 ;;
esac

# ---- prerequisites -----------------------------------------------------------------------------
source "$ROOT/bench/prerequisites.sh"
bench_prerequisites "$BIN" "$VENV" "$REQS"
bench_require_wrk
PY="$VENV/bin/python"

# ---- run state and cleanup ---------------------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/dataml-bench-auth-get.XXXXXX")"
DATAML_PID=""
PEER_PGID=""

stop_pid() {  # stop_pid PID: SIGTERM, wait up to 5 s, then SIGKILL
  local pid="$1" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

stop_peer() {  # the peer runs in its own session: signal its whole process group
  [[ -n "$PEER_PGID" ]] || return 0
  local i
  kill -TERM -- "-$PEER_PGID" 2>/dev/null || true
  for i in $(seq 50); do kill -0 -- "-$PEER_PGID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$PEER_PGID" 2>/dev/null || true
  wait "$PEER_PGID" 2>/dev/null || true
  PEER_PGID=""
}

cleanup() {
  local rc=$?
  if [[ -n "$DATAML_PID" ]]; then stop_pid "$DATAML_PID"; DATAML_PID=""; fi
  stop_peer
  if [[ $rc -ne 0 ]]; then
    echo "benchmark failed (exit $rc); server logs kept in $WORK" >&2
  elif [[ $KEEP -eq 1 ]]; then
    echo "raw wrk outputs and server logs kept in $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# One fresh 48-character HS256 secret per run, shared by both servers.
SECRET="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(36))')"
[[ ${#SECRET} -eq 48 ]] || { echo "secret generation failed" >&2; exit 1; }

bench() {  # bench NAME URL: warm-up (discarded), then the measured run into $WORK/NAME.wrk
  local name="$1" url="$2"
  echo "== $name: warm-up ${WARMUP}s"
  wrk -t"$WRK_THREADS" -c"$CONNS" -d"${WARMUP}s" -H "Authorization: Bearer $TOKEN" "$url" >/dev/null
  echo "== $name: wrk -t$WRK_THREADS -c$CONNS -d${DURATION}s --latency"
  wrk -t"$WRK_THREADS" -c"$CONNS" -d"${DURATION}s" --latency \
      -H "Authorization: Bearer $TOKEN" "$url" >"$WORK/$name.wrk"
}

check_200() {  # check_200 NAME URL: one authenticated request must answer 200 with valid:true
  local body
  body="$(curl -sS -f -H "Authorization: Bearer $TOKEN" "$2")" || { echo "$1: validate-token failed" >&2; exit 1; }
  echo "   $1 says: $body"
  [[ "$body" == *'"valid":true'* ]] || { echo "$1: unexpected body" >&2; exit 1; }
}

# ---- dataml ------------------------------------------------------------------------------------
DATAML_ARGS=()
[[ -n "$IO_THREADS" ]] && DATAML_ARGS+=(--io-threads "$IO_THREADS")
[[ -n "$DATAML_THREADS" ]] && DATAML_ARGS+=(--threads "$DATAML_THREADS")
DATAML_DESC="--io-threads ${IO_THREADS:-default ($(nproc))} --threads ${DATAML_THREADS:-default (16)}"
echo "== starting dataml ($BIN serve $DATAML_DESC, access log $ACCESS_LOG)"
mkdir -p "$WORK/dataml-data"
DATAML_ADMIN_PASSWORD=Admin12345 DATAML_JWT_SECRET="$SECRET" DATAML_ACCESS_LOG="$LOG_ENV" \
  "$BIN" serve --host 127.0.0.1 --port 0 --data-dir "$WORK/dataml-data" ${DATAML_ARGS[@]+"${DATAML_ARGS[@]}"} \
  >"$WORK/dataml.out" 2>"$WORK/dataml.err" &
DATAML_PID=$!
DATAML_PORT=""
for _ in $(seq 100); do
  DATAML_PORT="$(sed -n 's#^dataml listening on http://127\.0\.0\.1:\([0-9]*\).*#\1#p' "$WORK/dataml.out" | head -n1)"
  [[ -n "$DATAML_PORT" ]] && break
  kill -0 "$DATAML_PID" 2>/dev/null || { echo "dataml exited early:" >&2; cat "$WORK/dataml.out" "$WORK/dataml.err" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$DATAML_PORT" ]] || { echo "dataml did not report its port within 10 s" >&2; exit 1; }
DATAML_URL="http://127.0.0.1:$DATAML_PORT"

LOGIN_JSON="$(curl -sS -f -X POST --data 'username=admin&password=Admin12345' "$DATAML_URL/api/v1/login/access-token")"
TOKEN="$(printf '%s' "$LOGIN_JSON" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
USER_ID="$("$PY" -c 'import jwt,sys; print(jwt.decode(sys.argv[1], options={"verify_signature": False})["sub"])' "$TOKEN")"
check_200 dataml "$DATAML_URL/api/v1/validate-token"

# The peer's own SQLite file, holding a copy of the same users row.
"$PY" "$HERE/make_peer_db.py" "$WORK/dataml-data/dataml.db" "$WORK/peer.db" "$USER_ID"

bench dataml "$DATAML_URL/api/v1/validate-token"
stop_pid "$DATAML_PID"; DATAML_PID=""

# ---- FastAPI peer ------------------------------------------------------------------------------
PEER_PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
PEER_URL="http://127.0.0.1:$PEER_PORT"
echo "== starting FastAPI peer (uvicorn, $WORKERS worker process(es), uvloop + httptools, no access log)"
PEER_JWT_SECRET="$SECRET" PEER_DB_PATH="$WORK/peer.db" \
  setsid "$VENV/bin/uvicorn" peer_app:app --app-dir "$HERE" --host 127.0.0.1 --port "$PEER_PORT" \
  --workers "$WORKERS" --loop uvloop --http httptools --no-access-log --log-level warning \
  >"$WORK/peer.out" 2>"$WORK/peer.err" &
PEER_PGID=$!
for _ in $(seq 150); do
  curl -s -o /dev/null "$PEER_URL/api/v1/validate-token" && break
  kill -0 "$PEER_PGID" 2>/dev/null || { echo "uvicorn exited early:" >&2; cat "$WORK/peer.err" >&2; exit 1; }
  sleep 0.1
done
check_200 peer "$PEER_URL/api/v1/validate-token"
sleep 0.5  # let every worker finish importing before the warm-up

bench peer "$PEER_URL/api/v1/validate-token"
stop_peer

# ---- report ------------------------------------------------------------------------------------
CPU="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)"
"$PY" "$HERE/report.py" "$WORK/dataml.wrk" "$WORK/peer.wrk" \
  "FastAPI/uvicorn x$WORKERS" \
  "machine: $(nproc) cores (${CPU:-unknown cpu}) shared by wrk AND the server under test; servers measured one after the other" \
  "wrk: -t$WRK_THREADS -c$CONNS -d${DURATION}s --latency after a ${WARMUP}s warm-up, same token (HS256, issued by dataml) for both" \
  "dataml: $BIN serve $DATAML_DESC (event loops on the I/O threads; validate-token runs inline there, the user row from a 1-second cache), SQLite in WAL mode, access log $ACCESS_LOG" \
  "peer: uvicorn --workers $WORKERS (processes; use --workers 1 for one), uvloop+httptools, async handler, PyJWT verify + sqlite3 lookup on one connection per thread (= per worker process)" \
  "access log: dataml $ACCESS_LOG (a line per request to stdout through an async logger), the peer off (uvicorn --no-access-log); keep-alive connections stay open on both"
