#!/usr/bin/env bash
# Checks entra-sim with Microsoft's own client libraries (MSAL, azure-identity, the Microsoft
# Graph SDK for Python), pinned in tests/conformance/requirements.txt, installed from PyPI into
# a virtual environment under target/ (again only when the requirements change).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
sim="$repo/target/debug/entra-sim"
[ -x "$sim" ] || { echo "$sim is missing: run 'cargo build -p entra-sim' (make conformance does)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "python3 is missing: run 'make test-deps'" >&2; exit 2; }

venv="$repo/target/conformance-venv"
requirements="$repo/tests/conformance/requirements.txt"
stamp="$venv/.requirements"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$requirements" "$stamp"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
  cp "$requirements" "$stamp"
fi

cd "$repo/tests/conformance"
ENTRA_SIM_BIN="$sim" exec "$venv/bin/python" -m pytest -p no:cacheprovider "$@"
