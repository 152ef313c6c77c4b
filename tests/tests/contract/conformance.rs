//! The generated conformance suite (`schema/fixtures/`): every test through the generated
//! validator and, where plain JSON Schema can judge it, through the `jsonschema` crate; both must
//! give the fixture's verdict and errors. The messages of every invalid test are snapshotted:
//! messages are user interface, and their drift gets reviewed.

use std::fmt::Write;

use fingerprint_webhook::{Options, validate};
use serde_json::Value;
use webhook_tests::agreement::Reference;
use webhook_tests::{read_repository_file, repository_root};

use crate::agreement::REFERENCE;

/// Every fixture file, by name, in name order.
fn fixture_files() -> Vec<(String, Value)> {
    let mut files: Vec<(String, Value)> = std::fs::read_dir(repository_root().join("schema/fixtures"))
        .unwrap()
        .map(|entry| {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            let text = read_repository_file(&format!("schema/fixtures/{name}"));
            (name, serde_json::from_str(&text).unwrap())
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
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
    file: &'a str,
    group: &'a Value,
    test: &'a Value,
}

impl Case<'_> {
    fn name(&self) -> String {
        format!(
            "{} / {} / {}",
            self.file,
            self.group["description"].as_str().unwrap(),
            self.test["description"].as_str().unwrap()
        )
    }

    fn strict(&self) -> bool {
        self.group["schema"] == "identification-webhook.strict.schema.json"
    }
}

fn for_each_case(mut check: impl FnMut(&Case<'_>)) -> usize {
    let mut count = 0;
    for (file, groups) in &fixture_files() {
        for group in groups.as_array().unwrap() {
            for test in group["tests"].as_array().unwrap() {
                check(&Case { file, group, test });
                count += 1;
            }
        }
    }
    count
}

#[test]
fn every_fixture_gets_its_verdict_and_errors_from_the_generated_validator() {
    let count = for_each_case(|case| {
        let options = Options::DEFAULT.with_strict(case.strict());
        let mut found: Vec<(String, String)> = match validate(&input(case.test), options) {
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
    let reference: &Reference = &REFERENCE;
    let mut judged = 0;
    let mut judged_as_text = 0;
    for_each_case(|case| {
        if !judged_by_json_schema(case.test) {
            return;
        }
        let data: Value = serde_json::from_slice(&input(case.test)).unwrap();
        judged_as_text += usize::from(case.test.get("text").is_some());
        assert_eq!(reference.findings(&data, case.strict()), expected_errors(case.test), "{}", case.name());
        judged += 1;
    });
    assert!(judged > 400, "jsonschema judged {judged} tests");
    assert!(judged_as_text >= 10, "jsonschema judged {judged_as_text} tests given as text");
}

#[test]
fn messages_of_invalid_fixtures() {
    for (file, groups) in &fixture_files() {
        let mut shown = String::new();
        for group in groups.as_array().unwrap() {
            for test in group["tests"].as_array().unwrap().iter().filter(|test| test["valid"] == false) {
                let options = if group["schema"] == "identification-webhook.strict.schema.json" {
                    Options::STRICT
                } else {
                    Options::DEFAULT
                };
                let violations = validate(&input(test), options).unwrap_err();
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
            insta::assert_snapshot!(format!("messages-{}", file.trim_end_matches(".json")), shown);
        }
    }
}
