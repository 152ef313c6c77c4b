// Runs the conformance suite through ajv (draft 2020-12) with ajv-formats, formats asserted.
// Every test that plain JSON Schema with the `tag` vendor keyword can judge (no "requires" but that
// keyword) must get the fixture's verdict and errors (pointer and keyword); a "text" test is parsed first.
// Usage: node check.mjs [SCHEMA_DIR]  (default: ../../schema). It also shows how to use the
// published schema from JavaScript, including the `tag` vendor keyword.
import { readdirSync, readFileSync } from "node:fs";
import { basename, join, dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const schemaDir = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), "..", "..", "schema");

// Union types such as ["string", "null"] are how the schema says "nullable".
// `strictSchema: false`: keywords ajv does not know (the vendor's `x-*` annotations, whatever
// their names) are annotations, as JSON Schema says.
const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, strictSchema: false });
addFormats(ajv);
// The `tag` limit: characters (code points, not UTF-16 units) of the canonical JSON text (RFC 8785).
// JSON.stringify writes numbers and strings as RFC 8785 does; key order does not change the length.
const TAG_KEYWORD = "x-fingerprint-maxJsonTextLength";
ajv.addKeyword({
  keyword: TAG_KEYWORD,
  schemaType: "number",
  validate: (limit, data) => [...JSON.stringify(data)].length <= limit,
});

// Where ajv-formats is known to disagree with RFC 3339 as JSON Schema reads it, and why. The
// check fails if one of these starts to agree, so that the list stays true.
const KNOWN_DEVIATIONS = new Set([
  // ajv-formats accepts a space between date and time (RFC 3339 allows it only as a note; its
  // grammar, which JSON Schema follows, requires "T")...
  // (Matched by file and test, in every contract's suite and every group of date-times.)
  'date-times.json / a space instead of T: "2019-10-12 07:20:50Z"',
  // ...and an offset without its colon, which the grammar does not allow.
  'date-times.json / an offset without a colon: "2019-10-12T07:20:50+0200"',
]);

const escape = (name) => String(name).replaceAll("~", "~0").replaceAll("/", "~1");

// (pointer, keyword) of every error, with a missing or undocumented field at its own pointer.
// An error inside an alternative of a `oneOf`/`anyOf` is part of that combinator's own error,
// which is the one JSON Schema's output reports at the union (as the project's validators do).
function findings(errors) {
  const found = new Set();
  const unions = (errors ?? [])
    .filter((error) => error.keyword === "oneOf" || error.keyword === "anyOf")
    .map((error) => error.instancePath);
  const insideUnion = (error) =>
    error.keyword !== "oneOf" && error.keyword !== "anyOf" &&
    unions.some((path) => error.instancePath === path || error.instancePath.startsWith(`${path}/`));
  for (const error of errors ?? []) {
    if (insideUnion(error)) continue;
    if (error.keyword === "required") {
      found.add(JSON.stringify([`${error.instancePath}/${escape(error.params.missingProperty)}`, "required"]));
    } else if (error.keyword === "additionalProperties") {
      found.add(JSON.stringify([`${error.instancePath}/${escape(error.params.additionalProperty)}`, "additionalProperties"]));
    } else {
      found.add(JSON.stringify([error.instancePath, error.keyword]));
    }
  }
  return [...found].sort();
}

const validators = new Map();
let checked = 0;
let failed = 0;
// Every contract's suite: schema/<contract>/fixtures/*.json; groups name their schema by its
// path under schema/.
const fixtureFiles = readdirSync(schemaDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((entry) => {
    const folder = join(schemaDir, entry.name, "fixtures");
    let names = [];
    try { names = readdirSync(folder); } catch { return []; }
    return names.filter((name) => name.endsWith(".json")).map((name) => join(folder, name));
  })
  .sort();
// Only these formats are asserted (DESIGN §2 rule 10); every other one, whether JSON Schema
// defines it or the vendor does (`timezone`, and `int64` or `double`, which ajv-formats would
// check), is an annotation: registered as accepting everything.
const ASSERTED_FORMATS = new Set(["date-time", "ipv4", "ipv6"]);
function registerAnnotations(node) {
  if (Array.isArray(node)) {
    node.forEach(registerAnnotations);
  } else if (node !== null && typeof node === "object") {
    if (typeof node.format === "string" && !ASSERTED_FORMATS.has(node.format)) ajv.addFormat(node.format, true);
    Object.values(node).forEach(registerAnnotations);
  }
}

for (const file of fixtureFiles) {
  for (const group of JSON.parse(readFileSync(file, "utf8"))) {
    if (!validators.has(group.schema)) {
      const schema = JSON.parse(readFileSync(join(schemaDir, group.schema), "utf8"));
      registerAnnotations(schema);
      validators.set(group.schema, ajv.compile(schema));
    }
    const validate = validators.get(group.schema);
    for (const test of group.tests) {
      if ((test.requires ?? []).some((requirement) => requirement !== TAG_KEYWORD)) continue;
      const data = "text" in test ? JSON.parse(test.text) : test.data;
      const expected = (test.errors ?? []).map((error) => JSON.stringify([error.pointer, error.keyword])).sort();
      validate(data);
      const found = findings(validate.errors);
      checked += 1;
      const name = `${relative(schemaDir, file)} / ${group.description} / ${test.description}`;
      const known = KNOWN_DEVIATIONS.has(`${basename(file)} / ${test.description}`);
      if ((JSON.stringify(found) !== JSON.stringify(expected)) !== known) {
        failed += 1;
        const what = known ? "now agrees, remove it from KNOWN_DEVIATIONS" : "DISAGREES";
        console.log(`${what}: ${name}\n  expected ${expected}\n  found    ${found}`);
      }
    }
  }
}
const { version } = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), "node_modules", "ajv", "package.json"), "utf8"));
console.log(`ajv ${version} (${KNOWN_DEVIATIONS.size} known deviations): ${checked - failed} passed, ${failed} failed`);
process.exit(failed > 0 || checked === 0 ? 1 : 0);
