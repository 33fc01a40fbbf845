#!/usr/bin/env bash
# Installs everything dataml needs to build, run and test, from nothing, idempotently:
# Debian packages, the project's Python venvs (.venv, .venv-duckdb) and the web console's npm
# packages (web/node_modules, Swagger UI's among them).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  cmake ninja-build g++ pkg-config git
  nlohmann-json3-dev libsoci-dev libboost1.81-dev libboost-url1.81-dev libcpp-jwt-dev libsodium-dev
  libspdlog-dev libcli11-dev libgtest-dev libssl-dev libsqlite3-dev libpq-dev libjemalloc-dev
  libxgboost-dev
  postgresql python3-venv npm
  chromium  # the console's end-to-end tests: Playwright drives Debian's build, never a downloaded one
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
# A machine may already have node/npm from elsewhere; Debian's npm is only needed without one.
if command -v npm >/dev/null 2>&1; then
  missing=("${missing[@]/npm}")
fi
# python3-venv matters only when the python3 on PATH cannot make a venv.
if python3 -m venv --help >/dev/null 2>&1; then
  missing=("${missing[@]/python3-venv}")
fi
to_install=()
for pkg in "${missing[@]}"; do [ -n "$pkg" ] && to_install+=("$pkg"); done
if [ ${#to_install[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${to_install[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${to_install[@]}" >/dev/null
fi

# Python tools for the API tests (and benchmarks) live in the project's own venv.
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements-dev.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
  echo "$want" > "$stamp"
fi

# DuckDB 1.4.4 with its iceberg extension, for tests/api/test_datalake_duckdb.py, in a venv of its
# own (.venv has bench/'s duckdb 2.0.1).
if [ ! -x .venv-duckdb/bin/python ]; then
  python3 -m venv .venv-duckdb
fi
stamp=.venv-duckdb/.requirements.sha256
want=$(sha256sum tests/api/requirements-duckdb.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv-duckdb/bin/pip install -q --disable-pip-version-check -r tests/api/requirements-duckdb.txt
  echo "$want" > "$stamp"
fi

# The web console's packages (React, Vite, ...; built by the CMake target `console`) and Swagger UI
# for /docs (served from the local package, never a CDN): installed again whenever
# package-lock.json changed since the last install. npm ci starts from an empty node_modules, so
# the stamp inside it goes when it does.
stamp=web/node_modules/.package-lock.sha256
want=$(sha256sum web/package-lock.json | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
fi
