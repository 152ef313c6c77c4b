//! Drift check 1: the canonical schema against the documentation's annotations, row by row.

use fingerprint_webhook::{CONTRACTS, Contract};
use fingerprint_webhook_codegen::constraints;
use fingerprint_webhook_codegen::model::Model;
use serde_json::{Value, json};
use webhook_tests::{
    DOCUMENTED_LIMITS_FILE, DocumentedField, contract_file, documentation_drift, parse_documented_limits,
    read_repository_file, repository_root, sourced_elsewhere,
};

const CANONICAL_SCHEMA: &str = "schema/identification-webhook/schema.json";
const DOCUMENTED_LIMITS: &str = "schema/identification-webhook/documented-limits.csv";

/// The contracts with a documented-limits table, and its rows.
fn annotated_contracts() -> Vec<(&'static Contract, Vec<DocumentedField>)> {
    CONTRACTS
        .iter()
        .filter_map(|contract| {
            let path = contract_file(contract, DOCUMENTED_LIMITS_FILE);
            repository_root()
                .join(&path)
                .is_file()
                .then(|| (contract, parse_documented_limits(&read_repository_file(&path)).unwrap()))
        })
        .collect()
}

#[test]
fn every_annotated_contract_states_exactly_its_documented_limits() {
    let annotated = annotated_contracts();
    assert!(!annotated.is_empty(), "a contract has a documented-limits table");
    for (contract, documented) in annotated {
        assert!(!documented.is_empty(), "{}", contract.name());
        let model = Model::read(contract.schema(), contract.root_type()).unwrap();
        let sourced = sourced_elsewhere(&serde_json::from_str(contract.schema()).unwrap());
        assert_eq!(
            documentation_drift(&documented, &constraints::rows(&model), &sourced),
            Vec::<String>::new(),
            "{}",
            contract.name()
        );
    }
}

fn documented_fields() -> Vec<DocumentedField> {
    parse_documented_limits(&read_repository_file(DOCUMENTED_LIMITS)).unwrap()
}

fn canonical_schema() -> Value {
    serde_json::from_str(&read_repository_file(CANONICAL_SCHEMA)).unwrap()
}

fn drift_of(schema: &Value, documented: &[DocumentedField]) -> Vec<String> {
    let model = Model::read(&schema.to_string(), "IdentificationWebhook").unwrap();
    documentation_drift(documented, &constraints::rows(&model), &sourced_elsewhere(schema))
}

#[test]
fn a_max_length_changed_in_the_schema_only_names_the_field() {
    let mut schema = canonical_schema();
    schema["properties"]["ipLocation"]["properties"]["country"]["properties"]["name"]["maxLength"] =
        json!(251);
    assert_eq!(
        drift_of(&schema, &documented_fields()),
        ["/ipLocation/country/name: maxLength is 250 in the documentation, 251 in the schema"]
    );
}

#[test]
fn a_max_length_changed_in_the_table_only_names_the_field() {
    let table = read_repository_file(DOCUMENTED_LIMITS).replace("/ip,string,false,40", "/ip,string,false,39");
    let documented = parse_documented_limits(&table).unwrap();
    assert_eq!(
        drift_of(&canonical_schema(), &documented),
        ["/ip: maxLength is 39 in the documentation, 40 in the schema"]
    );
}

#[test]
fn a_nullability_changed_on_one_side_names_the_field() {
    let mut schema = canonical_schema();
    let required = schema["required"].as_array_mut().unwrap();
    required.retain(|name| name != "visitorId");
    schema["properties"]["visitorId"]["type"] = json!(["string", "null"]);
    assert_eq!(
        drift_of(&schema, &documented_fields()),
        [
            "/visitorId: nullable is false in the documentation, but the schema says true (required: false, null allowed: true)"
        ]
    );

    let table = read_repository_file(DOCUMENTED_LIMITS).replace(
        "/ipLocation/subdivisions/*/name,string,true,250",
        "/ipLocation/subdivisions/*/name,string,false,250",
    );
    let documented = parse_documented_limits(&table).unwrap();
    assert_eq!(
        drift_of(&canonical_schema(), &documented),
        [
            "/ipLocation/subdivisions/*/name: nullable is false in the documentation, but the schema says true (required: false, null allowed: true)"
        ]
    );
}

#[test]
fn a_field_on_one_side_only_is_named() {
    let mut schema = canonical_schema();
    schema["properties"]["browserDetails"]["properties"]["engine"] =
        json!({"type": ["string", "null"], "maxLength": 250});
    schema["properties"].as_object_mut().unwrap().shift_remove("clientReferrer");
    assert_eq!(
        drift_of(&schema, &documented_fields()),
        [
            "/clientReferrer: documented, but the schema has no such field",
            "/browserDetails/engine: in the schema, but not in the documented limits"
        ]
    );
}

#[test]
fn a_malformed_table_row_names_its_line() {
    let table =
        read_repository_file(DOCUMENTED_LIMITS).replace("/url,string,false,4096", "/url,string,maybe,4096");
    assert_eq!(
        parse_documented_limits(&table).unwrap_err(),
        "line 10: nullable is `true`, `false` or `unannotated`, not `maybe`"
    );
}
