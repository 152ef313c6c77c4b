//! The generated validators on payloads with known violations: pointer, keyword, message,
//! offset and order of each; strict mode; duplicates; the `tag` limit; the cap; the format hint.

use fingerprint_webhook::identification_webhook::{parse, validate};
use fingerprint_webhook::{Contract, Keyword, MAX_VIOLATIONS, Options, Violations};
use serde_json::{Value, json};

use crate::payloads::payloads;

fn example() -> Value {
    serde_json::from_str(&webhook_tests::read_repository_file("schema/identification-webhook/example.json"))
        .unwrap()
}

fn violations_of(text: &str, options: Options) -> Violations {
    let violations = validate(text.as_bytes(), options).unwrap_err();
    assert_eq!(parse(text.as_bytes(), options).unwrap_err(), violations, "validate and parse agree");
    violations
}

fn summary(violations: &Violations) -> Vec<(String, &'static str)> {
    violations
        .iter()
        .map(|violation| (violation.pointer().to_owned(), violation.keyword().as_str()))
        .collect()
}

#[test]
fn valid_payloads_pass_and_strict_mode_names_each_undocumented_field() {
    for (name, text) in payloads("valid") {
        let contract = Contract::detect(text.as_bytes());
        assert_eq!(contract.validate(text.as_bytes(), Options::DEFAULT), Ok(()), "{name} under {contract}");
    }
    let example_text = serde_json::to_string(&example()).unwrap();
    assert_eq!(validate(example_text.as_bytes(), Options::STRICT), Ok(()));

    let mut payload = example();
    payload["undocumentedSignal"] = json!({"result": "notDetected"});
    payload["ipLocation"]["organization"] = json!("Example");
    payload["ipLocation"]["subdivisions"][0]["population"] = json!(1);
    payload["confidence"]["model"] = json!("v1.1");
    let text = serde_json::to_string_pretty(&payload).unwrap();
    assert_eq!(validate(text.as_bytes(), Options::DEFAULT), Ok(()));
    let violations = violations_of(&text, Options::STRICT);
    assert_eq!(
        summary(&violations),
        [
            ("/ipLocation/subdivisions/0/population".to_owned(), "additionalProperties"),
            ("/ipLocation/organization".to_owned(), "additionalProperties"),
            ("/confidence/model".to_owned(), "additionalProperties"),
            ("/undocumentedSignal".to_owned(), "additionalProperties"),
        ]
    );
    assert_eq!(
        violations.iter().next().unwrap().message(),
        "\"population\" is not a documented field, and strict mode rejects undocumented fields"
    );
}

#[test]
fn each_violation_names_its_pointer_keyword_limit_and_offset_in_document_order() {
    let mut payload = example();
    payload.as_object_mut().unwrap().shift_remove("requestId");
    payload["visitorId"] = json!("🦀".repeat(21));
    payload["linkedId"] = json!(5);
    payload["timestamp"] = json!(1.5);
    payload["time"] = json!("2019-02-29T07:20:50Z");
    payload["ipLocation"]["accuracyRadius"] = json!(9_007_199_254_740_992_u64);
    payload["ipLocation"]["city"]["name"] = json!("é".repeat(4097));
    payload["ipLocation"]["subdivisions"][0]["isoCode"] = Value::Null;
    payload["ipLocation"]["subdivisions"][0]["name"] = json!(["Illinois"]);
    payload["browserDetails"] = Value::Null;
    payload["confidence"]["score"] = Value::Null;
    let text = serde_json::to_string_pretty(&payload).unwrap();

    let violations = violations_of(&text, Options::DEFAULT);
    assert_eq!(
        summary(&violations),
        [
            ("/requestId".to_owned(), "required"),
            ("/linkedId".to_owned(), "type"),
            ("/visitorId".to_owned(), "maxLength"),
            ("/timestamp".to_owned(), "type"),
            ("/time".to_owned(), "format"),
            ("/ipLocation/accuracyRadius".to_owned(), "maximum"),
            ("/ipLocation/city/name".to_owned(), "maxLength"),
            ("/ipLocation/subdivisions/0/name".to_owned(), "type"),
            ("/browserDetails".to_owned(), "type"),
            ("/confidence/score".to_owned(), "type"),
        ]
    );
    let messages: Vec<&str> = violations.iter().map(fingerprint_webhook::Violation::message).collect();
    assert_eq!(
        messages,
        [
            "missing: the contract requires this field",
            "expected a string or null, found a number",
            "21 characters; the documented maximum is 20",
            "expected an integer, found 1.5, which has a fraction",
            "\"2019-02-29T07:20:50Z\" is not an RFC 3339 date-time: the day does not exist in that month",
            "9007199254740992 is above the maximum 9007199254740991",
            "4097 characters; the documented maximum is 4096",
            "expected a string or null, found an array",
            "expected an object, found null",
            "expected a number, found null",
        ]
    );
    // A missing field points at its object; every other violation at its value.
    let at = |index: usize| &text[violations.iter().nth(index).unwrap().offset()..];
    assert!(at(0).starts_with("{\n  \"tag\""));
    assert!(at(1).starts_with('5'));
    assert!(at(2).starts_with("\"🦀"));
    assert!(at(4).starts_with("\"2019-02-29"));
    assert!(at(8).starts_with("null,\n  \"confidence\""));
}

