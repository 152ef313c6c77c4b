//! The generated validators on payloads with known violations: pointer, keyword, message,
//! offset and order of each; strict mode; duplicates; the limit on a value of any type; the cap;
//! the contract a payload's shape names.
//!
//! Every test runs over every contract that has what it needs, and finds its targets in the
//! contract's constraint table and example (the first string with a `maxLength`, the first
//! date-time, ...): no field is named here.

use fingerprint_webhook::{CONTRACTS, Contract, Keyword, MAX_VIOLATIONS, Options, Violations};
use fingerprint_webhook_codegen::constraints::ConstraintRow;
use serde_json::{Value, json};
use webhook_tests::agreement::{object_pointers, pointers, remove};
use webhook_tests::targets::{
    self, escape, has_properties, is_property, key_of, marker, parent_of, present, present_rows, row_at, set,
    spliced,
};

use crate::payloads::payloads;

fn violations_of(contract: &Contract, text: &str, options: Options) -> Violations {
    let violations = contract.validate(text.as_bytes(), options).unwrap_err();
    if Contract::detect(text.as_bytes()) == contract {
        let parsed = fingerprint_webhook::parse_detected(text.as_bytes(), options);
        assert_eq!(parsed.unwrap_err().1, violations, "validate and parse agree");
    }
    violations
}

fn summary(violations: &Violations) -> Vec<(String, &'static str)> {
    violations
        .iter()
        .map(|violation| (violation.pointer().to_owned(), violation.keyword().as_str()))
        .collect()
}

/// How a message names a JSON type.
fn phrase(json_type: &str) -> &'static str {
    match json_type {
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "a boolean",
        "object" => "an object",
        "array" => "an array",
        other => panic!("no phrase for {other}"),
    }
}

/// The message of a value of the wrong type at a row.
fn wrong_type(row: &ConstraintRow, found: &str) -> String {
    let or_null = if row.nullable { " or null" } else { "" };
    format!("expected {}{or_null}, found {found}", phrase(row.json_type))
}

#[test]
fn valid_payloads_pass_and_strict_mode_names_each_undocumented_field() {
    for (name, text) in payloads("valid") {
        let contract = Contract::detect(text.as_bytes());
        assert_eq!(contract.validate(text.as_bytes(), Options::DEFAULT), Ok(()), "{name} under {contract}");
    }
    for contract in CONTRACTS {
        assert_eq!(contract.validate(contract.example().as_bytes(), Options::STRICT), Ok(()), "{contract}");
        // An undocumented field in every object with documented properties of its own.
        let rows = targets::table(contract);
        let mut payload = targets::example(contract);
        let objects: Vec<String> = object_pointers(&payload)
            .into_iter()
            .filter(|object| {
                // Not inside a union, where every violation is one of the union (the suites'
                // unknown-fields fixtures test those).
                object.is_empty()
                    || row_at(&rows, object)
                        .is_some_and(|row| row.collapse.is_none() && has_properties(&rows, &row.pointer))
            })
            .collect();
        let mut added = Vec::new();
        for (index, object) in objects.iter().enumerate() {
            let pointer = format!("{object}/undocumented{index}");
            set(&mut payload, &pointer, json!({"result": "notDetected"}));
            added.push(pointer);
        }
        assert!(added.len() > 2, "{contract}: {added:?}");
        let text = serde_json::to_string_pretty(&payload).unwrap();
        assert_eq!(contract.validate(text.as_bytes(), Options::DEFAULT), Ok(()), "{contract}");
        let violations = violations_of(contract, &text, Options::STRICT);
        // In document order: each where its member starts.
        let order = pointers(&payload);
        added.sort_by_key(|pointer| order.iter().position(|at| at == pointer));
        let expected: Vec<(String, &str)> =
            added.iter().map(|pointer| (pointer.clone(), "additionalProperties")).collect();
        assert_eq!(summary(&violations), expected, "{contract}");
        let first = violations.iter().next().unwrap();
        assert_eq!(
            first.message(),
            format!(
                "\"{}\" is not a documented field, and strict mode rejects undocumented fields",
                key_of(first.pointer())
            )
        );
        // The empty key last in every such object: after the documented keys, a key is named by
        // what it is, not by what the reader expected next (schema order, or the order it
        // learned from the payloads before).
        let mut payload = targets::example(contract);
        for object in &objects {
            set(&mut payload, &format!("{object}/"), json!(1));
        }
        let text = serde_json::to_string(&payload).unwrap();
        let violations = violations_of(contract, &text, Options::STRICT);
        let mut expected: Vec<(String, &str)> =
            objects.iter().map(|object| (format!("{object}/"), "additionalProperties")).collect();
        expected.sort();
        let mut found = summary(&violations);
        found.sort();
        assert_eq!(found, expected, "{contract}");
    }
}

