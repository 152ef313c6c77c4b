//! The conformance suite: fixtures derived from the schema by rules, in the format of the
//! official JSON-Schema-Test-Suite (groups of tests, each with `data` and `valid`).
//!
//! Every rule walks the constraint table in schema order and changes one thing in the
//! documented example, so each test says which field and which limit it exercises, and an
//! invalid test lists the violations that change must cause. Names and order are stable: a
//! diff of the suite is a diff of the contract.

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use crate::constraints::{self, ConstraintRow, Place};
use crate::error::pointer_join;
use crate::model::{Additional, Model};

/// The canonical schema of contract `contract`, as fixture groups name it: its path under `schema/`.
pub fn canonical_schema(contract: &str) -> String {
    format!("{contract}/schema.json")
}

/// The strict schema of contract `contract`, as fixture groups name it.
pub fn strict_schema(contract: &str) -> String {
    format!("{contract}/strict.schema.json")
}

/// What the project's own validators need to judge a test that plain JSON Schema cannot.
pub mod requires {
    /// The `tag` limit (the vendor keyword).
    pub const TAG_LIMIT: &str = "x-fingerprint-maxJsonTextLength";
    /// Rejecting duplicate object keys.
    pub const DUPLICATE_KEYS: &str = "duplicateKey";
    /// Reading JSON text rather than a parsed value.
    pub const JSON_TEXT: &str = "invalidJson";
}

/// One expected violation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    /// Its instance pointer.
    pub pointer: String,
    /// Its keyword.
    pub keyword: Cow<'static, str>,
}

fn expected(pointer: &str, keyword: &'static str) -> Expected {
    Expected { pointer: pointer.to_owned(), keyword: Cow::Borrowed(keyword) }
}

/// One test: a payload (as a value or as text) and its verdict.
#[derive(Debug, Clone)]
struct Test {
    description: String,
    input: Input,
    errors: Vec<Expected>,
    requires: Vec<&'static str>,
}

#[derive(Debug, Clone)]
enum Input {
    Data(Value),
    Text(String),
}

impl Test {
    fn valid(description: impl Into<String>, data: Value) -> Self {
        Test {
            description: description.into(),
            input: Input::Data(data),
            errors: Vec::new(),
            requires: Vec::new(),
        }
    }

    fn invalid(description: impl Into<String>, data: Value, errors: Vec<Expected>) -> Self {
        debug_assert!(!errors.is_empty(), "an invalid test lists its violations");
        Self::judged(description, data, errors)
    }

    /// A test whose verdict depends on the rule's findings: valid when `errors` is empty.
    fn judged(description: impl Into<String>, data: Value, errors: Vec<Expected>) -> Self {
        Test { description: description.into(), input: Input::Data(data), errors, requires: Vec::new() }
    }

    fn requiring(mut self, requirement: &'static str) -> Self {
        self.requires.push(requirement);
        self
    }

    fn to_json(&self) -> Value {
        let mut test = Map::new();
        test.insert("description".to_owned(), json!(self.description));
        match &self.input {
            Input::Data(data) => test.insert("data".to_owned(), data.clone()),
            Input::Text(raw) => test.insert("text".to_owned(), json!(raw)),
        };
        test.insert("valid".to_owned(), json!(self.errors.is_empty()));
        if !self.errors.is_empty() {
            let errors: Vec<Value> = self
                .errors
                .iter()
                .map(|error| json!({"pointer": error.pointer, "keyword": error.keyword}))
                .collect();
            test.insert("errors".to_owned(), Value::Array(errors));
        }
        if !self.requires.is_empty() {
            test.insert("requires".to_owned(), json!(self.requires));
        }
        Value::Object(test)
    }
}

/// A group of tests against one schema of the contract: the canonical one, or the strict one.
struct Group {
    description: String,
    strict: bool,
    tests: Vec<Test>,
}

impl Group {
    fn new(description: impl Into<String>, tests: Vec<Test>) -> Self {
        Group { description: description.into(), strict: false, tests }
    }

    fn strict(description: impl Into<String>, tests: Vec<Test>) -> Self {
        Group { description: description.into(), strict: true, tests }
    }

    fn to_json(&self, contract: &str) -> Value {
        let schema = if self.strict { strict_schema(contract) } else { canonical_schema(contract) };
        json!({
            "description": self.description,
            "schema": schema,
            "tests": self.tests.iter().map(Test::to_json).collect::<Vec<_>>(),
        })
    }
}

/// The pointer of a row in `value` (the example, or a payload made from it): `*` becomes the
/// first item of an array.
fn concrete(value: &Value, pointer: &str) -> String {
    let mut concrete = String::new();
    let mut at = Some(value);
    for segment in pointer.split('/').skip(1) {
        // A map's `*` is an entry `with_entries_chosen` has already named; one it could not
        // name stays `*`, which the example lacks, and is reported missing.
        let segment = if segment == "*" && at.is_some_and(Value::is_array) { "0" } else { segment };
        concrete.push('/');
        concrete.push_str(segment);
        at = at.and_then(|value| value.pointer(&format!("/{segment}")));
    }
    concrete
}

fn set(payload: &mut Value, pointer: &str, value: Value) {
    if let Some(slot) = payload.pointer_mut(&concrete(payload, pointer)) {
        *slot = value;
    }
}

fn remove(payload: &mut Value, pointer: &str) {
    let pointer = concrete(payload, pointer);
    let Some((parent, key)) = pointer.rsplit_once('/') else { return };
    if let Some(Value::Object(members)) = payload.pointer_mut(parent) {
        members.shift_remove(&key.replace("~1", "/").replace("~0", "~"));
    }
}

fn with(example: &Value, pointer: &str, value: Value) -> Value {
    let mut payload = example.clone();
    set(&mut payload, pointer, value);
    payload
}

fn without(example: &Value, pointer: &str) -> Value {
    let mut payload = example.clone();
    remove(&mut payload, pointer);
    payload
}

