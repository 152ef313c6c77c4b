//! Hostile input: each gets one clear violation, and none panics, overflows the stack, or takes
//! time or memory out of proportion to its size. Every test runs under every contract (the
//! hostile text inside a payload goes where a contract's table allows any value: the first
//! value of any type, else the first string), and none names a field.

use fingerprint_webhook::{CONTRACTS, Contract, Keyword, Options, Violations};
use webhook_tests::targets::{example_with_marker, spliced};

/// The only violation of `input` under `contract`: its keyword and message, after checking
/// that validate and parse agree on it.
fn single_violation_of(contract: &Contract, input: &[u8]) -> (Keyword, String, usize) {
    let violations: Violations = contract.validate(input, Options::DEFAULT).unwrap_err();
    if Contract::detect(input) == contract {
        assert_eq!(fingerprint_webhook::parse_detected(input, Options::DEFAULT).unwrap_err().1, violations);
    }
    assert_eq!(violations.len(), 1, "{contract}: {violations}");
    let violation = violations.iter().next().unwrap();
    (violation.keyword(), violation.message().to_owned(), violation.offset())
}

/// The same single violation under every contract.
fn single_violation(input: &[u8]) -> (Keyword, String, usize) {
    let found: Vec<_> = CONTRACTS.iter().map(|contract| single_violation_of(contract, input)).collect();
    assert!(found.windows(2).all(|pair| pair[0] == pair[1]), "{found:?}");
    found.into_iter().next().unwrap()
}

fn invalid_json(input: &[u8]) -> String {
    let (keyword, message, _) = single_violation(input);
    assert_eq!(keyword, Keyword::InvalidJson, "{message}");
    message
}

/// Each contract with its example, a value of it (of any type if the contract has one, else a
/// string) replaced by the given JSON text, and whether that value may be any JSON value.
fn payloads_with(value: &str) -> Vec<(&'static Contract, String, bool)> {
    CONTRACTS
        .iter()
        .map(|contract| {
            let (payload, _, row) = example_with_marker(contract, "value", |row| row.json_type == "any")
                .or_else(|| example_with_marker(contract, "value", |row| row.json_type == "string"))
                .unwrap();
            (contract, spliced(&payload, &[("value", value)]), row.json_type == "any")
        })
        .collect()
}

/// The only violation of each contract's payload with `value` placed in it, as invalid JSON.
fn invalid_json_with(value: &str) -> String {
    let messages: Vec<String> = payloads_with(value)
        .iter()
        .map(|(contract, text, _)| {
            let (keyword, message, _) = single_violation_of(contract, text.as_bytes());
            assert_eq!(keyword, Keyword::InvalidJson, "{contract}: {message}");
            message
        })
        .collect();
    assert!(messages.windows(2).all(|pair| pair[0] == pair[1]), "{messages:?}");
    messages.into_iter().next().unwrap()
}

#[test]
fn empty_and_blank_input() {
    assert_eq!(invalid_json(b""), "not valid JSON: the input is empty");
    assert_eq!(invalid_json(b" \n\t "), "not valid JSON: the input is empty");
}

#[test]
fn truncated_json_and_trailing_garbage() {
    for contract in CONTRACTS {
        let full = contract.example().trim_end();
        for cut in [1, 10, full.len() / 2, full.len() - 1] {
            let (keyword, message, _) = single_violation_of(contract, &full.as_bytes()[..cut]);
            assert_eq!(keyword, Keyword::InvalidJson);
            assert!(message.contains("the input ends"), "{contract} cut at {cut}: {message}");
        }
        let (_, message, offset) = single_violation_of(contract, format!("{full} x").as_bytes());
        assert_eq!(message, "not valid JSON: unexpected text after the payload");
        assert_eq!(offset, full.len() + 1);
        let (_, message, _) = single_violation_of(contract, format!("{full}{full}").as_bytes());
        assert!(message.contains("unexpected text after the payload"), "{contract}: {message}");
    }
}

#[test]
fn invalid_utf8_and_a_byte_order_mark() {
    for (contract, text, _) in payloads_with("\"a\u{e9}b\"") {
        let mut inside_string = text.into_bytes();
        let at = inside_string.iter().position(|&byte| byte == 0xC3).unwrap();
        inside_string[at + 1] = 0x28;
        let (_, message, _) = single_violation_of(contract, &inside_string);
        assert_eq!(message, "not valid JSON: invalid UTF-8 inside a string", "{contract}");
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), contract.example().as_bytes()].concat();
        let (_, message, _) = single_violation_of(contract, &with_bom);
        assert_eq!(
            message,
            "not valid JSON: the input starts with a UTF-8 byte-order mark, which JSON text must not have"
        );
    }
    assert_eq!(
        invalid_json(b"{\xff}"),
        "not valid JSON: expected a key in double quotes, found the byte 0xFF"
    );
}

