//! Round trips through the generated types of every contract, read by validate-and-parse (and
//! checked against plain serde): nothing lost, null and absent kept apart, unknown fields kept
//! at every level, date-times kept as written, integers as integers.
//!
//! The fields each test changes are found in the contract's constraint table (every nullable
//! field, every optional one, the first date-time, ...), never named.

use fingerprint_webhook::{CONTRACTS, Contract, DateTime, Options, Payload};
use fingerprint_webhook_codegen::constraints::ConstraintRow;
use serde_json::{Value, json};
use webhook_tests::agreement::remove;
use webhook_tests::targets::{self, example_with_marker, is_property, present, present_rows, spliced};

use crate::payloads::payloads;

/// Parses under `contract` through validate-and-parse, checks that plain serde reads the same
/// value, and gives what the types write back.
fn round_trip(contract: &Contract, text: &str) -> Value {
    let parsed = fingerprint_webhook::parse_detected(text.as_bytes(), Options::DEFAULT)
        .unwrap_or_else(|(contract, error)| panic!("{contract}: {error}\n{text}"));
    assert_eq!(parsed.contract(), contract);
    let deserialized = Payload::deserialize_unvalidated(contract, text.as_bytes()).unwrap();
    assert_eq!(parsed, deserialized, "{contract}: validate-and-parse and serde read the same value");
    serde_json::to_value(&parsed).unwrap()
}

/// Every contract's example, with a marker at the first place of a row `wanted` accepts, for
/// the contracts that have one; at least one.
fn examples_with(wanted: impl Fn(&ConstraintRow) -> bool) -> Vec<(&'static Contract, Value, String)> {
    let found: Vec<_> = CONTRACTS
        .iter()
        .filter_map(|contract| {
            example_with_marker(contract, "value", &wanted).map(|(payload, at, _)| (contract, payload, at))
        })
        .collect();
    assert!(!found.is_empty(), "a contract has the field this test needs");
    found
}

#[test]
fn every_valid_payload_re_serializes_to_equal_json_under_the_contract_its_shape_names() {
    let examples =
        CONTRACTS.iter().map(|contract| (contract.name().to_owned(), contract.example().to_owned()));
    for (name, text) in examples.chain(payloads("valid")) {
        let input: Value = serde_json::from_str(&text).unwrap();
        let contract = Contract::detect(text.as_bytes());
        assert_eq!(round_trip(contract, &text), input, "{name} under {contract}");
    }
}

#[test]
fn absent_and_null_survive_round_trip() {
    let mut nullable_fields = 0;
    for contract in CONTRACTS {
        let rows = targets::table(contract);
        let example = targets::example(contract);
        // Every nullable field null, outermost first; every optional field absent.
        let mut nulls = example.clone();
        let mut absences = example.clone();
        for row in rows.iter().filter(|row| is_property(row)) {
            if row.nullable
                && let Some(at) = present(&nulls, &row.pointer)
            {
                *nulls.pointer_mut(&at).unwrap() = Value::Null;
                nullable_fields += 1;
            }
            if !row.required
                && let Some(at) = present(&absences, &row.pointer)
            {
                remove(&mut absences, &at);
            }
        }
        for payload in [nulls, absences] {
            let text = serde_json::to_string(&payload).unwrap();
            assert_eq!(round_trip(contract, &text), payload, "{contract}");
        }
    }
    assert!(nullable_fields > 0, "a contract has nullable fields");
}

#[test]
fn unknown_fields_survive_at_every_level() {
    for contract in CONTRACTS {
        let mut payload: Value = serde_json::from_str(contract.example()).unwrap();
        let objects = webhook_tests::agreement::object_pointers(&payload);
        for (index, object) in objects.iter().enumerate() {
            if let Some(Value::Object(members)) = payload.pointer_mut(object) {
                members.insert(format!("undocumented{index}"), json!({"kept": [index, null, 1.5]}));
            }
        }
        let text = serde_json::to_string(&payload).unwrap();
        let written = round_trip(contract, &text);
        for (index, object) in objects.iter().enumerate() {
            let pointer = format!("{object}/undocumented{index}");
            assert_eq!(written.pointer(&pointer), payload.pointer(&pointer), "{} {pointer}", contract.name());
        }
        assert_eq!(written, payload, "{}", contract.name());
    }
}

