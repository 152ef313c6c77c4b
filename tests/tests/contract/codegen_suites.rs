//! The fixture rules on every construct the generator reads: each codegen fixture schema's suite
//! (`webhook_tests::codegen_suites`) through the schema's generated validator and the `jsonschema`
//! crate; both must give every test's verdict and errors.

use fingerprint_webhook::__codegen_fixtures::FIXTURES;
use fingerprint_webhook::Options;
use serde_json::Value;
use webhook_tests::agreement::Reference;
use webhook_tests::codegen_suites::codegen_suites;

/// The bytes a test feeds the validator.
fn input(test: &Value) -> Vec<u8> {
    match (test.get("data"), test.get("text")) {
        (Some(data), _) => serde_json::to_vec(data).unwrap(),
        (None, Some(Value::String(raw))) => raw.as_bytes().to_vec(),
        _ => panic!("a test has `data` or `text`: {test}"),
    }
}

fn sorted(mut findings: Vec<(String, String)>) -> Vec<(String, String)> {
    findings.sort();
    findings
}

#[test]
fn every_codegen_fixture_suite_gets_its_verdicts_from_the_generated_validator_and_jsonschema() {
    let suites = codegen_suites();
    assert!(suites.len() >= 15, "{} suites", suites.len());
    let mut judged = 0;
    for suite in suites {
        let fixture = FIXTURES.iter().find(|fixture| fixture.name == suite.file).unwrap();
        let reference = Reference::for_schema(&suite.schema);
        for (file, text) in &suite.fixtures {
            let groups: Value = serde_json::from_str(text).unwrap();
            for group in groups.as_array().unwrap() {
                let strict = group["schema"].as_str().unwrap().ends_with("/strict.schema.json");
                for test in group["tests"].as_array().unwrap() {
                    let name =
                        format!("{} {file} / {} / {}", suite.name, group["description"], test["description"]);
                    let expected = sorted(
                        test.get("errors")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                            .map(|error| {
                                (
                                    error["pointer"].as_str().unwrap().to_owned(),
                                    error["keyword"].as_str().unwrap().to_owned(),
                                )
                            })
                            .collect(),
                    );
                    let ours = match (fixture.validate)(&input(test), Options::DEFAULT.with_strict(strict)) {
                        Ok(()) => Vec::new(),
                        Err(violations) => sorted(
                            violations
                                .iter()
                                .map(|v| (v.pointer().to_owned(), v.keyword().as_str().to_owned()))
                                .collect(),
                        ),
                    };
                    assert_eq!(ours, expected, "{name}");
                    let plain = test
                        .get("requires")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .all(|requirement| requirement == "x-fingerprint-maxJsonTextLength");
                    if plain {
                        let data: Value = serde_json::from_slice(&input(test)).unwrap();
                        assert_eq!(reference.findings(&data, strict), expected, "{name} (jsonschema)");
                    }
                    judged += 1;
                }
            }
        }
    }
    assert!(judged > 1000, "{judged} tests judged");
}