/// A change to a payload, with the violation it makes.
struct Target {
    /// Where, in the payload.
    pointer: String,
    /// `None` to remove the member.
    value: Option<Value>,
    /// Empty for a change that is no violation.
    keyword: &'static str,
    message: String,
    /// What the payload's text holds at the violation's offset.
    at_offset: String,
}

/// Picks targets from a contract's table and example: the first row that the payload has, that
/// `wanted` accepts, and that no target already picked contains or lies in.
struct Picker<'a> {
    rows: &'a [ConstraintRow],
    example: &'a Value,
    picked: Vec<String>,
}

impl Picker<'_> {
    fn pick(&mut self, wanted: impl Fn(&ConstraintRow) -> bool) -> Option<(&ConstraintRow, String)> {
        let (row, at) = present_rows(self.rows, self.example).find(|(row, at)| {
            wanted(row)
                && !self.picked.iter().any(|picked| {
                    picked == at
                        || at.starts_with(&format!("{picked}/"))
                        || picked.starts_with(&format!("{at}/"))
                })
        })?;
        self.picked.push(at.clone());
        Some((row, at))
    }
}

#[test]
fn each_violation_names_its_pointer_keyword_limit_and_offset_in_document_order() {
    let mut kinds = std::collections::BTreeSet::new();
    for contract in CONTRACTS {
        let rows = targets::table(contract);
        let example = targets::example(contract);
        let mut picker = Picker { rows: &rows, example: &example, picked: Vec::new() };
        let mut changes = Vec::new();
        let mut change =
            |pointer: String, value: Option<Value>, keyword: &'static str, message: String, at: &str| {
                changes.push(Target { pointer, value, keyword, message, at_offset: at.to_owned() });
            };
        if let Some((_, at)) =
            picker.pick(|row| row.required && is_property(row) && parent_of(&row.pointer).is_empty())
        {
            change(at, None, "required", "missing: the contract requires this field".to_owned(), "{");
        }
        if let Some((row, at)) = picker.pick(|row| row.json_type == "string" && row.nullable) {
            change(at, Some(json!(5)), "type", wrong_type(row, "a number"), "5");
        }
        for character in ['🦀', 'é'] {
            if let Some((row, at)) = picker.pick(|row| row.json_type == "string" && row.max_length.is_some())
            {
                let limit = row.max_length.unwrap();
                let text: String =
                    std::iter::repeat_n(character, usize::try_from(limit + 1).unwrap()).collect();
                let message = format!("{} characters; the documented maximum is {limit}", limit + 1);
                change(at, Some(json!(text)), "maxLength", message, &format!("\"{character}"));
            }
        }
        if let Some((_, at)) =
            picker.pick(|row| row.json_type == "integer" && !row.nullable && row.bounds.is_some())
        {
            let message = "expected an integer, found 1.5, which has a fraction".to_owned();
            change(at, Some(json!(1.5)), "type", message, "1.5");
        }
        if let Some((row, at)) = picker.pick(|row| row.json_type == "integer" && row.bounds.is_some()) {
            let maximum = row.bounds.unwrap().1;
            let above = i128::from(maximum) + 1;
            let message = format!("{above} is above the maximum {maximum}");
            change(at, Some(json!(above)), "maximum", message, &above.to_string());
        }
        if let Some((_, at)) = picker.pick(|row| row.format == Some("date-time")) {
            let text = "2019-02-29T07:20:50Z";
            let message =
                format!("\"{text}\" is not an RFC 3339 date-time: the day does not exist in that month");
            change(at, Some(json!(text)), "format", message, &format!("\"{text}"));
        }
        // Inside the items of an array: a nullable string may be null, and no string is an array.
        let in_items = |row: &ConstraintRow| row.json_type == "string" && row.pointer.contains("/*/");
        if let Some((row, at)) = picker.pick(in_items)
            && row.nullable
        {
            change(at, Some(Value::Null), "", String::new(), "");
        }
        if let Some((row, at)) = picker.pick(in_items) {
            change(at, Some(json!(["x"])), "type", wrong_type(row, "an array"), "[");
        }
        if let Some((row, at)) =
            picker.pick(|row| row.json_type == "number" && !row.nullable && row.range.is_none())
        {
            change(at, Some(Value::Null), "type", wrong_type(row, "null"), "null");
        }
        // Last, so that it holds none of the targets above.
        if let Some((row, at)) =
            picker.pick(|row| row.json_type == "object" && row.required && !row.nullable && is_property(row))
        {
            change(at, Some(Value::Null), "type", wrong_type(row, "null"), "null");
        }

        let mut payload = example.clone();
        for change in &changes {
            match &change.value {
                Some(value) => set(&mut payload, &change.pointer, value.clone()),
                None => remove(&mut payload, &change.pointer),
            }
        }
        let text = serde_json::to_string_pretty(&payload).unwrap();
        let violations = violations_of(contract, &text, Options::DEFAULT);
        // Document order; a missing field is reported where its object starts.
        let order = pointers(&payload);
        let mut expected: Vec<&Target> = changes.iter().filter(|change| !change.keyword.is_empty()).collect();
        expected.sort_by_key(|change| match change.value {
            None => order.iter().position(|at| at == parent_of(&change.pointer)).map_or(0, |index| index + 1),
            Some(_) => order.iter().position(|at| *at == change.pointer).unwrap() + 1,
        });
        assert_eq!(
            summary(&violations),
            expected.iter().map(|change| (change.pointer.clone(), change.keyword)).collect::<Vec<_>>(),
            "{contract}"
        );
        for (violation, change) in violations.iter().zip(&expected) {
            assert_eq!(violation.message(), change.message, "{contract} {}", change.pointer);
            let found: String = text[violation.offset()..].chars().take(40).collect();
            assert!(found.starts_with(&change.at_offset), "{contract} {}: {found:?}", change.pointer);
            kinds.insert(change.keyword);
        }
    }
    // Every kind of target is found in some contract.
    assert_eq!(kinds.len(), 5, "{kinds:?}");
}

