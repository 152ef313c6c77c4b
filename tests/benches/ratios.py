"""Prints the README's table of ratios from the last `cargo bench -p webhook-tests --bench validate`:
a row per contract and payload (the groups `<contract> documented example` and `<contract> large payload`)."""
import json
import pathlib

CRITERION = pathlib.Path(__file__).resolve().parents[2] / "target" / "criterion"
PAYLOADS = ["documented example", "large payload"]
BENCHES = ["validate-only", "validate-and-parse", "jsonschema parse+validate", "serde deserialize"]


def mean_ns(group: str, bench: str) -> float:
    path = CRITERION / group / bench / "new" / "estimates.json"
    return json.loads(path.read_text())["mean"]["point_estimate"]


GROUPS = sorted(
    (path.name for path in CRITERION.iterdir() if any(path.name.endswith(" " + payload) for payload in PAYLOADS)),
    key=lambda name: (name.rsplit(" ", 2)[0], name),
)
print("| payload | validate-only | validate-and-parse | jsonschema parse+validate | serde deserialize (no validation) |")
print("|---|---|---|---|---|")
for group in GROUPS:
    times = {bench: mean_ns(group, bench) for bench in BENCHES}
    jsonschema = times["jsonschema parse+validate"]
    cells = [
        f"{times[bench] / 1000:.1f} µs" + ("" if bench == "jsonschema parse+validate" else f" ({jsonschema / times[bench]:.1f}× faster)")
        for bench in BENCHES
    ]
    serde = times["serde deserialize"]
    cells[1] += f", {serde / times['validate-and-parse']:.2f}× serde's speed"
    print(f"| {group} | " + " | ".join(cells) + " |")
