//! Differential testing: every contract's generated validator and the `jsonschema` crate agree,
//! verdict and violations (pointer and keyword), on every payload file and on 10,000
//! property-generated mutations per run, spread over the contracts. What a mutation targets
//! comes from each contract's constraint table, not from field names.

use std::sync::LazyLock;

use fingerprint_webhook::{CONTRACTS, Contract};
use fingerprint_webhook_codegen::constraints::{self, ConstraintRow, Place};
use fingerprint_webhook_codegen::model::Model;
use proptest::prelude::*;
use serde_json::{Value, json};
use webhook_tests::agreement::{Reference, check_agreement, object_pointers, pointers, remove};

use crate::payloads::payloads;
use crate::real_payloads::real_payloads;

/// One contract under test, with what its mutations aim at.
pub(crate) struct Subject {
    contract: &'static Contract,
    reference: Reference,
    /// Its example, and every payload file and published payload whose shape names it.
    bases: Vec<Value>,
    /// The `maxLength` of each string, by pointer (`*` for any array item).
    max_lengths: Vec<(String, usize)>,
    /// The date-time fields (no array item among their parents).
    date_times: Vec<String>,
    /// The integer fields (no array item among their parents).
    integers: Vec<String>,
    /// The values of any type with a limit on their canonical JSON text, at the root.
    json_text_limits: Vec<(String, usize)>,
    /// An array of objects or strings to fill with wrong items, as the members that reach it.
    array_path: Option<Vec<String>>,
    /// A key that differs from a documented root field in letter case only.
    near_miss: String,
}

fn concrete_fields(rows: &[ConstraintRow], matches: impl Fn(&ConstraintRow) -> bool) -> Vec<String> {
    rows.iter()
        .filter(|row| matches(row) && !row.pointer.contains('*'))
        .map(|row| row.pointer.clone())
        .collect()
}

impl Subject {
    fn new(contract: &'static Contract) -> Subject {
        let model = Model::read(contract.schema(), contract.root_type()).unwrap();
        let rows = constraints::rows(&model);
        let mut bases: Vec<Value> = vec![serde_json::from_str(contract.example()).unwrap()];
        bases.extend(
            payloads("valid")
                .into_iter()
                .chain(payloads("invalid"))
                .chain(real_payloads())
                .filter(|(_, text)| Contract::detect(text.as_bytes()) == contract)
                .map(|(_, text)| serde_json::from_str(&text).unwrap()),
        );
        let array_path = rows
            .iter()
            .filter(|row| row.json_type == "array" && !row.pointer.contains('*'))
            .find(|row| {
                rows.iter().any(|item| {
                    item.place == Place::Item
                        && item.pointer == format!("{}/*", row.pointer)
                        && matches!(item.json_type, "object" | "string")
                        && !item.nullable
                })
            })
            .map(|row| row.pointer.split('/').skip(1).map(str::to_owned).collect());
        let first_key =
            model.root_object().properties.first().map_or("field", |property| property.name.as_str());
        Subject {
            contract,
            reference: Reference::for_contract(contract),
            bases,
            max_lengths: rows
                .iter()
                .filter(|row| row.json_type == "string")
                .filter_map(|row| Some((row.pointer.clone(), usize::try_from(row.max_length?).ok()?)))
                .collect(),
            date_times: concrete_fields(&rows, |row| row.format == Some("date-time")),
            integers: concrete_fields(&rows, |row| row.json_type == "integer"),
            json_text_limits: rows
                .iter()
                .filter(|row| {
                    row.json_type == "any" && row.place == Place::Property && !row.pointer.contains('*')
                })
                .filter_map(|row| Some((row.pointer.clone(), usize::try_from(row.max_length?).ok()?)))
                .collect(),
            array_path,
            near_miss: if first_key.to_lowercase() == first_key {
                first_key.to_uppercase()
            } else {
                first_key.to_lowercase()
            },
        }
    }
}

/// Every contract under test, in the order of [`CONTRACTS`].
pub(crate) static SUBJECTS: LazyLock<Vec<Subject>> =
    LazyLock::new(|| CONTRACTS.iter().map(Subject::new).collect());

/// The `jsonschema` reference of a contract.
pub(crate) fn reference(contract: &Contract) -> &'static Reference {
    &SUBJECTS.iter().find(|subject| subject.contract == contract).unwrap().reference
}

const DATE_TIMES: &[&str] = &[
    "2019-10-12T07:20:50.52Z",
    "2019-10-12t07:20:50z",
    "2016-12-31T23:59:60Z",
    "2016-12-31T15:59:60-08:00",
    "2016-12-31T22:59:60Z",
    "2024-02-29T00:00:00+23:59",
    "2023-02-29T00:00:00Z",
    "2019-10-12T07:20:50.Z",
    "2019-10-12T07:20:50",
    "2019-10-12 07:20:50Z",
    "2019-10-12T07:20:50+24:00",
    "2019-10-12T07:20:50.123456789012Z",
    "0000-01-01T00:00:00Z",
    "",
    "2019-10-12T07:20:50Z ",
];

