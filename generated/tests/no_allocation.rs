//! Validate-only allocates nothing on a valid payload: no `Value`, no strings, no pointers.
//! (A test binary of its own, because it counts allocations process-wide.)

use std::fmt::Write as _;

use fingerprint_webhook::__codegen_fixtures::FIXTURES;
use fingerprint_webhook::{CONTRACTS, Options};

fn assert_no_allocation(name: &str, validate: impl Fn() -> bool) {
    assert!(validate(), "{name} is valid");
    let info = allocation_counter::measure(|| {
        assert!(validate());
    });
    assert_eq!(info.count_total, 0, "{name}: {info:?}");
}

#[test]
fn validate_only_does_not_allocate_on_a_valid_payload() {
    for contract in CONTRACTS {
        assert_no_allocation(contract.name(), || {
            contract.validate(contract.example().as_bytes(), Options::DEFAULT).is_ok()
        });
        // Every valid test of its conformance suite given as data, as its harnesses see it.
        for (file, text) in contract.fixtures() {
            let groups: serde_json::Value = serde_json::from_str(text).unwrap();
            for group in groups
                .as_array()
                .unwrap()
                .iter()
                .filter(|group| !group["schema"].as_str().unwrap().ends_with("strict.schema.json"))
            {
                for test in group["tests"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|test| test["valid"] == true && test.get("data").is_some())
                {
                    let payload = test["data"].to_string();
                    let name = format!("{} {file}: {}", contract.name(), test["description"]);
                    assert_no_allocation(&name, || {
                        contract.validate(payload.as_bytes(), Options::DEFAULT).is_ok()
                    });
                }
            }
        }
    }
}

#[test]
fn validate_only_does_not_allocate_on_the_projects_valid_payload_files() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/payloads/valid");
    let mut files = 0;
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let contract = fingerprint_webhook::Contract::detect(&bytes);
        assert_no_allocation(&path.display().to_string(), || {
            contract.validate(&bytes, Options::DEFAULT).is_ok()
        });
        files += 1;
    }
    assert!(files >= 6, "the payload files are in {}", folder.display());
}

#[test]
fn the_counter_sees_allocations_on_the_invalid_path() {
    for contract in CONTRACTS {
        let info = allocation_counter::measure(|| {
            assert!(contract.validate(b"{}", Options::DEFAULT).is_err());
        });
        assert!(
            info.count_total > 0,
            "{}: a violation carries an owned pointer and message",
            contract.name()
        );
    }
}

#[test]
fn many_undocumented_fields_cost_no_allocation() {
    let mut extra = String::new();
    for index in 0..60 {
        let _ = write!(extra, "\"signal{index}\": {{\"result\": {index}}}, ");
    }
    for contract in CONTRACTS {
        let many = contract.example().replacen('{', &format!("{{{extra}"), 1);
        assert_no_allocation(contract.name(), || {
            contract.validate(many.as_bytes(), Options::DEFAULT).is_ok()
        });
    }
}

#[test]
fn maps_unions_and_lists_cost_no_allocation() {
    let payloads = [
        (
            "maps-and-closed-objects.schema.json",
            r#"{"tags": {"a": 1, "b": [true, null], "c": {"d": "e"}}, "counts": {"x": 1, "y": 2.0},
                "labels": {"l": null, "m": "abc"}, "nested": {"n": [{"x": 1}]}, "point": {"x": 1, "y": 2},
                "empty": {}, "headers": {"host": "h", "accept": "json"}, "anything": {"k": "v"}}"#,
        ),
        (
            "unions.schema.json",
            r#"{"action": {"status": 403, "reason": null, "type": "block"}, "fallback": {"type": "allow"},
                "history": [{"headers": ["a"], "type": "allow"}, {"type": "block", "status": 500}],
                "owner": {"id": "ab"}, "note": "abc"}"#,
        ),
        (
            "numbers-and-integers.schema.json",
            r#"{"ratio": 0.5, "score": null, "count": 1e300, "delta": -5, "ceiling": 9, "window": 100,
                "counts": [1, 5.0], "wide": [null, 18446744073709551615], "matrix": [[0.5], []]}"#,
        ),
        (
            "enum-and-const.schema.json",
            r#"{"status": "done", "kind": "rate_limit", "level": 10, "tags": ["red"]}"#,
        ),
    ];
    for (name, payload) in payloads {
        let fixture = FIXTURES.iter().find(|fixture| fixture.name == name).unwrap();
        assert_no_allocation(name, || (fixture.validate)(payload.as_bytes(), Options::DEFAULT).is_ok());
    }
}
