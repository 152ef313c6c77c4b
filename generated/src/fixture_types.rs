//! The Rust types the generator writes for its fixture schemas, used as a service would use
//! them: what the differential tests (validators against `jsonschema`) cannot see.

use serde_json::json;

use crate::generated::fixtures::enum_and_const::{types, validators};
use crate::{Keyword, Options};

#[test]
fn a_string_enum_keeps_a_value_the_schema_does_not_list_yet() {
    use types::Status;
    assert_eq!(Status::from_json_text("in-progress"), Status::InProgress);
    assert_eq!(Status::from_json_text("3ds"), Status::Value3ds);
    let added: Status = serde_json::from_value(json!("paused")).unwrap();
    assert_eq!(added, Status::Unlisted("paused".to_owned()));
    assert!(!added.is_known() && Status::Done.is_known());
    assert_eq!(serde_json::to_value(&added).unwrap(), json!("paused"));
    assert_eq!(serde_json::to_value(Status::InProgress).unwrap(), json!("in-progress"));
    assert_eq!(Status::InProgress.to_string(), "in-progress");
    assert_eq!(Status::KNOWN, ["active", "in-progress", "3ds", "done"]);
    // Values that only differ in what identifiers cannot spell keep apart by their place.
    assert_eq!(types::Spelling::from_json_text("a_b"), types::Spelling::AB2);
    assert_eq!(types::Spelling::AB.as_str(), "a-b");
    // Vendors list "unknown": it is a value like any other; the fallback is `Unlisted`.
    assert_eq!(types::Spelling::from_json_text("unknown"), types::Spelling::Unknown);
    assert_eq!(types::Spelling::from_json_text("unlisted"), types::Spelling::Unlisted4);
    assert_eq!(types::Spelling::from_json_text("other"), types::Spelling::Unlisted("other".to_owned()));
}

#[test]
fn a_payload_with_an_added_value_deserializes_with_serde_but_fails_validation() {
    let text = r#"{"status": "paused", "kind": "rate_limit", "tags": ["red", "blue"]}"#;
    let payload: types::Payload = serde_json::from_str(text).unwrap();
    assert_eq!(payload.status, types::Status::Unlisted("paused".to_owned()));
    assert_eq!(payload.tags, Some(vec![types::Color::Red, types::Color::Unlisted("blue".to_owned())]));
    let violations = validators::validate(text.as_bytes(), Options::DEFAULT).unwrap_err();
    let found: Vec<(&str, Keyword)> =
        violations.iter().map(|violation| (violation.pointer.as_str(), violation.keyword)).collect();
    assert_eq!(found, [("/status", Keyword::Enum), ("/tags/1", Keyword::Enum)]);
    assert_eq!(
        violations.iter().next().unwrap().message,
        r#""paused" is not one of the documented values: "active", "in-progress", "3ds", "done""#
    );
}

#[test]
fn parse_builds_listed_values() {
    let text = r#"{"status": "3ds", "kind": "rate_limit", "level": 10.0, "version": 4, "mode": null,
        "tags": ["green"], "untyped": "b"}"#;
    let payload = validators::parse(text.as_bytes(), Options::DEFAULT).unwrap();
    assert_eq!(payload.status, types::Status::Value3ds);
    assert_eq!(payload.kind, "rate_limit");
    assert_eq!(payload.level, Some(10));
    assert!(payload.mode.is_null());
    assert_eq!(payload.untyped, Some(types::Untyped::B));
    let wrong = r#"{"status": "done", "kind": "ip_allowlist", "version": 5}"#;
    let violations = validators::parse(wrong.as_bytes(), Options::DEFAULT).unwrap_err();
    let keywords: Vec<Keyword> = violations.iter().map(|violation| violation.keyword).collect();
    assert_eq!(keywords, [Keyword::Const, Keyword::Const]);
}

#[test]
fn the_derived_schema_lists_the_values() {
    let schema = serde_json::to_value(schemars::schema_for!(types::Payload)).unwrap();
    assert_eq!(schema["properties"]["kind"]["const"], json!("rate_limit"));
    assert_eq!(schema["properties"]["level"]["enum"], json!([1, 2, 3, 10]));
    assert_eq!(schema["$defs"]["Status"]["enum"], json!(["active", "in-progress", "3ds", "done"]));
}