/// The suite of contract `contract`: `(file name, file text)` in a stable order. `example` is
/// the contract's example payload; `rows` its schema's constraint table; `real_world_cases` the
/// hand-written cases of what real deliveries do (its `real-world-cases.json`, parsed), or
/// `null` when it has none.
///
/// # Errors
///
/// When the example lacks a value that a rule changes (an optional field, an item of an array,
/// an entry of a map), or a real-world case is malformed or changes what the example does not
/// have: a message saying what to add, never a wrong fixture.
pub fn suite(
    contract: &str,
    example: &Value,
    model: &Model,
    real_world_cases: &Value,
) -> Result<Vec<(String, String)>, String> {
    let rows = constraints::rows(model);
    let root_closed = model.root_object().additional == Additional::Closed;
    // A union's rows are those of the alternative the example carries: the others' fields are
    // not there to change (the generator's own tests cover every alternative).
    let rows: Vec<ConstraintRow> = rows
        .into_iter()
        .filter(|row| {
            row.alternative.as_ref().is_none_or(|alternative| {
                let union = concrete(example, &alternative.union);
                let tag = pointer_join(&union, &alternative.discriminator);
                example.pointer(&tag).and_then(Value::as_str) == Some(alternative.value.as_str())
            })
        })
        .collect();
    let rows = with_entries_chosen(example, &rows);
    let rows = rows.as_slice();
    // Each rule changes a value the example has: a value it lacks would make a test that
    // changes nothing, so every one must be there.
    let missing: Vec<&str> = rows
        .iter()
        .map(|row| row.pointer.as_str())
        .filter(|pointer| example.pointer(&concrete(example, pointer)).is_none())
        .collect();
    // Name only the outermost of what is missing: the rest is inside it.
    let outermost: Vec<&str> = missing
        .iter()
        .filter(|pointer| {
            !missing.iter().any(|outer| outer != *pointer && pointer.starts_with(&format!("{outer}/")))
        })
        .copied()
        .collect();
    if !outermost.is_empty() {
        return Err(format!(
            "example.json lacks {} value(s) that the fixture rules change: {}. Add each to the example, \
             with every field it may have (an array needs one item, a map one entry): the fixtures \
             derive from the example, and a rule cannot change what is not there",
            outermost.len(),
            outermost.join(", ")
        ));
    }
    let mut files = vec![
        ("example.json", vec![contract_example(example), minimal(example, rows), maximal(example, rows)]),
        ("max-length.json", max_length(example, rows)),
        ("nullability.json", nullability(example, rows)),
        ("types.json", types(example, rows)),
        ("listed-values.json", listed_values(example, rows)),
        ("bounds.json", bounds(example, rows)),
        ("lengths-and-counts.json", lengths_and_counts(example, rows)),
        ("integers.json", integers(example, rows)),
        ("date-times.json", date_times(example, rows)),
        ("unknown-fields.json", unknown_fields(example, rows, root_closed)),
        ("project-rules.json", project_rules(example, rows)),
    ];
    if !real_world_cases.is_null() {
        files.push(("real-world.json", real_world(example, real_world_cases)?));
    }
    files.sort_by_key(|(name, _)| *name);
    Ok(files
        .into_iter()
        .filter(|(_, groups)| !groups.is_empty())
        .map(|(name, groups)| {
            let value = Value::Array(groups.iter().map(|group| group.to_json(contract)).collect());
            let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
            text.push('\n');
            (name.to_owned(), text)
        })
        .collect())
}

fn contract_example(example: &Value) -> Group {
    Group::new("the contract's example", vec![Test::valid("the example payload, as it is", example.clone())])
}

fn minimal(example: &Value, rows: &[ConstraintRow]) -> Group {
    let mut payload = example.clone();
    for row in rows.iter().rev().filter(|row| !row.required) {
        remove(&mut payload, &row.pointer);
    }
    Group::new("a minimal payload", vec![Test::valid("required fields only", payload)])
}

fn maximal(example: &Value, rows: &[ConstraintRow]) -> Group {
    let mut payload = example.clone();
    // A listed or formatted string keeps its value: any other text at the limit breaks the list
    // or the format, which other rules test.
    for row in rows.iter().filter(|row| row.values.is_none() && row.format.is_none()) {
        match (row.json_type, row.max_length) {
            ("string", Some(limit)) => {
                set(&mut payload, &row.pointer, json!("🦀".repeat(limit_chars(limit))));
            }
            // A string of n characters takes n + 2 in canonical JSON text.
            ("any", Some(limit)) => {
                set(&mut payload, &row.pointer, json!("🦀".repeat(limit_chars(limit) - 2)));
            }
            _ => {}
        }
    }
    Group::new(
        "a maximal payload",
        vec![Test::valid("every field present, every string at its limit in 4-byte characters", payload)],
    )
}

fn limit_chars(limit: u64) -> usize {
    usize::try_from(limit).unwrap_or(usize::MAX)
}

fn max_length(example: &Value, rows: &[ConstraintRow]) -> Vec<Group> {
    rows.iter()
        // The length of a listed or formatted string is its list's or format's concern.
        .filter(|row| row.json_type == "string" && row.values.is_none() && row.format.is_none())
        .filter_map(|row| Some((row, limit_chars(row.max_length?))))
        .map(|(row, limit)| {
            let pointer = concrete(example, &row.pointer);
            let mut tests = Vec::new();
            for (name, character) in [("ASCII", "a"), ("4-byte", "🦀")] {
                tests.push(Test::valid(
                    format!("{limit} {name} characters (at the limit)"),
                    with(example, &row.pointer, json!(character.repeat(limit))),
                ));
                tests.push(Test::invalid(
                    format!("{} {name} characters (one over)", limit + 1),
                    with(example, &row.pointer, json!(character.repeat(limit + 1))),
                    violation(row, &pointer, "maxLength"),
                ));
            }
            Group::new(format!("{}: maxLength {limit}", row.pointer), tests)
        })
        .collect()
}

