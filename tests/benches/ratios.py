"""Prints the README's table of ratios from the last `cargo bench -p webhook-tests --bench validate`:
a row per benchmark group (`<contract> documented example`, `<contract> large payload`, and
`<contract> payload <file>` for each valid payload file), headed by the machine and the date."""
import datetime
import json
import os
import pathlib
import platform

CRITERION = pathlib.Path(__file__).resolve().parents[2] / "target" / "criterion"
BENCHES = ["validate-only", "validate-and-parse", "jsonschema parse+validate", "serde deserialize"]
SONIC = "sonic-rs parse to its DOM"


def mean_ns(group: pathlib.Path, bench: str) -> float:
    return json.loads((group / bench / "new" / "estimates.json").read_text())["mean"]["point_estimate"]


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores"


if not CRITERION.is_dir():
    raise SystemExit(f"{CRITERION}: no results; run `cargo bench -p webhook-tests --bench validate` first")
GROUPS = sorted(
    (path for path in CRITERION.iterdir() if all((path / bench / "new").is_dir() for bench in BENCHES)),
    key=lambda path: path.name,
)
print(f"Measured on {machine()}, {datetime.date.today().isoformat()}.")
print()
print("In brackets: how many times faster than jsonschema parse+validate; for validate-and-parse, also its speed relative to serde;")
print("for sonic-rs, how many times faster validate-only is than it.")
print()
print("| payload | validate-only | validate-and-parse | jsonschema parse+validate | serde deserialize (no validation) | sonic-rs parse to its DOM (no validation) |")
print("|---|---|---|---|---|---|")
for group in GROUPS:
    times = {bench: mean_ns(group, bench) for bench in BENCHES}
    jsonschema = times["jsonschema parse+validate"]
    cells = [
        f"{times[bench] / 1000:.2f} µs" + ("" if bench == "jsonschema parse+validate" else f" ({jsonschema / times[bench]:.1f}×)")
        for bench in BENCHES
    ]
    serde = times["serde deserialize"]
    cells[1] = cells[1][:-1] + f"; {serde / times['validate-and-parse']:.2f}× serde)"
    if (group / SONIC / "new").is_dir():
        sonic = mean_ns(group, SONIC)
        cells.append(f"{sonic / 1000:.2f} µs ({sonic / times['validate-only']:.2f}×)")
    else:
        cells.append("not measured")
    print(f"| {group.name} | " + " | ".join(cells) + " |")

INVALID = ["validate-only", "jsonschema parse+iter_errors"]
INVALID_GROUPS = sorted(
    (path for path in CRITERION.iterdir() if all((path / bench / "new").is_dir() for bench in INVALID)),
    key=lambda path: path.name,
)
if INVALID_GROUPS:
    print()
    print("| invalid payload | validate-only (every violation) | jsonschema parse+iter_errors | ratio |")
    print("|---|---|---|---|")
    for group in INVALID_GROUPS:
        ours, theirs = (mean_ns(group, bench) for bench in INVALID)
        print(f"| {group.name} | {ours / 1000:.2f} µs | {theirs / 1000:.2f} µs | {theirs / ours:.1f}× |")

# The targets of issue 12, judged on this run. Target 1 names payloads: the seed page's example
# ("documented example, 1.4 KB"), the ASCII-at-limits payload, the real 2025 legacy payload with
# many undocumented fields (real 07) and an event payload, on every contract: the beginnings of
# their groups' names, one a line, are in named-by-target-one.txt (which examples/paired.rs reads).
TARGET_1 = [line for line in (pathlib.Path(__file__).parent / "named-by-target-one.txt").read_text().splitlines() if line]


def verdict(name: str, ratios: dict, floor: float) -> str:
    below = [f"{group} ({ratio:.2f}×)" for group, ratio in sorted(ratios.items()) if ratio < floor]
    met = len(ratios) - len(below)
    head = f"- {name}: {met} of {len(ratios)}, from {min(ratios.values()):.2f}× to {max(ratios.values()):.2f}×"
    return head + (f"; below: {', '.join(below)}" if below else "; met on every one")


def measured_at(group: pathlib.Path) -> float:
    return (group / "validate-only" / "new" / "estimates.json").stat().st_mtime


# Only the last run is judged: a group whose results are over an hour older than the newest was
# left by an earlier run (a payload since removed, or a run of a few benchmarks only).
LATEST = max((measured_at(group) for group in GROUPS + INVALID_GROUPS), default=0)
STALE = [group for group in GROUPS + INVALID_GROUPS if measured_at(group) < LATEST - 3600]
JUDGED = [group for group in GROUPS if group not in STALE]
JUDGED_INVALID = [group for group in INVALID_GROUPS if group not in STALE]
if JUDGED or JUDGED_INVALID:
    named = [group for group in JUDGED if any(group.name.startswith(prefix) for prefix in TARGET_1)]
    missing = [prefix for prefix in TARGET_1 if not any(group.name.startswith(prefix) for group in named)]
    print()
    print("Issue 12's targets in this run:")
    print()
    if STALE:
        print(f"- left by an earlier run, not judged: {', '.join(group.name for group in STALE)}")
    if missing:
        print(f"- not measured, so target 1 is not judged on them: {', '.join(missing)}")
    vs_jsonschema = {g.name: mean_ns(g, "jsonschema parse+validate") / mean_ns(g, "validate-only") for g in named}
    if vs_jsonschema:
        print(verdict("1. validate-only at least 8× jsonschema, on the payloads it names", vs_jsonschema, 8.0))
    vs_sonic = {
        g.name: mean_ns(g, SONIC) / mean_ns(g, "validate-only") for g in named if (g / SONIC / "new").is_dir()
    }
    if vs_sonic:
        print(verdict("1. validate-only faster than sonic-rs, on the same payloads", vs_sonic, 1.0))
    vs_serde = {g.name: mean_ns(g, "serde deserialize") / mean_ns(g, "validate-and-parse") for g in JUDGED}
    if vs_serde:
        print(verdict("2. validate-and-parse at least 1.3× serde, on every valid payload", vs_serde, 1.3))
    vs_errors = {g.name: mean_ns(g, INVALID[1]) / mean_ns(g, INVALID[0]) for g in JUDGED_INVALID}
    if vs_errors:
        print(verdict("3. five violations at least 4× jsonschema's iter_errors", vs_errors, 4.0))
