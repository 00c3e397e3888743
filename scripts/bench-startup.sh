#!/usr/bin/env bash
# Start-up and idle memory of Mailferry against a bare Tauri window, under Xvfb.
#   scripts/bench-startup.sh [RUNS]       (release build; BENCH_PROFILE=debug for the debug one)
# Prints, per program: time from spawn until the page has loaded, for Mailferry also until the
# dashboard's data was served, and the proportional memory (PSS) of the app process and of its
# WebKit processes after 5 s idle. Medians over RUNS (default 5) runs, each with a fresh HOME.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
profile=${BENCH_PROFILE:-release}
cd "$repo"

profile_flag=$([ "$profile" = release ] && echo --release || true)
npm --workspace ui run build >/dev/null
# The same features `tauri build` uses, so the app embeds its UI and both share one Tauri build.
cargo build $profile_flag -q -p mailferry --features tauri/custom-protocol,bench --bin mailferry-app --example bare_window
app="$repo/target/$profile/mailferry-app"
bare="$repo/target/$profile/examples/bare_window"

display=90
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
work=$(mktemp -d)
trap 'kill $xvfb 2>/dev/null || true; chmod -R u+w "$work" 2>/dev/null; rm -rf "$work" 2>/dev/null || true' EXIT
export DISPLAY=":$display" LIBGL_ALWAYS_SOFTWARE=1
sleep 0.5

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Waits until FILE has a line matching PATTERN; prints the ms elapsed since START.
wait_for_line() {
  local file=$1 pattern=$2 start=$3
  for _ in $(seq 1 6000); do
    if grep -q "$pattern" "$file" 2>/dev/null; then echo $(( $(now_ms) - start )); return 0; fi
    sleep 0.005
  done
  echo "timed out waiting for '$pattern' in $file" >&2
  return 1
}

descendants() {
  local pid=$1 child
  for child in $(pgrep -P "$pid" || true); do echo "$child"; descendants "$child"; done
}

pss_kib() { awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }

# Runs one program; prints "page_ms data_ms app_pss_kib webkit_pss_kib".
measure() {
  local kind=$1 run=$2 home="$work/$1-$2"
  mkdir -p "$home/data" "$home/config" "$home/cache" "$home/run"
  chmod 700 "$home/run"
  local log out="$home/stdout" start pid page data=0
  start=$(now_ms)
  if [ "$kind" = mailferry ]; then
    log="$home/data/com.mailferry.desktop/logs/mailferry.log"
    HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" XDG_CACHE_HOME="$home/cache" \
      XDG_RUNTIME_DIR="$home/run" MAILFERRY_LOG="info,mailferry_core=debug" "$app" >"$out" 2>&1 &
    pid=$!
    page=$(wait_for_line "$log" "page loaded" "$start")
    data=$(wait_for_line "$log" "connections listed" "$start")
  else
    HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" XDG_CACHE_HOME="$home/cache" \
      XDG_RUNTIME_DIR="$home/run" "$bare" >"$out" 2>&1 &
    pid=$!
    page=$(wait_for_line "$out" "page loaded" "$start")
  fi
  sleep 5
  local app_pss webkit_pss=0 child
  app_pss=$(pss_kib "$pid")
  for child in $(descendants "$pid"); do webkit_pss=$(( webkit_pss + $(pss_kib "$child") )); done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "$page $data $app_pss $webkit_pss"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

for kind in bare mailferry; do
  : >"$work/$kind.txt"
  for run in $(seq 1 "$runs"); do measure "$kind" "$run" >>"$work/$kind.txt"; done
done

column() { awk -v c="$2" '{ print $c }' "$work/$1.txt" | median; }
bare_page=$(column bare 1); mf_page=$(column mailferry 1); mf_data=$(column mailferry 2)
echo "Start-up, $profile build, median of $runs runs (Xvfb, software rendering):"
printf '  bare Tauri window  page loaded        %6d ms\n' "$bare_page"
printf '  Mailferry          page loaded        %6d ms  (%.2fx the bare window)\n' "$mf_page" "$(awk -v a="$mf_page" -v b="$bare_page" 'BEGIN { print a / b }')"
printf '  Mailferry          dashboard data     %6d ms\n' "$mf_data"
echo "Idle memory after 5 s (PSS):"
printf '  bare Tauri window  app %6d KiB  web processes %7d KiB\n' "$(column bare 3)" "$(column bare 4)"
printf '  Mailferry          app %6d KiB  web processes %7d KiB\n' "$(column mailferry 3)" "$(column mailferry 4)"