#[test]
fn numbers_keep_their_integer_or_decimal_form() {
    for (contract, payload, at) in examples_with(|row| row.json_type == "number") {
        for spelled in ["1", "1.0", "0.5"] {
            let written = round_trip(contract, &spliced(&payload, &[("value", spelled)]));
            assert_eq!(written.pointer(&at).unwrap().to_string(), spelled, "{contract} {at}");
        }
    }
}

#[test]
fn a_value_of_any_type_is_any_json_value() {
    for (contract, payload, at) in examples_with(|row| row.json_type == "any") {
        for value in [
            json!(2_718_281_828_u64),
            json!({"tag": "a_scalar_tag"}),
            json!({"nested": {"list": [1, 2.5, "three", null, true]}}),
            json!("🦀"),
        ] {
            let written = round_trip(contract, &spliced(&payload, &[("value", &value.to_string())]));
            assert_eq!(written.pointer(&at), Some(&value), "{contract} {at}");
        }
    }
}

#[test]
fn date_times_keep_their_exact_text_and_give_the_instant() {
    for (contract, payload, at) in examples_with(|row| row.format == Some("date-time")) {
        for (text, nanosecond, offset_hours) in [
            ("2024-10-27T03:33:20.123456789-07:00", 123_456_789, -7),
            ("2016-12-31T23:59:60Z", 999_999_999, 0),
            ("2024-10-27t03:33:20z", 0, 0),
        ] {
            let written = round_trip(contract, &spliced(&payload, &[("value", &format!("\"{text}\""))]));
            let kept = written.pointer(&at).unwrap();
            assert_eq!(kept, text, "{contract} {at}");
            let instant = serde_json::from_value::<DateTime>(kept.clone()).unwrap().instant();
            assert_eq!(instant.nanosecond(), nanosecond, "{text}");
            assert_eq!(instant.offset().whole_hours(), offset_hours, "{text}");
        }
    }
}

#[test]
fn an_integer_valued_number_becomes_the_integer() {
    for contract in CONTRACTS {
        let example = targets::example(contract);
        let Some((row, at)) = present_rows(&targets::table(contract), &example)
            .find(|(row, _)| row.json_type == "integer" && row.bounds.is_some())
            .map(|(row, at)| (row.clone(), at))
        else {
            continue;
        };
        let integer = example.pointer(&at).unwrap().as_i64().unwrap();
        let (payload, marked, _) =
            example_with_marker(contract, "value", |other| other.pointer == row.pointer).unwrap();
        let written = round_trip(contract, &spliced(&payload, &[("value", &format!("{integer}.0"))]));
        assert_eq!(written.pointer(&marked), Some(&json!(integer)), "{contract} {marked}");
        let fraction = spliced(&payload, &[("value", &format!("{integer}.5"))]);
        let error = Payload::deserialize_unvalidated(contract, fraction.as_bytes()).unwrap_err().to_string();
        assert!(error.contains("expected an integer"), "{contract}: {error}");
    }
}