#[test]
fn a_missing_nested_field_points_where_the_field_would_be() {
    for contract in CONTRACTS {
        let rows = targets::table(contract);
        let mut payload = targets::example(contract);
        let required: Vec<String> = present_rows(&rows, &payload)
            .filter(|(row, _)| row.required && is_property(row))
            .map(|(_, at)| at)
            .collect();
        // The last required field of the root, and the first one of a nested object.
        let root = required.iter().rfind(|at| parent_of(at).is_empty()).unwrap().clone();
        let nested = required
            .iter()
            .find(|at| !parent_of(at).is_empty() && !at.starts_with(&format!("{root}/")))
            .cloned();
        remove(&mut payload, &root);
        let mut expected = vec![(root, "required")];
        if let Some(nested) = nested {
            remove(&mut payload, &nested);
            expected.push((nested, "required"));
        }
        let violations = violations_of(contract, &payload.to_string(), Options::DEFAULT);
        assert_eq!(summary(&violations), expected, "{contract}");
    }
}

/// A repeated member: the marker it replaces, its raw text, the pointer of its key, and how
/// its key is spelled.
struct Duplicate {
    marker: String,
    raw: String,
    pointer: String,
    spelled: String,
}

/// Marks the place of a repetition of an object's first member, spelled `spelled` (or as JSON
/// writes the key), right after it.
fn repeat_first_member(payload: &mut Value, object: &str, spelled: Option<String>, out: &mut Vec<Duplicate>) {
    let members = payload.pointer_mut(object).unwrap().as_object_mut().unwrap();
    let (key, value) = members.iter().next().map(|(key, value)| (key.clone(), value.clone())).unwrap();
    let name = format!("duplicate{}", out.len());
    members.shift_insert(1, format!("\u{0}{name}"), Value::Null);
    let spelled = spelled.unwrap_or_else(|| Value::from(key.as_str()).to_string());
    out.push(Duplicate {
        marker: format!("\"\\u0000{name}\":null"),
        raw: format!("{spelled}:{value}"),
        pointer: format!("{object}/{}", escape(&key)),
        spelled,
    });
}

