//! Hostile input: each gets one clear violation, and none panics, overflows the stack, or takes
//! time or memory out of proportion to its size.

use fingerprint_webhook::identification_webhook::{parse, validate};
use fingerprint_webhook::{Keyword, Options, Violations};

/// The only violation of `input`: its keyword and message, after checking that validate and
/// parse agree on it.
fn single_violation(input: &[u8]) -> (Keyword, String, usize) {
    let violations: Violations = validate(input, Options::DEFAULT).unwrap_err();
    assert_eq!(parse(input, Options::DEFAULT).unwrap_err(), violations);
    assert_eq!(violations.len(), 1, "{violations}");
    let violation = violations.iter().next().unwrap();
    (violation.keyword(), violation.message().to_owned(), violation.offset())
}

fn invalid_json(input: &[u8]) -> String {
    let (keyword, message, _) = single_violation(input);
    assert_eq!(keyword, Keyword::InvalidJson, "{message}");
    message
}

/// A valid payload with `tag` set to the given JSON text.
fn payload_with_tag(tag: &str) -> String {
    format!(
        r#"{{"requestId": "r", "tag": {tag}, "visitorId": "v", "timestamp": 1, "time": "2019-10-12T07:20:50Z",
        "incognito": false, "url": "u", "ip": "i", "ipLocation": {{}}, "browserDetails": {{}}, "firstSeenAt": {{}},
        "lastSeenAt": {{}}}}"#
    )
}

#[test]
fn empty_and_blank_input() {
    assert_eq!(invalid_json(b""), "not valid JSON: the input is empty");
    assert_eq!(invalid_json(b" \n\t "), "not valid JSON: the input is empty");
}

#[test]
fn truncated_json_and_trailing_garbage() {
    let full = payload_with_tag("1");
    for cut in [1, 10, full.len() / 2, full.len() - 1] {
        let message = invalid_json(&full.as_bytes()[..cut]);
        assert!(message.contains("the input ends"), "cut at {cut}: {message}");
    }
    let (_, message, offset) = single_violation(format!("{full} x").as_bytes());
    assert_eq!(message, "not valid JSON: unexpected text after the payload");
    assert_eq!(offset, full.len() + 1);
    assert!(invalid_json(format!("{full}{full}").as_bytes()).contains("unexpected text after the payload"));
}

#[test]
fn invalid_utf8_and_a_byte_order_mark() {
    let mut inside_string = payload_with_tag("\"a\u{e9}b\"").into_bytes();
    let at = inside_string.iter().position(|&byte| byte == 0xC3).unwrap();
    inside_string[at + 1] = 0x28;
    assert_eq!(invalid_json(&inside_string), "not valid JSON: invalid UTF-8 inside a string");
    assert_eq!(
        invalid_json(b"{\xff}"),
        "not valid JSON: expected a key in double quotes, found the byte 0xFF"
    );
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), payload_with_tag("1").as_bytes()].concat();
    assert_eq!(
        invalid_json(&with_bom),
        "not valid JSON: the input starts with a UTF-8 byte-order mark, which JSON text must not have"
    );
}

#[test]
fn nan_infinity_and_numbers_beyond_a_float() {
    for tag in ["NaN", "Infinity"] {
        assert!(
            invalid_json(payload_with_tag(tag).as_bytes()).contains("expected a JSON value, found `"),
            "{tag}"
        );
    }
    assert_eq!(
        invalid_json(payload_with_tag("-Infinity").as_bytes()),
        "not valid JSON: expected a digit, found `I`"
    );
    assert_eq!(
        invalid_json(payload_with_tag("1e400").as_bytes()),
        "not valid JSON: the number \"1e400\" is out of the range of a 64-bit float"
    );
    let timestamp = payload_with_tag("1").replace("\"timestamp\": 1", "\"timestamp\": -1e400");
    assert!(invalid_json(timestamp.as_bytes()).contains("out of the range of a 64-bit float"));
    // A huge integer that a float holds is a number, just beyond the schema's bound.
    let huge = payload_with_tag("1").replace("\"timestamp\": 1", "\"timestamp\": 1e300");
    assert_eq!(single_violation(huge.as_bytes()).0, Keyword::Maximum);
}

#[test]
fn deep_nesting_inside_tag_is_refused_without_overflowing_the_stack() {
    for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
        let tag = format!("{}1{}", open.repeat(100_000), close.repeat(100_000));
        let message = invalid_json(payload_with_tag(&tag).as_bytes());
        assert_eq!(message, "not valid JSON: arrays and objects are nested deeper than 127 levels");
    }
    // serde_json's own limit: 127 levels inside the payload's object are fine.
    let deep = format!("{}1{}", "[".repeat(126), "]".repeat(126));
    let text = payload_with_tag(&deep);
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
    assert_eq!(validate(text.as_bytes(), Options::DEFAULT), Ok(()));
    let top_level = "[".repeat(1_000_000);
    assert!(invalid_json(top_level.as_bytes()).contains("nested deeper than 127 levels"));
}

#[test]
fn a_ten_megabyte_string_is_one_length_violation() {
    let long = "é".repeat(5 * 1024 * 1024);
    let text = payload_with_tag("1").replace("\"url\": \"u\"", &format!("\"url\": \"{long}\""));
    let (keyword, message, _) = single_violation(text.as_bytes());
    assert_eq!(keyword, Keyword::MaxLength);
    assert_eq!(message, "5242880 characters; the documented maximum is 4096");
}

#[test]
fn many_keys_and_duplicates_in_a_large_object() {
    let members: Vec<String> = (0..100_000).map(|index| format!("\"k{index}\": {index}")).collect();
    let tag = format!("{{{}, \"k99999\": 0}}", members.join(", "));
    let violations = validate(payload_with_tag(&tag).as_bytes(), Options::DEFAULT).unwrap_err();
    let keywords: Vec<&str> = violations.iter().map(|violation| violation.keyword().as_str()).collect();
    // In document order: the tag's length is reported where the tag starts.
    assert_eq!(keywords, ["x-fingerprint-maxJsonTextLength", "duplicateKey"]);
    assert_eq!(violations.iter().nth(1).unwrap().pointer(), "/tag/k99999");
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
        invalid_json(payload_with_tag("\"a\u{1}b\"").as_bytes()),
        "not valid JSON: a control character must be escaped inside a string"
    );
    assert_eq!(
        invalid_json(payload_with_tag(r#""\q""#).as_bytes()),
        "not valid JSON: invalid escape in a string"
    );
    assert!(invalid_json(payload_with_tag(r#""\ud800""#).as_bytes()).contains("surrogate"));
    assert_eq!(
        invalid_json(payload_with_tag("01").as_bytes()),
        "not valid JSON: a number may not have a leading zero"
    );
}

/// A long key repeated in the pointer of every violation below it must not multiply the input:
/// the violations stop when their pointers reach a few times the input's size.
#[test]
fn long_keys_do_not_multiply_memory_through_pointers() {
    let key = "/".repeat(1_000_000);
    let members = vec![r#""a":0"#; 102].join(",");
    let text = format!(r#"{{"{key}":{{{members}}}}}"#);
    let violations = validate(text.as_bytes(), Options::DEFAULT).unwrap_err();
    let held: usize =
        violations.iter().map(|violation| violation.pointer().len() + violation.message().len()).sum();
    assert!(held <= 6 * text.len(), "{held} bytes of violations for {} bytes of input", text.len());
    assert!(violations.is_truncated());
    assert!(violations.iter().all(|violation| violation.pointer().starts_with("/~1~1~1")));
}
