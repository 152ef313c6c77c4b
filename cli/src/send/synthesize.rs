//! Synthetic payloads of a contract, made from its canonical schema (not from a template), so
//! that they follow the contract as it changes: a fresh delivery id, the current time, and
//! values drawn within every documented type, list, length, count, bound and format. Each
//! [`Shape`] is one of the edges a receiver must accept; every payload made is checked against
//! its contract before it is handed out.

use std::fmt;

use fingerprint_webhook::{Contract, Options};
use serde_json::{Map, Number, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The vendor keyword that marks an integer as a moment in Unix time (its one unit is
/// `milliseconds`; `cargo xtask generate` checks it): such a field gets the current time.
const UNIX_TIME_KEYWORD: &str = "x-fingerprint-unix-time";
/// The vendor keyword that bounds the length of a value's canonical JSON text.
const MAX_JSON_TEXT_LENGTH: &str = "x-fingerprint-maxJsonTextLength";
/// The largest integer a double holds exactly: integers are drawn within it.
const EXACT: f64 = 9_007_199_254_740_991.0;
/// How deep references may nest before the schema is taken to be cyclic.
const MAX_DEPTH: usize = 64;
/// The name of the field the [`Shape::Undocumented`] payloads add to every open object.
const UNDOCUMENTED_FIELD: &str = "fpwebhookUndocumentedField";
/// The 4-byte characters that strings at their limit are made of.
const FOUR_BYTE_CHARACTERS: [char; 4] = ['😀', '𝄞', '🦀', '𐍈'];
/// Characters of ordinary strings and of delivery ids.
const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Which edge of the contract a synthetic payload stands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Every documented field, with ordinary values.
    Typical,
    /// The required fields only: every optional field absent.
    Minimal,
    /// Every field that may be `null` is `null`; the others as [`Shape::Typical`].
    Nulls,
    /// Every field present and every string with a `maxLength` at it, in 4-byte characters.
    AtLimits,
    /// As [`Shape::Typical`], with an undocumented field in every object that allows one.
    Undocumented,
}

impl fmt::Display for Shape {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            Shape::Typical => "every documented field",
            Shape::Minimal => "every optional field absent",
            Shape::Nulls => "every nullable field null",
            Shape::AtLimits => "every string at its limit in 4-byte characters",
            Shape::Undocumented => "undocumented fields in every object",
        })
    }
}

/// A contract's schema, read once, from which payloads are made.
pub(crate) struct Synthesizer {
    contract: &'static Contract,
    schema: Value,
}

/// What a synthetic payload is made with.
struct Making<'s, 'g> {
    root: &'s Value,
    shape: Shape,
    rng: &'g mut fastrand::Rng,
    now: OffsetDateTime,
    /// Whether a field was set to `null` (for [`Shape::Nulls`]: whether the contract has any).
    nulled: bool,
}

impl Synthesizer {
    /// Reads `contract`'s canonical schema.
    pub(crate) fn new(contract: &'static Contract) -> Result<Self, String> {
        let schema = serde_json::from_str(contract.schema())
            .map_err(|error| format!("the schema of {} is not JSON: {error}", contract.name()))?;
        Ok(Synthesizer { contract, schema })
    }

    /// The contract it makes payloads of.
    pub(crate) fn contract(&self) -> &'static Contract {
        self.contract
    }

    /// A payload of `shape`, made with `rng` at `now`, and whether any field in it is `null`.
    ///
    /// # Errors
    ///
    /// When the schema uses something this cannot satisfy, or the payload made fails its
    /// contract (which would be a bug here): the reason, never an invalid payload.
    pub(crate) fn payload(
        &self,
        shape: Shape,
        rng: &mut fastrand::Rng,
        now: OffsetDateTime,
    ) -> Result<(Vec<u8>, bool), String> {
        let mut making = Making { root: &self.schema, shape, rng, now, nulled: false };
        let mut value = making.value(&self.schema, 0)?;
        if let (Some(key), Value::Object(members)) = (self.contract.idempotency_key(), &mut value) {
            let limit = self.schema["properties"][key].get("maxLength").and_then(Value::as_u64);
            members.insert(key.to_owned(), Value::String(fresh_id(making.rng, now, limit)));
        }
        let nulled = making.nulled;
        let bytes = serde_json::to_vec(&value).map_err(|error| error.to_string())?;
        if let Err(violations) = self.contract.validate(&bytes, Options::DEFAULT) {
            return Err(format!(
                "a synthetic {} payload ({shape}) fails its own contract, which is a bug of fpwebhook: {violations}",
                self.contract.name()
            ));
        }
        Ok((bytes, nulled))
    }
}