#[test]
fn a_missing_nested_field_points_where_the_field_would_be() {
    let mut payload = example();
    payload.as_object_mut().unwrap().shift_remove("ipLocation");
    payload.as_object_mut().unwrap().shift_remove("lastSeenAt");
    let violations = violations_of(&payload.to_string(), Options::DEFAULT);
    assert_eq!(
        summary(&violations),
        [("/ipLocation".to_owned(), "required"), ("/lastSeenAt".to_owned(), "required")]
    );
}

#[test]
fn duplicate_keys_are_violations_at_every_level() {
    let text = r#"{"requestId": "a", "request\u0049d": "b", "tag": {"x": 1, "x": {"y": [{"z": 1, "z": 2}]}},
        "visitorId": "v", "timestamp": 1, "time": "2019-10-12T07:20:50.52Z", "incognito": false, "url": "u",
        "ip": "i", "ipLocation": {"city": {"name": "a", "name": "b"}}, "browserDetails": {},
        "firstSeenAt": {}, "lastSeenAt": {}, "signal": 1, "signal": 2}"#;
    let violations = violations_of(text, Options::DEFAULT);
    assert_eq!(
        summary(&violations),
        [
            ("/requestId".to_owned(), "duplicateKey"),
            ("/tag/x".to_owned(), "duplicateKey"),
            ("/tag/x/y/0/z".to_owned(), "duplicateKey"),
            ("/ipLocation/city/name".to_owned(), "duplicateKey"),
            ("/signal".to_owned(), "duplicateKey"),
        ]
    );
    assert!(text[violations.iter().next().unwrap().offset()..].starts_with(r#""request\u0049d""#));
}

/// The documented example with `tag` set to the given JSON text.
fn with_tag(tag: &str) -> String {
    let text = serde_json::to_string(&example()).unwrap();
    let start = text.find("\"tag\":").unwrap() + 6;
    let end = text.find(",\"linkedId\"").unwrap();
    format!("{}{tag}{}", &text[..start], &text[end..])
}

#[test]
fn the_tag_limit_counts_characters_of_canonical_json_text() {
    // A string of n characters takes n + 2 in canonical JSON text.
    for (inner, valid) in [("x".repeat(4094), true), ("x".repeat(4095), false), ("🦀".repeat(4094), true)] {
        let tag = format!("\"{inner}\"");
        assert_eq!(
            validate(with_tag(&tag).as_bytes(), Options::DEFAULT).is_ok(),
            valid,
            "{} chars",
            inner.chars().count()
        );
    }
    // Whitespace does not count; an escape counts as canonical JSON writes it.
    let spaced = format!("{{ \"k\" :   \"{}\" }}", "x".repeat(4096 - 8));
    assert!(validate(with_tag(&spaced).as_bytes(), Options::DEFAULT).is_ok());
    let escaped = format!("\"{}\\n\"", "x".repeat(4093));
    let violations = violations_of(&with_tag(&escaped), Options::DEFAULT);
    assert_eq!(summary(&violations), [("/tag".to_owned(), "x-fingerprint-maxJsonTextLength")]);
    assert_eq!(
        violations.iter().next().unwrap().message(),
        "its canonical JSON text (RFC 8785) is 4097 characters; the documented maximum is 4096"
    );
    let unicode_escape = format!("\"{}\\u00e9\"", "x".repeat(4093));
    assert!(validate(with_tag(&unicode_escape).as_bytes(), Options::DEFAULT).is_ok());
    assert!(validate(with_tag("null").as_bytes(), Options::DEFAULT).is_ok());
}

#[test]
fn the_tag_limit_does_not_depend_on_how_a_number_is_spelled() {
    // `[` + a string of n characters (n + 2) + `,` + the number + `]`: n + 5 + the number's
    // canonical length. Each spelling is measured as ECMAScript writes the number.
    let cases = [
        ("-0", "0"),
        ("-0.0e5", "0"),
        ("1E2", "100"),
        ("100.00000", "100"),
        ("18446744073709551616", "18446744073709552000"),
        ("123456789012345678901234567890", "1.2345678901234568e+29"),
        ("1e21", "1e+21"),
        ("0.0000001", "1e-7"),
        ("25e-1", "2.5"),
    ];
    for (spelled, canonical) in cases {
        let at_limit = 4096 - 5 - canonical.len();
        for (n, valid) in [(at_limit, true), (at_limit + 1, false)] {
            let tag = format!("[\"{}\",{spelled}]", "x".repeat(n));
            assert_eq!(
                validate(with_tag(&tag).as_bytes(), Options::DEFAULT).is_ok(),
                valid,
                "{spelled} counts as {canonical}, with {n} characters beside it"
            );
        }
    }
}

#[test]
fn the_violation_list_is_capped_and_says_so() {
    let mut payload = example();
    for index in 0..500 {
        payload[format!("signal{index}")] = json!(index);
    }
    let violations = violations_of(&payload.to_string(), Options::STRICT);
    assert_eq!(violations.len(), MAX_VIOLATIONS);
    assert!(violations.is_truncated());
    assert!(
        violations.to_string().ends_with("validation stopped after 100 violations; the payload has more")
    );
}

#[test]
fn invalid_json_after_the_violation_cap_replaces_every_other_violation() {
    let example_value = example;
    let example = example_value().to_string();
    let body = example.strip_suffix('}').unwrap();
    let duplicates = r#","visitorId":"3HNey93AkBW6CRbxV6xP""#.repeat(102);
    let unknown = (0..150).map(|index| format!(r#","signal{index}":{index}"#)).collect::<Vec<_>>().concat();
    let mut wrong_types = example_value();
    wrong_types["ipLocation"]["subdivisions"] = json!(vec![1; 150]);
    let wrong_types = wrong_types.to_string();
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    // Each way to reach the cap, then each way for the text not to be JSON.
    let capped = [
        (format!("{body}{duplicates}"), Options::DEFAULT),
        (format!("{body}{unknown}"), Options::STRICT),
        (wrong_types.strip_suffix('}').unwrap().to_owned(), Options::DEFAULT),
    ];
    let endings = [
        ",}".to_owned(),
        String::new(),
        "} x".to_owned(),
        r#","lone":"\ud800"}"#.to_owned(),
        r#","big":1e400}"#.to_owned(),
        format!(r#","deep":{deep}}}"#),
        "}".to_owned() + "\u{0}",
    ];
    for (start, options) in &capped {
        let capped_alone = violations_of(&format!("{start}}}"), *options);
        assert!(capped_alone.is_truncated(), "the start alone reaches the cap");
        for ending in &endings {
            let text = format!("{start}{ending}");
            let violations = violations_of(&text, *options);
            assert_eq!(summary(&violations), [(String::new(), "invalidJson")], "{ending:?}");
            assert!(!violations.is_truncated());
        }
        let mut invalid_utf8 = format!("{start},\"k\":\"").into_bytes();
        invalid_utf8.extend_from_slice(b"\xff\"}");
        let Err(violations) = validate(&invalid_utf8, *options) else { panic!("invalid UTF-8 passed") };
        assert_eq!(summary(&violations), [(String::new(), "invalidJson")]);
    }
}

#[test]
fn a_payload_in_the_event_format_is_judged_as_an_event_not_as_a_broken_legacy_payload() {
    let (_, text) = payloads("invalid").into_iter().find(|(name, _)| name == "event-format.json").unwrap();
    let contract = Contract::detect(text.as_bytes());
    assert_eq!(contract.name(), "event");
    let as_event = contract.validate(text.as_bytes(), Options::DEFAULT).unwrap_err();
    // Under the legacy contract, forced, it misses most required fields: far more violations.
    let legacy = Contract::named("identification-webhook").unwrap();
    let as_legacy = legacy.validate(text.as_bytes(), Options::DEFAULT).unwrap_err();
    assert!(as_legacy.iter().filter(|violation| violation.keyword() == Keyword::Required).count() >= 8);
    assert!(as_event.len() < as_legacy.len(), "{as_event}\n{as_legacy}");
    assert!(as_event.to_string().starts_with(&format!("{} violations of the contract", as_event.len())));
}