fn integers() -> [Value; 10] {
    [
        json!(0),
        json!(1.0),
        json!(1.5),
        json!(-0.0),
        json!(9_007_199_254_740_991_u64),
        json!(9_007_199_254_740_992_u64),
        json!(-9_007_199_254_740_992_i64),
        json!(1e300),
        json!(-1e15),
        json!(u64::MAX),
    ]
}

fn retyped(kind: u8) -> Value {
    match kind % 7 {
        0 => json!("text"),
        1 => json!(42),
        2 => json!(4.5),
        3 => json!(true),
        4 => json!([1, "a", null]),
        5 => json!({"k": "v"}),
        _ => json!("line\nbreak \"quoted\" \\ é 🦀"),
    }
}

const UNKNOWN_KEYS: &[&str] = &["signal", "a/b", "t~1", "é", ""];

/// One change to a payload; the numbers pick targets modulo what the payload has.
#[derive(Debug, Clone)]
enum Mutation {
    Drop(usize),
    Null(usize),
    Retype(usize, u8),
    Lengthen(usize, i8, bool),
    Unknown(usize, usize, u8),
    DateTime(usize, usize),
    Integer(usize, usize),
    JsonText(usize, i8, bool),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Drop),
        any::<usize>().prop_map(Mutation::Null),
        (any::<usize>(), any::<u8>()).prop_map(|(at, kind)| Mutation::Retype(at, kind)),
        (any::<usize>(), -1_i8..=1, any::<bool>())
            .prop_map(|(at, delta, wide)| Mutation::Lengthen(at, delta, wide)),
        (any::<usize>(), any::<usize>(), any::<u8>())
            .prop_map(|(at, key, kind)| Mutation::Unknown(at, key, kind)),
        (any::<usize>(), any::<usize>()).prop_map(|(at, edge)| Mutation::DateTime(at, edge)),
        (any::<usize>(), any::<usize>()).prop_map(|(at, edge)| Mutation::Integer(at, edge)),
        (any::<usize>(), -2_i8..=1, any::<bool>())
            .prop_map(|(at, delta, wide)| Mutation::JsonText(at, delta, wide)),
    ]
}

fn pick<T: Clone>(items: &[T], at: usize) -> Option<T> {
    (!items.is_empty()).then(|| items[at % items.len()].clone())
}

/// The pointer with array indices replaced by `*`, as the constraint table writes it.
fn generic(pointer: &str) -> String {
    pointer
        .split('/')
        .map(|segment| if segment.parse::<usize>().is_ok() { "*" } else { segment })
        .collect::<Vec<_>>()
        .join("/")
}

fn set(payload: &mut Value, pointer: &str, value: Value) {
    if pointer.is_empty() {
        return;
    }
    if let Some(slot) = payload.pointer_mut(pointer) {
        *slot = value;
    }
}

fn apply(subject: &Subject, payload: &mut Value, mutation: &Mutation) {
    let all = pointers(payload);
    match *mutation {
        Mutation::Drop(at) => {
            if let Some(pointer) = pick(&all, at) {
                remove(payload, &pointer);
            }
        }
        Mutation::Null(at) => {
            if let Some(pointer) = pick(&all, at) {
                set(payload, &pointer, Value::Null);
            }
        }
        Mutation::Retype(at, kind) => {
            if let Some(pointer) = pick(&all, at) {
                set(payload, &pointer, retyped(kind));
            }
        }
        Mutation::Lengthen(at, delta, wide) => {
            let strings: Vec<(String, usize)> = all
                .iter()
                .filter_map(|pointer| {
                    let limit = subject.max_lengths.iter().find(|(known, _)| *known == generic(pointer))?.1;
                    Some((pointer.clone(), limit))
                })
                .collect();
            if let Some((pointer, limit)) = pick(&strings, at) {
                let length = limit.saturating_add_signed(isize::from(delta));
                let text = if wide { "🦀".repeat(length) } else { "a".repeat(length) };
                set(payload, &pointer, json!(text));
            }
        }
        Mutation::Unknown(at, key, kind) => {
            let mut keys: Vec<&str> = UNKNOWN_KEYS.to_vec();
            keys.push(&subject.near_miss);
            if let (Some(object), Some(key)) = (pick(&object_pointers(payload), at), pick(&keys, key))
                && let Some(Value::Object(members)) = payload.pointer_mut(&object)
            {
                members.insert(key.to_owned(), retyped(kind));
            }
        }
        Mutation::DateTime(at, edge) => {
            if let (Some(pointer), Some(text)) = (pick(&subject.date_times, at), pick(DATE_TIMES, edge)) {
                set(payload, &pointer, json!(text));
            }
        }
        Mutation::Integer(at, edge) => {
            if let (Some(pointer), Some(value)) = (pick(&subject.integers, at), pick(&integers(), edge)) {
                set(payload, &pointer, value);
            }
        }
        Mutation::JsonText(at, delta, wide) => {
            // A string of n characters takes n + 2 in canonical JSON text.
            if let Some((pointer, limit)) = pick(&subject.json_text_limits, at)
                && let Some((parent, key)) = pointer.rsplit_once('/')
                && let Some(Value::Object(members)) = payload.pointer_mut(parent)
            {
                let length = (limit - 2).saturating_add_signed(isize::from(delta));
                let text = if wide { "é".repeat(length) } else { "t".repeat(length) };
                members.insert(key.to_owned(), json!(text));
            }
        }
    }
}

