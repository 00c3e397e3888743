#!/usr/bin/env bash
# The Linux package as a user gets it: builds the .deb (`tauri build --bundles deb`, the debug
# profile by default, INSTALLER_PROFILE=release for the shipped one), installs it with dpkg into a
# throwaway root, checks what dpkg recorded (metadata, dependencies, files), then starts the
# installed binary under Xvfb through the WebDriver harness and sees the dashboard.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
profile=${INSTALLER_PROFILE:-debug}
cd "$repo"

profile_flag=$([ "$profile" = debug ] && echo --debug || true)
npx tauri build $profile_flag --bundles deb >/dev/null
deb=$(ls -t "target/$profile/bundle/deb/"*.deb | head -n1)
echo "package: $deb ($(du -k "$deb" | cut -f1) KiB)"

root=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$root" "$log"' EXIT
# A dpkg database of its own: the package's dependencies are the host's, not this root's.
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
: >"$root/var/lib/dpkg/status"
if ! dpkg --root="$root" --log=/dev/null --force-not-root --force-depends --force-script-chrootless -i "$deb" >"$log" 2>&1; then
  cat "$log" >&2
  echo "dpkg could not install $deb" >&2
  exit 1
fi

fail() { echo "installed package: $*" >&2; exit 1; }
field() { dpkg-query --admindir="$root/var/lib/dpkg" -W -f="\${$1}" mailferry; }
[ "$(field Status)" = "install ok installed" ] || fail "dpkg did not record it as installed: $(field Status)"
[ "$(field Version)" = "$(node -p 'require("./src-tauri/tauri.conf.json").version')" ] || fail "version $(field Version)"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
field Description | grep -q "Office 365" || fail "description: $(field Description)"
for dependency in libwebkit2gtk-4.1-0 libgtk-3-0; do
  field Depends | grep -q "$dependency" || fail "Depends lacks $dependency: $(field Depends)"
done
binary="$root/usr/bin/mailferry-app"
desktop="$root/usr/share/applications/Mailferry.desktop"
[ -x "$binary" ] || fail "no executable at /usr/bin/mailferry-app"
grep -q "MIT License" "$root/usr/share/doc/mailferry/copyright" || fail "no licence in /usr/share/doc/mailferry/copyright"
[ -f "$desktop" ] || fail "no desktop entry"
grep -qx "Exec=mailferry-app" "$desktop" || fail "the desktop entry does not start mailferry-app: $(grep Exec "$desktop")"
icon=$(sed -n 's/^Icon=//p' "$desktop")
ls "$root/usr/share/icons/hicolor/"*/apps/"$icon.png" >/dev/null 2>&1 || fail "no icon named $icon"
dpkg-query --admindir="$root/var/lib/dpkg" -L mailferry | grep -q "^/usr/bin/mailferry-app$" || fail "dpkg does not list the binary"
echo "installed into a throwaway root: $(field Package) $(field Version), $(field Installed-Size) KiB, depends on $(field Depends)"

MAILFERRY_E2E_APP="$binary" scripts/e2e.sh installed/
