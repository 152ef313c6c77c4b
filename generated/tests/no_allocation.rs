//! Validate-only allocates nothing on a valid payload: no `Value`, no strings, no pointers.
//! (A test binary of its own, because it counts allocations process-wide.)

use std::fmt::Write as _;

use fingerprint_webhook::__codegen_fixtures::FIXTURES;
use fingerprint_webhook::{Options, validate};

const DOCUMENTED_EXAMPLE: &str = r#"{
  "requestId": "Px6VxbRC6WBkA39yeNH3",
  "tag": {"requestType": "signup", "yourCustomId": 45321},
  "linkedId": "any-string",
  "visitorId": "3HNey93AkBW6CRbxV6xP",
  "visitorFound": true,
  "timestamp": 1554910997788,
  "time": "2019-10-12T07:20:50.52Z",
  "incognito": false,
  "url": "https://banking.example.com/signup",
  "clientReferrer": "https://google.com?search=banking+services",
  "ip": "216.3.128.12",
  "ipLocation": {
    "accuracyRadius": 1,
    "city": {"name": "Bolingbrook"},
    "continent": {"code": "NA", "name": "North America"},
    "country": {"code": "US", "name": "United States"},
    "latitude": 41.12933,
    "longitude": -88.9954,
    "postalCode": "60547",
    "subdivisions": [{"isoCode": "IL", "name": "Illinois"}],
    "timezone": "America/Chicago"
  },
  "browserDetails": {
    "browserName": "Chrome", "browserFullVersion": "73.0.3683.86", "browserMajorVersion": "73",
    "os": "Mac OS X", "osVersion": "10.14.3", "device": "Other",
    "userAgent": "(Macintosh; Intel Mac OS X 10_14_3) Chrome/73.0.3683.86"
  },
  "confidence": {"score": 0.97},
  "firstSeenAt": {"global": "2022-03-16T11:26:45.362Z", "subscription": "2022-03-16T11:31:01.101Z"},
  "lastSeenAt": {"global": "2022-03-16T11:28:34.023Z", "subscription": null},
  "bot": {"result": "notDetected", "probability": 0.01},
  "replayed": false
}"#;

#[test]
fn validate_only_does_not_allocate_on_a_valid_payload() {
    assert_eq!(validate(DOCUMENTED_EXAMPLE.as_bytes(), Options::DEFAULT), Ok(()));
    let info = allocation_counter::measure(|| {
        assert!(validate(DOCUMENTED_EXAMPLE.as_bytes(), Options::DEFAULT).is_ok());
    });
    assert_eq!(info.count_total, 0, "{info:?}");
}

#[test]
fn the_counter_sees_allocations_on_the_invalid_path() {
    let invalid = DOCUMENTED_EXAMPLE.replace("\"incognito\": false", "\"incognito\": 0");
    let info = allocation_counter::measure(|| {
        assert!(validate(invalid.as_bytes(), Options::DEFAULT).is_err());
    });
    assert!(info.count_total > 0, "a violation carries an owned pointer and message");
}

/// A payload with smart signals, as real deliveries carry them: 31 keys at the root, most of
/// them undocumented.
const SMART_SIGNALS: &str = include_str!("../../tests/payloads/valid/smart-signals.json");

fn assert_no_allocation(name: &str, validate: impl Fn() -> bool) {
    assert!(validate(), "{name} is valid");
    let info = allocation_counter::measure(|| {
        assert!(validate());
    });
    assert_eq!(info.count_total, 0, "{name}: {info:?}");
}

#[test]
fn many_undocumented_fields_cost_no_allocation() {
    assert_no_allocation("smart signals", || validate(SMART_SIGNALS.as_bytes(), Options::DEFAULT).is_ok());
    let mut extra = String::new();
    for index in 0..60 {
        let _ = write!(extra, "\"signal{index}\": {{\"result\": {index}}}, ");
    }
    let many = DOCUMENTED_EXAMPLE.replacen('{', &format!("{{{extra}"), 1);
    assert_no_allocation("60 undocumented fields", || validate(many.as_bytes(), Options::DEFAULT).is_ok());
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
            r#"{"status": "done", "kind": "ip_blocklist", "level": 10, "tags": ["red"]}"#,
        ),
    ];
    for (name, payload) in payloads {
        let fixture = FIXTURES.iter().find(|fixture| fixture.name == name).unwrap();
        assert_no_allocation(name, || (fixture.validate)(payload.as_bytes(), Options::DEFAULT).is_ok());
    }
}
