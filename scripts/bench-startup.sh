#!/usr/bin/env bash
# Start-up and idle memory of Mailferry against a bare Tauri window, side by side under Xvfb.
#   scripts/bench-startup.sh [RUNS]     (both the release and the debug build;
#                                        BENCH_PROFILES="release" or "debug" for one)
# Prints, per program and build: time from spawn until the page has loaded, for Mailferry also
# until the dashboard's data was served, and the proportional memory (PSS) of the app process
# and of each of its WebKit processes after 10 s idle, with Mailferry's ratio to the bare
# window as it starts by default and as it is when it paints without compositing, which is how
# Mailferry draws on a computer without a GPU (src-tauri/src/rendering.rs; Xvfb here is one).
# Medians over RUNS (default 5) runs, each with a fresh HOME.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
profiles=${BENCH_PROFILES:-release debug}
idle_seconds=${BENCH_IDLE_SECONDS:-10}
cd "$repo"

npm --workspace ui run build >/dev/null

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

# The PSS of the children named like NAME (WebKitWebProcess, WebKitNetworkProcess), summed.
pss_of() {
  local name=$1 total=0 child
  shift
  for child in "$@"; do
    if [[ "$(cat "/proc/$child/comm" 2>/dev/null)" == "$name"* ]]; then total=$(( total + $(pss_kib "$child") )); fi
  done
  echo "$total"
}

# Runs one program; prints "page_ms data_ms app_kib web_kib network_kib".
measure() {
  local kind=$1 run=$2 home="$work/$profile-$1-$2"
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
    # bare-painted: the bare window drawing as Mailferry does without a GPU (rendering.rs).
    local painted=()
    [ "$kind" = bare-painted ] && painted=(WEBKIT_DISABLE_COMPOSITING_MODE=1)
    env "${painted[@]}" HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" XDG_CACHE_HOME="$home/cache" \
      XDG_RUNTIME_DIR="$home/run" "$bare" >"$out" 2>&1 &
    pid=$!
    page=$(wait_for_line "$out" "page loaded" "$start")
  fi
  sleep "$idle_seconds"
  local children
  children=$(descendants "$pid")
  # shellcheck disable=SC2086
  echo "$page $data $(pss_kib "$pid") $(pss_of WebKitWebProces $children) $(pss_of WebKitNetworkP $children)"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

# What Mailferry's last run logged it chose for the web view (rendering.rs).
compositing() { grep -ho 'compositing=[A-Za-z]*' "$work/$profile"-mailferry-*/data/com.mailferry.desktop/logs/mailferry.log 2>/dev/null | tail -n1 | cut -d= -f2; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

for profile in $profiles; do
  profile_flag=$([ "$profile" = release ] && echo --release || true)
  # The same features `tauri build` uses, so the app embeds its UI and both share one Tauri build.
  cargo build $profile_flag -q -p mailferry --features tauri/custom-protocol,bench --bin mailferry-app --example bare_window
  app="$repo/target/$profile/mailferry-app"
  bare="$repo/target/$profile/examples/bare_window"
  for kind in bare bare-painted mailferry; do
    : >"$work/$kind.txt"
    for run in $(seq 1 "$runs"); do measure "$kind" "$run" >>"$work/$kind.txt"; done
  done

  column() { awk -v c="$2" '{ print $c }' "$work/$1.txt" | median; }
  total() { awk '{ print $3 + $4 + $5 }' "$work/$1.txt" | median; }
  bare_page=$(column bare 1); mf_page=$(column mailferry 1); mf_data=$(column mailferry 2)
  echo "Start-up, $profile build, median of $runs runs (Xvfb, software rendering):"
  printf '  bare Tauri window  page loaded        %6d ms\n' "$bare_page"
  printf '  Mailferry          page loaded        %6d ms  (%sx the bare window)\n' "$mf_page" "$(ratio "$mf_page" "$bare_page")"
  printf '  Mailferry          dashboard data     %6d ms  (%sx the bare page load)\n' "$mf_data" "$(ratio "$mf_data" "$bare_page")"
  echo "Idle memory after $idle_seconds s (PSS, MiB), $profile build:"
  printf '  %-28s %8s %8s %8s %8s\n' "" app web network total
  for kind in bare bare-painted mailferry; do
    case $kind in
      bare) label="bare Tauri window" ;;
      bare-painted) label="bare window, painted" ;;
      *) label="Mailferry ($(compositing))" ;;
    esac
    printf '  %-28s %8s %8s %8s %8s\n' "$label" "$(mib "$(column "$kind" 3)")" "$(mib "$(column "$kind" 4)")" "$(mib "$(column "$kind" 5)")" "$(mib "$(total "$kind")")"
  done
  for base in bare bare-painted; do
    printf '  %-28s %8s %8s %8s %8s\n' "Mailferry / $base" "$(ratio "$(column mailferry 3)" "$(column $base 3)")" "$(ratio "$(column mailferry 4)" "$(column $base 4)")" "$(ratio "$(column mailferry 5)" "$(column $base 5)")" "$(ratio "$(total mailferry)" "$(total $base)")"
  done
done