/// The violations of putting `value` where `row` is, besides its type: the row's `enum` or
/// `const` when the value is not listed.
fn unlisted(row: &ConstraintRow, pointer: &str, value: &Value, mut errors: Vec<Expected>) -> Vec<Expected> {
    if row.collapse.is_some() {
        // A union, or a value wrapped in one: every violation inside is one of it.
        return violation(row, pointer, "type");
    }
    if !row.typed {
        errors.retain(|error| error.keyword != "type");
    }
    for (keyword, values) in row.values.iter().chain(&row.narrowed) {
        if !values.iter().any(|listed| serde_json::from_str::<Value>(listed).ok().as_ref() == Some(value)) {
            errors.push(expected(pointer, keyword));
        }
    }
    errors
}

fn nullability(example: &Value, rows: &[ConstraintRow]) -> Vec<Group> {
    rows.iter()
        .map(|row| {
            let pointer = concrete(example, &row.pointer);
            let null = with(example, &row.pointer, Value::Null);
            let absent = without(example, &row.pointer);
            let tests = match (row.place, row.required, row.nullable) {
                // An array item or a map entry cannot be absent, only null.
                (Place::Item | Place::Entry, _, true) => {
                    vec![Test::valid("a null item (the items allow null)", null)]
                }
                (Place::Item | Place::Entry, _, false) => vec![Test::invalid(
                    "a null item (the items do not allow null)",
                    null,
                    unlisted(row, &pointer, &Value::Null, violation(row, &pointer, "type")),
                )],
                (Place::Property, true, true) => vec![
                    Test::valid("null (required, and allows null)", null),
                    Test::invalid("absent (required)", absent, violation(row, &pointer, "required")),
                ],
                (Place::Property, true, false) => vec![
                    Test::invalid(
                        "null (documented `nullable: false`)",
                        null,
                        unlisted(row, &pointer, &Value::Null, violation(row, &pointer, "type")),
                    ),
                    Test::invalid(
                        "absent (documented `nullable: false`)",
                        absent,
                        violation(row, &pointer, "required"),
                    ),
                ],
                (Place::Property, false, true) => vec![
                    Test::valid("null (documented `nullable: true`)", null),
                    Test::valid("absent (documented `nullable: true`)", absent),
                ],
                (Place::Property, false, false) => vec![
                    Test::invalid(
                        "null (nullability not annotated)",
                        null,
                        unlisted(row, &pointer, &Value::Null, violation(row, &pointer, "type")),
                    ),
                    Test::valid("absent (nullability not annotated)", absent),
                ],
            };
            Group::new(format!("{}: null and absent", row.pointer), tests)
        })
        .collect()
}