#[test]
fn nan_infinity_and_numbers_beyond_a_float() {
    for value in ["NaN", "Infinity"] {
        assert!(invalid_json_with(value).contains("expected a JSON value, found `"), "{value}");
    }
    assert_eq!(invalid_json_with("-Infinity"), "not valid JSON: expected a digit, found `I`");
    assert_eq!(
        invalid_json_with("1e400"),
        "not valid JSON: the number \"1e400\" is out of the range of a 64-bit float"
    );
    // In a bounded integer: beyond a float is invalid JSON; a huge integer that a float holds is
    // a number, just beyond the bound.
    let mut bounded = 0;
    for contract in CONTRACTS {
        let Some((payload, _, _)) = example_with_marker(contract, "integer", |row| {
            row.json_type == "integer" && row.bounds.is_some()
        }) else {
            continue;
        };
        let beyond = spliced(&payload, &[("integer", "-1e400")]);
        let (keyword, message, _) = single_violation_of(contract, beyond.as_bytes());
        assert_eq!(keyword, Keyword::InvalidJson);
        assert!(message.contains("out of the range of a 64-bit float"), "{contract}: {message}");
        let huge = spliced(&payload, &[("integer", "1e300")]);
        assert_eq!(single_violation_of(contract, huge.as_bytes()).0, Keyword::Maximum, "{contract}");
        bounded += 1;
    }
    assert!(bounded > 0, "a contract has a bounded integer");
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
        let value = format!("{}1{}", open.repeat(100_000), close.repeat(100_000));
        let message = invalid_json_with(&value);
        assert_eq!(message, "not valid JSON: arrays and objects are nested deeper than 127 levels");
    }
    // serde_json's own limit: 127 levels, the payload's object and those above the value
    // included, are fine.
    let mut found = 0;
    for contract in CONTRACTS {
        let Some((payload, at, _)) = example_with_marker(contract, "value", |row| row.json_type == "any")
        else {
            continue;
        };
        let nested = 127 - at.matches('/').count();
        let text = spliced(&payload, &[("value", &format!("{}1{}", "[".repeat(nested), "]".repeat(nested)))]);
        assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
        assert_eq!(contract.validate(text.as_bytes(), Options::DEFAULT), Ok(()), "{contract}");
        let deeper = spliced(
            &payload,
            &[("value", &format!("{}1{}", "[".repeat(nested + 1), "]".repeat(nested + 1)))],
        );
        let (_, message, _) = single_violation_of(contract, deeper.as_bytes());
        assert!(message.contains("nested deeper than 127 levels"), "{contract}: {message}");
        found += 1;
    }
    assert!(found > 0, "a contract has a value of any type");
    let top_level = "[".repeat(1_000_000);
    assert!(invalid_json(top_level.as_bytes()).contains("nested deeper than 127 levels"));
}

#[test]
fn a_ten_megabyte_string_is_one_length_violation() {
    let long = format!("\"{}\"", "é".repeat(5 * 1024 * 1024));
    let mut limited = 0;
    for contract in CONTRACTS {
        let Some((payload, _, row)) = example_with_marker(contract, "long", |row| {
            row.json_type == "string" && row.max_length.is_some()
        }) else {
            continue;
        };
        let text = spliced(&payload, &[("long", &long)]);
        let (keyword, message, _) = single_violation_of(contract, text.as_bytes());
        assert_eq!(keyword, Keyword::MaxLength);
        assert_eq!(
            message,
            format!("5242880 characters; the documented maximum is {}", row.max_length.unwrap())
        );
        limited += 1;
    }
    assert!(limited > 0, "a contract has a string with a maxLength");
}

#[test]
fn many_keys_and_duplicates_in_a_large_object() {
    let members: Vec<String> = (0..100_000).map(|index| format!("\"k{index}\": {index}")).collect();
    let value = format!("{{{}, \"k99999\": 0}}", members.join(", "));
    for (contract, text, any) in payloads_with(&value) {
        let violations = contract.validate(text.as_bytes(), Options::DEFAULT).unwrap_err();
        let keywords: Vec<&str> = violations.iter().map(|violation| violation.keyword().as_str()).collect();
        // In document order: the value's length (or type) is reported where the value starts.
        let first = if any { "x-fingerprint-maxJsonTextLength" } else { "type" };
        assert_eq!(keywords, [first, "duplicateKey"], "{contract}");
        assert!(violations.iter().nth(1).unwrap().pointer().ends_with("/k99999"));
    }
}

#[test]
fn a_payload_that_is_not_an_object_gets_one_type_violation() {
    for (input, found) in [
        ("[1, 2]", "an array"),
        ("\"payload\"", "a string"),
        ("null", "null"),
        ("42", "a number"),
        ("true", "a boolean"),
    ] {
        let (keyword, message, offset) = single_violation(input.as_bytes());
        assert_eq!(keyword, Keyword::Type);
        assert_eq!(message, format!("the payload must be a JSON object, found {found}"));
        assert_eq!(offset, 0);
    }
    // A syntax error outranks the wrong type.
    assert!(invalid_json(b"[1, 2").contains("the input ends"));
}

#[test]
fn control_characters_and_bad_escapes_in_strings() {
    assert_eq!(
        invalid_json_with("\"a\u{1}b\""),
        "not valid JSON: a control character must be escaped inside a string"
    );
    assert_eq!(invalid_json_with(r#""\q""#), "not valid JSON: invalid escape in a string");
    assert!(invalid_json_with(r#""\ud800""#).contains("surrogate"));
    assert_eq!(invalid_json_with("01"), "not valid JSON: a number may not have a leading zero");
}

/// A long key repeated in the pointer of every violation below it must not multiply the input:
/// the violations stop when their pointers reach a few times the input's size.
#[test]
fn long_keys_do_not_multiply_memory_through_pointers() {
    let key = "/".repeat(1_000_000);
    let members = vec![r#""a":0"#; 102].join(",");
    let text = format!(r#"{{"{key}":{{{members}}}}}"#);
    for contract in CONTRACTS {
        let violations = contract.validate(text.as_bytes(), Options::DEFAULT).unwrap_err();
        let held: usize =
            violations.iter().map(|violation| violation.pointer().len() + violation.message().len()).sum();
        assert!(held <= 6 * text.len(), "{held} bytes of violations for {} bytes of input", text.len());
        assert!(violations.is_truncated());
        assert!(violations.iter().all(|violation| violation.pointer().starts_with("/~1~1~1")));
    }
}
