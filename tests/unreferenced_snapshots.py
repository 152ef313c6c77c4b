"""Fails when a committed snapshot file is read by no test, or a pending one is left over.

Usage: python3 tests/unreferenced_snapshots.py REFERENCES, where REFERENCES is the file that
insta filled during the test run (`INSTA_SNAPSHOT_REFERENCES_FILE`, one snapshot path per line:
the mechanism behind `cargo insta test --unreferenced=reject`). A snapshot nobody reads is stale:
its test was renamed or removed, and the file misleads whoever reads it next.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main():
    references = Path(sys.argv[1]).read_text(encoding="utf-8").splitlines()
    read = {Path(line).resolve() for line in references if line.strip()}
    if not read:
        sys.exit("no test recorded a snapshot: insta no longer fills INSTA_SNAPSHOT_REFERENCES_FILE, "
                 "so this check cannot tell stale snapshots; see .ci/run")
    tracked = subprocess.run(["git", "ls-files", "-z", "*.snap"], cwd=ROOT, check=True, capture_output=True)
    committed = {(ROOT / name).resolve() for name in tracked.stdout.decode().split("\0") if name}
    untracked = subprocess.run(
        ["git", "ls-files", "-z", "--others", "--exclude-standard", "*.snap", "*.snap.new", "*.pending-snap"],
        cwd=ROOT, check=True, capture_output=True,
    )
    problems = [f"{path.relative_to(ROOT)}: no test reads it" for path in sorted(committed - read)]
    problems += [f"{name}: not committed (a new or pending snapshot)" for name in untracked.stdout.decode().split("\0") if name]
    if problems:
        print("\n".join(problems))
        sys.exit(f"{len(problems)} snapshot file(s) out of step with the tests")
    print(f"snapshots: all {len(committed)} committed files are read by a test")


if __name__ == "__main__":
    main()
