//! Where a test finds what it changes: a contract's constraint table, the places of its fields
//! in a payload and in a schema document. Tests pick their targets with these (the first string
//! with a `maxLength`, the first date-time, ...) instead of naming fields, so that a contract's
//! fields can change, and contracts be added, without changing a test (DESIGN §3).

use fingerprint_webhook::Contract;
use fingerprint_webhook_codegen::constraints::{self, ConstraintRow, Place};
use fingerprint_webhook_codegen::model::Model;
use serde_json::Value;

/// A contract's constraint table: one row per value, in schema order.
///
/// # Panics
///
/// When the contract's schema does not read: the generator would have refused it.
pub fn table(contract: &Contract) -> Vec<ConstraintRow> {
    constraints::rows(&Model::read(contract.schema(), contract.root_type()).expect("the schema reads"))
}

/// A contract's example payload.
///
/// # Panics
///
/// Never for a generated contract: its example is valid JSON.
pub fn example(contract: &Contract) -> Value {
    serde_json::from_str(contract.example()).expect("the example is JSON")
}

/// The first place in `payload` that a table pointer (`*` for any item or entry) names: each
/// `*` taken as the first item or member there.
pub fn present(payload: &Value, pointer: &str) -> Option<String> {
    let mut concrete = String::new();
    let mut node = payload;
    for token in pointer.split('/').skip(1) {
        let (key, child) = match (token, node) {
            ("*", Value::Array(items)) => ("0".to_owned(), items.first()?),
            ("*", Value::Object(members)) => {
                let (key, child) = members.iter().next()?;
                (escape(key), child)
            }
            (token, Value::Object(members)) => (token.to_owned(), members.get(&unescape(token))?),
            _ => return None,
        };
        concrete.push('/');
        concrete.push_str(&key);
        node = child;
    }
    Some(concrete)
}

/// The rows whose value the payload has (see [`present`]), with the place of that value.
pub fn present_rows<'r>(
    rows: &'r [ConstraintRow],
    payload: &Value,
) -> impl Iterator<Item = (&'r ConstraintRow, String)> {
    rows.iter().filter_map(move |row| present(payload, &row.pointer).map(|at| (row, at)))
}

/// Whether a row is a property of an object (not the items of an array or the entries of a map).
pub fn is_property(row: &ConstraintRow) -> bool {
    row.place == Place::Property && !row.pointer.ends_with("/*")
}

/// The key of a property row: the last token of its pointer, unescaped.
pub fn key_of(pointer: &str) -> String {
    unescape(pointer.rsplit('/').next().unwrap_or_default())
}

/// The pointer of the object that holds a property.
pub fn parent_of(pointer: &str) -> &str {
    pointer.rsplit_once('/').map_or("", |(parent, _)| parent)
}

/// Sets the value at `pointer`, adding the member when its object lacks it.
///
/// # Panics
///
/// When the parent is not an object or an array that has the item.
pub fn set(payload: &mut Value, pointer: &str, value: Value) {
    let parent = payload.pointer_mut(parent_of(pointer)).unwrap_or_else(|| panic!("{pointer}: no parent"));
    let key = key_of(pointer);
    match parent {
        Value::Object(members) => {
            members.insert(key, value);
        }
        Value::Array(items) => items[key.parse::<usize>().expect("an index")] = value,
        other => panic!("{pointer}: the parent is {other}"),
    }
}

/// Where each field of a payload is described in a JSON Schema document: `(payload pointer with
/// `*`, JSON pointer of a schema in the document)`, for every schema that describes it once
/// `$ref`s are followed and `anyOf`/`oneOf` branches taken apart, in document order. Two fields
/// described by one `$defs` entry share its pointer.
pub fn field_schemas(document: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk_schema(document, "", "", 0, &mut out);
    out
}

