//! Helpers of the cross-crate tests: the repository's files, the documented-limits table, and a
//! reader of per-field facts that works on any JSON Schema (the canonical one, or the one
//! schemars derives from the Rust types).

pub mod agreement;
pub mod bench_payloads;
pub mod canonical;
pub mod codegen_suites;
pub mod duplicates;
pub mod instances;
pub mod targets;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use fingerprint_webhook_codegen::constraints::{ConstraintRow, Place};
use serde_json::Value;

/// The README's Rust examples, compiled as doctests so that they stay true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeExamples;

/// The repository root.
///
/// # Panics
///
/// Never in practice: this crate's folder always has a parent.
pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the tests crate sits in the repository").to_owned()
}

/// The text of a file of the repository, by its path relative to the root.
///
/// # Panics
///
/// When the file cannot be read: the tests need it.
pub fn read_repository_file(relative: &str) -> String {
    let path = repository_root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The path of a file of a contract's folder, relative to the repository root.
pub fn contract_file(contract: &fingerprint_webhook::Contract, file: &str) -> String {
    format!("schema/{}/{file}", contract.name())
}

/// A contract's documentation annotations table, in its folder (optional).
pub const DOCUMENTED_LIMITS_FILE: &str = "documented-limits.csv";

/// What the documentation annotates for a field's nullability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Documented {
    /// `nullable: true`: the field may be `null` or absent.
    Nullable,
    /// `nullable: false`: the field is required and never `null`.
    NotNullable,
    /// No annotation: the field may be absent, and is never `null`.
    Unannotated,
}

impl Documented {
    /// The nullability the contract's rules derive from a schema's presence and nullability;
    /// `None` for a combination the rules never produce (required yet nullable).
    pub fn from_schema(required: bool, nullable: bool) -> Option<Documented> {
        match (required, nullable) {
            (true, false) => Some(Documented::NotNullable),
            (false, true) => Some(Documented::Nullable),
            (false, false) => Some(Documented::Unannotated),
            (true, true) => None,
        }
    }
}

impl fmt::Display for Documented {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Documented::Nullable => "true",
            Documented::NotNullable => "false",
            Documented::Unannotated => "unannotated",
        })
    }
}

/// One row of `schema/documented-limits.csv`: a field as the documentation annotates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentedField {
    /// Where the field sits in a payload (`*` for any array item).
    pub pointer: String,
    /// Its JSON type, as the documentation's example shows it (`any` for `tag`).
    pub json_type: String,
    /// Its annotated nullability.
    pub nullable: Documented,
    /// Its annotated `maxLength`.
    pub max_length: Option<u64>,
}

/// The instance pointers of the fields whose schema names a source other than the
/// documentation page (`x-fingerprint-source`), at any depth (`*` for any array item).
pub fn sourced_elsewhere(schema: &Value) -> Vec<String> {
    fn resolve<'s>(root: &'s Value, mut node: &'s Value) -> &'s Value {
        for _ in 0..32 {
            let Some(target) =
                node.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/"))
            else {
                break;
            };
            match root.get("$defs").and_then(|defs| defs.get(target)) {
                Some(definition) => node = definition,
                None => break,
            }
        }
        node
    }
    fn walk(root: &Value, node: &Value, pointer: &str, depth: usize, out: &mut Vec<String>) {
        if depth > 32 {
            return;
        }
        let node = resolve(root, node);
        if let Some(properties) = node.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                let child = format!("{pointer}/{name}");
                if property.get("x-fingerprint-source").is_some() {
                    out.push(child);
                } else {
                    walk(root, property, &child, depth + 1, out);
                }
            }
        }
        if let Some(items) = node.get("items") {
            walk(root, items, &format!("{pointer}/*"), depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(schema, schema, "", 0, &mut out);
    out
}

/// Reads the documented-limits table (`pointer,type,nullable,maxLength`, a header row first).
///
/// # Errors
///
/// A message naming the line, when a row is malformed.
pub fn parse_documented_limits(text: &str) -> Result<Vec<DocumentedField>, String> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, "pointer,type,nullable,maxLength")) => {}
        other => {
            return Err(format!(
                "line 1: expected the header `pointer,type,nullable,maxLength`, found {other:?}"
            ));
        }
    }
    let mut fields = Vec::new();
    for (index, line) in lines.filter(|(_, line)| !line.trim().is_empty()) {
        let number = index + 1;
        let columns: Vec<&str> = line.split(',').collect();
        let [pointer, json_type, nullable, max_length] = columns.as_slice() else {
            return Err(format!("line {number}: expected 4 columns, found {}", columns.len()));
        };
        let nullable = match *nullable {
            "true" => Documented::Nullable,
            "false" => Documented::NotNullable,
            "unannotated" => Documented::Unannotated,
            other => {
                return Err(format!(
                    "line {number}: nullable is `true`, `false` or `unannotated`, not `{other}`"
                ));
            }
        };
        let max_length = match *max_length {
            "" => None,
            digits => Some(
                digits.parse().map_err(|_| format!("line {number}: maxLength `{digits}` is not a count"))?,
            ),
        };
        fields.push(DocumentedField {
            pointer: (*pointer).to_owned(),
            json_type: (*json_type).to_owned(),
            nullable,
            max_length,
        });
    }
    Ok(fields)
}

