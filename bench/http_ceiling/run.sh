#!/usr/bin/env bash
# HTTP ceiling: dataml's GET /api/v1/validate-token against the least a Boost.Beast HTTP/1.1
# keep-alive server can do on this machine (ceiling_server.cc: a fixed JSON answer of the same
# size, 2 I/O threads, nothing else), both driven by wrk with the same settings, one after the
# other, in the same run. Prints req/s, p50 and p99 of each and dataml as a percentage of the
# ceiling. See README.md here.
#
# Usage: bench/http_ceiling/run.sh [--connections 2,16,64] [--duration S] [--warmup S]
#                                  [--repeat N] [--io-threads N] [--threads N]
#                                  [--access-log on|off] [--ceiling-threads N]
#                                  [--wrk-threads N] [--quiet S] [--keep]
#   --connections      wrk connection counts (default 2,16,64)
#   --duration S       measured wrk run per server and connection count (default 10)
#   --warmup S         discarded wrk run before each measurement (default 3)
#   --repeat N         rounds; each figure is the median of the rounds (default 1)
#   --io-threads N     dataml --io-threads (default: dataml's default, one per core)
#   --threads N        dataml --threads, its pool for blocking handlers (default: dataml's, 16)
#   --access-log X     dataml's access log, on or off (default: DATAML_ACCESS_LOG from the
#                      environment, else dataml's default, on)
#   --ceiling-threads  I/O threads of the ceiling server (default 2)
#   --h2o              also measure the same bare server on H2O's library (h2o_ceiling.c, needs
#                      Debian's libh2o-evloop-dev), as a second ceiling: which library is faster
#   --wrk-threads N    wrk threads (default 2; never more than connections)
#   --quiet S          before each measurement wait up to S seconds for the rest of the machine
#                      to go idle (< 0.2 cores busy); default 0 (don't wait)
#   --keep             keep the work dir (wrk outputs, server logs) and print its path
# The server binary is $DATAML_BENCH_BIN if set, else build/dataml.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="${DATAML_BENCH_BIN:-$ROOT/build/dataml}"
VENV="$ROOT/.venv"
REQS="$ROOT/bench/requirements.txt"
OUT="$ROOT/bench/out/http_ceiling"

CONNS_LIST="2,16,64"
DURATION=10
WARMUP=3
REPEAT=1
IO_THREADS=""
DATAML_THREADS=""
ACCESS_LOG="${DATAML_ACCESS_LOG:-}"
CEILING_THREADS=2
H2O=0
WRK_THREADS=2
QUIET=0
KEEP=0

while [[ $# -gt 0 ]]; do
  case "$1" in
    --connections) CONNS_LIST="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --repeat) REPEAT="$2"; shift 2 ;;
    --io-threads) IO_THREADS="$2"; shift 2 ;;
    --threads) DATAML_THREADS="$2"; shift 2 ;;
    --access-log) ACCESS_LOG="$2"; shift 2 ;;
    --ceiling-threads) CEILING_THREADS="$2"; shift 2 ;;
    --h2o) H2O=1; shift ;;
    --wrk-threads) WRK_THREADS="$2"; shift 2 ;;
    --quiet) QUIET="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$ACCESS_LOG" in
  ""|on|1|true) ACCESS_LOG=on ;;
  off|0|false) ACCESS_LOG=off ;;
  *) echo "--access-log: on or off" >&2; exit 2 ;;
esac

# ---- prerequisites -----------------------------------------------------------------------------
source "$ROOT/bench/prerequisites.sh"
bench_prerequisites "$BIN" "$VENV" "$REQS"
bench_require_wrk
PY="$VENV/bin/python"
command -v g++ >/dev/null || { echo "error: g++ is needed to build the ceiling server" >&2; exit 1; }
[[ -f /usr/include/boost/beast.hpp ]] || { echo "error: the Boost headers (Beast) are missing" >&2; exit 1; }