/// A delivery id as Fingerprint writes one: the time in Unix milliseconds, a dot and six random
/// letters or digits (`1708102555327.NLOjmg`), cut to `limit` characters if the contract has one.
fn fresh_id(rng: &mut fastrand::Rng, now: OffsetDateTime, limit: Option<u64>) -> String {
    let mut id = format!("{}.", unix_milliseconds(now));
    id.extend((0..6).map(|_| char::from(ALPHANUMERIC[rng.usize(..ALPHANUMERIC.len())])));
    if let Some(limit) = limit.and_then(|limit| usize::try_from(limit).ok()) {
        id.truncate(limit);
    }
    id
}

fn unix_milliseconds(now: OffsetDateTime) -> i64 {
    i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

impl<'s> Making<'s, '_> {
    /// The schema `schema` refers to, when it is a `$ref` within the document.
    fn resolve(&self, schema: &'s Value) -> Result<&'s Value, String> {
        let Some(reference) = schema.get("$ref").and_then(Value::as_str) else { return Ok(schema) };
        let pointer =
            reference.strip_prefix('#').ok_or_else(|| format!("`$ref` {reference} leaves the document"))?;
        self.root.pointer(pointer).ok_or_else(|| format!("`$ref` {reference} names nothing"))
    }

    fn value(&mut self, schema: &'s Value, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err("the schema's references nest too deep (a cycle?)".to_owned());
        }
        let schema = self.resolve(schema)?;
        if let Some(constant) = schema.get("const") {
            return Ok(constant.clone());
        }
        let nullable = admits_null(schema);
        if self.shape == Shape::Nulls && nullable {
            self.nulled = true;
            return Ok(Value::Null);
        }
        if let Some(listed) = schema.get("enum").and_then(Value::as_array) {
            let values: Vec<&Value> = listed.iter().filter(|value| !value.is_null()).collect();
            return match values.as_slice() {
                [] => Ok(Value::Null),
                values => Ok(values[self.rng.usize(..values.len())].clone()),
            };
        }
        for keyword in ["oneOf", "anyOf"] {
            if let Some(alternatives) = schema.get(keyword).and_then(Value::as_array) {
                return self.alternative(alternatives, depth);
            }
        }
        match kind(schema) {
            Some("object") => self.object(schema, depth),
            Some("array") => self.array(schema, depth),
            Some("string") => Ok(Value::String(self.string(schema))),
            Some("integer") => Ok(self.integer(schema)),
            Some("number") => Ok(self.number(schema)),
            Some("boolean") => Ok(Value::Bool(self.rng.bool())),
            Some("null") => Ok(Value::Null),
            Some(other) => Err(format!("the type {other:?} is not a JSON Schema type")),
            None => Ok(self.any(schema)),
        }
    }

    /// One of the alternatives of a `oneOf` or `anyOf` (not the `null` one, unless nulls are
    /// wanted).
    fn alternative(&mut self, alternatives: &'s [Value], depth: usize) -> Result<Value, String> {
        let mut candidates = Vec::new();
        for alternative in alternatives {
            let resolved = self.resolve(alternative)?;
            if kind(resolved) != Some("null") {
                candidates.push(alternative);
            }
        }
        if candidates.is_empty() {
            return Ok(Value::Null);
        }
        let chosen = candidates[self.rng.usize(..candidates.len())];
        self.value(chosen, depth + 1)
    }

    fn object(&mut self, schema: &'s Value, depth: usize) -> Result<Value, String> {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut members = Map::new();
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                if self.shape == Shape::Minimal && !required.contains(&name.as_str()) {
                    continue;
                }
                members.insert(name.clone(), self.value(property, depth + 1)?);
            }
        }
        match schema.get("additionalProperties") {
            // A map: a value per entry.
            Some(entries @ Value::Object(_)) => {
                let count = if self.shape == Shape::Minimal { 0 } else { 1 + self.rng.usize(..2) };
                for index in 1..=count {
                    let key = format!("key{index}");
                    if !members.contains_key(&key) {
                        members.insert(key, self.value(entries, depth + 1)?);
                    }
                }
            }
            Some(Value::Bool(false)) => {}
            _ if self.shape == Shape::Undocumented && !members.contains_key(UNDOCUMENTED_FIELD) => {
                members.insert(
                    UNDOCUMENTED_FIELD.to_owned(),
                    Value::String("not in the documentation".to_owned()),
                );
            }
            _ => {}
        }
        Ok(Value::Object(members))
    }

    fn array(&mut self, schema: &'s Value, depth: usize) -> Result<Value, String> {
        let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
        let max = schema.get("maxItems").and_then(Value::as_u64).unwrap_or(u64::MAX);
        let wanted = match self.shape {
            Shape::Minimal => min,
            Shape::AtLimits => min.max(3),
            _ => min.max(1 + self.rng.u64(..2)),
        };
        let count = wanted.min(max).min(min.max(8));
        let items = schema.get("items").unwrap_or(&Value::Null);
        let mut values = Vec::new();
        for _ in 0..count {
            values.push(if items.is_null() { Value::Bool(true) } else { self.value(items, depth + 1)? });
        }
        Ok(Value::Array(values))
    }

    fn string(&mut self, schema: &Value) -> String {
        match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => return self.now.format(&Rfc3339).unwrap_or_default(),
            Some("ipv4") => {
                return std::iter::repeat_with(|| self.rng.u8(..).to_string())
                    .take(4)
                    .collect::<Vec<_>>()
                    .join(".");
            }
            Some("ipv6") => {
                return std::iter::repeat_with(|| format!("{:x}", self.rng.u16(..)))
                    .take(8)
                    .collect::<Vec<_>>()
                    .join(":");
            }
            _ => {}
        }
        let min = schema
            .get("minLength")
            .and_then(Value::as_u64)
            .and_then(|min| usize::try_from(min).ok())
            .unwrap_or(0);
        let max = schema.get("maxLength").and_then(Value::as_u64).and_then(|max| usize::try_from(max).ok());
        if self.shape == Shape::AtLimits
            && let Some(max) = max
        {
            return FOUR_BYTE_CHARACTERS.iter().cycle().take(max).collect();
        }
        let ceiling = max.unwrap_or(usize::MAX).min(min.max(16));
        let floor = min.max(1).min(ceiling);
        let length = self.rng.usize(floor..=ceiling);
        (0..length).map(|_| char::from(ALPHANUMERIC[self.rng.usize(..ALPHANUMERIC.len())])).collect()
    }

    fn integer(&mut self, schema: &Value) -> Value {
        if schema.get(UNIX_TIME_KEYWORD).is_some() {
            return Value::from(unix_milliseconds(self.now));
        }
        let (low, high) = bounds(schema);
        let low =
            low.map_or(0.0, |(bound, exclusive)| if exclusive { bound.floor() + 1.0 } else { bound.ceil() });
        let high =
            high.map_or(
                low.max(0.0) + 1000.0,
                |(bound, exclusive)| {
                    if exclusive { bound.ceil() - 1.0 } else { bound.floor() }
                },
            );
        let (low, high) = (low.clamp(-EXACT, EXACT), high.clamp(-EXACT, EXACT));
        let value = match self.shape {
            _ if high <= low => low,
            Shape::AtLimits => high,
            _ => low + (self.rng.f64() * (high - low).min(1000.0)).floor(),
        };
        #[allow(clippy::cast_possible_truncation, reason = "a whole number within ±(2^53 - 1)")]
        Value::from(value as i64)
    }

    fn number(&mut self, schema: &Value) -> Value {
        let (low, high) = bounds(schema);
        let (low_value, low_open) = low.unwrap_or((0.0, false));
        let (high_value, high_open) = high.unwrap_or((low_value.max(0.0) + 100.0, false));
        let mut value = match self.shape {
            Shape::AtLimits if !high_open => high_value,
            _ => ((low_value + self.rng.f64() * (high_value - low_value)) * 1000.0).round() / 1000.0,
        };
        // Within open bounds: halfway, as a last resort.
        if (low_open && value <= low_value)
            || (high_open && value >= high_value)
            || value < low_value
            || value > high_value
        {
            value = low_value + (high_value - low_value) / 2.0;
        }
        Number::from_f64(value).map_or(Value::from(0), Value::Number)
    }

    /// A value of any type: a small object, or a string as long as a limit on its canonical
    /// JSON text lets it be.
    fn any(&mut self, schema: &Value) -> Value {
        let limit = schema
            .get(MAX_JSON_TEXT_LENGTH)
            .and_then(Value::as_u64)
            .and_then(|limit| usize::try_from(limit).ok());
        match (self.shape, limit) {
            // Two quotation marks and the characters between them.
            (Shape::AtLimits, Some(limit)) if limit >= 2 => {
                Value::String(FOUR_BYTE_CHARACTERS.iter().cycle().take(limit - 2).collect())
            }
            _ => serde_json::json!({ "synthetic": true, "sequence": self.rng.u32(..1000) }),
        }
    }
}

