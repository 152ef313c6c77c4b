#!/usr/bin/env bash
# Measures fpwebhook next to jsonschema-cli (crates.io), check-jsonschema (PyPI) and ajv-cli
# (npm) on the same machine in the same run, and prints the README's table.
#
#   bash cli/bench/compare.sh            # installs the tools into target/cli-bench/tools
#
# 1. A directory of 1,000 payload files, validated by each tool against the canonical schema.
# 2. A large NDJSON stream through fpwebhook: throughput and peak memory, next to a loop that
#    calls the library on one thread (examples/library_loop.rs); the other tools do not read
#    NDJSON.
# 3. One million small invalid payloads (`{}`: two violations each, as an event) through
#    fpwebhook in each output format: what reporting costs, in wall and CPU time, against the
#    bytes it writes.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=target/cli-bench
tools=$work/tools
mkdir -p "$tools"

cargo build --release --locked -p fpwebhook --bins --examples
fpwebhook=target/release/fpwebhook
library_loop=target/release/examples/library_loop

[ -x "$tools/bin/jsonschema-cli" ] || cargo install --locked --root "$tools" jsonschema-cli@0.60.2 >&2
[ -d "$tools/python/check_jsonschema" ] || python3 -m pip install --quiet --target "$tools/python" check-jsonschema==0.39.0 >&2
[ -d "$tools/node/node_modules/ajv-cli" ] || npm install --silent --no-audit --no-fund --prefix "$tools/node" ajv-cli@5.0.0 ajv-formats@3.0.1 >&2

python3 - "$work" <<'PY'
import json, pathlib, sys
work = pathlib.Path(sys.argv[1])
example = json.loads(pathlib.Path("tests/payloads/valid/documented-example.json").read_text())
files = work / "payloads"
files.mkdir(exist_ok=True)
for index in range(1000):
    payload = dict(example, requestId=f"{1700000000000 + index}.bench"[:20], linkedId=f"customer-{index}")
    (files / f"payload-{index:04}.json").write_text(json.dumps(payload, indent=2))
