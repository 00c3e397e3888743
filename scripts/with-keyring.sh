#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, and an
# isolated HOME, so tests use a real Secret Service without touching the user's keyring.
#   scripts/with-keyring.sh cargo test ...
set -euo pipefail
OLDHOME="$HOME"
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARG...]" >&2; exit 2; }
for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: run 'make deps' (or install dbus and gnome-keyring)" >&2; exit 2; }
done

root=$(mktemp -d "${TMPDIR:-/tmp}/mailferry-keyring.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/home" "$root/data" "$root/config" "$root/run"
chmod 700 "$root/run"
export MAILFERRY_KEYRING_ROOT="$root"
export HOME="$root/home" XDG_DATA_HOME="$root/data" XDG_CONFIG_HOME="$root/config" XDG_RUNTIME_DIR="$root/run"
# Cargo and rustup live under the real HOME; keep them reachable.
export CARGO_HOME="${CARGO_HOME:-$OLDHOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$OLDHOME/.rustup}"

exec dbus-run-session -- bash -c '
  printf %s throwaway | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"' with-keyring "$@"
