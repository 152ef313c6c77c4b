//! Differential testing: the generated validator and the `jsonschema` crate agree, verdict and
//! violations (pointer and keyword), on every payload file and on 10,000 property-generated
//! mutations per run.

use std::sync::LazyLock;

use fingerprint_webhook_codegen::constraints;
use fingerprint_webhook_codegen::model::Model;
use proptest::prelude::*;
use serde_json::{Value, json};
use webhook_tests::agreement::{Reference, check_agreement, object_pointers, pointers, remove};
use webhook_tests::{CANONICAL_SCHEMA, read_repository_file};

use crate::payloads::payloads;

pub(crate) static REFERENCE: LazyLock<Reference> = LazyLock::new(Reference::default);

/// The documented `maxLength` of each string field, by pointer (`*` for any array item).
static MAX_LENGTHS: LazyLock<Vec<(String, usize)>> = LazyLock::new(|| {
    let model = Model::read(&read_repository_file(CANONICAL_SCHEMA), "IdentificationWebhook").unwrap();
    constraints::rows(&model)
        .into_iter()
        .filter(|row| row.json_type == "string")
        .filter_map(|row| Some((row.pointer, usize::try_from(row.max_length?).ok()?)))
        .collect()
});

static BASES: LazyLock<Vec<Value>> = LazyLock::new(|| {
    payloads("valid")
        .into_iter()
        .chain(payloads("invalid"))
        .map(|(_, text)| serde_json::from_str(&text).unwrap())
        .collect()
});

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

const UNKNOWN_KEYS: &[&str] = &["signal", "a/b", "t~1", "é", "", "requestid"];

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
    Tag(i8, bool),
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
        (-2_i8..=1, any::<bool>()).prop_map(|(delta, wide)| Mutation::Tag(delta, wide)),
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

fn apply(payload: &mut Value, mutation: &Mutation) {
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
                    let limit = MAX_LENGTHS.iter().find(|(known, _)| *known == generic(pointer))?.1;
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
            if let (Some(object), Some(key)) = (pick(&object_pointers(payload), at), pick(UNKNOWN_KEYS, key))
                && let Some(Value::Object(members)) = payload.pointer_mut(&object)
            {
                members.insert(key.to_owned(), retyped(kind));
            }
        }
        Mutation::DateTime(at, edge) => {
            let fields = [
                "/time",
                "/firstSeenAt/global",
                "/firstSeenAt/subscription",
                "/lastSeenAt/global",
                "/lastSeenAt/subscription",
            ];
            if let (Some(pointer), Some(text)) = (pick(&fields, at), pick(DATE_TIMES, edge)) {
                set(payload, pointer, json!(text));
            }
        }
        Mutation::Integer(at, edge) => {
            if let (Some(pointer), Some(value)) =
                (pick(&["/timestamp", "/ipLocation/accuracyRadius"], at), pick(&integers(), edge))
            {
                set(payload, pointer, value);
            }
        }
        Mutation::Tag(delta, wide) => {
            // A string of n characters takes n + 2 in canonical JSON text.
            let length = 4094_usize.saturating_add_signed(isize::from(delta));
            if let Value::Object(members) = payload {
                let text = if wide { "é".repeat(length) } else { "t".repeat(length) };
                members.insert("tag".to_owned(), json!(text));
            }
        }
    }
}

#[test]
fn both_validators_agree_on_every_payload_file() {
    for (name, text) in payloads("valid").into_iter().chain(payloads("invalid")) {
        if let Err(disagreement) = check_agreement(&REFERENCE, text.as_bytes()) {
            panic!("{name}: {disagreement}");
        }
    }
}

/// Inputs of the kinds a fuzzer finds first, through the same check the fuzz target makes.
#[test]
fn both_validators_agree_on_malformed_and_hostile_input() {
    let example = read_repository_file("schema/documented-example.json");
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
        "{\"requestId\":\"\\ud800\"}",
        "{\"tag\": NaN}",
        "\u{feff}{}",
        "{} {}",
    ]
    .iter()
    .map(|text| text.as_bytes().to_vec())
    .collect();
    inputs.push(b"{\"requestId\": \"\xff\"}".to_vec());
    inputs.push(format!("{}{}", "[".repeat(200), "]".repeat(200)).into_bytes());
    for cut in (0..example.len()).step_by(97) {
        inputs.push(example.as_bytes()[..cut].to_vec());
    }
    inputs.push(example.replace("\"tag\": {", "\"tag\": {\"k\": 1, \"k\": 2,").into_bytes());
    for input in inputs {
        if let Err(disagreement) = check_agreement(&REFERENCE, &input) {
            panic!("{disagreement}\ninput: {:?}", String::from_utf8_lossy(&input));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn both_validators_agree_on_mutated_payloads(
        base in 0..BASES.len(),
        mutations in proptest::collection::vec(mutation(), 1..4),
        pretty in any::<bool>(),
    ) {
        let mut payload = BASES[base].clone();
        for mutation in &mutations {
            apply(&mut payload, mutation);
        }
        let text = if pretty { serde_json::to_string_pretty(&payload) } else { serde_json::to_string(&payload) }.unwrap();
        if let Err(disagreement) = check_agreement(&REFERENCE, text.as_bytes()) {
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
        base in 0..BASES.len(),
        repeats in 0_usize..150,
        unknown in 0_usize..150,
        wrong_types in 0_usize..150,
        ending in 0..ENDINGS.len(),
    ) {
        let text = serde_json::to_string(&BASES[base]).unwrap();
        let mut members = "\"dup\":0,".repeat(repeats);
        members.extend((0..unknown).map(|index| format!("\"u{index}\":{index},")));
        if wrong_types > 0 {
            let items = serde_json::to_string(&vec![1; wrong_types]).unwrap();
            members.push_str(&["\"ipLocation\":{\"subdivisions\":", &items, "},"].concat());
        }
        let body = text.strip_suffix('}').unwrap();
        let input = format!("{{{members}{}{}", &body[1..], ENDINGS[ending]);
        if let Err(disagreement) = check_agreement(&REFERENCE, input.as_bytes()) {
            prop_assert!(false, "{disagreement}\ninput: {input}");
        }
    }
}
