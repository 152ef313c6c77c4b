//! Payloads derived from a schema: valid instances to start from, and the values near every
//! limit the schema states, for mutations to try.
//!
//! Generic over the vocabulary the generator reads, so that a differential test covers a new
//! schema without code that names its fields.

use serde_json::{Map, Number, Value, json};

/// The date-time every derived instance uses.
const DATE_TIME: &str = "2019-10-12T07:20:50.52Z";

/// Valid instances of `document`: a minimal one (required members only, every limit at its
/// lower end, the first alternative) and a maximal one (every member, every limit at its upper
/// end, the last alternative).
pub fn valid_instances(document: &Value) -> Vec<Value> {
    let derive = Derive { document };
    vec![derive.instance(document, false, 0), derive.instance(document, true, 0)]
}

struct Derive<'a> {
    document: &'a Value,
}

impl<'a> Derive<'a> {
    /// The schema a `$ref` names, or the schema itself.
    fn resolve(&self, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str).and_then(|target| target.strip_prefix('#')) {
            Some(pointer) => self.document.pointer(pointer).map_or(schema, |target| self.resolve(target)),
            None => schema,
        }
    }

    fn instance(&self, schema: &'a Value, full: bool, depth: usize) -> Value {
        if depth > 16 {
            return Value::Null;
        }
        // A list beside a `$ref` narrows the referenced schema: it decides.
        let listed = if schema.get("const").is_some() || schema.get("enum").is_some() {
            schema
        } else {
            self.resolve(schema)
        };
        let schema = self.resolve(schema);
        if let Some(constant) = listed.get("const") {
            return constant.clone();
        }
        if let Some(Value::Array(values)) = listed.get("enum") {
            let chosen = if full { values.last() } else { values.first() };
            return chosen.cloned().unwrap_or(Value::Null);
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(Value::Array(alternatives)) = schema.get(keyword) {
                let chosen = if full { alternatives.last() } else { alternatives.first() };
                // The maximal instance prefers a value to `null`.
                let chosen = if full {
                    alternatives
                        .iter()
                        .rev()
                        .find(|alternative| self.resolve(alternative).get("type") != Some(&json!("null")))
                        .or(chosen)
                } else {
                    chosen
                };
                return chosen.map_or(Value::Null, |alternative| self.instance(alternative, full, depth + 1));
            }
        }
        let types: Vec<&str> = match schema.get("type") {
            Some(Value::String(name)) => vec![name.as_str()],
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let non_null = types.iter().copied().find(|name| *name != "null");
        let chosen = if !full && types.contains(&"null") { Some("null") } else { non_null };
        match chosen {
            Some("null") => Value::Null,
            Some("string") => string(schema, full),
            Some("integer") => integer(schema, full),
            Some("number") => number(schema, full),
            Some("boolean") => Value::Bool(full),
            Some("object") => self.object(schema, full, depth),
            Some("array") => self.array(schema, full, depth),
            _ => any(schema, full),
        }
    }

    fn object(&self, schema: &'a Value, full: bool, depth: usize) -> Value {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut members = Map::new();
        if let Some(Value::Object(properties)) = schema.get("properties") {
            for (name, property) in properties {
                if full || required.contains(&name.as_str()) {
                    members.insert(name.clone(), self.instance(property, full, depth + 1));
                }
            }
        }
        if full {
            match schema.get("additionalProperties") {
                Some(additional @ Value::Object(_)) => {
                    members.insert("additional entry".to_owned(), self.instance(additional, full, depth + 1));
                }
                // An object without `properties` is a map of any values: one entry.
                None | Some(Value::Bool(true)) if schema.get("properties").is_none() => {
                    members.insert("additional entry".to_owned(), any(schema, full));
                }
                _ => {}
            }
        }
        Value::Object(members)
    }

    fn array(&self, schema: &'a Value, full: bool, depth: usize) -> Value {
        let minimum = count(schema, "minItems").unwrap_or(0);
        let maximum = count(schema, "maxItems").unwrap_or(usize::MAX);
        let length = if full { minimum.max(2).min(maximum) } else { minimum };
        let items = schema.get("items").unwrap_or(&Value::Null);
        Value::Array((0..length).map(|_| self.instance(items, full, depth + 1)).collect())
    }
}

fn count(schema: &Value, keyword: &str) -> Option<usize> {
    schema.get(keyword).and_then(Value::as_u64).and_then(|count| usize::try_from(count).ok())
}

fn string(schema: &Value, full: bool) -> Value {
    let minimum = count(schema, "minLength").unwrap_or(0);
    let maximum = count(schema, "maxLength");
    match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => return json!(DATE_TIME),
        Some("ipv4") => return json!(if full { "255.255.255.255" } else { "0.0.0.0" }),
        Some("ipv6") => return json!(if full { "1:2:3:4:5:6:7:8" } else { "::" }),
        _ => {}
    }
    let length = if full { maximum.unwrap_or(minimum.max(8)) } else { minimum };
    // Four-byte characters in the maximal instance: limits count code points, not bytes.
    json!(if full { "🦀" } else { "a" }.repeat(length))
}

