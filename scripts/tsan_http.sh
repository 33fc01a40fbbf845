#!/usr/bin/env bash
# ThreadSanitizer run of the HTTP layer's own tests (server, dispatcher, multipart reader, client,
# metrics). The layer depends only on core, so it builds on its own, without the database,
# Arrow or XGBoost (whose uninstrumented libraries would only make TSan noisy).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${TSAN_BUILD_DIR:-build-tsan}
mkdir -p "$OUT"
sources=$(ls src/core/*.cc src/http/*.cc | grep -v '_test\.cc$')
tests=$(ls src/http/*_test.cc)
flags=(-std=c++20 -O1 -g -fsanitize=thread -Wall -Wextra -Wno-tsan -Isrc -DDATAML_VERSION=\"tsan\"
       -DSPDLOG_FMT_EXTERNAL -DSPDLOG_SHARED_LIB)
objects=()
for f in $sources $tests; do
  o="$OUT/$(echo "$f" | tr / _).o"
  if [ ! -f "$o" ] || [ "$f" -nt "$o" ] || [ -n "$(find src/core src/http -name '*.h' -newer "$o" | head -1)" ]; then
    g++ "${flags[@]}" -c "$f" -o "$o"
  fi
  objects+=("$o")
done
g++ -fsanitize=thread "${objects[@]}" -o "$OUT/http_tests" -lgtest -lgtest_main -lboost_url -lsodium \
    -lssl -lcrypto -lspdlog -lfmt -pthread
TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1} "$OUT/http_tests"
