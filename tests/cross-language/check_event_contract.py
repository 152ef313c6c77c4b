#!/usr/bin/env python3
"""Checks of the `event` contract (schema/event/: schema.json, example.json, decisions.json).

  (a) schema.json is valid against the JSON Schema draft 2020-12 metaschema, and follows the
      project's house rules (a title and a description on every property, every `$ref` resolves,
      every $defs entry is used, no object is closed with `additionalProperties: false`);
  (b) example.json and the real event payloads 08_*.json and 09_*.json of
      ../shared/fingerprint-examples/ (read in place, never copied) are validated with Python
      `jsonschema` (Draft202012Validator, FORMAT_CHECKER); every error is printed with its path;
      a real payload error is accepted only if decisions.json lists it under
      `real_payload_deviations`;
  (b') a few mutations of example.json are judged as the documented rules say they must be.

Where the schema drifts from the vendored OpenAPI is `cargo xtask drift` (xtask/src/drift.rs):
it compares every contract with the source its decisions.json declares, and
xtask/tests/drift.rs runs it in CI; `cargo xtask drift --openapi DIR` compares with a newer
release.

Usage: check_event_contract.py [--examples DIR]
  --examples DIR    where the real payloads are (default: ../shared/fingerprint-examples).
Exit status 0 when everything is clean, 1 otherwise.

Needs Python 3 with `jsonschema` (4.26.0 used) and, for `date-time` should the contract
ever use it, `rfc3339-validator`; a `pip install --target .py ...` folder beside this file is used
when present (`.ci/run` installs them into tests/cross-language/.python).
"""
import glob
import json
import os
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
HERE = os.path.join(ROOT, "schema", "event")
LOCAL_PY = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".python")
if os.path.isdir(LOCAL_PY):
    sys.path.insert(0, LOCAL_PY)

from jsonschema import Draft202012Validator  # noqa: E402

problems = []


def problem(msg):
    problems.append(msg)
    print("FAIL: " + msg)


def dup_checking_hook(pairs):
    seen = {}
    for k, v in pairs:
        if k in seen:
            raise ValueError("duplicate object key %r" % k)
        seen[k] = v
    return seen


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, object_pairs_hook=dup_checking_hook)


def pointer_of(path):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


# ---------------------------------------------------------------- (a) the schema itself
def check_schema(schema):
    print("== (a) schema.json against the draft 2020-12 metaschema")
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
    errs = sorted(meta.iter_errors(schema), key=lambda e: list(e.absolute_path))
    for e in errs:
        problem("metaschema: %s: %s" % (pointer_of(e.absolute_path) or "/", e.message))
    if not errs:
        print("ok: valid against %s" % schema.get("$schema"))
    for key, want in (("$schema", "https://json-schema.org/draft/2020-12/schema"),
                      ("$id", "urn:fingerprint-webhook:schema:event")):
        if schema.get(key) != want:
            problem("%s is %r, expected %r" % (key, schema.get(key), want))
    defs = schema.get("$defs", {})
    used = set()
    n_props = [0]

    def visit(node, ptr):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                if not ref.startswith("#/$defs/") or ref[len("#/$defs/"):] not in defs:
                    problem("%s: $ref %r does not resolve to a $defs entry" % (ptr, ref))
                used.add(ref[len("#/$defs/"):])
            if node.get("additionalProperties") is False:
                problem("%s: additionalProperties: false closes the object (DESIGN 2 rule 7)" % ptr)
            for name, sub in (node.get("properties") or {}).items():
                n_props[0] += 1
                for k in ("title", "description"):
                    if not isinstance(sub, dict) or not isinstance(sub.get(k), str) or not sub[k].strip():
                        problem("%s/properties/%s: no %s" % (ptr, name, k))
            for k, v in node.items():
                if k in ("enum", "const", "examples"):
                    continue
                visit(v, ptr + "/" + k)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                visit(v, "%s/%d" % (ptr, i))

    visit(schema, "")
    for name in defs:
        if name not in used:
            problem("$defs/%s is never used" % name)
        for k in ("title", "description"):
            if not defs[name].get(k):
                problem("$defs/%s: no %s" % (name, k))
    print("ok: house rules checked (%d property entries, %d $defs)" % (n_props[0], len(defs)))


