//! Every contract's generated conformance suite (`schema/<contract>/fixtures/`): every test
//! through the contract's generated validator and, where plain JSON Schema can judge it, through
//! the `jsonschema` crate; both must give the fixture's verdict and errors. The messages of every
//! invalid test are snapshotted: messages are user interface, and their drift gets reviewed.

use std::fmt::Write;

use fingerprint_webhook::{CONTRACTS, Contract, Options};
use serde_json::Value;
use webhook_tests::{contract_file, repository_root};

use crate::agreement::reference;

/// Every fixture file of a contract, by name, in name order, as the library embeds them; they
/// are the files of its folder.
fn fixture_files(contract: &Contract) -> Vec<(String, Value)> {
    let folder = repository_root().join(contract_file(contract, "fixtures"));
    let mut on_disk: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let embedded: Vec<&str> = contract.fixtures().iter().map(|(name, _)| *name).collect();
    assert_eq!(on_disk, embedded, "{}: run `cargo xtask generate`", folder.display());
    contract
        .fixtures()
        .iter()
        .map(|(name, text)| ((*name).to_owned(), serde_json::from_str(text).unwrap()))
        .collect()
}

/// The bytes a test feeds the validator.
fn input(test: &Value) -> Vec<u8> {
    match (test.get("data"), test.get("text")) {
        (Some(data), _) => serde_json::to_vec(data).unwrap(),
        (None, Some(Value::String(raw))) => raw.as_bytes().to_vec(),
        _ => panic!("a test has `data` or `text`: {test}"),
    }
}

fn expected_errors(test: &Value) -> Vec<(String, String)> {
    let mut errors: Vec<(String, String)> = test
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|error| {
            (error["pointer"].as_str().unwrap().to_owned(), error["keyword"].as_str().unwrap().to_owned())
        })
        .collect();
    errors.sort();
    errors
}

struct Case<'a> {
    contract: &'static Contract,
    file: &'a str,
    group: &'a Value,
    test: &'a Value,
}

impl Case<'_> {
    fn name(&self) -> String {
        format!(
            "{} {} / {} / {}",
            self.contract.name(),
            self.file,
            self.group["description"].as_str().unwrap(),
            self.test["description"].as_str().unwrap()
        )
    }

    fn strict(&self) -> bool {
        is_strict(self.group)
    }
}

/// Whether a group is judged under its contract's strict schema.
fn is_strict(group: &Value) -> bool {
    group["schema"].as_str().unwrap().ends_with("/strict.schema.json")
}

fn for_each_case(mut check: impl FnMut(&Case<'_>)) -> usize {
    let mut count = 0;
    for contract in CONTRACTS {
        for (file, groups) in &fixture_files(contract) {
            for group in groups.as_array().unwrap() {
                assert!(group["schema"].as_str().unwrap().starts_with(&format!("{}/", contract.name())));
                for test in group["tests"].as_array().unwrap() {
                    check(&Case { contract, file, group, test });
                    count += 1;
                }
            }
        }
    }
    count
}

#[test]
fn every_fixture_gets_its_verdict_and_errors_from_the_generated_validator() {
    let count = for_each_case(|case| {
        let options = Options::DEFAULT.with_strict(case.strict());
        let mut found: Vec<(String, String)> = match case.contract.validate(&input(case.test), options) {
            Ok(()) => Vec::new(),
            Err(violations) => {
                violations.iter().map(|v| (v.pointer().to_owned(), v.keyword().as_str().to_owned())).collect()
            }
        };
        found.sort();
        assert_eq!(found, expected_errors(case.test), "{}", case.name());
        assert_eq!(case.test["valid"].as_bool().unwrap(), found.is_empty(), "{}", case.name());
    });
    assert!(count > 400, "the suite has {count} tests");
}

/// Whether plain JSON Schema, with the `tag` vendor keyword registered, can judge a test.
fn judged_by_json_schema(test: &Value) -> bool {
    test.get("requires")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .all(|requirement| requirement == "x-fingerprint-maxJsonTextLength")
}

#[test]
fn every_fixture_plain_json_schema_can_judge_gets_its_verdict_and_errors_from_jsonschema() {
    let mut judged = 0;
    let mut judged_as_text = 0;
    for_each_case(|case| {
        if !judged_by_json_schema(case.test) {
            return;
        }
        let data: Value = serde_json::from_slice(&input(case.test)).unwrap();
        judged_as_text += usize::from(case.test.get("text").is_some());
        let findings = reference(case.contract).findings(&data, case.strict());
        assert_eq!(findings, expected_errors(case.test), "{}", case.name());
        judged += 1;
    });
    assert!(judged > 400, "jsonschema judged {judged} tests");
    assert!(judged_as_text >= 10, "jsonschema judged {judged_as_text} tests given as text");
}

#[test]
fn messages_of_invalid_fixtures() {
    for contract in CONTRACTS {
        for (file, groups) in &fixture_files(contract) {
            let mut shown = String::new();
            for group in groups.as_array().unwrap() {
                for test in group["tests"].as_array().unwrap().iter().filter(|test| test["valid"] == false) {
                    let options = Options::DEFAULT.with_strict(is_strict(group));
                    let violations = contract.validate(&input(test), options).unwrap_err();
                    let _ = writeln!(
                        shown,
                        "{} / {}",
                        group["description"].as_str().unwrap(),
                        test["description"].as_str().unwrap()
                    );
                    for violation in &violations {
                        let _ = writeln!(
                            shown,
                            "  {}: {} [{}]",
                            violation.pointer(),
                            violation.message(),
                            violation.keyword()
                        );
                    }
                }
            }
            if !shown.is_empty() {
                let name = format!("messages-{}-{}", contract.name(), file.trim_end_matches(".json"));
                insta::assert_snapshot!(name, shown);
            }
        }
    }
}