fn walk_schema(document: &Value, at: &str, payload: &str, depth: usize, out: &mut Vec<(String, String)>) {
    if depth > 40 {
        return;
    }
    let Some(schema) = document.pointer(at) else { return };
    if let Some(target) =
        schema.get("$ref").and_then(Value::as_str).and_then(|target| target.strip_prefix('#'))
    {
        walk_schema(document, target, payload, depth + 1, out);
        return;
    }
    for combinator in ["anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = schema.get(combinator) {
            for index in 0..branches.len() {
                walk_schema(document, &format!("{at}/{combinator}/{index}"), payload, depth + 1, out);
            }
        }
    }
    if !payload.is_empty() {
        out.push((payload.to_owned(), at.to_owned()));
    }
    if let Some(Value::Object(properties)) = schema.get("properties") {
        for name in properties.keys() {
            let child = format!("{payload}/{}", escape(name));
            walk_schema(document, &format!("{at}/properties/{}", escape(name)), &child, depth + 1, out);
        }
    }
    if schema.get("items").is_some_and(Value::is_object) {
        walk_schema(document, &format!("{at}/items"), &format!("{payload}/*"), depth + 1, out);
    }
    if schema.get("additionalProperties").is_some_and(Value::is_object) {
        walk_schema(document, &format!("{at}/additionalProperties"), &format!("{payload}/*"), depth + 1, out);
    }
}

/// The payload pointers of every field that the schema at `at` describes.
pub fn fields_described_by(places: &[(String, String)], at: &str) -> Vec<String> {
    let mut fields: Vec<String> =
        places.iter().filter(|(_, schema)| schema == at).map(|(field, _)| field.clone()).collect();
    fields.dedup();
    fields
}

/// A key as a JSON pointer token.
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Whether a concrete payload pointer is a place a table pointer (`*` for any item or entry)
/// names.
pub fn matches(pattern: &str, concrete: &str) -> bool {
    let patterns: Vec<&str> = pattern.split('/').collect();
    let tokens: Vec<&str> = concrete.split('/').collect();
    patterns.len() == tokens.len()
        && patterns.iter().zip(&tokens).all(|(want, have)| *want == "*" || want == have)
}

/// The row of the table that describes a concrete place of a payload.
pub fn row_at<'r>(rows: &'r [ConstraintRow], concrete: &str) -> Option<&'r ConstraintRow> {
    rows.iter().find(|row| matches(&row.pointer, concrete))
}

/// Whether a row's value is an object with documented properties of its own (a struct, not a
/// map or a value of any type).
pub fn has_properties(rows: &[ConstraintRow], pointer: &str) -> bool {
    let prefix = format!("{pointer}/");
    rows.iter().any(|row| {
        row.place == Place::Property
            && row.pointer.strip_prefix(&prefix).is_some_and(|rest| !rest.contains('/'))
    })
}

/// The JSON text of `value` (compact), with each string `"\u0000<marker>"` in it replaced by raw
/// text: a way to put into a payload what a `Value` cannot hold (duplicate keys, a number's
/// spelling, whitespace).
///
/// # Panics
///
/// When a marker is not in the value.
pub fn spliced(value: &Value, raws: &[(&str, &str)]) -> String {
    let mut text = serde_json::to_string(value).expect("a value serializes");
    for (marker, raw) in raws {
        let quoted = format!("\"\\u0000{marker}\"");
        assert!(text.contains(&quoted), "{marker} is in the payload");
        text = text.replacen(&quoted, raw, 1);
    }
    text
}

/// The string [`spliced`] replaces by raw text.
pub fn marker(name: &str) -> Value {
    Value::String(format!("\u{0}{name}"))
}

/// A contract's example with a [`marker`] named `name` at the first place the table's rows
/// accepted by `wanted` can have in it (the row's object present in the example): the payload,
/// the place and its row.
pub fn example_with_marker(
    contract: &Contract,
    name: &str,
    wanted: impl Fn(&ConstraintRow) -> bool,
) -> Option<(Value, String, ConstraintRow)> {
    let rows = table(contract);
    let mut payload = example(contract);
    let (row, parent) = rows.iter().find_map(|row| {
        let parent = present(&payload, parent_of(&row.pointer))?;
        (is_property(row) && wanted(row)).then_some((row, parent))
    })?;
    let at = format!("{parent}/{}", escape(&key_of(&row.pointer)));
    set(&mut payload, &at, marker(name));
    Some((payload, at, row.clone()))
}
