#!/usr/bin/env bash
# ThreadSanitizer run of the rabit tracker's tests (engine/ml/rabit_tracker*) and of the
# statistics workers agree on (engine/ml/group_statistics*): the tracker's io thread, Stop/Wait
# from other threads, and XGBoost workers on threads of their own. Built on its own from core and
# the engine files it needs (libxgboost stays uninstrumented).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${TSAN_BUILD_DIR:-build-tsan}
mkdir -p "$OUT"
g++ -std=c++20 -O1 -g -fsanitize=thread -Wall -Wextra -Wno-tsan -Isrc -DDATAML_VERSION=\"tsan\" \
    -DSPDLOG_FMT_EXTERNAL -DSPDLOG_SHARED_LIB \
    src/engine/ml/rabit_tracker.cc src/engine/ml/rabit_tracker_test.cc src/engine/ml/xgboost_api.cc \
    src/engine/ml/group_statistics.cc src/engine/ml/group_statistics_test.cc \
    $(ls src/core/*.cc | grep -v '_test\.cc$') \
    -o "$OUT/rabit_tracker_tests" -lgtest -lgtest_main -lxgboost -lsodium -lssl -lcrypto -lspdlog -lfmt -pthread
TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1} "$OUT/rabit_tracker_tests"
