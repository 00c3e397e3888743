#!/usr/bin/env bash
# Fails when ui/src/bindings differs from what ts-rs generates from the Rust types now: a
# changed, new or deleted file all count. Regenerate with `cargo test -p mailferry-core` and commit.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
(cd "$repo" && TS_RS_EXPORT_DIR="$fresh" cargo test -q -p mailferry-core --lib export_bindings >/dev/null)
if ! diff -r "$repo/ui/src/bindings" "$fresh"; then
  echo "ui/src/bindings is stale: run 'cargo test -p mailferry-core' and commit the result." >&2
  exit 1
fi
echo "bindings: $(ls "$fresh" | wc -l) files, fresh"
