#!/usr/bin/env bash
# Ray-run training against a local one, same data, same run (bench.py here). Needs the release
# build (make build) and Ray in .venv (scripts/setup.sh installs it).
#
# Usage: bench/ray_train/run.sh [--rows N] [--repeat N] [--cpus N] [--keep]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="$ROOT/build/dataml"
VENV="$ROOT/.venv"

source "$ROOT/bench/prerequisites.sh"
bench_prerequisites "$BIN" "$VENV" "$ROOT/bench/requirements.txt"
exec "$VENV/bin/python" "$HERE/bench.py" --bin "$BIN" "$@"
