"""Runs the conformance suite through Python's `jsonschema`, formats asserted.

Every test that plain JSON Schema with the `tag` vendor keyword can judge (no "requires" but that
keyword) must get the fixture's verdict and errors (pointer and keyword); a test given as "text"
is parsed first.
Usage: python3 check.py [SCHEMA_DIR]  (default: ../../schema). It also shows how to use the
published schema from Python, including the `tag` vendor keyword.
"""
import decimal
import importlib.metadata
import json
import math
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
    # (Matched by file and test, in every contract's suite and every group of date-times.)
    ("date-times.json", 'a leap second at 23:59:60 UTC: "2016-12-31T23:59:60Z"'),
    ("date-times.json", 'a leap second at 23:59:60 UTC, written in another offset: "2016-12-31T15:59:60-08:00"'),
}


def ecmascript_number(value):
    """A number as ECMAScript's Number::toString writes its nearest double (RFC 8785, 3.2.2.3)."""
    try:
        number = float(value)
    except OverflowError:
        # An integer literal beyond a double: JSON.parse makes it Infinity, written null.
        return "null"
    if not math.isfinite(number):
        return "null"
    if number == 0:
        return "0"
    # repr() gives the shortest digits that read back as the same double, as ECMAScript asks.
    _, digits, exponent = decimal.Decimal(repr(abs(number))).normalize().as_tuple()
    digits = "".join(map(str, digits))
    k, n = len(digits), exponent + len(digits)
    sign = "-" if number < 0 else ""
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + digits
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{sign}{mantissa}e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"


def canonical_json(value):
    """The RFC 8785 canonical JSON text of a value: no whitespace, sorted keys, strings and
    numbers as ECMAScript's JSON.stringify writes them."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return ecmascript_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(canonical_json(item) for item in value) + "]"
    members = sorted(value.items(), key=lambda member: member[0].encode("utf-16-be"))
    return "{" + ",".join(json.dumps(key, ensure_ascii=False) + ":" + canonical_json(item) for key, item in members) + "}"


def max_json_text_length(validator, limit, instance, schema):
    """The `tag` limit: code points of the canonical JSON text (RFC 8785) of the value."""
    length = len(canonical_json(instance))
    if length > limit:
        yield ValidationError(f"canonical JSON text of {length} characters; the documented maximum is {limit}")


# Draft 2020-12 with the vendor keyword registered. Formats are asserted with FORMAT_CHECKER;
# date-time needs the rfc3339-validator package installed.
Validator = jsonschema.validators.extend(Draft202012Validator, {TAG_KEYWORD: max_json_text_length})


def pointer(path):
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


# Only date-time, ipv4 and ipv6 are asserted (DESIGN §2 rule 10): every other format, whether JSON
# Schema defines it (`email`, `uri`, ...) or the vendor does (`int64`, `timezone`), is an
# annotation.
FORMAT_CHECKER = jsonschema.FormatChecker(formats=("date-time", "ipv4", "ipv6"))


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
    # Every contract's suite: schema/<contract>/fixtures/*.json; groups name their schema by its
    # path under schema/.
    for path in sorted(schema_dir.glob("*/fixtures/*.json")):
        for group in json.loads(path.read_text(encoding="utf-8")):
            if group["schema"] not in validators:
                schema = json.loads((schema_dir / group["schema"]).read_text(encoding="utf-8"))
                Validator.check_schema(schema)
                validators[group["schema"]] = Validator(schema, format_checker=FORMAT_CHECKER)
            for test in group["tests"]:
                if set(test.get("requires", [])) - {TAG_KEYWORD}:
                    continue
                data = json.loads(test["text"]) if "text" in test else test["data"]
                expected = sorted((error["pointer"], error["keyword"]) for error in test.get("errors", []))
                found = findings(validators[group["schema"]], data)
                checked += 1
                known = (path.name, test["description"]) in KNOWN_DEVIATIONS
                if (found != expected) != known:
                    failed += 1
                    what = "now agrees, remove it from KNOWN_DEVIATIONS" if known else "DISAGREES"
                    print(f"{what}: {path.name} / {group['description']} / {test['description']}\n  expected {expected}\n  found    {found}")
    version = importlib.metadata.version("jsonschema")
    print(f"python jsonschema {version} ({len(KNOWN_DEVIATIONS)} known deviations): {checked - failed} passed, {failed} failed")
    return 1 if failed or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
