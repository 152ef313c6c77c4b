//! Drift check 2: the Rust types against the canonical schema, through the schema that schemars
//! derives from the types.

use std::collections::BTreeMap;

use fingerprint_webhook::identification_webhook::IdentificationWebhook;
use serde_json::{Value, json};
use webhook_tests::{FieldFacts, field_facts, read_repository_file, schema_drift};

const CANONICAL_SCHEMA: &str = "schema/identification-webhook/schema.json";

fn canonical_facts_of(schema: &Value) -> BTreeMap<String, FieldFacts> {
    field_facts(schema)
}

fn canonical_schema() -> Value {
    serde_json::from_str(&read_repository_file(CANONICAL_SCHEMA)).unwrap()
}

fn derived_schema() -> Value {
    serde_json::to_value(schemars::schema_for!(IdentificationWebhook)).unwrap()
}

#[test]
fn the_types_state_the_canonical_presence_nullability_and_limits() {
    let canonical = canonical_facts_of(&canonical_schema());
    let derived = field_facts(&derived_schema());
    assert!(!canonical.is_empty(), "every documented field is read from the canonical schema");
    assert_eq!(schema_drift(&canonical, &derived), Vec::<String>::new());
}

#[test]
fn the_fact_reader_sees_references_and_alternatives() {
    let derived = field_facts(&derived_schema());
    // `confidence` is `anyOf: [{$ref}, {type: null}]` in the derived schema.
    assert_eq!(
        derived["/confidence"],
        FieldFacts { types: ["object".to_owned()].into(), required: false, nullable: true, max_length: None }
    );
    assert_eq!(
        derived["/ipLocation/subdivisions/*/isoCode"],
        FieldFacts {
            types: ["string".to_owned()].into(),
            required: false,
            nullable: true,
            max_length: Some(250)
        }
    );
    assert_eq!(
        derived["/tag"],
        FieldFacts {
            types: ["any".to_owned()].into(),
            required: false,
            nullable: true,
            max_length: Some(4096)
        }
    );
    assert_eq!(
        derived["/confidence/score"],
        FieldFacts {
            types: ["number".to_owned()].into(),
            required: false,
            nullable: false,
            max_length: None
        }
    );
}

#[test]
fn a_limit_changed_in_the_canonical_schema_only_names_the_field() {
    let mut schema = canonical_schema();
    schema["properties"]["url"]["maxLength"] = json!(4095);
    schema["$defs"]["SeenAt"]["properties"]["global"]["type"] = json!("string");
    assert_eq!(
        schema_drift(&field_facts(&schema), &field_facts(&derived_schema())),
        [
            "/firstSeenAt/global: nullable is false in the canonical schema, true in the types",
            "/lastSeenAt/global: nullable is false in the canonical schema, true in the types",
            "/url: maxLength is 4095 in the canonical schema, 4096 in the types",
        ]
    );
}

#[test]
fn a_limit_changed_in_the_types_only_names_the_field() {
    let mut derived = derived_schema();
    derived["$defs"]["BrowserDetails"]["properties"]["userAgent"]["maxLength"] = json!(4097);
    let required = derived["required"].as_array_mut().unwrap();
    required.retain(|name| name != "incognito");
    assert_eq!(
        schema_drift(&field_facts(&canonical_schema()), &field_facts(&derived)),
        [
            "/browserDetails/userAgent: maxLength is 4096 in the canonical schema, 4097 in the types",
            "/incognito: required is true in the canonical schema, false in the types",
        ]
    );
}