#[test]
fn duplicate_keys_are_violations_at_every_level() {
    const ANY: &str = r#""\u0000any""#;
    const SIGNAL: &str = r#""\u0000signal":null"#;
    let mut in_any = 0;
    for contract in CONTRACTS {
        let rows = targets::table(contract);
        let example = targets::example(contract);
        let mut payload = example.clone();
        let mut duplicates = Vec::new();
        // The root's first member again, its key spelled with an escape.
        let first_key = example.as_object().unwrap().keys().next().unwrap().clone();
        let mut characters = first_key.chars();
        let initial = characters.next().unwrap();
        let escaped = format!("\"\\u{:04x}{}\"", u32::from(initial), characters.as_str());
        repeat_first_member(&mut payload, "", Some(escaped), &mut duplicates);
        // The first member of the first nested object with properties.
        if let Some((_, at)) = present_rows(&rows, &example).find(|(row, at)| {
            row.json_type == "object"
                && has_properties(&rows, &row.pointer)
                && example.pointer(at).and_then(Value::as_object).is_some_and(|members| !members.is_empty())
        }) {
            repeat_first_member(&mut payload, &at, None, &mut duplicates);
        }
        // Inside a value of any type.
        let any = present_rows(&rows, &example).find(|(row, _)| row.json_type == "any").map(|(_, at)| at);
        if let Some(at) = &any {
            set(&mut payload, at, marker("any"));
            in_any += 1;
        }
        // And an undocumented member of the root.
        payload["\u{0}signal"] = Value::Null;
        let mut text = serde_json::to_string(&payload).unwrap();
        let mut expected: Vec<(usize, String)> = Vec::new();
        for duplicate in &duplicates {
            expected.push((text.find(&duplicate.marker).unwrap(), duplicate.pointer.clone()));
        }
        if let Some(at) = &any {
            let start = text.find(ANY).unwrap();
            expected.push((start, format!("{at}/x")));
            expected.push((start + 1, format!("{at}/x/y/0/z")));
        }
        expected.push((text.find(SIGNAL).unwrap(), "/signal".to_owned()));
        expected.sort();
        for duplicate in &duplicates {
            text = text.replacen(&duplicate.marker, &duplicate.raw, 1);
        }
        text = text.replacen(ANY, r#"{"x": 1, "x": {"y": [{"z": 1, "z": 2}]}}"#, 1).replacen(
            SIGNAL,
            r#""signal":1,"signal":2"#,
            1,
        );
        let violations = violations_of(contract, &text, Options::DEFAULT);
        assert_eq!(
            summary(&violations),
            expected.iter().map(|(_, pointer)| (pointer.clone(), "duplicateKey")).collect::<Vec<_>>(),
            "{contract}"
        );
        let first = violations.iter().next().unwrap();
        assert!(text[first.offset()..].starts_with(&duplicates[0].spelled), "{contract}");
    }
    assert!(in_any > 0, "a contract has a value of any type");
}

