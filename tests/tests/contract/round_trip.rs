//! Round trips through the generated types, read by validate-and-parse (and checked against
//! plain serde): nothing lost, null and absent kept apart, unknown fields kept at every level,
//! date-times kept as written.

use fingerprint_webhook::identification_webhook::{self, IdentificationWebhook};
use fingerprint_webhook::{CONTRACTS, Nullable, Options};
use serde_json::{Value, json};

use crate::payloads::payloads;

/// Parses through validate-and-parse, and checks that plain serde reads the same value.
fn parse(text: &str) -> IdentificationWebhook {
    let parsed = identification_webhook::parse(text.as_bytes(), Options::DEFAULT)
        .unwrap_or_else(|error| panic!("{error}\n{text}"));
    let deserialized: IdentificationWebhook = serde_json::from_str(text).unwrap();
    assert_eq!(parsed, deserialized, "validate-and-parse and serde read the same value");
    parsed
}

#[test]
fn every_valid_payload_re_serializes_to_equal_json_under_the_contract_its_shape_names() {
    let examples =
        CONTRACTS.iter().map(|contract| (contract.name().to_owned(), contract.example().to_owned()));
    for (name, text) in examples.chain(payloads("valid")) {
        let input: Value = serde_json::from_str(&text).unwrap();
        let parsed = fingerprint_webhook::parse_detected(text.as_bytes(), Options::DEFAULT)
            .unwrap_or_else(|(contract, violations)| panic!("{name} under {contract}: {violations}"));
        assert_eq!(serde_json::to_value(&parsed).unwrap(), input, "{name} under {}", parsed.contract());
    }
}

#[test]
fn absent_and_null_survive_round_trip() {
    let nulls = parse(&read("every-nullable-null.json"));
    let absences = parse(&read("required-fields-only.json"));
    assert!(nulls.linked_id.is_null() && nulls.tag.is_null() && nulls.confidence.is_null());
    assert!(absences.linked_id.is_absent() && absences.tag.is_absent() && absences.confidence.is_absent());
    assert!(nulls.ip_location.city.is_null() && absences.ip_location.city.is_absent());

    let nulls = serde_json::to_value(&nulls).unwrap();
    let absences = serde_json::to_value(&absences).unwrap();
    assert_eq!(nulls["linkedId"], Value::Null);
    assert_eq!(nulls["ipLocation"]["subdivisions"], Value::Null);
    assert!(absences.get("linkedId").is_none());
    assert!(absences["ipLocation"].get("subdivisions").is_none());
}

#[test]
fn the_value_accessor_gives_the_value_only_when_present() {
    let payload = parse(&read("example.json"));
    assert_eq!(payload.linked_id.value().map(String::as_str), Some("any-string"));
    assert_eq!(payload.ip_location.accuracy_radius, Nullable::Value(1));
    assert_eq!(payload.last_seen_at.subscription.value(), None);
    let city = payload.ip_location.city.value().unwrap();
    assert_eq!(city.name.value().unwrap(), "Bolingbrook");
    let score = payload.confidence.value().and_then(|confidence| confidence.score.as_ref());
    assert_eq!(score.and_then(serde_json::Number::as_f64), Some(0.97));
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
        let parsed = fingerprint_webhook::parse_detected(text.as_bytes(), Options::DEFAULT)
            .unwrap_or_else(|(contract, violations)| panic!("{contract}: {violations}"));
        assert_eq!(parsed.contract(), contract);
        let written = serde_json::to_value(&parsed).unwrap();
        for (index, object) in objects.iter().enumerate() {
            let pointer = format!("{object}/undocumented{index}");
            assert_eq!(written.pointer(&pointer), payload.pointer(&pointer), "{} {pointer}", contract.name());
        }
        assert_eq!(written, payload, "{}", contract.name());
    }
}

#[test]
fn numbers_keep_their_integer_or_decimal_form() {
    let payload = parse(&read("smart-signals.json"));
    let score = payload.confidence.value().unwrap().score.clone().unwrap();
    assert_eq!(score.to_string(), "1", "an integer score stays an integer");
    assert_eq!(score.as_f64(), Some(1.0));
    let text = read("smart-signals.json").replace("\"latitude\": 45.7485", "\"latitude\": 45.0");
    assert_eq!(serde_json::to_value(parse(&text)).unwrap()["ipLocation"]["latitude"].to_string(), "45.0");
}