# ---------------------------------------------------------------- (b) payloads
def check_payloads(schema, examples_dir, decisions):
    print("== (b) payloads under schema.json (jsonschema, Draft202012Validator, FORMAT_CHECKER)")
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    known = {(d["file"], d["pointer"], d["keyword"]) for d in decisions.get("real_payload_deviations", [])}
    seen_known = set()
    files = [("example.json", os.path.join(HERE, "example.json"), False)]
    reals = sorted(glob.glob(os.path.join(examples_dir, "08_*.json")) +
                   glob.glob(os.path.join(examples_dir, "09_*.json")))
    if len(reals) != 2:
        problem("expected one 08_*.json and one 09_*.json in %s, found %d files" % (examples_dir, len(reals)))
    files += [(os.path.basename(p), p, True) for p in reals]
    for name, path, real in files:
        try:
            data = load_json(path)
        except (OSError, ValueError) as e:
            problem("%s: cannot be read as JSON: %s" % (name, e))
            continue
        errs = sorted(validator.iter_errors(data), key=lambda e: (list(e.absolute_path), e.validator))
        if not errs:
            print("ok: %s is valid" % name)
        for e in errs:
            ptr = pointer_of(e.absolute_path)
            line = "%s: %s [%s] %s" % (name, ptr or "/", e.validator, e.message)
            for sub in e.context or []:
                line += "\n      (branch %s) %s [%s] %s" % (
                    pointer_of(sub.relative_schema_path)[:40], pointer_of(sub.absolute_path) or "/",
                    sub.validator, sub.message)
            key = (name, ptr, e.validator)
            if real and key in known:
                seen_known.add(key)
                print("known deviation (DECISIONS.md, real payloads): " + line)
            else:
                problem(line)
    for key in sorted(known - seen_known):
        problem("decisions.json lists a real-payload deviation that no longer occurs: %s %s [%s]" % key)


# ---------------------------------------------------------------- (b') the schema bites
MUTATIONS = [
    # (description, JSON pointer to set or delete in example.json, new value or DELETE, valid?)
    ("an unknown top-level field is allowed (DESIGN 2 rule 7)", "/not_documented", 1, True),
    ("an unknown nested field is allowed", "/ip_info/v4/not_documented", "x", True),
    ("an integer-valued number is an integer", "/timestamp", 1795948823417.0, True),
    ("an absent optional field is allowed", "/linked_id", "DELETE", True),
    ("event_id is required", "/event_id", "DELETE", False),
    ("an optional field is never null", "/linked_id", None, False),
    ("enumerations are closed", "/bot", "maybe", False),
    ("confidence score has maximum 1", "/identification/confidence/score", 1.5, False),
    ("ipv4 format is asserted", "/ip_info/v4/address", "198.51.100.300", False),
    ("ipv6 format is asserted", "/ip_info/v6/address", "2001:db8::zz", False),
    ("country_code has minLength 2", "/ip_info/v4/geolocation/country_code", "F", False),
    ("screen_resolution has maxItems 2", "/raw_device_attributes/screen_resolution", [1, 2, 3], False),
    ("precision_radius is an enum", "/proximity/precision_radius", 11, False),
    ("tags is an object", "/tags", "checkout", False),
    ("rule_action type must match a oneOf branch", "/rule_action/type", "deny", False),
    ("rule_action without type matches no branch", "/rule_action/type", "DELETE", False),
    ("vendor-only formats are annotations", "/ip_info/v4/geolocation/timezone", "not a zone", True),
]


def set_pointer(doc, ptr, value):
    parts = [p.replace("~1", "/").replace("~0", "~") for p in ptr.split("/")[1:]]
    node = doc
    for p in parts[:-1]:
        node = node[int(p)] if isinstance(node, list) else node[p]
    if value == "DELETE":
        del node[parts[-1]]
    else:
        node[parts[-1]] = value


def check_mutations(schema):
    import copy
    print("== (b') mutations of example.json")
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    base = load_json(os.path.join(HERE, "example.json"))
    for desc, ptr, value, want in MUTATIONS:
        doc = copy.deepcopy(base)
        set_pointer(doc, ptr, value)
        got = validator.is_valid(doc)
        if got != want:
            problem("mutation %r at %s: expected %s, got %s" % (desc, ptr, "valid" if want else "invalid",
                                                               "valid" if got else "invalid"))
    print("ran %d mutations" % len(MUTATIONS))


def main(argv):
    examples_dir = os.path.normpath(os.path.join(ROOT, "..", "shared", "fingerprint-examples"))
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--examples" and args:
            examples_dir = os.path.abspath(args.pop(0))
        else:
            print(__doc__)
            return 2
    schema = load_json(os.path.join(HERE, "schema.json"))
    decisions = load_json(os.path.join(HERE, "decisions.json"))
    check_schema(schema)
    check_payloads(schema, examples_dir, decisions)
    check_mutations(schema)
    print("== %s" % ("clean" if not problems else "%d problem(s)" % len(problems)))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
