//! The JSON-Schema-Test-Suite's cases for the keywords the generator supports, run through the
//! validator generated from them (`codegen::suite` combines the supported groups into one
//! schema, which `cargo xtask generate` compiles): every case gets the suite's verdict.

use fingerprint_webhook::__codegen_fixtures::FIXTURES;
use fingerprint_webhook::Options;
use serde_json::json;
use webhook_tests::repository_root;

#[test]
fn every_supported_case_of_the_suite_gets_its_verdict() {
    let suite = xtask::test_suite(&repository_root()).unwrap();
    let fixture = FIXTURES.iter().find(|fixture| fixture.name == "json-schema-test-suite").unwrap();
    let mut cases = 0;
    for group in &suite.groups {
        for (description, data, valid) in &group.cases {
            let payload = json!({ group.property.clone(): data }).to_string();
            let verdict = (fixture.validate)(payload.as_bytes(), Options::DEFAULT);
            assert_eq!(verdict.is_ok(), *valid, "{} / {description}: {payload}\n{verdict:?}", group.source);
            if let Err(violations) = verdict {
                let own = format!("/{}", group.property);
                assert!(
                    violations.iter().all(|violation| violation.pointer().starts_with(&own)),
                    "{violations:?}"
                );
            }
            cases += 1;
        }
    }
    // The selection, pinned: a generator change that drops groups shows here.
    assert!(suite.groups.len() >= 29 && cases >= 183, "{} groups, {cases} cases", suite.groups.len());
}

#[test]
fn the_groups_left_out_are_the_unsupported_vocabulary() {
    let suite = xtask::test_suite(&repository_root()).unwrap();
    for (source, reason) in &suite.left_out {
        assert!(
            reason.starts_with("unsupported: ")
                || reason.starts_with("no case")
                || reason == "a boolean schema",
            "{source}: {reason}"
        );
    }
    let left_out: Vec<&str> = suite.left_out.iter().map(|(source, _)| source.as_str()).collect();
    // Untyped unions of scalars, and keywords the generator does not read, are the reasons.
    assert!(left_out.iter().any(|source| source.starts_with("oneOf: ")), "{left_out:?}");
}
