//! Every contract's published schema as an independent validator (the `jsonschema` crate,
//! formats asserted) reads it: a valid draft 2020-12 schema that accepts each contract's valid
//! payloads, and rejects the invalid ones where it should (a snapshot of where and why).

use std::fmt::Write as _;

use fingerprint_webhook::{CONTRACTS, Contract};
use serde_json::Value;
use webhook_tests::repository_root;

fn validator(contract: &Contract) -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(contract.schema()).unwrap();
    jsonschema::draft202012::options().should_validate_formats(true).build(&schema).unwrap()
}

/// Every payload of `tests/payloads/<kind>/`, by file name.
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
fn every_schema_is_a_valid_draft_2020_12_schema() {
    for contract in CONTRACTS {
        let schema: Value = serde_json::from_str(contract.schema()).unwrap();
        assert!(jsonschema::meta::is_valid(&schema), "{}", contract.name());
        assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema", "{}", contract.name());
    }
}

#[test]
fn valid_payloads_pass_an_independent_validator_under_the_contract_their_shape_names() {
    for contract in CONTRACTS {
        let example: Value = serde_json::from_str(contract.example()).unwrap();
        assert_eq!(violations(&validator(contract), &example), [], "{}'s example", contract.name());
        assert_eq!(
            Contract::detect(contract.example().as_bytes()),
            contract,
            "{}'s example",
            contract.name()
        );
    }
    for (name, text) in payloads("valid") {
        let contract = Contract::detect(text.as_bytes());
        let payload: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(violations(&validator(contract), &payload), [], "{name} under {}", contract.name());
    }
}

#[test]
fn each_invalid_payload_is_rejected_where_it_deviates() {
    let mut shown = String::new();
    for (name, text) in payloads("invalid") {
        let contract = Contract::detect(text.as_bytes());
        let payload: Value = serde_json::from_str(&text).unwrap();
        let found = violations(&validator(contract), &payload);
        assert!(!found.is_empty(), "{name} is invalid under {}", contract.name());
        let _ = writeln!(shown, "{name} under {}:", contract.name());
        for (pointer, keyword) in found {
            let _ = writeln!(shown, "  {pointer:?}: {keyword}");
        }
    }
    insta::assert_snapshot!(shown);
}