#[test]
fn integers_with_one_bound_or_none_hold_any_json_integer() {
    use crate::generated::fixtures::numbers_and_integers::{
        types as numbers, validators as number_validators,
    };
    let text = r#"{"count": 1e300, "delta": -12345678901234567890, "ceiling": 9.0, "counts": [1.0, 5],
        "wide": [null, 18446744073709551615], "matrix": [[0.5], []]}"#;
    let payload = number_validators::parse(text.as_bytes(), Options::DEFAULT).unwrap();
    assert_eq!(payload.count.and_then(|count| count.as_f64()), Some(1e300));
    assert_eq!(payload.ceiling.map(|ceiling| ceiling.as_f64()), Some(Some(9.0)));
    assert_eq!(payload.counts, Some(vec![1, 5]));
    assert_eq!(payload.wide.unwrap()[1].as_ref().and_then(serde_json::Number::as_u64), Some(u64::MAX));
    // serde reads integers inside lists as JSON Schema does, too.
    let typed: numbers::Payload = serde_json::from_str(text).unwrap();
    assert_eq!(typed.counts, Some(vec![1, 5]));
    let violations =
        number_validators::validate(br#"{"ceiling": 10, "window": 0, "score": 99.75}"#, Options::DEFAULT)
            .unwrap_err();
    let found: Vec<(&str, Keyword)> =
        violations.iter().map(|violation| (violation.pointer.as_str(), violation.keyword)).collect();
    assert_eq!(
        found,
        [
            ("/ceiling", Keyword::ExclusiveMaximum),
            ("/window", Keyword::ExclusiveMinimum),
            ("/score", Keyword::ExclusiveMaximum)
        ]
    );
}

#[test]
fn a_required_nullable_field_must_be_present_and_may_be_null() {
    use crate::generated::fixtures::many_properties_and_required_null::{
        types as many, validators as many_validators,
    };
    let complete = r#"{"field0": 1, "field63": null, "field64": "x", "field69": 3, "nullableRequired": null, "nullableRequiredCount": 2.0}"#;
    let payload = many_validators::parse(complete.as_bytes(), Options::DEFAULT).unwrap();
    assert_eq!(payload.nullable_required, None);
    assert_eq!(payload.nullable_required_count.and_then(|count| count.as_f64()), Some(2.0));
    assert_eq!((payload.field0, payload.field63), (Some(1), None));
    let typed: many::Payload = serde_json::from_str(complete).unwrap();
    assert_eq!(typed.nullable_required, None);
    assert_eq!(serde_json::to_value(&typed).unwrap()["nullableRequired"], serde_json::Value::Null);
    // Absent is not null: serde and the validators both say so.
    let absent = complete.replace(r#""nullableRequired": null, "#, "");
    assert!(serde_json::from_str::<many::Payload>(&absent).is_err());
    let violations = many_validators::validate(absent.as_bytes(), Options::DEFAULT).unwrap_err();
    let found: Vec<(&str, Keyword)> =
        violations.iter().map(|violation| (violation.pointer.as_str(), violation.keyword)).collect();
    assert_eq!(found, [("/nullableRequired", Keyword::Required)]);
}

#[test]
fn objects_with_more_than_64_properties_track_every_one() {
    use crate::generated::fixtures::many_properties_and_required_null::validators as many_validators;
    let text = r#"{"field0": 1, "field63": null, "field64": "x", "field64": "y", "nullableRequired": "abc", "nullableRequiredCount": null}"#;
    let violations = many_validators::validate(text.as_bytes(), Options::DEFAULT).unwrap_err();
    let found: Vec<(&str, Keyword)> =
        violations.iter().map(|violation| (violation.pointer.as_str(), violation.keyword)).collect();
    assert_eq!(found, [("/field69", Keyword::Required), ("/field64", Keyword::DuplicateKey)]);
}

#[test]
fn maps_keep_their_entries_in_order_and_closed_objects_reject_others_in_every_mode() {
    use crate::generated::fixtures::maps_and_closed_objects::{types as maps, validators as map_validators};
    let text = r#"{"tags": {"z": 1, "a": [true]}, "counts": {"b": 2.0, "a": 1}, "labels": {"x": null, "y": "abc"},
        "headers": {"host": "h", "accept": "json"}, "point": {"x": 1}}"#;
    for options in [Options::DEFAULT, Options::STRICT] {
        let payload = map_validators::parse(text.as_bytes(), options).unwrap();
        let counts = payload.counts.value().unwrap();
        assert_eq!(
            counts.iter().map(|(key, count)| (key.as_str(), *count)).collect::<Vec<_>>(),
            [("b", 2), ("a", 1)]
        );
        assert_eq!(payload.tags.unwrap().keys().collect::<Vec<_>>(), ["z", "a"]);
        let labels = payload.labels.unwrap();
        assert_eq!((labels["x"].as_deref(), labels["y"].as_deref()), (None, Some("abc")));
        let headers = payload.headers.unwrap();
        assert_eq!((headers.host.as_str(), headers.additional_properties["accept"].as_str()), ("h", "json"));
    }
    let typed: maps::Payload = serde_json::from_str(text).unwrap();
    let written = serde_json::to_string(&typed).unwrap();
    assert!(written.find("\"b\":2").unwrap() < written.find("\"a\":1").unwrap(), "{written}");
    let closed = br#"{"point": {"x": 1, "z": 2}, "empty": {"k": 1}}"#;
    let violations = map_validators::validate(closed, Options::DEFAULT).unwrap_err();
    let found: Vec<(&str, Keyword)> =
        violations.iter().map(|violation| (violation.pointer.as_str(), violation.keyword)).collect();
    assert_eq!(
        found,
        [("/point/z", Keyword::AdditionalProperties), ("/empty/k", Keyword::AdditionalProperties)]
    );
    assert!(serde_json::from_slice::<maps::Payload>(closed).is_err());
}