/// A value of each JSON type, by name.
fn values_of_each_type() -> [(&'static str, Value); 6] {
    [
        ("a string", json!("text")),
        ("an integer", json!(7)),
        ("a number with a fraction", json!(1.5)),
        ("a boolean", json!(true)),
        ("an array", json!([])),
        ("an object", json!({})),
    ]
}

fn accepts(json_type: &str, value: &Value) -> bool {
    match json_type {
        "string" => value.is_string(),
        "integer" => value.as_f64().is_some_and(|number| number.fract() == 0.0),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

fn types(example: &Value, rows: &[ConstraintRow]) -> Vec<Group> {
    rows.iter()
        .filter(|row| row.json_type != "any")
        .map(|row| {
            let pointer = concrete(example, &row.pointer);
            let tests = values_of_each_type()
                .into_iter()
                .filter(|(_, value)| !accepts(row.json_type, value))
                .map(|(name, value)| {
                    let errors = unlisted(row, &pointer, &value, violation(row, &pointer, "type"));
                    Test::invalid(
                        format!("{name} instead of {}", row.json_type),
                        with(example, &row.pointer, value),
                        errors,
                    )
                })
                .collect();
            Group::new(format!("{}: wrong JSON types", row.pointer), tests)
        })
        .collect()
}

/// Both lists of expected violations, without repeats (inside a union, every violation is the
/// same one of the union).
fn merged(mut errors: Vec<Expected>, more: Vec<Expected>) -> Vec<Expected> {
    for error in more {
        if !errors.contains(&error) {
            errors.push(error);
        }
    }
    errors
}

/// The violations of a string's `maxLength` and `minLength` by `value` (none for other values).
fn length_violations(row: &ConstraintRow, pointer: &str, value: &Value) -> Vec<Expected> {
    let Some(text) = value.as_str() else { return Vec::new() };
    let length = text.chars().count() as u64;
    let mut errors = Vec::new();
    if row.max_length.is_some_and(|limit| length > limit) {
        errors.extend(violation(row, pointer, "maxLength"));
    }
    let minimum =
        row.limits.iter().find(|(keyword, _)| *keyword == "minLength").and_then(|(_, count)| count.as_u64());
    if minimum.is_some_and(|minimum| length < minimum) {
        errors.extend(violation(row, pointer, "minLength"));
    }
    errors
}

/// A value outside an `enum` or a `const` list, and each listed value, where the list has one.
fn listed_values(example: &Value, rows: &[ConstraintRow]) -> Vec<Group> {
    rows.iter()
        .filter_map(|row| Some((row, row.values.as_ref()?)))
        .map(|(row, (keyword, values))| {
            let pointer = concrete(example, &row.pointer);
            let mut tests: Vec<Test> = values
                .iter()
                .filter_map(|text| serde_json::from_str::<Value>(text).ok())
                .map(|value| {
                    // A listed value may still break the string's length limits.
                    let errors = length_violations(row, &pointer, &value);
                    Test::judged(
                        format!("the listed value {value}"),
                        with(example, &row.pointer, value),
                        errors,
                    )
                })
                .collect();
            let outside = match row.json_type {
                "integer" => json!(
                    values
                        .iter()
                        .filter_map(|text| text.parse::<i64>().ok())
                        .max()
                        .unwrap_or(0)
                        .saturating_add(1)
                ),
                _ => json!(format!(
                    "{}-not-listed",
                    values.first().map_or("value", |text| text.trim_matches('"'))
                )),
            };
            tests.push(Test::invalid(
                format!("a value of the right type that is not listed: {outside}"),
                with(example, &row.pointer, outside.clone()),
                merged(
                    unlisted(row, &pointer, &outside, Vec::new()),
                    length_violations(row, &pointer, &outside),
                ),
            ));
            Group::new(format!("{}: {keyword}", row.pointer), tests)
        })
        .collect()
}

/// Whether `value` keeps every bound of `row` (its minimum, maximum and exclusive ones).
fn within_bounds(row: &ConstraintRow, value: f64) -> bool {
    row.limits.iter().all(|(keyword, bound)| {
        let bound = bound.as_f64().unwrap_or(f64::NAN);
        match *keyword {
            "minimum" => value >= bound,
            "maximum" => value <= bound,
            "exclusiveMinimum" => value > bound,
            "exclusiveMaximum" => value < bound,
            _ => true,
        }
    })
}

/// The bounds of numbers and integers other than an integer's `minimum` and `maximum` together
/// (which `integers` tests): each bound itself, and a value just past it, on the side it forbids.
fn bounds(example: &Value, rows: &[ConstraintRow]) -> Vec<Group> {
    rows.iter()
        .filter(|row| matches!(row.json_type, "number" | "integer") && row.bounds.is_none())
        .filter_map(|row| {
            let pointer = concrete(example, &row.pointer);
            // One past a bound: a whole unit for an integer, a half for a number.
            let step: f64 = if row.json_type == "integer" { 1.0 } else { 0.5 };
            let mut tests = Vec::new();
            for (keyword, bound) in &row.limits {
                let Some(at) = bound.as_f64() else { continue };
                // Far from zero, a half or a unit is lost in a double's precision.
                let step = step.max(at.abs() * 1e-9);
                let (past, bound_allowed) = match *keyword {
                    "minimum" => (at - step, true),
                    "maximum" => (at + step, true),
                    "exclusiveMinimum" => (at - step, false),
                    "exclusiveMaximum" => (at + step, false),
                    _ => continue,
                };
                let number = |value: f64| {
                    if row.json_type == "integer" && value.abs() < 9.0e15 {
                        #[allow(clippy::cast_possible_truncation, reason = "a whole number within i64")]
                        let whole = value as i64;
                        json!(whole)
                    } else {
                        json!(value)
                    }
                };
                if bound_allowed && within_bounds(row, at) {
                    tests.push(Test::valid(
                        format!("the {keyword} itself ({bound})"),
                        with(example, &row.pointer, json!(bound)),
                    ));
                }
                if !bound_allowed {
                    tests.push(Test::invalid(
                        format!("the {keyword} itself ({bound})"),
                        with(example, &row.pointer, json!(bound)),
                        violation(row, &pointer, keyword),
                    ));
                }
                let past_value = number(past);
                tests.push(Test::invalid(
                    format!("just past the {keyword} ({past_value})"),
                    with(example, &row.pointer, past_value),
                    violation(row, &pointer, keyword),
                ));
            }
            (!tests.is_empty()).then(|| Group::new(format!("{}: bounds", row.pointer), tests))
        })
        .collect()
}

/// The violation of breaking `keyword` of `row` at `pointer` (the row's place in the example):
/// the keyword's own, or, inside a union or a value a `oneOf`/`anyOf` wraps, that combinator's
/// at its place, as JSON Schema reports it.
fn violation(row: &ConstraintRow, pointer: &str, keyword: &'static str) -> Vec<Expected> {
    match &row.collapse {
        // A union that is absent breaks its parent's `required`, outside the union.
        Some(collapse) if !(keyword == "required" && collapse.pointer == row.pointer) => {
            // The union's place: as many segments of the row's place as its own pointer has.
            let depth = collapse.pointer.split('/').count();
            let at: Vec<&str> = pointer.split('/').take(depth).collect();
            vec![expected(&at.join("/"), collapse.combinator)]
        }
        _ => vec![expected(pointer, keyword)],
    }
}

/// `minLength` (in code points, written in 4-byte characters), `minItems` and `maxItems`: at the
/// limit, and one past it.
fn lengths_and_counts(example: &Value, rows: &[ConstraintRow]) -> Vec<Group> {
    rows.iter()
        .filter_map(|row| {
            let pointer = concrete(example, &row.pointer);
            let first_item =
                example.pointer(&pointer).and_then(Value::as_array).and_then(|items| items.first());
            let mut tests = Vec::new();
            for (keyword, count) in &row.limits {
                let Some(count) = count.as_u64().and_then(|count| usize::try_from(count).ok()) else {
                    continue;
                };
                let sized = |size: usize| match (*keyword, first_item) {
                    ("minLength", _) => Some(json!("🦀".repeat(size))),
                    ("minItems" | "maxItems", Some(item)) => Some(Value::Array(vec![item.clone(); size])),
                    _ => None,
                };
                let past = match *keyword {
                    "minLength" | "minItems" => count.checked_sub(1),
                    "maxItems" => Some(count + 1),
                    _ => None,
                };
                let (Some(at_limit), Some(past)) = (sized(count), past) else { continue };
                let Some(past_value) = sized(past) else { continue };
                tests.push(Test::valid(
                    format!("{count} (the {keyword})"),
                    with(example, &row.pointer, at_limit),
                ));
                tests.push(Test::invalid(
                    format!("{past} (past the {keyword})"),
                    with(example, &row.pointer, past_value),
                    violation(row, &pointer, keyword),
                ));
            }
            (!tests.is_empty()).then(|| Group::new(format!("{}: lengths and counts", row.pointer), tests))
        })
        .collect()
}

fn integers(example: &Value, rows: &[ConstraintRow]) -> Vec<Group> {
    rows.iter()
        .filter_map(|row| Some((row, row.bounds?)))
        .map(|(row, (minimum, maximum))| {
            let pointer = concrete(example, &row.pointer);
            let at = |value: Value| with(example, &row.pointer, value);
            #[allow(
                clippy::cast_precision_loss,
                reason = "a fixture's value: the nearest float is the point"
            )]
            let (low, high) = (minimum as f64, maximum as f64);
            let mut tests = vec![Test::valid(
                format!("the maximum written with a fraction of zero ({high:.1})"),
                at(json!(high)),
            )];
            if minimum <= 0 && maximum >= 0 {
                tests.push(Test::valid("zero written as 0.0", at(json!(0.0))));
            }
            // A fraction within the bounds, small enough for a double to keep its half.
            let fraction = (low / 2.0 + high / 2.0).floor() + 0.5;
            if low < fraction && fraction < high && fraction.abs() < 4_503_599_627_370_496.0 {
                tests.push(Test::invalid(
                    format!("a fraction ({fraction})"),
                    at(json!(fraction)),
                    violation(row, &pointer, "type"),
                ));
            }
            tests.extend([
                Test::valid(format!("the maximum ({maximum})"), at(json!(maximum))),
                Test::valid(format!("the minimum ({minimum})"), at(json!(minimum))),
                Test::invalid(
                    format!("one above the maximum ({})", i128::from(maximum) + 1),
                    at(json!(i128::from(maximum) + 1)),
                    violation(row, &pointer, "maximum"),
                ),
                Test::invalid(
                    format!("one below the minimum ({})", i128::from(minimum) - 1),
                    at(json!(i128::from(minimum) - 1)),
                    violation(row, &pointer, "minimum"),
                ),
                Test::invalid(
                    "1e300, an integer beyond the maximum",
                    at(json!(1e300)),
                    violation(row, &pointer, "maximum"),
                ),
            ]);
            Group::new(format!("{}: integers", row.pointer), tests)
        })
        .collect()
}

/// Date-time texts and whether RFC 3339, as JSON Schema reads it, accepts them.
const DATE_TIMES: &[(&str, &str, bool)] = &[
    ("2019-10-12T07:20:50.52Z", "the documented form", true),
    ("2019-10-12t07:20:50z", "lowercase t and z", true),
    ("2019-10-12T09:20:50.520+02:00", "a positive offset", true),
    ("2019-10-12T01:50:50-05:30", "a negative offset with minutes", true),
    ("2019-10-12T07:20:50.123456789012Z", "twelve fraction digits", true),
    ("2016-12-31T23:59:60Z", "a leap second at 23:59:60 UTC", true),
    ("2016-12-31T15:59:60-08:00", "a leap second at 23:59:60 UTC, written in another offset", true),
    ("2024-02-29T00:00:00Z", "29 February of a leap year", true),
    ("", "the empty string", false),
    ("2019-10-12", "a date without a time", false),
    ("2019-10-12T07:20:50", "no offset", false),
    ("2019-10-12 07:20:50Z", "a space instead of T", false),
    ("2019-10-12T07:20:50.Z", "a fraction point without digits", false),
    ("2019-10-12T07:20:50+0200", "an offset without a colon", false),
    ("2019-10-12T07:20:50+24:00", "an offset of 24 hours", false),
    ("2019-13-12T07:20:50Z", "month 13", false),
    ("2023-02-29T00:00:00Z", "29 February of a common year", false),
    ("2019-04-31T00:00:00Z", "31 April", false),
    ("2019-10-12T24:00:00Z", "hour 24", false),
    ("2016-12-31T22:59:60Z", "a leap second at another time", false),
    ("1554910997788", "milliseconds since the epoch as a string", false),
];

fn date_times(example: &Value, rows: &[ConstraintRow]) -> Vec<Group> {
    rows.iter()
        .filter(|row| row.format == Some("date-time"))
        .enumerate()
        .map(|(index, row)| {
            let pointer = concrete(example, &row.pointer);
            // Every edge case on the first date-time field; a valid and an invalid one on the others.
            let cases: Vec<&(&str, &str, bool)> =
                if index == 0 { DATE_TIMES.iter().collect() } else { vec![&DATE_TIMES[0], &DATE_TIMES[16]] };
            let tests = cases
                .into_iter()
                .map(|&(text, description, valid)| {
                    let data = with(example, &row.pointer, json!(text));
                    let description = format!("{description}: {text:?}");
                    if valid {
                        Test::valid(description, data)
                    } else {
                        Test::invalid(description, data, violation(row, &pointer, "format"))
                    }
                })
                .collect();
            Group::new(format!("{}: RFC 3339 date-time", row.pointer), tests)
        })
        .collect()
}

/// Every object in the documented example that the schema describes, by pointer.
/// With each, the violation an undocumented field in it becomes when it is a union or inside one
/// (one of the union's combinator).
/// And whether it is closed (`additionalProperties: false`: an undocumented field is a violation
/// in every mode).
fn object_pointers(
    example: &Value,
    rows: &[ConstraintRow],
    root_closed: bool,
) -> Vec<(String, Option<Vec<Expected>>, bool)> {
    std::iter::once((String::new(), None, root_closed))
        .chain(
            rows.iter()
                .filter(|row| row.json_type == "object")
                // A map's keys are data, not fields: the strict schema leaves it open.
                .filter(|row| {
                    let prefix = format!("{}/", row.pointer);
                    !rows.iter().any(|entry| {
                        entry.place == Place::Entry
                            && entry.pointer.strip_prefix(&prefix).is_some_and(|key| !key.contains('/'))
                    })
                })
                .map(|row| {
                    let pointer = concrete(example, &row.pointer);
                    let collapse =
                        row.collapse.as_ref().map(|_| violation(row, &pointer, "additionalProperties"));
                    (pointer, collapse, row.closed)
                }),
        )
        .collect()
}

fn unknown_fields(example: &Value, rows: &[ConstraintRow], root_closed: bool) -> Vec<Group> {
    let cases: Vec<(String, Option<Vec<Expected>>, bool, Value)> =
        object_pointers(example, rows, root_closed)
            .into_iter()
            .map(|(object, combinator, closed)| {
                let mut payload = example.clone();
                if let Some(Value::Object(members)) = payload.pointer_mut(&object) {
                    members.insert("undocumentedField".to_owned(), json!({"result": true}));
                }
                (object, combinator, closed, payload)
            })
            .collect();
    let rejected = |object: &str, combinator: &Option<Vec<Expected>>| match combinator {
        Some(collapsed) => collapsed.clone(),
        None => vec![expected(&format!("{object}/undocumentedField"), "additionalProperties")],
    };
    let describe =
        |object: &str| if object.is_empty() { "the payload".to_owned() } else { object.to_owned() };
    // In a union, the field breaks every alternative: one violation of the union. A closed
    // object rejects it in every mode.
    vec![
        Group::new(
            "unknown fields are allowed at every level, but in a closed object",
            cases
                .iter()
                .map(|(object, combinator, closed, payload)| {
                    let description = format!("an undocumented field in {}", describe(object));
                    let errors = if *closed { rejected(object, combinator) } else { Vec::new() };
                    Test::judged(description, payload.clone(), errors)
                })
                .collect(),
        ),
        Group::strict(
            "the strict schema rejects unknown fields at every level",
            cases
                .iter()
                .map(|(object, combinator, _, payload)| {
                    let description = format!("an undocumented field in {}", describe(object));
                    Test::invalid(description, payload.clone(), rejected(object, combinator))
                })
                .collect(),
        ),
    ]
}

fn text_test(description: &str, text: String, errors: Vec<Expected>, requirement: &'static str) -> Test {
    Test {
        description: description.to_owned(),
        input: Input::Text(text),
        errors,
        requires: vec![requirement],
    }
}

/// A value of any type whose canonical JSON text has a limit (the vendor keyword), as the
/// constraint table gives it: where it is, what it is called, and the limit.
struct JsonTextLimit<'r> {
    pointer: &'r str,
    name: &'r str,
    limit: usize,
}

