# Sourced by the benches' run.sh: what every bench needs before it runs (installs what is
# missing; builds nothing).
#
# bench_prerequisites BIN VENV REQS: BIN (the release server) must exist; VENV (the drivers'
# venv) is made when missing and REQS installed into it (pinned: a no-op without network when
# already installed). Every XGBoost process of a bench then waits the same way (dataml's workers
# get OMP_WAIT_POLICY=PASSIVE by default, and the peers get it here).
bench_prerequisites() {
  local bin="$1" venv="$2" reqs="$3"
  if [[ ! -x "$bin" ]]; then
    echo "error: $bin not found. Build the server first (release), e.g.:" >&2
    echo "  make build" >&2
    exit 1
  fi
  if [[ ! -x "$venv/bin/python" ]]; then
    echo "== creating venv $venv"
    python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$reqs"
  export OMP_WAIT_POLICY=PASSIVE
}

# bench_require_wrk: the HTTP load generator, from apt-get when missing (root only).
bench_require_wrk() {
  command -v wrk >/dev/null 2>&1 && return 0
  echo "== installing wrk (apt-get)"
  if [[ $(id -u) -ne 0 ]]; then
    echo "error: wrk is missing and we are not root; install it with: sudo apt-get install -y wrk" >&2
    exit 1
  fi
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
}
