# Sourced by the benches' run.sh: what every bench needs before it runs (installs what is
# missing; builds nothing).
#
# bench_prerequisites BIN VENV REQS: BIN (the release server) must exist; VENV (the drivers'
# venv) is made when missing and REQS installed into it (pinned: a no-op without network when
# already installed). Every XGBoost process of a bench then waits the same way (dataml's workers
# get OMP_WAIT_POLICY=PASSIVE by default).
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