impl JsonTextLimit<'_> {
    /// The example with `value` at the limited place.
    fn with(&self, example: &Value, value: Value) -> Value {
        with(example, self.pointer, value)
    }

    fn exceeded(&self) -> Vec<Expected> {
        vec![expected(self.pointer, requires::TAG_LIMIT)]
    }

    /// A test given as text, so that the spelling of the value reaches the validator as
    /// written: the example with `text` at the limited place.
    fn text_test(&self, example: &Value, description: String, text: &str, valid: bool) -> Test {
        const PLACEHOLDER: &str = "\"the value's text goes here\"";
        let payload = self.with(example, json!(PLACEHOLDER.trim_matches('"')));
        let payload_text = serde_json::to_string(&payload).unwrap_or_default().replacen(PLACEHOLDER, text, 1);
        Test {
            description,
            input: Input::Text(payload_text),
            errors: if valid { Vec::new() } else { self.exceeded() },
            requires: vec![requires::TAG_LIMIT],
        }
    }

    /// A string test: valid when its canonical length is within the limit.
    fn string_test(&self, example: &Value, description: String, text: &str, length: usize) -> Test {
        let value = self.with(example, json!(text));
        if length <= self.limit {
            Test::valid(description, value).requiring(requires::TAG_LIMIT)
        } else {
            Test::invalid(description, value, self.exceeded()).requiring(requires::TAG_LIMIT)
        }
    }
}

