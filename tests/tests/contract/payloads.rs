//! The canonical schema as an independent validator (the `jsonschema` crate, formats asserted)
//! reads it: a valid draft 2020-12 schema that accepts the valid payloads and rejects each
//! deviation of the invalid ones where it should.

use serde_json::Value;
use webhook_tests::{CANONICAL_SCHEMA, read_repository_file, repository_root};

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&read_repository_file(CANONICAL_SCHEMA)).unwrap();
    jsonschema::draft202012::options().should_validate_formats(true).build(&schema).unwrap()
}

/// Every payload of `tests/payloads/<kind>/` (and for `valid`, the documented example), by file
/// name.
pub(crate) fn payloads(kind: &str) -> Vec<(String, String)> {
    let directory = repository_root().join("tests/payloads").join(kind);
    let mut payloads: Vec<(String, String)> = std::fs::read_dir(&directory)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&path).unwrap(),
            )
        })
        .collect();
    if kind == "valid" {
        // The documentation's own example lives with the schema, which the fixtures derive from.
        payloads.push((
            "documented-example.json".to_owned(),
            read_repository_file("schema/documented-example.json"),
        ));
    }
    payloads.sort();
    assert!(!payloads.is_empty(), "{} holds payloads", directory.display());
    payloads
}

/// The instance pointer and keyword of each violation, sorted.
fn violations(validator: &jsonschema::Validator, payload: &Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = validator
        .iter_errors(payload)
        .map(|error| (error.instance_path().as_str().to_owned(), error.kind().keyword().to_owned()))
        .collect();
    found.sort();
    found
}

#[test]
fn the_canonical_schema_is_a_valid_draft_2020_12_schema() {
    let schema: Value = serde_json::from_str(&read_repository_file(CANONICAL_SCHEMA)).unwrap();
    assert!(jsonschema::meta::is_valid(&schema));
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
}

#[test]
fn valid_payloads_pass_an_independent_validator() {
    let validator = validator();
    for (name, text) in payloads("valid") {
        let payload: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(violations(&validator, &payload), [], "{name}");
    }
}

#[test]
fn each_deviation_is_rejected_at_its_pointer() {
    let validator = validator();
    let expected: &[(&str, &[(&str, &str)])] = &[
        ("empty-time-and-missing-seen-at.json", &[("", "required"), ("", "required"), ("/time", "format")]),
        (
            "event-format.json",
            // The newer event format lacks eight of the eleven required fields.
            &[("", "required"); 8],
        ),
    ];
    let invalid = payloads("invalid");
    assert_eq!(
        invalid.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>(),
        expected.iter().map(|(name, _)| *name).collect::<Vec<_>>()
    );
    for ((name, text), (_, expected)) in invalid.iter().zip(expected) {
        let payload: Value = serde_json::from_str(text).unwrap();
        let found = violations(&validator, &payload);
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(pointer, keyword)| ((*pointer).to_owned(), (*keyword).to_owned()))
            .collect();
        assert_eq!(found, expected, "{name}");
    }
}
