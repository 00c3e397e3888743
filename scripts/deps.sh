#!/usr/bin/env bash
# Installs what Mailferry needs to build (and, with --test, to run every test suite) on
# Debian 12 or Ubuntu 22.04+: Debian packages (as root or through sudo), npm packages from the
# lock file, and tauri-driver for the WebDriver tests. Safe to run again: it skips what is there.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
with_tests=false
[ "${1:-}" = "--test" ] && with_tests=true

build_packages=(build-essential pkg-config curl wget file libssl-dev libwebkit2gtk-4.1-dev
  libxdo-dev libayatana-appindicator3-dev librsvg2-dev libdbus-1-dev)
test_packages=(xvfb xauth x11-utils xdotool openssl webkit2gtk-driver gnome-keyring dbus-daemon dbus-bin dbus-x11 libsecret-tools
  python3 python3-venv tinyproxy)

packages=("${build_packages[@]}")
$with_tests && packages+=("${test_packages[@]}")

missing=()
if command -v dpkg-query >/dev/null; then
  for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
else
  echo "Not a Debian-based system: install the equivalents of these packages yourself: ${packages[*]}" >&2
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
    echo "These packages are missing and neither root nor sudo is available: ${missing[*]}" >&2
    exit 1
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null; then
  echo "Rust is missing: install it with rustup (https://rustup.rs), open a new shell, and run make again." >&2
  exit 1
fi

node_ok=false
if command -v node >/dev/null; then
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' && node_ok=true
fi
if ! $node_ok; then
  echo "Node.js 20.19 or newer is needed (found: $(node --version 2>/dev/null || echo none)). Install it from nodejs.org or NodeSource, then run make again." >&2
  exit 1
fi

# npm packages, exactly as locked; skipped while the lock file has not changed.
stamp="$repo/node_modules/.mailferry-lock-stamp"
if [ ! -f "$stamp" ] || ! cmp -s "$repo/package-lock.json" "$stamp"; then
  (cd "$repo" && npm ci --no-audit --no-fund)
  cp "$repo/package-lock.json" "$stamp"
fi

if $with_tests && ! command -v tauri-driver >/dev/null; then
  cargo install tauri-driver --locked
fi