/// The places of the constraint table with a limit on their canonical JSON text.
fn json_text_limits(rows: &[ConstraintRow]) -> Vec<JsonTextLimit<'_>> {
    rows.iter()
        .filter(|row| row.json_type == "any" && !row.pointer.contains('*'))
        .filter_map(|row| {
            let limit = usize::try_from(row.max_length?).ok().filter(|limit| *limit >= 16)?;
            let name = row.pointer.rsplit('/').next().unwrap_or_default();
            Some(JsonTextLimit { pointer: &row.pointer, name, limit })
        })
        .collect()
}

/// The limit on a value's canonical JSON text (RFC 8785, in code points), just under and just
/// over it, in every kind of character and number spelling.
fn json_text_limit_rules(example: &Value, place: &JsonTextLimit<'_>) -> Vec<Group> {
    let (name, limit) = (place.name, place.limit);
    // A string of n characters, each written as `width` characters: n * width + 2 with the
    // quotes. `fill` ASCII characters make up the rest.
    let (newlines, newline_fill) = ((limit - 2) / 2, (limit - 2) % 2);
    let (controls, control_fill) = ((limit - 2) / 6, (limit - 2) % 6);
    let padded =
        |repeated: &str, count: usize, fill: usize| format!("{}{}", repeated.repeat(count), "t".repeat(fill));
    let strings = vec![
        place.string_test(
            example,
            format!("a string of {} ASCII characters ({limit} with its quotes)", limit - 2),
            &"t".repeat(limit - 2),
            limit,
        ),
        place.string_test(
            example,
            format!("a string of {} ASCII characters ({} with its quotes)", limit - 1, limit + 1),
            &"t".repeat(limit - 1),
            limit + 1,
        ),
        place.string_test(example, format!("a string of {} 4-byte characters", limit - 2), &"🦀".repeat(limit - 2), limit),
        place.string_test(example, format!("a string of {} 4-byte characters", limit - 1), &"🦀".repeat(limit - 1), limit + 1),
        // `{"k":"…"}`: 8 characters besides the string's own.
        Test::invalid(
            format!("an object whose canonical text is {} characters", limit + 1),
            place.with(example, json!({"k": "t".repeat(limit + 1 - 8)})),
            place.exceeded(),
        )
        .requiring(requires::TAG_LIMIT),
        place.string_test(
            example,
            format!("{newlines} newlines, each written as two characters ({limit} with the quotes)"),
            &padded("\n", newlines, newline_fill),
            limit,
        ),
        place.string_test(
            example,
            format!("{newlines} newlines and one more character ({})", limit + 1),
            &padded("\n", newlines, newline_fill + 1),
            limit + 1,
        ),
        place.string_test(
            example,
            format!("{controls} control characters, each written as six (\\u0001), and {control_fill} more ({limit})"),
            &padded("\u{1}", controls, control_fill),
            limit,
        ),
        place.string_test(
            example,
            format!("{controls} control characters, each written as six, and {} more ({})", control_fill + 1, limit + 1),
            &padded("\u{1}", controls, control_fill + 1),
            limit + 1,
        ),
    ];
    // `[` + a string of n characters (n + 2) + `,` + the number + `]`: n + 5 + its canonical
    // length. Each spelling, with what ECMAScript writes, at the limit or one over it.
    let numbers = [
        ("1.0E2", "100", "1.0E2 is written 100", true),
        ("-0.0", "0", "-0.0 is written 0", true),
        ("-0.0", "0", "-0.0 is written 0", false),
        (
            "123456789012345678901234567890",
            "1.2345678901234568e+29",
            "a 30-digit integer is written as its nearest double, 1.2345678901234568e+29",
            true,
        ),
        (
            "123456789012345678901234567890",
            "1.2345678901234568e+29",
            "a 30-digit integer is written as its nearest double, 1.2345678901234568e+29",
            false,
        ),
        ("18446744073709551616", "18446744073709552000", "2^64 is written 18446744073709552000", true),
        ("1e21", "1e+21", "1e21 is written 1e+21", false),
    ];
    let mut spellings = vec![
        place.text_test(
            example,
            format!("{} characters escaped as \\u0041 count as written canonically: {limit}", limit - 2),
            &format!("\"{}\"", "\\u0041".repeat(limit - 2)),
            true,
        ),
        place.text_test(
            example,
            format!("{} 4-byte characters escaped as surrogate pairs: {limit}", limit - 2),
            &format!("\"{}\"", "\\ud83e\\udd80".repeat(limit - 2)),
            true,
        ),
    ];
    spellings.extend(numbers.into_iter().map(|(spelled, written, description, at_limit)| {
        let length = if at_limit { limit } else { limit + 1 };
        let text = format!("[\"{}\",{spelled}]", "t".repeat(length - 5 - written.len()));
        place.text_test(example, format!("{description}: {length}"), &text, at_limit)
    }));
    // `[ "…" ,\n 1 ]` is `["…",1]` canonically: n + 6.
    spellings.push(place.text_test(
        example,
        format!("whitespace does not count: {limit}"),
        &format!("[ \"{}\" ,\n 1 ]", "t".repeat(limit - 6)),
        true,
    ));
    vec![
        Group::new(format!("{name}: at most {limit} characters of canonical JSON text (RFC 8785)"), strings),
        Group::new(format!("{name}: the limit does not depend on how the sender spelled a value"), spellings),
    ]
}

