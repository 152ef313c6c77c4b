//! The JSON-Schema-Test-Suite's cases, adapted to what the generator reads: one combined schema
//! whose root has one property per supported group, and the cases of each group.
//!
//! The suite's schemas judge any JSON value; the generator's root is an object. Each group's
//! schema becomes the property `<file>_<group>` of the combined root, and each case's data the
//! value of that property. A group whose schema has no `type` but whose keywords all belong to
//! one type (`minLength` to strings, `minimum` to numbers, ...) gets that type, and keeps the
//! cases whose data is of it (the others test that the keyword ignores other types, which a
//! typed property cannot say). A group the generator does not support is left out, with the
//! reason, so that the selection is reviewable; `xtask` compiles the combined schema with the
//! codegen fixtures, and the tests run every kept case through the generated validator.

use serde_json::{Map, Value, json};

use crate::model::DRAFT_2020_12;
use crate::{Config, generate};

/// One group of the suite that the generator supports.
#[derive(Debug, Clone, PartialEq)]
pub struct SuiteGroup {
    /// The property of the combined schema that holds the group's schema.
    pub property: String,
    /// The suite file and the group's description.
    pub source: String,
    /// The cases: description, data, and whether the suite calls the data valid.
    pub cases: Vec<Case>,
}

/// The combined schema (as text) and the supported groups, from the suite's files given as
/// `(name, text)` with the name the property prefix (`minLength`, `format_ipv4`); the groups
/// left out, with why.
pub struct Suite {
    /// The combined schema's text.
    pub schema: String,
    /// The groups it holds, in file and group order.
    pub groups: Vec<SuiteGroup>,
    /// `(file and description, reason)` of every group left out.
    pub left_out: Vec<(String, String)>,
}

/// The keywords that apply to one JSON type only, by type.
const TYPED_KEYWORDS: &[(&str, &[&str])] = &[
    ("string", &["minLength", "maxLength", "format"]),
    ("number", &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]),
    ("array", &["minItems", "maxItems", "items"]),
    ("object", &["properties", "required", "additionalProperties"]),
];

/// Adapts the suite's files.
pub fn suite(files: &[(&str, &str)]) -> Suite {
    let mut properties = Map::new();
    let mut groups = Vec::new();
    let mut left_out = Vec::new();
    for (name, text) in files {
        let Ok(Value::Array(file_groups)) = serde_json::from_str::<Value>(text) else {
            left_out.push(((*name).to_owned(), "not a suite file".to_owned()));
            continue;
        };
        for (index, group) in file_groups.iter().enumerate() {
            let description = group["description"].as_str().unwrap_or_default();
            let source = format!("{name}: {description}");
            match adapt(group) {
                Ok((schema, cases)) => {
                    let property = format!("{name}_{index}");
                    properties.insert(property.clone(), schema);
                    groups.push(SuiteGroup { property, source, cases });
                }
                Err(reason) => left_out.push((source, reason)),
            }
        }
    }
    let combined = json!({
        "$schema": DRAFT_2020_12,
        "description": "The JSON-Schema-Test-Suite's groups that the generator supports, one property each (see the suite module of the generator).",
        "type": "object",
        "properties": properties,
    });
    let mut schema = serde_json::to_string_pretty(&combined).unwrap_or_default();
    schema.push('\n');
    Suite { schema, groups, left_out }
}

/// The group's schema as the generator reads it, and its cases; or why it is left out.
/// One case: its description, its data, and whether the suite calls the data valid.
type Case = (String, Value, bool);

fn adapt(group: &Value) -> Result<(Value, Vec<Case>), String> {
    let Some(Value::Object(schema)) = group.get("schema") else {
        return Err("a boolean schema".to_owned());
    };
    let mut schema = schema.clone();
    schema.remove("$schema");
    let mut only_type = None;
    if !schema.contains_key("type") {
        let families: Vec<&str> = TYPED_KEYWORDS
            .iter()
            .filter(|(_, keywords)| keywords.iter().any(|keyword| schema.contains_key(*keyword)))
            .map(|(family, _)| *family)
            .collect();
        if let [family] = families.as_slice() {
            schema.insert("type".to_owned(), json!(family));
            only_type = Some(*family);
        }
    }
    let schema = Value::Object(schema);
    let wrapped = json!({"$schema": DRAFT_2020_12, "type": "object", "properties": {"value": schema}});
    let config = Config { root_type_name: "Payload", schema_path: "suite" };
    if let Err(errors) = generate(&wrapped.to_string(), &config) {
        let first = errors.0.first().map(|error| error.message.clone()).unwrap_or_default();
        return Err(format!("unsupported: {first}"));
    }
    let cases: Vec<Case> = group["tests"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|case| only_type.is_none_or(|family| is_of(family, &case["data"])))
        .map(|case| {
            let description = case["description"].as_str().unwrap_or_default().to_owned();
            (description, case["data"].clone(), case["valid"].as_bool().unwrap_or(false))
        })
        .collect();
    if cases.is_empty() {
        return Err("no case of the type its keywords apply to".to_owned());
    }
    Ok((schema, cases))
}

fn is_of(family: &str, data: &Value) -> bool {
    match family {
        "string" => data.is_string(),
        "number" => data.is_number(),
        "array" => data.is_array(),
        _ => data.is_object(),
    }
}

#[cfg(test)]
mod tests {
    use super::suite;

    #[test]
    fn supported_groups_become_properties_and_others_are_left_out_with_a_reason() {
        let file = r#"[
            {"description": "untyped", "schema": {"minLength": 2},
             "tests": [{"description": "short", "data": "a", "valid": false}, {"description": "number", "data": 1, "valid": true}]},
            {"description": "pattern", "schema": {"type": "string", "pattern": "a"}, "tests": []},
            {"description": "boolean", "schema": true, "tests": []}
        ]"#;
        let adapted = suite(&[("minLength", file)]);
        assert_eq!(adapted.groups.len(), 1);
        let group = &adapted.groups[0];
        assert_eq!(group.property, "minLength_0");
        // The number case tests that minLength ignores numbers: a string property cannot say that.
        assert_eq!(group.cases, [("short".to_owned(), serde_json::json!("a"), false)]);
        let schema: serde_json::Value = serde_json::from_str(&adapted.schema).unwrap();
        assert_eq!(
            schema["properties"]["minLength_0"],
            serde_json::json!({"minLength": 2, "type": "string"})
        );
        assert_eq!(adapted.left_out.len(), 2);
        assert!(adapted.left_out[0].1.contains("pattern"), "{:?}", adapted.left_out);
    }
}