(work / "empty.ndjson").write_text("{}\n" * 1_000_000)
line = json.dumps(example, separators=(",", ":")) + "\n"
with open(work / "large.ndjson", "w") as out:
    for _ in range(1024 * 1024 * 1024 // len(line)):
        out.write(line)
PY

schema=schema/identification-webhook/schema.json
files=("$work"/payloads/*.json)
# Runs the commands of a comparison in turns, eleven rounds, each starting with the next tool, so
# that each round finds the shared machine as loaded for every tool: a ratio is the median over
# the rounds of the ratio within one. Prints "name median-seconds peak-kB exit-status
# median-ratio-to-the-first" per tool (the peak memory of one more run, read by /usr/bin/time;
# every timed run must exit as that one did). Before each timed run, every file the comparison
# reads (the input, the schema, the tools' programs and libraries) is read once, untimed: this
# machine's memory reclaimer (DAMON's pageout) evicts files from the page cache within seconds,
# and a run that reads the disk measures the disk.
# Arguments: the paths to read first, separated by `:`, then name, command..., `;`, ...
compare() {
  python3 - "$work" "$@" <<'PY'
import os, statistics, subprocess, sys, time
work, warmed, args = sys.argv[1], sys.argv[2].split(":"), sys.argv[3:]

def warm():
    for top in warmed:
        walked = [("", [], [top])] if os.path.isfile(top) else os.walk(top)
        for folder, _, names in walked:
            for name in names:
                path = os.path.join(folder, name)
                if os.path.isfile(path):
                    with open(path, "rb") as text:
                        while text.read(1 << 20):
                            pass

tools = []
while args:
    end = args.index(";") if ";" in args else len(args)
    tools.append((args[0], args[1:end]))
    args = args[end + 1:]
peaks, statuses = {}, {}
for name, command in tools:
    timed = ["/usr/bin/time", "-f", "%M", "-o", f"{work}/time.txt"] + command
    with open(f"{work}/{name}.stderr", "w") as errors:
        statuses[name] = subprocess.run(timed, stdout=subprocess.DEVNULL, stderr=errors).returncode
    peaks[name] = open(f"{work}/time.txt").read().split()[-1]
rounds = {name: [] for name, _ in tools}
for turn in range(11):
    for name, command in tools[turn % len(tools):] + tools[:turn % len(tools)]:
        warm()
        start = time.perf_counter()
        status = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        rounds[name].append(time.perf_counter() - start)
        if status != statuses[name]:
            sys.exit(f"{name} exited with {status} in a timed run, {statuses[name]} before: see {work}/{name}.stderr")
first = rounds[tools[0][0]]
for name, _ in tools:
    ratio = statistics.median(mine / ours for mine, ours in zip(rounds[name], first))
    print(name, f"{statistics.median(rounds[name]):.4f}", peaks[name], statuses[name], f"{ratio:.3f}")
PY
}
compare "$work/payloads:$schema:$fpwebhook:$tools/bin:$tools/python:$tools/node/node_modules" \
  fpwebhook "$fpwebhook" validate "$work/payloads" \; \
  jsonschema-cli "$tools/bin/jsonschema-cli" validate "$schema" --assert-format --offline --errors-only "${files[@]/#/--instance=}" \; \
  check-jsonschema env PYTHONPATH="$tools/python" python3 -m check_jsonschema --schemafile "$schema" "${files[@]}" \; \
  ajv-cli node "$tools/node/node_modules/ajv-cli/dist/index.js" validate --spec=draft2020 -c ajv-formats \
    --strict=false --all-errors -s "$schema" -d "$work/payloads/*.json" \
  > "$work/directory.txt"
compare "$work/large.ndjson:$fpwebhook:$library_loop" \
  fpwebhook "$fpwebhook" validate "$work/large.ndjson" \; \
  library-loop "$library_loop" "$work/large.ndjson" \
  > "$work/ndjson.txt"
# format: prints "format wall-seconds cpu-seconds output-bytes" for the million invalid payloads.
for format in human json github junit; do
  cat "$work/empty.ndjson" > /dev/null
  /usr/bin/time -f "%e %U %S" -o "$work/time.txt" "$fpwebhook" validate --format "$format" "$work/empty.ndjson" \
    > "$work/report.out" 2> /dev/null || true
  # The last line: /usr/bin/time puts "Command exited with non-zero status 1" before it.
  read -r wall user system < <(tail -n 1 "$work/time.txt")
  echo "$format $wall $(python3 -c "print($user + $system)") $(stat -c %s "$work/report.out")"
done > "$work/reporting.txt"
rm -f "$work/report.out"

python3 - "$work" <<'PY'
import pathlib, sys
work = pathlib.Path(sys.argv[1])
rows = [line.split() for line in (work / "directory.txt").read_text().splitlines()]
print("| 1,000 payload files | time (median) | peak memory | time relative to fpwebhook (median of the rounds' ratios) | exit status |")
print("|---|---|---|---|---|")
for name, seconds, kb, status, ratio in rows:
    print(f"| {name} | {float(seconds) * 1000:.0f} ms | {int(kb) / 1024:.0f} MB | {float(ratio):.1f}× | {status} |")
size = (work / "large.ndjson").stat().st_size / 1e6
print()
print(f"| NDJSON stream, {size / 1000:.2f} GB | time (median) | throughput | peak memory | speed relative to the library loop (median of the rounds' ratios) |")
print("|---|---|---|---|---|")
rows = [line.split() for line in (work / "ndjson.txt").read_text().splitlines()]
# Each ratio is to fpwebhook's time in the same round: the loop's is fpwebhook's speed-up.
loop = float(rows[1][4])
for name, seconds, kb, status, ratio in rows:
    print(f"| {name} | {float(seconds):.2f} s | {size / float(seconds):.0f} MB/s | {int(kb) / 1024:.0f} MB | {loop / float(ratio):.2f}× |")
print()
print("| 1,000,000 invalid payloads (`{}`: two violations each, as an event) | wall time | CPU time | output | output per CPU second |")
print("|---|---|---|---|---|")
for line in (work / "reporting.txt").read_text().splitlines():
    name, wall, cpu, written = line.split()
    written = int(written) / 1e6
    print(f"| --format {name} | {float(wall):.2f} s | {float(cpu):.2f} s | {written:.0f} MB | {written / float(cpu):.0f} MB/s |")
PY
