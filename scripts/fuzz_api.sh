#!/usr/bin/env bash
# Property-based testing of the API: Schemathesis over the server's own /openapi.json, every phase
# (examples, coverage, fuzzing, stateful) and every check, as the superuser (a token from the login
# endpoint), against a fresh `dataml serve` on SQLite with its own data dir.
#
# Usage: scripts/fuzz_api.sh [schemathesis run options...]
#   FUZZ_SEED (default 1) and FUZZ_MAX_TIME (seconds, default 600) fix the run; DATAML_BIN picks
#   the server (default build/dataml). The reports (NDJSON, JUnit) go to build/fuzz-api/.
# Schemathesis lives in .venv-fuzz (tests/api/requirements-fuzz.txt), made on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${DATAML_BIN:-$PWD/build/dataml}
OUT=$PWD/build/fuzz-api
[[ -x "$BIN" ]] || { echo "error: $BIN not found; run make build first" >&2; exit 1; }

[[ -x .venv-fuzz/bin/python ]] || python3 -m venv .venv-fuzz
stamp=.venv-fuzz/.requirements.sha256
want=$(sha256sum tests/api/requirements-fuzz.txt | cut -d' ' -f1)
if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  .venv-fuzz/bin/pip install -q --disable-pip-version-check -r tests/api/requirements-fuzz.txt
  echo "$want" > "$stamp"
fi

rm -rf "$OUT" && mkdir -p "$OUT"
password=Fuzz-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
DATAML_ADMIN_PASSWORD=$password DATAML_JWT_SECRET=$(head -c 36 /dev/urandom | base64) \
DATAML_ACCESS_TOKEN_TTL_SECONDS=86400 \
  "$BIN" serve --host 127.0.0.1 --port 0 --data-dir "$OUT/data" >"$OUT/server.out" 2>"$OUT/server.err" &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 150); do
  grep -q "listening on" "$OUT/server.out" 2>/dev/null && break
  kill -0 $server 2>/dev/null || { cat "$OUT/server.err" >&2; exit 1; }
  sleep 0.1
done
base=$(grep -o "http://127.0.0.1:[0-9]*" "$OUT/server.out" | head -1)
token=$(curl -sf -X POST "$base/api/v1/login/access-token" --data-urlencode username=admin \
  --data-urlencode "password=$password" | .venv-fuzz/bin/python -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')

.venv-fuzz/bin/st run "$base/openapi.json" -H "Authorization: Bearer $token" \
  --checks all --seed "${FUZZ_SEED:-1}" --max-time "${FUZZ_MAX_TIME:-600}" --workers 2 \
  --report ndjson,junit --report-dir "$OUT" "$@"