/// The `type` of a schema (its non-null one, when it may be `null`).
fn kind(schema: &Value) -> Option<&str> {
    match schema.get("type")? {
        Value::String(kind) => Some(kind),
        Value::Array(kinds) => {
            kinds.iter().filter_map(Value::as_str).find(|kind| *kind != "null").or(Some("null"))
        }
        _ => None,
    }
}

/// Whether a schema's `type` or `enum` lets a value be `null`, or a `oneOf`/`anyOf` branch is
/// `null`.
fn admits_null(schema: &Value) -> bool {
    let typed = match schema.get("type") {
        Some(Value::Array(kinds)) => kinds.iter().any(|kind| kind == "null"),
        _ => false,
    };
    let listed =
        schema.get("enum").and_then(Value::as_array).is_some_and(|values| values.iter().any(Value::is_null));
    let alternative = ["oneOf", "anyOf"].iter().any(|keyword| {
        schema.get(*keyword).and_then(Value::as_array).is_some_and(|alternatives| {
            alternatives.iter().any(|alternative| alternative.get("type") == Some(&Value::from("null")))
        })
    });
    typed || listed || alternative
}

/// The lower and upper bounds of a number, each with whether it is exclusive.
#[allow(clippy::type_complexity)]
fn bounds(schema: &Value) -> (Option<(f64, bool)>, Option<(f64, bool)>) {
    let read = |keyword: &str| schema.get(keyword).and_then(Value::as_f64);
    let low = match (read("minimum"), read("exclusiveMinimum")) {
        (Some(inclusive), Some(exclusive)) if exclusive >= inclusive => Some((exclusive, true)),
        (Some(inclusive), _) => Some((inclusive, false)),
        (None, Some(exclusive)) => Some((exclusive, true)),
        (None, None) => None,
    };
    let high = match (read("maximum"), read("exclusiveMaximum")) {
        (Some(inclusive), Some(exclusive)) if exclusive <= inclusive => Some((exclusive, true)),
        (Some(inclusive), _) => Some((inclusive, false)),
        (None, Some(exclusive)) => Some((exclusive, true)),
        (None, None) => None,
    };
    (low, high)
}

