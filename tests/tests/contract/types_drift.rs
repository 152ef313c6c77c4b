//! Drift check 2: each contract's Rust types against its canonical schema, through the schema
//! that schemars derives from the types ([`Payload::type_schema`]). The fields a test changes
//! are found in the constraint table and the schema documents, never named.

use fingerprint_webhook::{CONTRACTS, Contract, Payload};
use serde_json::{Value, json};
use webhook_tests::targets::{self, field_schemas, fields_described_by, is_property};
use webhook_tests::{FieldFacts, field_facts, schema_drift};

fn canonical_schema(contract: &Contract) -> Value {
    serde_json::from_str(contract.schema()).unwrap()
}

fn derived_schema(contract: &Contract) -> Value {
    serde_json::to_value(Payload::type_schema(contract)).unwrap()
}

fn sorted(mut messages: Vec<String>) -> Vec<String> {
    messages.sort();
    messages
}

#[test]
fn the_types_state_the_canonical_presence_nullability_and_limits() {
    for contract in CONTRACTS {
        let canonical = field_facts(&canonical_schema(contract));
        let derived = field_facts(&derived_schema(contract));
        assert!(!canonical.is_empty(), "{}: every field is read from the canonical schema", contract.name());
        assert_eq!(schema_drift(&canonical, &derived), Vec::<String>::new(), "{}", contract.name());
    }
}

/// The fact reader, on the derived schemas (references, `anyOf` with `null`, `type` arrays),
/// agrees with the generator's own reading of the canonical schema, field by field.
#[test]
fn the_fact_reader_sees_references_and_alternatives() {
    let mut through_alternatives = 0;
    for contract in CONTRACTS {
        let derived_document = derived_schema(contract);
        let derived = field_facts(&derived_document);
        let places = field_schemas(&derived_document);
        // The reader follows properties and items; the entries of maps are beyond it.
        let read = field_facts(&canonical_schema(contract));
        for row in
            targets::table(contract).iter().filter(|row| is_property(row) && read.contains_key(&row.pointer))
        {
            let expected = FieldFacts {
                types: [row.json_type.to_owned()].into(),
                required: row.required,
                nullable: row.nullable,
                max_length: row.max_length,
            };
            assert_eq!(derived.get(&row.pointer), Some(&expected), "{} {}", contract.name(), row.pointer);
            through_alternatives += usize::from(
                row.nullable
                    && places.iter().any(|(field, at)| field == &row.pointer && at.contains("/anyOf/")),
            );
        }
    }
    assert!(through_alternatives > 0, "a nullable field is an `anyOf` in a derived schema");
}

#[test]
fn a_limit_changed_in_the_canonical_schema_only_names_the_field() {
    let mut shared_edited = 0;
    for contract in CONTRACTS {
        let mut schema = canonical_schema(contract);
        let places = field_schemas(&schema);
        let mut expected = Vec::new();
        // The first `maxLength`: one less in the canonical schema.
        if let Some((_, at, limit)) = places.iter().find_map(|(field, at)| {
            let limit = schema.pointer(at)?.get("maxLength")?.as_u64()?;
            Some((field, at, limit))
        }) {
            schema.pointer_mut(at).unwrap()["maxLength"] = json!(limit - 1);
            for field in fields_described_by(&places, at) {
                expected.push(format!(
                    "{field}: maxLength is {} in the canonical schema, {limit} in the types",
                    limit - 1
                ));
            }
        }
        // The first nullable field of a shared definition: no longer nullable, wherever it is
        // used.
        let shared = places.iter().find_map(|(_, at)| {
            let types = schema.pointer(at)?.get("type")?.as_array()?;
            (at.starts_with("/$defs/") && types.contains(&json!("null")) && types.len() == 2)
                .then(|| (at.clone(), types.iter().find(|name| **name != "null").unwrap().clone()))
        });
        if let Some((at, non_null)) = shared {
            schema.pointer_mut(&at).unwrap()["type"] = non_null;
            for field in fields_described_by(&places, &at) {
                expected
                    .push(format!("{field}: nullable is false in the canonical schema, true in the types"));
            }
            shared_edited += 1;
        }
        assert_eq!(
            sorted(schema_drift(&field_facts(&schema), &field_facts(&derived_schema(contract)))),
            sorted(expected),
            "{}",
            contract.name()
        );
    }
    assert!(shared_edited > 0, "a contract has a nullable field in a shared definition");
}

#[test]
fn a_limit_changed_in_the_types_only_names_the_field() {
    for contract in CONTRACTS {
        let mut derived = derived_schema(contract);
        let places = field_schemas(&derived);
        let mut expected = Vec::new();
        // The first `maxLength` of a definition: one more in the types.
        if let Some((at, limit)) = places.iter().find_map(|(_, at)| {
            let limit = derived.pointer(at)?.get("maxLength")?.as_u64()?;
            at.starts_with("/$defs/").then(|| (at.clone(), limit))
        }) {
            derived.pointer_mut(&at).unwrap()["maxLength"] = json!(limit + 1);
            for field in fields_described_by(&places, &at) {
                expected.push(format!(
                    "{field}: maxLength is {limit} in the canonical schema, {} in the types",
                    limit + 1
                ));
            }
        }
        // The first required field of the root: optional in the types.
        let required = derived["required"].as_array_mut().unwrap();
        let first = required.remove(0);
        expected.push(format!(
            "/{}: required is true in the canonical schema, false in the types",
            targets::escape(first.as_str().unwrap())
        ));
        assert_eq!(
            sorted(schema_drift(&field_facts(&canonical_schema(contract)), &field_facts(&derived))),
            sorted(expected),
            "{}",
            contract.name()
        );
    }
}