#[test]
fn tag_is_any_json_value() {
    assert_eq!(parse(&read("scalar-tag-and-multibyte.json")).tag, Nullable::Value(json!(2_718_281_828_u64)));
    assert_eq!(
        parse(&read("wrapped-tag-empty-city.json")).tag,
        Nullable::Value(json!({"tag": "a_scalar_tag"}))
    );
    let nested = parse(&read("smart-signals.json")).tag.into_value().unwrap();
    assert_eq!(nested["nested"]["list"], json!([1, 2.5, "three", null, true]));
}

#[test]
fn date_times_keep_their_exact_text_and_give_the_instant() {
    let payload = parse(&read("scalar-tag-and-multibyte.json"));
    assert_eq!(payload.time.as_str(), "2024-10-27T03:33:20.123456789-07:00");
    assert_eq!(payload.time.instant().nanosecond(), 123_456_789);
    assert_eq!(payload.time.instant().offset().whole_hours(), -7);
    let leap = payload.first_seen_at.global.value().unwrap();
    assert_eq!(leap.as_str(), "2016-12-31T23:59:60Z");
    let lowercase = payload.last_seen_at.subscription.value().unwrap();
    assert_eq!(lowercase.as_str(), "2024-10-27t03:33:20z");
    assert_eq!(serde_json::to_value(&payload).unwrap()["lastSeenAt"]["subscription"], "2024-10-27t03:33:20z");
}

#[test]
fn an_integer_valued_timestamp_becomes_the_integer() {
    let text = read("example.json").replace("1554910997788", "1554910997788.0");
    let payload = parse(&text);
    assert_eq!(payload.timestamp, 1_554_910_997_788);
    assert_eq!(serde_json::to_value(&payload).unwrap()["timestamp"], json!(1_554_910_997_788_u64));
    let fraction = read("example.json").replace("1554910997788", "1554910997788.5");
    let error = serde_json::from_str::<IdentificationWebhook>(&fraction).unwrap_err().to_string();
    assert!(error.contains("expected an integer"), "{error}");
}

#[test]
fn deviations_fail_to_parse_with_a_reason() {
    let error =
        serde_json::from_str::<IdentificationWebhook>(&read_invalid("empty-time-and-missing-seen-at.json"))
            .unwrap_err()
            .to_string();
    assert!(error.contains("\"\" is not an RFC 3339 date-time"), "{error}");
    let null_score = read("example.json").replace("\"score\": 0.97", "\"score\": null");
    let error = serde_json::from_str::<IdentificationWebhook>(&null_score).unwrap_err().to_string();
    assert!(error.contains("invalid type: null, expected a JSON number"), "{error}");
}

fn read(name: &str) -> String {
    let path = if name == "example.json" { "schema/identification-webhook" } else { "tests/payloads/valid" };
    std::fs::read_to_string(webhook_tests::repository_root().join(path).join(name)).unwrap()
}

fn read_invalid(name: &str) -> String {
    std::fs::read_to_string(webhook_tests::repository_root().join("tests/payloads/invalid").join(name))
        .unwrap()
}

/// The README's account of a round trip, exactly: what is kept, what is reordered, what is
/// respelled.
#[test]
fn a_round_trip_keeps_what_the_readme_says_and_respells_what_it_says() {
    let minimal = r#""requestId":"r","visitorId":"v","timestamp":1.554910997788e12,"time":"2019-10-12T07:20:50.52+00:00","incognito":false,"url":"u","ip":"i","ipLocation":{"accuracyRadius":-0,"latitude":0.50,"longitude":5E-1},"browserDetails":{},"firstSeenAt":{},"lastSeenAt":{}"#;
    // An undocumented field first, the documented ones, another undocumented one, and a tag
    // with numbers and escapes.
    let text =
        format!(r#"{{"zeta":{{"b":1E2,"a":"\u0041"}},{minimal},"alpha":[1.0,-0],"tag":{{"y":1,"x":"\/"}}}}"#);
    let written = serde_json::to_string(&parse(&text)).unwrap();
    // Documented fields in schema order (`tag` is second), then the undocumented ones.
    // Integers as the integer; other numbers as serde_json writes their nearest f64.
    let documented = minimal
        .replace("1.554910997788e12", "1554910997788")
        .replace(
            r#""accuracyRadius":-0,"latitude":0.50,"longitude":5E-1"#,
            r#""accuracyRadius":0,"latitude":0.5,"longitude":0.5"#,
        )
        .replacen(r#""visitorId""#, r#""tag":{"y":1,"x":"/"},"visitorId""#, 1);
    let expected = format!(r#"{{{documented},"zeta":{{"b":100.0,"a":"A"}},"alpha":[1.0,-0.0]}}"#);
    assert_eq!(written, expected);
}
