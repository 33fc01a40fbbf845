#!/usr/bin/env bash
# Makes (or refreshes) the peers' virtualenvs, one per XGBoost version, under bench/out/ (which is
# gitignored):
#   bench/out/.venv-xgb174      requirements-xgb174.txt     default python3
#   bench/out/.venv-xgblatest   requirements-xgblatest.txt  Python >= 3.12 (python3.12/3.13 on
#                                                           PATH, or a pyenv-installed one)
#   bench/out/.venv-xgb174-dataml-lib  as .venv-xgb174, but its libxgboost.so is a symlink to
#                               the one build/dataml links (Debian's libxgboost 1.7.4)
# Each file is the whole pinned set, installed with --no-deps. A venv whose stamp matches its
# requirements file is left alone (no pip, no network). A missing Python >= 3.12 skips the
# "latest" venv with a warning; the benchmarks then run the 1.7.4 peer only.
# Used by bench/train/run.sh and bench/shap/run.sh; runs on its own too.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$(cd "$HERE/.." && pwd)/out"
mkdir -p "$OUT"

find_python312() {
  local c v
  for c in python3.12 python3.13 python3.14; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$c"; return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    for v in "$(pyenv root)"/versions/3.1[2-9]*/bin/python3; do
      [[ -x "$v" ]] && "$v" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$v"; return 0; }
    done
  fi
  return 1
}

make_venv() {  # make_venv NAME PYTHON REQUIREMENTS
  local venv="$OUT/.venv-$1" py="$2" reqs="$3" stamp want
  stamp="$venv/.requirements.sha256"
  want="$(sha256sum "$reqs" | cut -d' ' -f1) $("$py" -c 'import sys; print(sys.version.split()[0])')"
  if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  echo "== peer venv $venv ($("$py" --version 2>&1), $(basename "$reqs"))"
  rm -rf "$venv"
  "$py" -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check --no-deps -r "$reqs"
  "$venv/bin/python" -c 'import xgboost, sklearn, pandas, pyarrow' \
    || { echo "error: $venv does not import xgboost/sklearn/pandas/pyarrow" >&2; exit 1; }
  echo "$want" >"$stamp"
}

make_venv xgb174 "$(command -v python3)" "$HERE/requirements-xgb174.txt"

# A third peer isolates dataml's own overhead from how its libxgboost was built: the same Python
# package 1.7.4 running on the very libxgboost that build/dataml links (Debian's), put in place
# of the wheel's own library by a symlink (same version, same C API).
DEBLIB=""
if [[ -x "$HERE/../../build/dataml" ]]; then
  DEBLIB="$(ldd "$HERE/../../build/dataml" 2>/dev/null | awk '/libxgboost/ {print $3; exit}')"
fi
[[ -n "$DEBLIB" ]] || DEBLIB="/usr/lib/x86_64-linux-gnu/libxgboost.so.0"
if [[ -f "$DEBLIB" ]]; then
  make_venv xgb174-dataml-lib "$(command -v python3)" "$HERE/requirements-xgb174.txt"
  LIBDIR="$("$OUT/.venv-xgb174-dataml-lib/bin/python" -c 'import os, sysconfig; print(os.path.join(sysconfig.get_paths()["purelib"], "xgboost", "lib"))')"
  if [[ "$(readlink -f "$LIBDIR/libxgboost.so")" != "$(readlink -f "$DEBLIB")" ]]; then
    ln -sf "$DEBLIB" "$LIBDIR/libxgboost.so"
  fi
else
  echo "warning: the libxgboost dataml links was not found; skipping the 'xgboost 1.7.4 on dataml's lib' peer" >&2
  rm -rf "$OUT/.venv-xgb174-dataml-lib"
fi
if PY312="$(find_python312)"; then
  make_venv xgblatest "$PY312" "$HERE/requirements-xgblatest.txt"
else
  echo "warning: no Python >= 3.12 found (XGBoost 3.4 needs it); skipping the 'latest' peer" >&2
  rm -rf "$OUT/.venv-xgblatest"
fi
