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