#[cfg(test)]
mod tests {
    use fingerprint_webhook::{CONTRACTS, Options};
    use serde_json::Value;
    use time::OffsetDateTime;

    use super::{Shape, Synthesizer};

    const SHAPES: [Shape; 5] =
        [Shape::Typical, Shape::Minimal, Shape::Nulls, Shape::AtLimits, Shape::Undocumented];

    /// Every string in a value, with its JSON pointer.
    fn strings(value: &Value, pointer: &str, found: &mut Vec<(String, String)>) {
        match value {
            Value::String(text) => found.push((pointer.to_owned(), text.clone())),
            Value::Array(items) => {
                items
                    .iter()
                    .enumerate()
                    .for_each(|(index, item)| strings(item, &format!("{pointer}/{index}"), found));
            }
            Value::Object(members) => {
                members.iter().for_each(|(key, member)| strings(member, &format!("{pointer}/{key}"), found));
            }
            _ => {}
        }
    }

    #[test]
    fn every_shape_of_every_contract_is_valid_under_it_whatever_the_seed() {
        for contract in CONTRACTS {
            let synthesizer = Synthesizer::new(contract).unwrap();
            for shape in SHAPES {
                for seed in 0..40 {
                    let mut rng = fastrand::Rng::with_seed(seed);
                    // `payload` validates what it makes: an error here is a payload its
                    // contract refuses.
                    let (bytes, _) = synthesizer.payload(shape, &mut rng, OffsetDateTime::now_utc()).unwrap();
                    assert!(contract.validate(&bytes, Options::DEFAULT).is_ok());
                }
            }
        }
    }