/// Compares the documentation's annotations with the schema's constraints, in both directions.
/// Each difference is one message that names the field.
pub fn documentation_drift(
    documented: &[DocumentedField],
    schema: &[ConstraintRow],
    sourced: &[String],
) -> Vec<String> {
    let mut differences = Vec::new();
    // Fields the documentation page does not have, and the schema says where they come from
    // (`x-fingerprint-source`): the drift check against that source covers them.
    let elsewhere = |pointer: &str| {
        sourced.iter().any(|source| pointer == source || pointer.starts_with(&format!("{source}/")))
    };
    let schema: Vec<&ConstraintRow> = schema.iter().filter(|row| !elsewhere(&row.pointer)).collect();
    for field in documented {
        let Some(row) = schema.iter().find(|row| row.pointer == field.pointer) else {
            differences.push(format!("{}: documented, but the schema has no such field", field.pointer));
            continue;
        };
        if row.json_type != field.json_type {
            differences.push(format!(
                "{}: type is {} in the documentation, {} in the schema",
                field.pointer, field.json_type, row.json_type
            ));
        }
        match Documented::from_schema(row.required, row.nullable) {
            Some(nullable) if nullable == field.nullable => {}
            Some(nullable) => differences.push(format!(
                "{}: nullable is {} in the documentation, but the schema says {nullable} (required: {}, null allowed: {})",
                field.pointer, field.nullable, row.required, row.nullable
            )),
            None => differences.push(format!("{}: the schema requires the field yet allows null", field.pointer)),
        }
        if row.max_length != field.max_length {
            differences.push(format!(
                "{}: maxLength is {} in the documentation, {} in the schema",
                field.pointer,
                describe_limit(field.max_length),
                describe_limit(row.max_length)
            ));
        }
    }
    for row in schema {
        // The items of an array are in the table so that their own limits cannot vanish; items
        // that carry no limit (objects, whose properties have rows) need no documented row.
        let unconstrained_items = row.place != Place::Property
            && row.max_length.is_none()
            && row.bounds.is_none()
            && row.format.is_none();
        if !unconstrained_items && !documented.iter().any(|field| field.pointer == row.pointer) {
            differences.push(format!("{}: in the schema, but not in the documented limits", row.pointer));
        }
    }
    differences
}

fn describe_limit(limit: Option<u64>) -> String {
    limit.map_or_else(|| "absent".to_owned(), |limit| limit.to_string())
}

/// What a JSON Schema says about one field: enough to compare two schemas of one payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldFacts {
    /// The non-null JSON types it allows (`any` when it allows every value).
    pub types: BTreeSet<String>,
    /// Whether its object lists it in `required`.
    pub required: bool,
    /// Whether it allows `null`.
    pub nullable: bool,
    /// `maxLength`, or the vendor limit on the canonical JSON text (RFC 8785) of a value of any type.
    pub max_length: Option<u64>,
}