#[test]
fn both_validators_agree_on_every_payload_file() {
    for (name, text) in payloads("valid").into_iter().chain(payloads("invalid")) {
        for subject in SUBJECTS.iter() {
            if let Err(disagreement) = check_agreement(subject.contract, &subject.reference, text.as_bytes())
            {
                panic!("{name} under {}: {disagreement}", subject.contract.name());
            }
        }
    }
}

/// Inputs of the kinds a fuzzer finds first, through the same check the fuzz target makes.
#[test]
fn both_validators_agree_on_malformed_and_hostile_input() {
    for subject in SUBJECTS.iter() {
        let example = subject.contract.example();
        let mut inputs: Vec<Vec<u8>> = [
            "",
            " ",
            "{",
            "}",
            "[]",
            "null",
            "\"x\"",
            "{\"a\":1,\"a\":2}",
            "1e400",
            "-0",
            "01",
            "{\"k\":\"\\ud800\"}",
            "{\"k\": NaN}",
            "\u{feff}{}",
            "{} {}",
        ]
        .iter()
        .map(|text| text.as_bytes().to_vec())
        .collect();
        inputs.push(b"{\"k\": \"\xff\"}".to_vec());
        inputs.push(format!("{}{}", "[".repeat(200), "]".repeat(200)).into_bytes());
        for cut in (0..example.len()).step_by(97) {
            inputs.push(example.as_bytes()[..cut].to_vec());
        }
        for input in inputs {
            if let Err(disagreement) = check_agreement(subject.contract, &subject.reference, &input) {
                panic!(
                    "{}: {disagreement}\ninput: {:?}",
                    subject.contract.name(),
                    String::from_utf8_lossy(&input)
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn both_validators_agree_on_mutated_payloads(
        subject in 0..SUBJECTS.len(),
        base in any::<usize>(),
        mutations in proptest::collection::vec(mutation(), 1..4),
        pretty in any::<bool>(),
    ) {
        let subject = &SUBJECTS[subject];
        let mut payload = subject.bases[base % subject.bases.len()].clone();
        for mutation in &mutations {
            apply(subject, &mut payload, mutation);
        }
        let text = if pretty { serde_json::to_string_pretty(&payload) } else { serde_json::to_string(&payload) }.unwrap();
        if let Err(disagreement) = check_agreement(subject.contract, &subject.reference, text.as_bytes()) {
            prop_assert!(false, "{disagreement}\npayload: {text}");
        }
    }
}

/// What can follow a payload's last member: its proper end, or a way to not be JSON.
const ENDINGS: &[&str] =
    &["}", ",}", "", "} x", "}}", ",\"lone\":\"\\udc00\"}", ",\"big\":-1e400}", "\u{0}}", "} {}"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Repeated keys, undocumented fields and wrong types by the hundred (past the violation
    /// cap), then an ending that may break the JSON: invalid JSON must win wherever it is.
    #[test]
    fn both_validators_agree_past_the_violation_cap(
        subject in 0..SUBJECTS.len(),
        base in any::<usize>(),
        repeats in 0_usize..150,
        unknown in 0_usize..150,
        wrong_types in 0_usize..150,
        ending in 0..ENDINGS.len(),
    ) {
        let subject = &SUBJECTS[subject];
        let text = serde_json::to_string(&subject.bases[base % subject.bases.len()]).unwrap();
        let mut members = "\"dup\":0,".repeat(repeats);
        members.extend((0..unknown).map(|index| format!("\"u{index}\":{index},")));
        if wrong_types > 0 && let Some(path) = &subject.array_path {
            // `"a":{"b":[1,1,…]}` for the array at /a/b: every item of the wrong type.
            let mut value = json!(vec![1; wrong_types]);
            for key in path[1..].iter().rev() {
                value = json!({ key.as_str(): value });
            }
            members.extend([json!(path[0]).to_string(), ":".to_owned(), value.to_string(), ",".to_owned()]);
        }
        let body = text.strip_suffix('}').unwrap();
        let input = format!("{{{members}{}{}", &body[1..], ENDINGS[ending]);
        if let Err(disagreement) = check_agreement(subject.contract, &subject.reference, input.as_bytes()) {
            prop_assert!(false, "{disagreement}\ninput: {input}");
        }
    }
}
