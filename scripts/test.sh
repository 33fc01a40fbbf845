#!/usr/bin/env bash
# Runs every test: GoogleTest units (CTest) and the black-box HTTP suite against a real
# `dataml serve`, once on SQLite and once on a PostgreSQL server the suite starts itself.
# Then the web console: its Vitest unit tests, its first-load size, and its Playwright journeys in
# Debian's Chromium against a real `dataml serve`.
# Everything server-side runs on a build with AddressSanitizer and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${TEST_BUILD_DIR:-build-asan}

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDATAML_SANITIZE=ON -DDATAML_LAYER_CHECK=ON >/dev/null
ninja -C "$BUILD_DIR"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

echo "== unit tests"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j2

export DATAML_BIN="$PWD/$BUILD_DIR/dataml"
echo "== console unit tests"
(cd web && npm test --silent)
echo "== console first-load size"
(cd web && DATAML_CONSOLE_OUT="$PWD/../$BUILD_DIR/console" node scripts/first-load-size.mjs)
echo "== console end-to-end tests in Chromium"
(cd web && npx playwright test)

echo "== API tests on SQLite"
.venv/bin/python -m pytest tests/api --db sqlite -q -p no:cacheprovider
echo "== API tests on PostgreSQL"
.venv/bin/python -m pytest tests/api --db postgres -q -p no:cacheprovider