#[test]
fn a_union_is_read_by_its_discriminator_wherever_it_stands() {
    use crate::generated::fixtures::unions::{types as unions, validators as union_validators};
    // The discriminator comes last, after members only the `block` alternative has.
    let text = r#"{"action": {"status": 403, "reason": null, "type": "block"},
        "history": [{"type": "allow", "headers": ["x"]}], "owner": null, "fallback": null}"#;
    let payload = union_validators::parse(text.as_bytes(), Options::DEFAULT).unwrap();
    let unions::RuleAction::Block(block) = &payload.action else { panic!("{:?}", payload.action) };
    assert_eq!((block.status, block.type_.as_str()), (403, "block"));
    assert!(matches!(&payload.history.as_deref(), Some([unions::RuleAction::Allow(_)])));
    assert!(payload.owner.is_null() && payload.fallback.is_null());
    // serde agrees, and keeps an alternative the schema does not list yet.
    let typed: unions::Payload = serde_json::from_str(text).unwrap();
    assert_eq!(typed.action, payload.action);
    let added: unions::RuleAction = serde_json::from_str(r#"{"type": "challenge", "level": 2}"#).unwrap();
    assert_eq!(added, unions::RuleAction::Unlisted(json!({"type": "challenge", "level": 2}).into()));
    assert_eq!(serde_json::to_value(&added).unwrap(), json!({"type": "challenge", "level": 2}));
}

#[test]
fn a_union_reports_a_mismatch_as_one_violation_of_its_combinator() {
    use crate::generated::fixtures::unions::validators as union_validators;
    let text = br#"{"action": {"status": 42, "type": "block"}, "history": [{"type": "challenge"}, 7],
        "owner": {"id": "toolong"}, "note": "123456"}"#;
    let violations = union_validators::validate(text, Options::DEFAULT).unwrap_err();
    let found: Vec<(&str, Keyword)> =
        violations.iter().map(|violation| (violation.pointer.as_str(), violation.keyword)).collect();
    assert_eq!(
        found,
        [
            ("/action", Keyword::OneOf),
            ("/history/0", Keyword::OneOf),
            ("/history/1", Keyword::OneOf),
            ("/owner", Keyword::AnyOf),
            ("/note", Keyword::OneOf),
        ]
    );
    let first = violations.iter().next().unwrap();
    assert_eq!(
        first.message,
        "matches no alternative of its `oneOf`: at /status, 42 is below the minimum 100"
    );
}

#[test]
fn a_const_beside_a_reference_to_an_enum_breaks_each_list_apart() {
    let keywords = |text: &str| -> Vec<Keyword> {
        let payload = format!(r#"{{"status": "done", "kind": "rate_limit", "warm": {text}}}"#);
        match validators::validate(payload.as_bytes(), Options::DEFAULT) {
            Ok(()) => Vec::new(),
            Err(violations) => violations.iter().map(|violation| violation.keyword).collect(),
        }
    };
    assert_eq!(keywords(r#""red""#), []);
    // Listed by the referenced enum, not by the const.
    assert_eq!(keywords(r#""green""#), [Keyword::Const]);
    // Listed by neither: JSON Schema reports both.
    assert_eq!(keywords(r#""blue""#), [Keyword::Enum, Keyword::Const]);
    assert_eq!(keywords("1"), [Keyword::Type, Keyword::Enum, Keyword::Const]);
    let payload =
        validators::parse(br#"{"status": "done", "kind": "rate_limit", "warm": "red"}"#, Options::DEFAULT);
    assert_eq!(payload.unwrap().warm, Some(types::Color::Red));
}