/// An object's text with its first member written twice, and the pointer of the repeat: the
/// object's own pointer plus the first key. `None` for an object without members.
fn with_first_member_repeated(
    object: &Map<String, Value>,
    pointer: &str,
) -> Option<(String, String, String)> {
    let (key, value) = object.iter().next()?;
    let text = serde_json::to_string(object).ok()?;
    let member = format!("{}:{}", serde_json::to_string(key).ok()?, serde_json::to_string(value).ok()?);
    let repeated = text.replacen('{', &format!("{{{member},"), 1);
    let key_pointer = pointer_join(pointer, key);
    Some((text, repeated, key_pointer))
}

/// The first object nested in `value` (in document order) that has members, with its pointer.
fn first_nested_object<'v>(value: &'v Value, pointer: &str) -> Option<(&'v Map<String, Value>, String)> {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(members) => {
            members.iter().map(|(key, member)| (pointer_join(pointer, key), member)).collect()
        }
        Value::Array(items) => {
            items.iter().enumerate().map(|(index, item)| (format!("{pointer}/{index}"), item)).collect()
        }
        _ => return None,
    };
    children.into_iter().find_map(|(child_pointer, child)| match child {
        Value::Object(members) if !members.is_empty() => Some((members, child_pointer)),
        other => first_nested_object(other, &child_pointer),
    })
}

/// A repeated key at the top level and in the first nested object of the example, whichever
/// keys those are: the example's first member written twice.
fn duplicate_key_rules(example: &Value) -> Vec<Test> {
    let compact = serde_json::to_string(example).unwrap_or_default();
    let mut tests = Vec::new();
    if let Some((_, repeated, pointer)) =
        example.as_object().and_then(|root| with_first_member_repeated(root, ""))
    {
        tests.push(text_test(
            "a repeated top-level key",
            repeated,
            vec![expected(&pointer, requires::DUPLICATE_KEYS)],
            requires::DUPLICATE_KEYS,
        ));
    }
    // The nested object's text stands in the example's text as serde_json writes both; its
    // first occurrence is the object itself, as any earlier one would be an earlier object.
    if let Some((object, object_pointer)) = first_nested_object(example, "")
        && let Some((text, repeated, pointer)) = with_first_member_repeated(object, &object_pointer)
    {
        tests.push(text_test(
            "a repeated key inside a nested object",
            compact.replacen(&text, &repeated, 1),
            vec![expected(&pointer, requires::DUPLICATE_KEYS)],
            requires::DUPLICATE_KEYS,
        ));
    }
    tests
}

fn project_rules(example: &Value, rows: &[ConstraintRow]) -> Vec<Group> {
    let compact = serde_json::to_string(example).unwrap_or_default();
    let mut groups: Vec<Group> =
        json_text_limits(rows).iter().flat_map(|place| json_text_limit_rules(example, place)).collect();
    groups.extend([
        Group::new("duplicate keys are an error", duplicate_key_rules(example)),
        Group::new(
            "the payload must be one JSON object",
            vec![
                text_test(
                    "empty input",
                    String::new(),
                    vec![expected("", requires::JSON_TEXT)],
                    requires::JSON_TEXT,
                ),
                text_test(
                    "truncated JSON",
                    truncated(&compact),
                    vec![expected("", requires::JSON_TEXT)],
                    requires::JSON_TEXT,
                ),
                text_test(
                    "trailing text",
                    format!("{compact} x"),
                    vec![expected("", requires::JSON_TEXT)],
                    requires::JSON_TEXT,
                ),
                text_test(
                    "NaN",
                    compact.replacen('{', "{\"anyKey\":NaN,", 1),
                    vec![expected("", requires::JSON_TEXT)],
                    requires::JSON_TEXT,
                ),
                Test::invalid("a top-level array", json!([example]), vec![expected("", "type")]),
                Test::invalid("a top-level string", json!("payload"), vec![expected("", "type")]),
                Test::invalid("a top-level null", Value::Null, vec![expected("", "type")]),
            ],
        ),
    ]);
    groups
}

