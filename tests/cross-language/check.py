"""Runs the conformance suite through Python's `jsonschema`, formats asserted.

Every test without "requires" must get the fixture's verdict and errors (pointer and keyword).
Usage: python3 check.py [SCHEMA_DIR]  (default: ../../schema). It also shows how to use the
published schema from Python, including the `tag` vendor keyword.
"""
import importlib.metadata
import json
import pathlib
import sys

import jsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

TAG_KEYWORD = "x-fingerprint-maxJsonTextLength"

# Where this library is known to disagree with RFC 3339 as JSON Schema reads it, and why. The
# check fails if one of these starts to agree, so that the list stays true.
KNOWN_DEVIATIONS = {
    # rfc3339-validator, which jsonschema uses for date-time, rejects every leap second; JSON
    # Schema's own test suite accepts 23:59:60 UTC.
    ("date-times.json", "/time: RFC 3339 date-time", 'a leap second at 23:59:60 UTC: "2016-12-31T23:59:60Z"'),
    ("date-times.json", "/time: RFC 3339 date-time", 'a leap second at 23:59:60 UTC, written in another offset: "2016-12-31T15:59:60-08:00"'),
}


def max_json_text_length(validator, limit, instance, schema):
    """The `tag` limit: characters of the compact JSON text of the value."""
    text = json.dumps(instance, separators=(",", ":"), ensure_ascii=False)
    if len(text) > limit:
        yield ValidationError(f"compact JSON text of {len(text)} characters; the documented maximum is {limit}")


# Draft 2020-12 with the vendor keyword registered. Formats are asserted with FORMAT_CHECKER;
# date-time needs the rfc3339-validator package installed.
Validator = jsonschema.validators.extend(Draft202012Validator, {TAG_KEYWORD: max_json_text_length})


def pointer(path):
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def findings(validator, instance):
    """(pointer, keyword) of every error, with a missing or undocumented field at its own pointer."""
    found = set()
    for error in validator.iter_errors(instance):
        at = pointer(error.absolute_path)
        if error.validator == "required":
            missing = [name for name in error.validator_value if name not in error.instance]
            found.update((f"{at}/{name}", "required") for name in missing)
        elif error.validator == "additionalProperties":
            declared = error.schema.get("properties", {})
            found.update((pointer([*error.absolute_path, name]), "additionalProperties") for name in error.instance if name not in declared)
        else:
            found.add((at, error.validator))
    return sorted(found)


def main():
    schema_dir = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parents[2] / "schema")
    validators = {}
    checked = failed = 0
    for path in sorted((schema_dir / "fixtures").glob("*.json")):
        for group in json.loads(path.read_text(encoding="utf-8")):
            if group["schema"] not in validators:
                schema = json.loads((schema_dir / group["schema"]).read_text(encoding="utf-8"))
                Validator.check_schema(schema)
                validators[group["schema"]] = Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
            for test in group["tests"]:
                if "requires" in test or "data" not in test:
                    continue
                expected = sorted((error["pointer"], error["keyword"]) for error in test.get("errors", []))
                found = findings(validators[group["schema"]], test["data"])
                checked += 1
                known = (path.name, group["description"], test["description"]) in KNOWN_DEVIATIONS
                if (found != expected) != known:
                    failed += 1
                    what = "now agrees, remove it from KNOWN_DEVIATIONS" if known else "DISAGREES"
                    print(f"{what}: {path.name} / {group['description']} / {test['description']}\n  expected {expected}\n  found    {found}")
    version = importlib.metadata.version("jsonschema")
    print(f"python jsonschema {version} ({len(KNOWN_DEVIATIONS)} known deviations): {checked - failed} passed, {failed} failed")
    return 1 if failed or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
