#!/usr/bin/env bash
# Runs `examples/paired` (issue 12's ratios in interleaved rounds) several times, a pause between
# runs, and prints one line per run with each target's verdict, to show how far one run's
# verdict can be trusted on the machine at hand: on this project's shared machine the same build
# judged target 2 met on 9 to 15 of the 20 payloads within ten minutes.
#
#   bash tests/benches/paired-series.sh [RUNS] [PAUSE-SECONDS] [ROUNDS]   # 10, 50 and 21 unless given
#
# Each run's full output is kept in target/paired-series/run-N.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-10}
pause=${2:-50}
rounds=${3:-21}
cargo build --release --locked -p webhook-tests --example paired
out=target/paired-series
mkdir -p "$out"
# The part of a verdict line after the colon: "k of n, from a× to b×" (the list of payloads
# below the target is left in the run's file).
verdict() {
  grep -m1 -F -- "- $1" "$2" | sed -e 's/^[^:]*: //' -e 's/;.*//'
}
for run in $(seq "$runs"); do
  file="$out/run-$run.txt"
  target/release/examples/paired "$rounds" > "$file"
  echo "$(date -u +%H:%M:%S) | 1, 8× jsonschema: $(verdict "1. validate-only at least 8×" "$file")" \
    "| 1, sonic-rs: $(verdict "1. validate-only faster than sonic-rs" "$file")" \
    "| 2, 1.3× serde: $(verdict "2. validate-and-parse" "$file")" \
    "| 3, 4× iter_errors: $(verdict "3. five violations" "$file")"
  if [ "$run" -lt "$runs" ]; then sleep "$pause"; fi
done