# The ceiling server: rebuilt when its source, the flags or the compiler change (~30 s).
CXXFLAGS=(-O2 -std=c++20)
CEILING="$OUT/ceiling_server"
mkdir -p "$OUT"
STAMP="$( (cat "$HERE/ceiling_server.cc"; echo "${CXXFLAGS[*]}"; g++ --version | head -n1) | sha256sum | cut -d' ' -f1)"
if [[ ! -x "$CEILING" || ! -f "$CEILING.stamp" || "$(cat "$CEILING.stamp")" != "$STAMP" ]]; then
  echo "== building the ceiling server: g++ ${CXXFLAGS[*]} ceiling_server.cc -pthread"
  g++ "${CXXFLAGS[@]}" "$HERE/ceiling_server.cc" -o "$CEILING.tmp" -pthread
  mv "$CEILING.tmp" "$CEILING"
  echo "$STAMP" >"$CEILING.stamp"
fi
H2O_CEILING="$OUT/h2o_ceiling"
if [[ $H2O -eq 1 ]]; then
  pkg-config --exists libh2o-evloop || { echo "error: --h2o needs libh2o-evloop-dev (apt-get install libh2o-evloop-dev)" >&2; exit 1; }
  echo "== building the H2O server: gcc -O2 h2o_ceiling.c (libh2o-evloop $(pkg-config --modversion libh2o-evloop))"
  gcc -O2 "$HERE/h2o_ceiling.c" -o "$H2O_CEILING" $(pkg-config --cflags --libs libh2o-evloop) -pthread
fi

# ---- run state and cleanup ---------------------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/dataml-bench-http-ceiling.XXXXXX")"
DATAML_PID=""
CEILING_PID=""
H2O_PID=""

stop_pid() {  # stop_pid PID: SIGCONT + SIGTERM, wait up to 5 s, then SIGKILL
  local pid="$1" i
  kill -CONT "$pid" 2>/dev/null || true
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  if [[ -n "$DATAML_PID" ]]; then stop_pid "$DATAML_PID"; DATAML_PID=""; fi
  if [[ -n "$CEILING_PID" ]]; then stop_pid "$CEILING_PID"; CEILING_PID=""; fi
  if [[ -n "$H2O_PID" ]]; then stop_pid "$H2O_PID"; H2O_PID=""; fi
  if [[ $rc -ne 0 ]]; then
    echo "benchmark failed (exit $rc); work dir kept in $WORK" >&2
  elif [[ $KEEP -eq 1 ]]; then
    echo "raw wrk outputs and server logs kept in $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_port() {  # wait_port FILE PATTERN PID NAME: the port a server printed on its stdout
  local file="$1" pattern="$2" pid="$3" name="$4" port="" i
  for i in $(seq 150); do
    port="$(sed -n "s#^$pattern http://127\.0\.0\.1:\([0-9]*\).*#\1#p" "$file" | head -n1)"
    [[ -n "$port" ]] && { echo "$port"; return 0; }
    kill -0 "$pid" 2>/dev/null || { echo "$name exited early:" >&2; cat "$file" >&2; return 1; }
    sleep 0.1
  done
  echo "$name did not report its port within 15 s" >&2
  return 1
}

cpu_ticks() {  # cpu_ticks PID: utime + stime of a process (all its threads), in clock ticks
  local f
  read -r -a f < <(sed 's/^.*) //' "/proc/$1/stat")
  echo $(( f[11] + f[12] ))
}

busy_ticks() {  # busy_ticks: CPU ticks the whole machine spent busy since boot (all cores)
  local f
  read -r -a f < <(head -n1 /proc/stat)
  echo $(( f[1] + f[2] + f[3] + f[6] + f[7] + f[8] ))
}

child_ticks() {  # child_ticks VAR: user + system CPU of this shell's finished children (wrk), in
  # ticks, into VAR; `times` must run in this shell, not in a $(...) subshell
  times >"$WORK/.times"
  printf -v "$1" '%s' "$(tail -n1 "$WORK/.times" | awk -v hz="$(getconf CLK_TCK)" '{
    s = 0
    for (i = 1; i <= 2; i++) { split($i, p, "m"); sub("s", "", p[2]); s += p[1] * 60 + p[2] }
    printf "%d", s * hz + 0.5 }')"
}

