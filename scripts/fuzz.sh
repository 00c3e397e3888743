#!/usr/bin/env bash
# Runs every fuzz target for a fixed budget from its committed corpus (fuzz/corpus/<target>),
# fails on the first crash, and prints executions, executions per second and coverage.
#
#   scripts/fuzz.sh quick [seconds]   what `make test` runs: no sanitizer, debug assertions on
#                                     (integer overflow panics), new inputs kept in a temporary
#                                     folder so the committed corpus stays as it is
#   scripts/fuzz.sh long [seconds]    what `make fuzz` runs: AddressSanitizer, new inputs added
#                                     to fuzz/corpus (minimise with `cargo fuzz cmin` before
#                                     committing them)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-quick}
case "$mode" in
  quick) seconds=${2:-20}; sanitizer=none ;;
  long) seconds=${2:-300}; sanitizer=address ;;
  *) echo "usage: scripts/fuzz.sh quick|long [seconds per target]" >&2; exit 2 ;;
esac
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
cd "$repo/fuzz"
# cargo fuzz passes -Z flags to rustc; the machine's stable toolchain takes them this way.
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O --debug-assertions --sanitizer "$sanitizer"
triple=$(rustc -vV | sed -n 's/^host: //p')
bin="$repo/fuzz/target/$triple/release"
targets=$(cargo fuzz list)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
json_targets=" token_answer metadata_answer graph_page batch_answer "

printf '%-20s %12s %10s %8s %8s\n' target executions exec/s cov features
total=0
for target in $targets; do
  corpus="$repo/fuzz/corpus/$target"
  mkdir -p "$corpus" "$repo/fuzz/artifacts/$target"
  if [ "$mode" = quick ]; then
    mkdir -p "$scratch/$target"
    dirs=("$scratch/$target" "$corpus")
  else
    dirs=("$corpus")
  fi
  options=(-max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=4096
    -artifact_prefix="$repo/fuzz/artifacts/$target/")
  case "$json_targets" in *" $target "*) options+=(-dict="$repo/fuzz/dict/answers.dict") ;; esac
  log="$scratch/$target.log"
  if ! "$bin/$target" "${options[@]}" "${dirs[@]}" >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "fuzz target $target failed: the input is in fuzz/artifacts/$target/" >&2
    echo "replay it with: cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run $target fuzz/artifacts/$target/<file>" >&2
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  done_line=$(grep -E '^#[0-9]+.*(DONE|pulse)' "$log" | tail -n 1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")
  printf '%-20s %12s %10s %8s %8s\n' "$target" "$runs" "$rate" "${cov:--}" "${ft:--}"
  total=$((total + runs))
done
echo "fuzzing: $total executions in all, $seconds s per target, sanitizer $sanitizer, no crash"
