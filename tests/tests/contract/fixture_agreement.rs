//! Differential testing on every schema the generator has a fixture for: each generated
//! validator agrees with the `jsonschema` crate (verdict, pointers and keywords, default and
//! strict mode) on valid instances derived from its schema and on 1,000 property-generated
//! mutations of them per schema and run. A new fixture schema is covered by adding the file.

use fingerprint_webhook::__codegen_fixtures::{FIXTURES, Fixture};
use fingerprint_webhook::Options;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};
use webhook_tests::agreement::{Reference, check_agreement_of, object_pointers, pointers, remove};
use webhook_tests::instances::{edge_values, valid_instances};

/// Mutations tried on each fixture schema, per run.
const MUTATIONS_PER_SCHEMA: u32 = 1_000;

/// One change to a payload; the numbers pick targets modulo what the payload has.
#[derive(Debug, Clone)]
enum Mutation {
    Drop(usize),
    Null(usize),
    Replace(usize, usize),
    Unknown(usize, usize),
    RepeatItem(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Drop),
        any::<usize>().prop_map(Mutation::Null),
        (any::<usize>(), any::<usize>()).prop_map(|(at, edge)| Mutation::Replace(at, edge)),
        (any::<usize>(), any::<usize>()).prop_map(|(at, edge)| Mutation::Unknown(at, edge)),
        any::<usize>().prop_map(Mutation::RepeatItem),
    ]
}

fn pick<T: Clone>(items: &[T], at: usize) -> Option<T> {
    (!items.is_empty()).then(|| items[at % items.len()].clone())
}

const UNKNOWN_KEYS: &[&str] = &["undocumented", "a/b", "t~1", "é", ""];

fn apply(payload: &mut Value, mutation: &Mutation, edges: &[Value]) {
    let all = pointers(payload);
    match *mutation {
        Mutation::Drop(at) => {
            if let Some(pointer) = pick(&all, at) {
                remove(payload, &pointer);
            }
        }
        Mutation::Null(at) => {
            if let Some(slot) = pick(&all, at).and_then(|pointer| payload.pointer_mut(&pointer)) {
                *slot = Value::Null;
            }
        }
        Mutation::Replace(at, edge) => {
            if let (Some(slot), Some(value)) =
                (pick(&all, at).and_then(|pointer| payload.pointer_mut(&pointer)), pick(edges, edge))
            {
                *slot = value;
            }
        }
        Mutation::Unknown(at, edge) => {
            if let (Some(object), Some(value)) = (pick(&object_pointers(payload), at), pick(edges, edge))
                && let Some(Value::Object(members)) = payload.pointer_mut(&object)
            {
                members.insert(UNKNOWN_KEYS[edge % UNKNOWN_KEYS.len()].to_owned(), value);
            }
        }
        Mutation::RepeatItem(at) => {
            let arrays: Vec<String> = std::iter::once(String::new())
                .chain(all)
                .filter(|pointer| payload.pointer(pointer).is_some_and(Value::is_array))
                .collect();
            if let Some(Value::Array(items)) =
                pick(&arrays, at).and_then(|pointer| payload.pointer_mut(&pointer))
            {
                let item = items.first().cloned().unwrap_or(json!("item"));
                items.push(item);
            }
        }
    }
}

/// The generated `parse` accepts exactly what the generated `validate` accepts.
fn check_parse_agrees(fixture: &Fixture, bytes: &[u8]) -> Result<(), String> {
    for options in [Options::DEFAULT, Options::STRICT] {
        let validated = (fixture.validate)(bytes, options);
        let parsed = (fixture.parse)(bytes, options);
        if validated != parsed {
            return Err(format!("validate says {validated:?}, parse says {parsed:?}"));
        }
    }
    Ok(())
}

#[test]
fn every_fixture_schema_has_a_generated_validator() {
    let files: Vec<String> =
        std::fs::read_dir(webhook_tests::repository_root().join("codegen/tests/fixtures"))
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
    assert!(FIXTURES.len() >= 8, "{} fixtures", FIXTURES.len());
    for fixture in FIXTURES.iter().filter(|fixture| fixture.name.ends_with(".schema.json")) {
        assert!(files.contains(&fixture.name.to_owned()), "{}", fixture.name);
    }
    // The JSON-Schema-Test-Suite's supported groups, combined, are covered too.
    assert!(FIXTURES.iter().any(|fixture| fixture.name == "json-schema-test-suite"));
}

#[test]
fn derived_instances_are_valid_for_both_validators() {
    for fixture in FIXTURES {
        let reference = Reference::for_schema(fixture.schema);
        let schema: Value = serde_json::from_str(fixture.schema).unwrap();
        for instance in valid_instances(&schema) {
            let text = serde_json::to_string(&instance).unwrap();
            assert_eq!(reference.findings(&instance, false), [], "{}: {text}", fixture.name);
            assert_eq!(
                (fixture.validate)(text.as_bytes(), Options::DEFAULT),
                Ok(()),
                "{}: {text}",
                fixture.name
            );
            assert_eq!(
                (fixture.parse)(text.as_bytes(), Options::DEFAULT),
                Ok(()),
                "{}: {text}",
                fixture.name
            );
        }
    }
}

#[test]
fn generated_validators_agree_with_jsonschema_on_mutations_of_every_fixture_schema() {
    for fixture in FIXTURES {
        let reference = Reference::for_schema(fixture.schema);
        let schema: Value = serde_json::from_str(fixture.schema).unwrap();
        let bases = valid_instances(&schema);
        let edges = edge_values(&schema);
        let mut runner = TestRunner::new(Config {
            cases: MUTATIONS_PER_SCHEMA,
            failure_persistence: None,
            ..Config::default()
        });
        let strategy = (0..bases.len(), proptest::collection::vec(mutation(), 1..4), any::<bool>());
        let result = runner.run(&strategy, |(base, mutations, pretty)| {
            let mut payload = bases[base].clone();
            for mutation in &mutations {
                apply(&mut payload, mutation, &edges);
            }
            let text =
                if pretty { serde_json::to_string_pretty(&payload) } else { serde_json::to_string(&payload) }
                    .unwrap();
            let checked = check_agreement_of(fixture.validate, &reference, text.as_bytes())
                .and_then(|()| check_parse_agrees(fixture, text.as_bytes()));
            prop_assert!(checked.is_ok(), "{}: {}\npayload: {text}", fixture.name, checked.unwrap_err());
            Ok(())
        });
        if let Err(failure) = result {
            panic!("{failure}");
        }
    }
}