#[test]
fn deviations_fail_to_parse_with_a_reason() {
    for (contract, payload, _) in examples_with(|row| row.format == Some("date-time") && !row.nullable) {
        let empty = spliced(&payload, &[("value", "\"\"")]);
        let error = Payload::deserialize_unvalidated(contract, empty.as_bytes()).unwrap_err().to_string();
        assert!(error.contains("\"\" is not an RFC 3339 date-time"), "{contract}: {error}");
    }
    for (contract, payload, _) in examples_with(|row| row.json_type == "number" && !row.nullable) {
        let null = spliced(&payload, &[("value", "null")]);
        let error = Payload::deserialize_unvalidated(contract, null.as_bytes()).unwrap_err().to_string();
        assert!(error.contains("invalid type: null, expected a JSON number"), "{contract}: {error}");
    }
    for (name, text) in payloads("invalid") {
        let contract = Contract::detect(text.as_bytes());
        assert!(
            Payload::deserialize_unvalidated(contract, text.as_bytes()).is_err(),
            "{name} under {contract}"
        );
    }
}

/// A value with every object's documented members in schema order (the order of the table's
/// rows) and its undocumented ones after them, in their order.
fn in_schema_order(value: &Value, pattern: &str, rows: &[ConstraintRow]) -> Value {
    match value {
        Value::Object(members) => {
            let documented: Vec<&ConstraintRow> = rows
                .iter()
                .filter(|row| is_property(row) && targets::parent_of(&row.pointer) == pattern)
                .collect();
            let is_map = rows.iter().any(|row| row.pointer == format!("{pattern}/*"));
            let mut ordered = serde_json::Map::new();
            for row in &documented {
                let key = targets::key_of(&row.pointer);
                if let Some(member) = members.get(&key) {
                    ordered.insert(key, in_schema_order(member, &row.pointer, rows));
                }
            }
            for (key, member) in members {
                if !ordered.contains_key(key) {
                    let child = format!("{pattern}/*");
                    let member = if is_map { in_schema_order(member, &child, rows) } else { member.clone() };
                    ordered.insert(key.clone(), member);
                }
            }
            Value::Object(ordered)
        }
        Value::Array(items) => Value::Array(
            items.iter().map(|item| in_schema_order(item, &format!("{pattern}/*"), rows)).collect(),
        ),
        other => other.clone(),
    }
}

/// The README's account of a round trip, exactly: what is kept, what is reordered, what is
/// respelled.
#[test]
fn a_round_trip_keeps_what_the_readme_says_and_respells_what_it_says() {
    for contract in CONTRACTS {
        let rows = targets::table(contract);
        let example = targets::example(contract);
        // The documented fields in reverse order, between two undocumented ones, and with the
        // first bounded integer spelled as a float.
        let mut reversed = serde_json::Map::new();
        for (key, member) in example.as_object().unwrap().iter().rev() {
            reversed.insert(key.clone(), member.clone());
        }
        let mut payload = Value::Object(reversed);
        let integer = present_rows(&rows, &example)
            .find(|(row, at)| {
                row.json_type == "integer"
                    && row.bounds.is_some()
                    && example.pointer(at).is_some_and(Value::is_i64)
            })
            .map(|(_, at)| (at.clone(), example.pointer(&at).unwrap().clone()));
        if let Some((at, _)) = &integer {
            *payload.pointer_mut(at).unwrap() = targets::marker("integer");
        }
        let spelled = integer.as_ref().map(|(_, value)| format!("{value}.000")).unwrap_or_default();
        let documented =
            spliced(&payload, &[("integer", spelled.as_str())][..usize::from(integer.is_some())]);
        let text = format!(
            r#"{{"zeta":{{"b":1E2,"a":"\u0041"}},{},"alpha":[1.0,-0]}}"#,
            &documented[1..documented.len() - 1]
        );
        let written = serde_json::to_string(&round_trip(contract, &text)).unwrap();
        // Documented fields in schema order, then the undocumented ones. Integers as the
        // integer; other numbers as serde_json writes their nearest f64.
        let ordered = serde_json::to_string(&in_schema_order(&example, "", &rows)).unwrap();
        let expected =
            format!(r#"{},"zeta":{{"b":100.0,"a":"A"}},"alpha":[1.0,-0.0]}}"#, &ordered[..ordered.len() - 1]);
        assert_eq!(written, expected, "{contract}");
    }
}