/// The rows with each map's `*` replaced by the key of an entry the example has: its first key
/// that is not a documented property of the same object (those have rows of their own).
fn with_entries_chosen(example: &Value, rows: &[ConstraintRow]) -> Vec<ConstraintRow> {
    let mut rows = rows.to_vec();
    for index in 0..rows.len() {
        if rows[index].place != Place::Entry {
            continue;
        }
        let Some(parent) = rows[index].pointer.strip_suffix("/*").map(str::to_owned) else { continue };
        let declared: Vec<String> = rows
            .iter()
            .filter(|row| row.place == Place::Property)
            .filter_map(|row| row.pointer.strip_prefix(&format!("{parent}/")).map(str::to_owned))
            .filter(|rest| !rest.contains('/'))
            .collect();
        let Some(Value::Object(members)) = example.pointer(&concrete(example, &parent)) else { continue };
        let escaped = |key: &str| key.replace('~', "~0").replace('/', "~1");
        let Some(key) = members.keys().map(|key| escaped(key)).find(|key| !declared.contains(key)) else {
            continue;
        };
        let generic = format!("{parent}/*");
        let chosen = format!("{parent}/{key}");
        for row in &mut rows[index..] {
            if row.pointer == generic {
                row.pointer.clone_from(&chosen);
            } else if let Some(rest) = row.pointer.strip_prefix(&format!("{generic}/")) {
                row.pointer = format!("{chosen}/{rest}");
            }
        }
    }
    rows
}

/// The first half of a text, cut at a character boundary (an example may hold any character).
fn truncated(text: &str) -> String {
    let mut cut = text.len() / 2;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    text[..cut].to_owned()
}

/// Puts `value` at `pointer`, adding the member when its object lacks it; `false` when there is
/// no object or array slot there.
fn put(payload: &mut Value, pointer: &str, value: Value) -> bool {
    if let Some(slot) = payload.pointer_mut(pointer) {
        *slot = value;
        return true;
    }
    let Some((parent, key)) = pointer.rsplit_once('/') else { return false };
    match payload.pointer_mut(parent) {
        Some(Value::Object(members)) => {
            members.insert(key.replace("~1", "/").replace("~0", "~"), value);
            true
        }
        _ => false,
    }
}

/// One hand-written case of what real deliveries do, as a test: the example changed by `set`
/// and `remove`, or `data` as it is; valid unless it lists `errors`.
fn real_world_case(example: &Value, case: &Value) -> Result<Test, String> {
    let description =
        case.get("description").and_then(Value::as_str).ok_or("a case needs a `description` string")?;
    let at = |problem: String| format!("case {description:?}: {problem}");
    let data = match case.get("data") {
        Some(data) => data.clone(),
        None => {
            let mut payload = example.clone();
            for (pointer, value) in case.get("set").and_then(Value::as_object).into_iter().flatten() {
                if !put(&mut payload, pointer, value.clone()) {
                    return Err(at(format!("`set` {pointer:?}: the example has no object there")));
                }
            }
            for pointer in case.get("remove").and_then(Value::as_array).into_iter().flatten() {
                let pointer =
                    pointer.as_str().ok_or_else(|| at("`remove` lists JSON pointers".to_owned()))?;
                if payload.pointer(pointer).is_none() {
                    return Err(at(format!("`remove` {pointer:?}: the example has no such field")));
                }
                remove(&mut payload, pointer);
            }
            payload
        }
    };
    let mut errors = Vec::new();
    for error in case.get("errors").and_then(Value::as_array).into_iter().flatten() {
        let (Some(pointer), Some(keyword)) =
            (error.get("pointer").and_then(Value::as_str), error.get("keyword").and_then(Value::as_str))
        else {
            return Err(at("each of `errors` has a `pointer` and a `keyword`".to_owned()));
        };
        errors.push(Expected { pointer: pointer.to_owned(), keyword: Cow::Owned(keyword.to_owned()) });
    }
    Ok(Test { description: description.to_owned(), input: Input::Data(data), errors, requires: Vec::new() })
}

/// The group of what real deliveries do, from the contract's hand-written cases (its
/// `real-world-cases.json`).
fn real_world(example: &Value, cases: &Value) -> Result<Vec<Group>, String> {
    let cases = cases.get("cases").and_then(Value::as_array).ok_or("the file needs a `cases` array")?;
    let tests = cases.iter().map(|case| real_world_case(example, case)).collect::<Result<_, _>>()?;
    Ok(vec![Group::new("what real deliveries do", tests)])
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::suite;
    use crate::model::Model;

    const SCHEMA: &str = r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
        "properties": {"headers": {"type": "object", "properties": {"host": {"type": "string"}},
        "additionalProperties": {"type": "string", "maxLength": 8}}}}"#;

    fn suite_of(example: &Value) -> Result<Vec<(String, String)>, String> {
        suite("c", example, &Model::read(SCHEMA, "Payload").unwrap(), &Value::Null)
    }

    #[test]
    fn a_map_entry_is_one_the_example_has_beside_the_documented_properties() {
        let files = suite_of(&json!({"headers": {"host": "h", "accept": "json"}})).unwrap();
        let max_length = &files.iter().find(|(name, _)| name == "max-length.json").unwrap().1;
        assert!(max_length.contains("\"/headers/accept: maxLength 8\""), "{max_length}");
        assert!(!max_length.contains("/headers/host"), "{max_length}");
    }

    #[test]
    fn a_map_whose_example_has_only_documented_properties_is_missing_an_entry() {
        let error = suite_of(&json!({"headers": {"host": "h"}})).unwrap_err();
        assert!(
            error.starts_with("example.json lacks 1 value(s) that the fixture rules change: /headers/*."),
            "{error}"
        );
    }
}
