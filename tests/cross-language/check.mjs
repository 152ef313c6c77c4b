// Runs the conformance suite through ajv (draft 2020-12) with ajv-formats, formats asserted.
// Every test that plain JSON Schema with the `tag` vendor keyword can judge (no "requires" but that
// keyword) must get the fixture's verdict and errors (pointer and keyword); a "text" test is parsed first.
// Usage: node check.mjs [SCHEMA_DIR]  (default: ../../schema). It also shows how to use the
// published schema from JavaScript, including the `tag` vendor keyword.
import { readdirSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const schemaDir = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), "..", "..", "schema");

// Union types such as ["string", "null"] are how the schema says "nullable".
const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
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
  'date-times.json / /time: RFC 3339 date-time / a space instead of T: "2019-10-12 07:20:50Z"',
  // ...and an offset without its colon, which the grammar does not allow.
  'date-times.json / /time: RFC 3339 date-time / an offset without a colon: "2019-10-12T07:20:50+0200"',
]);

const escape = (name) => String(name).replaceAll("~", "~0").replaceAll("/", "~1");

// (pointer, keyword) of every error, with a missing or undocumented field at its own pointer.
function findings(errors) {
  const found = new Set();
  for (const error of errors ?? []) {
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
for (const file of readdirSync(join(schemaDir, "fixtures")).filter((name) => name.endsWith(".json")).sort()) {
  for (const group of JSON.parse(readFileSync(join(schemaDir, "fixtures", file), "utf8"))) {
    if (!validators.has(group.schema)) {
      validators.set(group.schema, ajv.compile(JSON.parse(readFileSync(join(schemaDir, group.schema), "utf8"))));
    }
    const validate = validators.get(group.schema);
    for (const test of group.tests) {
      if ((test.requires ?? []).some((requirement) => requirement !== TAG_KEYWORD)) continue;
      const data = "text" in test ? JSON.parse(test.text) : test.data;
      const expected = (test.errors ?? []).map((error) => JSON.stringify([error.pointer, error.keyword])).sort();
      validate(data);
      const found = findings(validate.errors);
      checked += 1;
      const name = `${file} / ${group.description} / ${test.description}`;
      const known = KNOWN_DEVIATIONS.has(name);
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