/// The facts of every field of a JSON Schema document, by payload pointer (`*` for any array
/// item). Reads `$ref` into `$defs`, `type` arrays and `anyOf`/`oneOf` alternatives, so that it
/// reads hand-written and derived schemas alike.
pub fn field_facts(document: &Value) -> BTreeMap<String, FieldFacts> {
    let mut facts = BTreeMap::new();
    collect_fields(document, document, "", &mut facts);
    facts
}

/// The alternatives of a schema with references followed: a schema has one, `anyOf`/`oneOf`
/// have one per branch.
fn alternatives<'a>(document: &'a Value, schema: &'a Value) -> Vec<&'a Value> {
    let schema = resolve(document, schema);
    for combinator in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = schema.get(combinator) {
            return branches.iter().flat_map(|branch| alternatives(document, branch)).collect();
        }
    }
    vec![schema]
}

fn resolve<'a>(document: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str).and_then(|target| target.strip_prefix('#')) {
        Some(pointer) => resolve(document, document.pointer(pointer).unwrap_or(&Value::Null)),
        None => schema,
    }
}

fn collect_fields(document: &Value, schema: &Value, prefix: &str, facts: &mut BTreeMap<String, FieldFacts>) {
    for alternative in alternatives(document, schema) {
        let required: Vec<&str> = alternative
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if let Some(Value::Object(properties)) = alternative.get("properties") {
            for (name, property) in properties {
                let pointer = format!("{prefix}/{name}");
                facts.insert(
                    pointer.clone(),
                    value_facts(document, property, required.contains(&name.as_str())),
                );
                collect_fields(document, property, &pointer, facts);
            }
        }
        if let Some(items) = alternative.get("items") {
            collect_fields(document, items, &format!("{prefix}/*"), facts);
        }
    }
}

fn value_facts(document: &Value, schema: &Value, required: bool) -> FieldFacts {
    let mut types = BTreeSet::new();
    let mut nullable = false;
    let mut max_length = None;
    for alternative in alternatives(document, schema) {
        let names: Vec<&str> = match alternative.get("type") {
            Some(Value::String(name)) => vec![name.as_str()],
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
            _ => vec!["any"],
        };
        for name in names {
            if name == "null" || name == "any" {
                nullable = true;
            }
            if name != "null" {
                types.insert(name.to_owned());
            }
        }
        let limit =
            alternative.get("maxLength").or_else(|| alternative.get("x-fingerprint-maxJsonTextLength"));
        max_length = max_length.or_else(|| limit.and_then(Value::as_u64));
    }
    FieldFacts { types, required, nullable, max_length }
}

/// Compares the field facts of two schemas, in both directions. Each difference is one message
/// that names the field.
pub fn schema_drift(
    expected: &BTreeMap<String, FieldFacts>,
    actual: &BTreeMap<String, FieldFacts>,
) -> Vec<String> {
    let mut differences = Vec::new();
    for (pointer, want) in expected {
        let Some(have) = actual.get(pointer) else {
            differences.push(format!("{pointer}: in the canonical schema, missing from the types"));
            continue;
        };
        if want.types != have.types {
            differences.push(format!(
                "{pointer}: type {:?} in the canonical schema, {:?} in the types",
                want.types, have.types
            ));
        }
        if want.required != have.required {
            differences.push(format!(
                "{pointer}: required is {} in the canonical schema, {} in the types",
                want.required, have.required
            ));
        }
        if want.nullable != have.nullable {
            differences.push(format!(
                "{pointer}: nullable is {} in the canonical schema, {} in the types",
                want.nullable, have.nullable
            ));
        }
        if want.max_length != have.max_length {
            differences.push(format!(
                "{pointer}: maxLength is {} in the canonical schema, {} in the types",
                describe_limit(want.max_length),
                describe_limit(have.max_length)
            ));
        }
    }
    for pointer in actual.keys().filter(|pointer| !expected.contains_key(*pointer)) {
        differences.push(format!("{pointer}: in the types, missing from the canonical schema"));
    }
    differences
}