/// A contract's example with its first value of any type that has a limit on its JSON text
/// replaced by raw JSON text (spelled as given): where it is, the limit, and the payload maker.
fn with_any_value(contract: &Contract) -> Option<(String, u64, impl Fn(&str) -> String)> {
    let rows = targets::table(contract);
    let example = targets::example(contract);
    let (row, parent) = rows.iter().find_map(|row| {
        let parent = present(&example, parent_of(&row.pointer))?;
        (row.json_type == "any" && row.max_length.is_some()).then_some((row, parent))
    })?;
    let at = format!("{parent}/{}", escape(&key_of(&row.pointer)));
    let mut payload = example;
    set(&mut payload, &at, marker("value"));
    let limit = row.max_length.unwrap();
    Some((at, limit, move |raw: &str| spliced(&payload, &[("value", raw)])))
}

fn limited_any_values() -> Vec<(&'static Contract, String, u64, impl Fn(&str) -> String)> {
    let found: Vec<_> = CONTRACTS
        .iter()
        .filter_map(|contract| with_any_value(contract).map(|(at, limit, with)| (contract, at, limit, with)))
        .collect();
    assert!(!found.is_empty(), "a contract limits the JSON text of a value of any type");
    found
}

fn characters(count: u64) -> usize {
    usize::try_from(count).unwrap()
}

#[test]
fn the_limit_on_a_value_of_any_type_counts_characters_of_canonical_json_text() {
    for (contract, at, limit, with) in limited_any_values() {
        let valid = |raw: &str| contract.validate(with(raw).as_bytes(), Options::DEFAULT).is_ok();
        // A string of n characters takes n + 2 in canonical JSON text.
        let n = characters(limit - 2);
        for (inner, expected) in [("x".repeat(n), true), ("x".repeat(n + 1), false), ("🦀".repeat(n), true)]
        {
            assert_eq!(
                valid(&format!("\"{inner}\"")),
                expected,
                "{contract}: {} chars",
                inner.chars().count()
            );
        }
        // Whitespace does not count; an escape counts as canonical JSON writes it.
        assert!(valid(&format!("{{ \"k\" :   \"{}\" }}", "x".repeat(characters(limit) - 8))), "{contract}");
        let escaped = with(&format!("\"{}\\n\"", "x".repeat(characters(limit) - 3)));
        let violations = violations_of(contract, &escaped, Options::DEFAULT);
        assert_eq!(summary(&violations), [(at.clone(), "x-fingerprint-maxJsonTextLength")]);
        assert_eq!(
            violations.iter().next().unwrap().message(),
            format!(
                "its canonical JSON text (RFC 8785) is {} characters; the documented maximum is {limit}",
                limit + 1
            )
        );
        assert!(valid(&format!("\"{}\\u00e9\"", "x".repeat(characters(limit) - 3))), "{contract}");
        assert!(valid("null"), "{contract}");
    }
}

#[test]
fn the_limit_on_a_value_of_any_type_does_not_depend_on_how_a_number_is_spelled() {
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
    for (contract, _, limit, with) in limited_any_values() {
        for (spelled, canonical) in cases {
            let at_limit = characters(limit) - 5 - canonical.len();
            for (n, valid) in [(at_limit, true), (at_limit + 1, false)] {
                let raw = format!("[\"{}\",{spelled}]", "x".repeat(n));
                assert_eq!(
                    contract.validate(with(&raw).as_bytes(), Options::DEFAULT).is_ok(),
                    valid,
                    "{contract}: {spelled} counts as {canonical}, with {n} characters beside it"
                );
            }
        }
    }
}