    #[test]
    fn each_payload_has_a_fresh_id_and_the_current_time() {
        for contract in CONTRACTS {
            let synthesizer = Synthesizer::new(contract).unwrap();
            let mut rng = fastrand::Rng::with_seed(7);
            let now = OffsetDateTime::from_unix_timestamp(1_764_452_401).unwrap();
            let (first, _) = synthesizer.payload(Shape::Typical, &mut rng, now).unwrap();
            let (second, _) = synthesizer.payload(Shape::Typical, &mut rng, now).unwrap();
            let (first_id, second_id) =
                (contract.delivery_id(&first).unwrap(), contract.delivery_id(&second).unwrap());
            assert_ne!(first_id, second_id, "{}", contract.name());
            assert!(first_id.starts_with("1764452401000."), "{first_id}");
            // The field the schema marks as Unix time holds `now`, in milliseconds.
            let text = String::from_utf8(first).unwrap();
            assert!(text.contains(":1764452401000"), "{text}");
            // Date-times are `now` too.
            let value: Value = serde_json::from_str(&text).unwrap();
            let mut found = Vec::new();
            strings(&value, "", &mut found);
            let dated = found.iter().filter(|(_, text)| text.starts_with("2025-11-29T21:40:01")).count();
            let schema = contract.schema();
            assert_eq!(dated > 0, schema.contains("\"date-time\""), "{}: {text}", contract.name());
        }
    }

    #[test]
    fn the_shapes_stand_on_their_edges() {
        for contract in CONTRACTS {
            let synthesizer = Synthesizer::new(contract).unwrap();
            let schema: Value = serde_json::from_str(contract.schema()).unwrap();
            let make = |shape| {
                let mut rng = fastrand::Rng::with_seed(3);
                let (bytes, nulled) =
                    synthesizer.payload(shape, &mut rng, OffsetDateTime::now_utc()).unwrap();
                (serde_json::from_slice::<Value>(&bytes).unwrap(), nulled)
            };
            // Minimal: the root's required fields and no more.
            let (minimal, _) = make(Shape::Minimal);
            let mut keys: Vec<&str> = minimal.as_object().unwrap().keys().map(String::as_str).collect();
            let mut required: Vec<&str> =
                schema["required"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
            keys.sort_unstable();
            required.sort_unstable();
            assert_eq!(keys, required, "{}", contract.name());
            // Typical: every documented root field.
            let (typical, nulled) = make(Shape::Typical);
            assert_eq!(typical.as_object().unwrap().len(), schema["properties"].as_object().unwrap().len());
            assert!(!nulled);
            // Nulls: as many nulls as the contract allows (some, for the legacy contract).
            let (nulls, nulled) = make(Shape::Nulls);
            assert_eq!(nulled, nulls.to_string().contains(":null"), "{}", contract.name());
            assert_eq!(nulled, contract.schema().contains("\"null\""), "{}", contract.name());
            // At limits: strings of 4-byte characters, the longest the contract allows.
            let (at_limits, _) = make(Shape::AtLimits);
            let mut found = Vec::new();
            strings(&at_limits, "", &mut found);
            assert!(
                found
                    .iter()
                    .any(|(_, text)| text.chars().count() >= 2 && text.chars().all(|c| c.len_utf8() == 4))
            );
            // Undocumented: refused by the strict contract, accepted by the default one.
            let undocumented = serde_json::to_vec(&make(Shape::Undocumented).0).unwrap();
            assert!(contract.validate(&undocumented, Options::STRICT).is_err(), "{}", contract.name());
        }
    }
}