/// The lowest (or, when `full`, highest) number within the schema's bounds, integral when
/// `integral`.
fn bounded(schema: &Value, full: bool, integral: bool) -> f64 {
    let bound = |keyword: &str| schema.get(keyword).and_then(Value::as_f64);
    let step = if integral { 1.0 } else { 0.5 };
    let low = bound("minimum").or(bound("exclusiveMinimum").map(|bound| next_above(bound, integral, step)));
    let high = bound("maximum").or(bound("exclusiveMaximum").map(|bound| next_below(bound, integral, step)));
    match (full, low, high) {
        (false, Some(low), _) => low,
        (true, _, Some(high)) => high,
        (false, None, Some(high)) => high.min(0.0),
        (true, Some(low), None) => low.max(1.0),
        (false, None, None) => 0.0,
        (true, None, None) => 1_000_000.0,
    }
}

fn next_above(bound: f64, integral: bool, step: f64) -> f64 {
    if integral { bound.floor() + 1.0 } else { bound + step }
}

fn next_below(bound: f64, integral: bool, step: f64) -> f64 {
    if integral { bound.ceil() - 1.0 } else { bound - step }
}

fn integer(schema: &Value, full: bool) -> Value {
    let value = bounded(schema, full, true);
    #[allow(clippy::cast_possible_truncation, reason = "integral, and checked against the i64 range")]
    if value.fract() == 0.0 && value.abs() < 9.0e18 {
        json!(value as i64)
    } else {
        Number::from_f64(value).map_or(Value::Null, Value::Number)
    }
}

fn number(schema: &Value, full: bool) -> Value {
    Number::from_f64(bounded(schema, full, false)).map_or(Value::Null, Value::Number)
}

fn any(schema: &Value, full: bool) -> Value {
    let limit = schema.get("x-fingerprint-maxJsonTextLength").and_then(Value::as_u64);
    match (full, limit) {
        (false, _) => Value::Null,
        (true, Some(limit)) if limit < 12 => Value::Null,
        (true, _) => json!({"k": [1, "é"]}),
    }
}

/// Values near every limit the schema states, and values of each kind it names: strings one
/// under, at and one over each length limit (ASCII and 4-byte), numbers at and beside each
/// bound, each enum value and near misses, formatted strings valid and not.
pub fn edge_values(document: &Value) -> Vec<Value> {
    let mut values = vec![
        json!(0),
        json!(1.0),
        json!(1.5),
        json!(-1),
        json!(9_007_199_254_740_992_u64),
        json!(u64::MAX),
        json!(1e300),
        json!(""),
        json!([]),
        json!({}),
        json!(DATE_TIME),
        json!("2019-10-12T07:20:50"),
        json!("192.168.0.1"),
        json!("192.168.0.256"),
        json!("::1"),
        json!("1::2::3"),
    ];
    collect_edges(document, &mut values);
    values.sort_by_key(ToString::to_string);
    values.dedup();
    values
}

fn collect_edges(schema: &Value, values: &mut Vec<Value>) {
    match schema {
        Value::Object(members) => {
            for (keyword, member) in members {
                match (keyword.as_str(), member) {
                    ("maxLength" | "minLength" | "x-fingerprint-maxJsonTextLength", Value::Number(limit)) => {
                        let limit = limit.as_u64().and_then(|limit| usize::try_from(limit).ok()).unwrap_or(0);
                        for length in [limit.saturating_sub(1), limit, limit + 1] {
                            values.push(json!("a".repeat(length)));
                            values.push(json!("🦀".repeat(length)));
                        }
                    }
                    (
                        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum",
                        Value::Number(bound),
                    ) => {
                        let bound = bound.as_f64().unwrap_or(0.0);
                        for delta in [-1.0, -0.5, 0.0, 0.5, 1.0] {
                            values.extend(Number::from_f64(bound + delta).map(Value::Number));
                        }
                        values.push(Value::Number(bound_as_number(bound)));
                    }
                    ("enum", Value::Array(options)) => {
                        for option in options {
                            values.push(option.clone());
                            values.extend(near_misses(option));
                        }
                    }
                    ("const", option) => {
                        values.push(option.clone());
                        values.extend(near_misses(option));
                    }
                    // The names of `properties` and `$defs` are not keywords; their schemas are.
                    _ => collect_edges(member, values),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_edges(item, values)),
        _ => {}
    }
}

fn bound_as_number(bound: f64) -> Number {
    #[allow(clippy::cast_possible_truncation, reason = "integral, and checked against the i64 range")]
    if bound.fract() == 0.0 && bound.abs() < 9.0e18 {
        Number::from(bound as i64)
    } else {
        Number::from_f64(bound).unwrap_or_else(|| Number::from(0))
    }
}

fn near_misses(value: &Value) -> Vec<Value> {
    match value {
        Value::String(text) => {
            vec![json!(text.to_uppercase()), json!(format!("{text}x")), json!(format!(" {text}"))]
        }
        Value::Number(number) => {
            let float = number.as_f64().unwrap_or(0.0);
            [float + 1.0, float + 0.5].into_iter().filter_map(Number::from_f64).map(Value::Number).collect()
        }
        _ => vec![Value::Null],
    }
}