wait_quiet() {  # wait_quiet S: up to S seconds until the machine is < 0.2 cores busy over 1 s
  local max="$1" start b0 b1 hz
  [[ "$max" == 0 ]] && return 0
  hz="$(getconf CLK_TCK)"; start=$SECONDS
  while :; do
    b0="$(busy_ticks)"; sleep 1; b1="$(busy_ticks)"
    (( (b1 - b0) * 5 < hz )) && break
    (( SECONDS - start >= max )) && { echo "      (still $(( 100 * (b1 - b0) / hz ))% of a core busy elsewhere after ${max}s)"; break; }
    sleep 4
  done
  (( SECONDS - start > 2 )) && echo "      (waited $(( SECONDS - start )) s for a quieter machine)"
  return 0
}

# ---- servers -----------------------------------------------------------------------------------
: >"$WORK/ceiling.out"; : >"$WORK/dataml.out"
"$CEILING" --port 0 --threads "$CEILING_THREADS" >"$WORK/ceiling.out" 2>&1 &
CEILING_PID=$!
CEILING_PORT="$(wait_port "$WORK/ceiling.out" "ceiling listening on" "$CEILING_PID" ceiling)"
SERVERS=(ceiling dataml)
if [[ $H2O -eq 1 ]]; then
  "$H2O_CEILING" --port 0 --threads "$CEILING_THREADS" >"$WORK/h2o.out" 2>&1 &
  H2O_PID=$!
  H2O_PORT="$(wait_port "$WORK/h2o.out" "h2o ceiling listening on" "$H2O_PID" h2o)"
  SERVERS=(ceiling h2o dataml)
fi

SECRET="$("$PY" -c 'import secrets; print(secrets.token_urlsafe(36))')"
DATAML_ARGS=(serve --host 127.0.0.1 --port 0 --data-dir "$WORK/dataml-data")
[[ -n "$IO_THREADS" ]] && DATAML_ARGS+=(--io-threads "$IO_THREADS")
[[ -n "$DATAML_THREADS" ]] && DATAML_ARGS+=(--threads "$DATAML_THREADS")
LOG_ENV=1; [[ "$ACCESS_LOG" == off ]] && LOG_ENV=0
DATAML_DESC="--io-threads ${IO_THREADS:-default ($(nproc))} --threads ${DATAML_THREADS:-default (16)}"
echo "== starting dataml ($BIN serve $DATAML_DESC; access log $ACCESS_LOG)"
mkdir -p "$WORK/dataml-data"
DATAML_ADMIN_PASSWORD=Admin12345 DATAML_JWT_SECRET="$SECRET" DATAML_ACCESS_LOG="$LOG_ENV" \
  "$BIN" "${DATAML_ARGS[@]}" >"$WORK/dataml.out" 2>"$WORK/dataml.err" &
DATAML_PID=$!
DATAML_PORT="$(wait_port "$WORK/dataml.out" "dataml listening on" "$DATAML_PID" dataml)"

LOGIN_JSON="$(curl -sS -f -X POST --data 'username=admin&password=Admin12345' \
  "http://127.0.0.1:$DATAML_PORT/api/v1/login/access-token")"
TOKEN="$(printf '%s' "$LOGIN_JSON" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"

PATH_="/api/v1/validate-token"
declare -A URL=([ceiling]="http://127.0.0.1:$CEILING_PORT$PATH_" [dataml]="http://127.0.0.1:$DATAML_PORT$PATH_")
declare -A PID=([ceiling]="$CEILING_PID" [dataml]="$DATAML_PID")
if [[ $H2O -eq 1 ]]; then URL[h2o]="http://127.0.0.1:$H2O_PORT$PATH_"; PID[h2o]="$H2O_PID"; fi
for name in "${SERVERS[@]}"; do
  body="$(curl -sS -f -H "Authorization: Bearer $TOKEN" "${URL[$name]}")" || { echo "$name: GET failed" >&2; exit 1; }
  echo "   $name says: $body"
  [[ "$body" == *'"valid":true'* ]] || { echo "$name: unexpected body" >&2; exit 1; }
done

