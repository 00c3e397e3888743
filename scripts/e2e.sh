#!/usr/bin/env bash
# Runs the WebDriver tests against the built app: Xvfb, a private D-Bus session with an
# unlocked gnome-keyring, tauri-driver with WebKitWebDriver, and a fresh HOME per run.
# Build first (make e2e does): the app with `tauri build --debug --no-bundle`, and the CLI.
# MAILFERRY_E2E_APP runs another build of the app instead (the installed one, for the package test).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
app="${MAILFERRY_E2E_APP:-$repo/target/debug/mailferry-app}"
cli="$repo/target/debug/mailferry"
sim="$repo/target/debug/entra-sim"
for file in "$app" "$cli" "$sim"; do
  [ -x "$file" ] || { echo "$file is missing: run 'make e2e' (it builds it)" >&2; exit 2; }
done
for tool in Xvfb tauri-driver WebKitWebDriver; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: run 'make deps'" >&2; exit 2; }
done

artifacts="$repo/test-artifacts/e2e"
rm -rf "$artifacts" && mkdir -p "$artifacts"

# A display number nobody uses.
display=99
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >"$artifacts/xvfb.log" 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null || true' EXIT
export DISPLAY=":$display"

# The Microsoft cloud of these tests: entra-sim, seeded with a certificate made here.
fixtures="$artifacts/fixtures"
node "$repo/tests/e2e/fixtures/make-tenant.mjs" "$fixtures"
"$sim" --port 0 --tenant-file "$fixtures/tenants.json" >"$artifacts/entra-sim.out" 2>"$artifacts/entra-sim.log" &
sim_pid=$!
trap 'kill $xvfb $sim_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ -s "$artifacts/entra-sim.out" ] && break
  sleep 0.1
done
sim_url=$(head -n1 "$artifacts/entra-sim.out")
[ -n "$sim_url" ] || { echo "entra-sim did not start: $(cat "$artifacts/entra-sim.log")" >&2; exit 1; }
# The app inherits tauri-driver's environment: new connections start in this custom cloud.
export MAILFERRY_CLOUD_LOGIN_URL="$sim_url" MAILFERRY_CLOUD_GRAPH_URL="$sim_url"
export MAILFERRY_E2E_SIM="$sim_url" MAILFERRY_E2E_FIXTURES="$fixtures"
# The sign-in "browser": fills in entra-sim's sign-in form as the tenant's Global Administrator.
export MAILFERRY_BROWSER="$repo/tests/e2e/lib/sign-in-browser.mjs"
export MAILFERRY_APP="$app" MAILFERRY_CLI="$cli" MAILFERRY_E2E_ARTIFACTS="$artifacts" LIBGL_ALWAYS_SOFTWARE=1
unset MAILFERRY_DATA_DIR
# The demo cloud of `--demo` starts, on a port nobody uses.
MAILFERRY_DEMO_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export MAILFERRY_DEMO_PORT

export MAILFERRY_E2E_SPECS="${*:-}"
"$repo/scripts/with-keyring.sh" bash -c '
  set -euo pipefail
  tauri-driver --port 4444 --native-port 4445 --native-driver "$(command -v WebKitWebDriver)" >"$MAILFERRY_E2E_ARTIFACTS/tauri-driver.log" 2>&1 &
  driver=$!
  trap "kill $driver 2>/dev/null || true" EXIT
  for _ in $(seq 1 100); do
    curl -sf http://127.0.0.1:4444/status >/dev/null && break
    sleep 0.1
  done
  cd "'"$repo"'/tests/e2e"
  node --test --test-concurrency=1 --test-reporter=spec ${MAILFERRY_E2E_SPECS:-specs/}
'
