# The README's two commands: `make run` (build and serve on embedded defaults) and `make test`.
.PHONY: setup build run test tsan fuzz-api unit-test api-test bench format clean

BUILD_DIR ?= build
TEST_BUILD_DIR ?= build-asan
DATA_DIR ?= ./var

setup:
	@scripts/setup.sh

build: setup
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@ninja -C $(BUILD_DIR)

run: build
	./$(BUILD_DIR)/dataml serve --data-dir $(DATA_DIR)

# Every test: unit tests and the HTTP suite on SQLite and on PostgreSQL, all under ASan/UBSan.
test: setup
	@scripts/test.sh

# Schemathesis over /openapi.json against the release server, every phase and check (10 minutes by
# default; FUZZ_MAX_TIME, FUZZ_SEED). Not part of `make test` yet: see docs/reliability.md.
fuzz-api: build
	@scripts/fuzz_api.sh

# ThreadSanitizer runs of the HTTP layer's own tests and of the rabit tracker's (a few minutes;
# not part of `make test`).
tsan: setup
	@scripts/tsan_http.sh
	@scripts/tsan_tracker.sh

bench: build
	@bench/auth_get/run.sh
	@bench/http_ceiling/run.sh
	@bench/ingest/run.sh
	@bench/train/run.sh
	@bench/shap/run.sh
	@bench/predict_realtime/run.sh
	@bench/predict_batch/run.sh
	@bench/ray_train/run.sh
	@bench/forecast_engine/run.sh
	@bench/forecast/run.sh
	@bench/lake/run.sh
	@bench/sort_view/run.sh

format:
	@find src -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(TEST_BUILD_DIR)
