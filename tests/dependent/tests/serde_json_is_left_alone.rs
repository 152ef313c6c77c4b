//! What a service that depends on the library with default features gets: its own
//! `serde_json`, unchanged (maps sorted, the fast float parser), and payloads that still round
//! trip with their undocumented fields in order and every number exactly.

use fingerprint_webhook::{CONTRACTS, Contract, Options, Payload};
use serde_json::Value;

/// Decimal numbers with 17 significant digits, spread over many magnitudes, each written as
/// `serde_json` writes the `f64` nearest to it (its shortest round-trip form).
fn awkward_floats(count: usize) -> Vec<String> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count)
        .map(|_| {
            let digits = next() % 90_000_000_000_000_000 + 10_000_000_000_000_000;
            let exponent = i32::try_from(next() % 40).unwrap() - 30;
            let text = format!("{digits}e{exponent}");
            let nearest: f64 = text.parse().unwrap();
            serde_json::to_string(&nearest).unwrap()
        })
        .collect()
}

#[test]
fn the_service_s_serde_json_maps_stay_sorted() {
    let value: Value = serde_json::from_str(r#"{"zeta": 1, "alpha": 2, "mid": 3}"#).unwrap();
    assert_eq!(value.to_string(), r#"{"alpha":2,"mid":3,"zeta":1}"#, "preserve_order is on");
    let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["alpha", "mid", "zeta"]);
}

#[test]
fn the_service_s_serde_json_parses_floats_with_its_fast_parser() {
    // With `float_roundtrip` on, `serde_json` finds the nearest `f64` of every one of these;
    // without it, some come out one unit in the last place away.
    let floats = awkward_floats(20_000);
    let inexact = floats
        .iter()
        .filter(|text| serde_json::from_str::<f64>(text).unwrap() != text.parse::<f64>().unwrap())
        .count();
    assert!(inexact > 0, "float_roundtrip is on: every float parsed exactly");
}

/// The contract's example with undocumented fields first, out of alphabetical order, nesting
/// objects and awkward floats.
fn with_undocumented_fields(contract: &Contract, floats: &[String]) -> (String, String) {
    let undocumented = format!(
        r#""zz_last":{{"b":[{}],"a":{{"y":1,"x":1.5}}}},"aa_first":[{{"k2":null,"k1":true}}],"mm":-0.0"#,
        floats.join(",")
    );
    let example = contract.example().trim();
    let body = example.strip_prefix('{').expect("an example is an object");
    (format!("{{{undocumented},{body}"), undocumented)
}

#[test]
fn parse_keeps_undocumented_fields_in_order_and_every_number_exactly() {
    let floats = awkward_floats(2_000);
    // Some of them this build's `serde_json` would read one unit in the last place away.
    assert!(
        floats.iter().any(|text| serde_json::from_str::<f64>(text).unwrap() != text.parse::<f64>().unwrap())
    );
    for contract in CONTRACTS {
        let (payload, undocumented) = with_undocumented_fields(contract, &floats);
        let parsed = Payload::parse_as(contract, payload.as_bytes(), Options::DEFAULT)
            .unwrap_or_else(|violations| panic!("{contract}: {violations}"));
        let written = serde_json::to_string(&parsed).unwrap();
        assert!(
            written.contains(&undocumented),
            "{contract}: the undocumented fields came back changed or reordered:\n{}",
            &written[written.len().saturating_sub(400)..]
        );
    }
}

#[test]
fn serde_alone_keeps_undocumented_fields_in_order() {
    // Through `serde_json::from_slice`, numbers are the service's `serde_json`'s business; the
    // order of the members is the library's.
    for contract in CONTRACTS {
        let (payload, _) = with_undocumented_fields(contract, &[]);
        let parsed = Payload::deserialize_unvalidated(contract, payload.as_bytes())
            .unwrap_or_else(|error| panic!("{contract}: {error}"));
        let written = serde_json::to_string(&parsed).unwrap();
        assert!(
            written.contains(
                r#""zz_last":{"b":[],"a":{"y":1,"x":1.5}},"aa_first":[{"k2":null,"k1":true}],"mm":-0.0"#
            ),
            "{contract}: {}",
            &written[written.len().saturating_sub(400)..]
        );
    }
}