# ---- load --------------------------------------------------------------------------------------
IFS=',' read -r -a CONNS <<<"$CONNS_LIST"
TOTAL=$(( REPEAT * ${#CONNS[@]} * ${#SERVERS[@]} * (DURATION + WARMUP) ))
echo "== wrk: ${DURATION}s per measurement after a ${WARMUP}s warm-up, connections ${CONNS_LIST}," \
     "$REPEAT round(s), ${SERVERS[*]} in turn at each count, the others frozen (SIGSTOP); about $(( TOTAL / 60 )) min $(( TOTAL % 60 )) s"
: >"$WORK/runs.tsv"
for round in $(seq "$REPEAT"); do
  for c in "${CONNS[@]}"; do
    t=$(( c < WRK_THREADS ? c : WRK_THREADS ))
    for name in "${SERVERS[@]}"; do
      wait_quiet "$QUIET"
      for other in "${SERVERS[@]}"; do [[ $other != "$name" ]] && kill -STOP "${PID[$other]}"; done
      wrk -t"$t" -c"$c" -d"${WARMUP}s" -H "Authorization: Bearer $TOKEN" "${URL[$name]}" \
        >"$WORK/${name}_c${c}_r${round}.warmup"
      cpu0="$(cpu_ticks "${PID[$name]}")"; busy0="$(busy_ticks)"; child_ticks wrk0; t0="$(date +%s.%N)"
      wrk -t"$t" -c"$c" -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" "${URL[$name]}" \
        >"$WORK/${name}_c${c}_r${round}.wrk"
      t1="$(date +%s.%N)"; cpu1="$(cpu_ticks "${PID[$name]}")"; busy1="$(busy_ticks)"; child_ticks wrk1
      for other in "${SERVERS[@]}"; do kill -CONT "${PID[$other]}"; done
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$c" "$round" "$(( cpu1 - cpu0 ))" "$t0" "$t1" \
        "$(( wrk1 - wrk0 ))" "$(( busy1 - busy0 - (cpu1 - cpu0) - (wrk1 - wrk0) ))" >>"$WORK/runs.tsv"
      echo "   $round/$REPEAT c=$c $name: $(grep -m1 'Requests/sec' "$WORK/${name}_c${c}_r${round}.wrk" | tr -s ' ')"
    done
  done
done

# Every access-log line must be out before they are counted: stop dataml (it drains on SIGTERM).
stop_pid "$DATAML_PID"; DATAML_PID=""
stop_pid "$CEILING_PID"; CEILING_PID=""
if [[ -n "$H2O_PID" ]]; then stop_pid "$H2O_PID"; H2O_PID=""; fi

# ---- report ------------------------------------------------------------------------------------
CPU="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' || true)"
EXTRA_NOTES=()
[[ $H2O -eq 1 ]] && EXTRA_NOTES+=("h2o: h2o_ceiling.c on libh2o-evloop (Debian's libh2o $(dpkg-query -W -f='${Version}' libh2o-evloop-dev 2>/dev/null)), gcc -O2, $CEILING_THREADS threads with a listener each (SO_REUSEPORT), the same answer with Content-Length; h2o adds Date and Server headers")
"$PY" "$HERE/report.py" "$WORK" "$(getconf CLK_TCK)" "$ACCESS_LOG" \
  "machine: $(nproc) cores (${CPU:-unknown cpu}), $(uname -r), shared by wrk AND the server under test; servers measured one after the other, the idle one frozen (SIGSTOP); $(date -u '+%Y-%m-%d %H:%M UTC')" \
  "wrk: -t$WRK_THREADS (at most one per connection) -c N -d${DURATION}s --latency after a ${WARMUP}s warm-up; the same bearer token (issued by dataml's login) sent to both" \
  "dataml: $BIN serve $DATAML_DESC, access log $ACCESS_LOG; GET /api/v1/validate-token (JWT verify + the user row from its 1-second cache, inline on the I/O thread)" \
  "ceiling: ceiling_server.cc (Boost $(sed -n 's/^#define BOOST_LIB_VERSION "\(.*\)"/\1/p' /usr/include/boost/version.hpp), g++ ${CXXFLAGS[*]}), $CEILING_THREADS I/O threads, a fixed 116-byte JSON answer to any GET" \
  "${EXTRA_NOTES[@]}"