#[test]
fn the_violation_list_is_capped_and_says_so() {
    for contract in CONTRACTS {
        let mut payload = targets::example(contract);
        for index in 0..500 {
            payload[format!("signal{index}")] = json!(index);
        }
        let violations = violations_of(contract, &payload.to_string(), Options::STRICT);
        assert_eq!(violations.len(), MAX_VIOLATIONS);
        assert!(violations.is_truncated());
        assert!(
            violations.to_string().ends_with("validation stopped after 100 violations; the payload has more")
        );
    }
}

#[test]
fn invalid_json_after_the_violation_cap_replaces_every_other_violation() {
    for contract in CONTRACTS {
        let rows = targets::table(contract);
        let example_value = targets::example(contract);
        let example = example_value.to_string();
        let body = example.strip_suffix('}').unwrap();
        let (first_key, first_value) = example_value.as_object().unwrap().iter().next().unwrap();
        let duplicates = format!(",{}:{first_value}", Value::from(first_key.as_str())).repeat(102);
        let unknown =
            (0..150).map(|index| format!(r#","signal{index}":{index}"#)).collect::<Vec<_>>().concat();
        // An array whose items cannot be numbers, filled with numbers.
        let (_, array) = present_rows(&rows, &example_value)
            .find(|(row, _)| {
                row.json_type == "array"
                    && rows.iter().any(|item| {
                        item.pointer == format!("{}/*", row.pointer)
                            && !matches!(item.json_type, "integer" | "number" | "any")
                    })
            })
            .unwrap();
        let mut wrong_types = example_value.clone();
        set(&mut wrong_types, &array, json!(vec![1; 150]));
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
            let capped_alone = violations_of(contract, &format!("{start}}}"), *options);
            assert!(capped_alone.is_truncated(), "{contract}: the start alone reaches the cap");
            for ending in &endings {
                let text = format!("{start}{ending}");
                let violations = violations_of(contract, &text, *options);
                assert_eq!(summary(&violations), [(String::new(), "invalidJson")], "{contract} {ending:?}");
                assert!(!violations.is_truncated());
            }
            let mut invalid_utf8 = format!("{start},\"k\":\"").into_bytes();
            invalid_utf8.extend_from_slice(b"\xff\"}");
            let Err(violations) = contract.validate(&invalid_utf8, *options) else {
                panic!("invalid UTF-8 passed")
            };
            assert_eq!(summary(&violations), [(String::new(), "invalidJson")]);
        }
    }
}

/// A payload is judged under the contract its shape names; forced under another one, it lacks
/// every field that names that one.
#[test]
fn a_payload_is_judged_under_the_contract_its_shape_names_not_as_a_broken_payload_of_another() {
    for contract in CONTRACTS {
        let example = contract.example().as_bytes();
        assert_eq!(Contract::detect(example), contract);
        assert_eq!(contract.validate(example, Options::DEFAULT), Ok(()));
        for other in CONTRACTS.iter().filter(|other| *other != contract) {
            let forced = other.validate(example, Options::DEFAULT).unwrap_err();
            let missing: Vec<&str> = forced
                .iter()
                .filter(|violation| violation.keyword() == Keyword::Required)
                .map(fingerprint_webhook::Violation::pointer)
                .collect();
            assert!(!other.detection_keys().is_empty(), "{other}");
            for key in other.detection_keys() {
                let pointer = format!("/{}", escape(key));
                assert!(missing.contains(&pointer.as_str()), "{contract} under {other}: {forced}");
            }
        }
    }
    for (name, text) in payloads("invalid") {
        let contract = Contract::detect(text.as_bytes());
        let violations = contract.validate(text.as_bytes(), Options::DEFAULT).unwrap_err();
        let lacks = |key: &&&str| {
            violations.iter().any(|violation| violation.pointer() == format!("/{}", escape(key)))
        };
        let own_keys_missing = contract.detection_keys().iter().filter(lacks).count();
        assert!(own_keys_missing < contract.detection_keys().len(), "{name} under {contract}: {violations}");
        if violations.len() > 1 {
            let heading = format!("{} violations of the contract", violations.len());
            assert!(violations.to_string().starts_with(&heading), "{name}: {violations}");
        }
    }
}
