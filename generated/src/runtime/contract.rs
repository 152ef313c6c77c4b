//! The contracts the crate knows, as data: each one's name, published texts and validator, and
//! how a payload's shape names the contract it is written in.
//!
//! The list itself ([`CONTRACTS`](crate::CONTRACTS)) is machine-written, one entry per folder of
//! `schema/`; this module is the hand-written part that does not depend on which contracts exist.

use std::fmt;

use super::validate::Options;
use super::validate::context::vocabulary::skip;
use super::validate::reader::{Next, Reader};
use super::validate::violation::Violations;

/// One contract: a webhook format with its canonical schema, its strict variant, its example,
/// its conformance suite and its generated validator.
///
/// Every contract also has a module of the crate (named after it, `-` as `_`) with its typed
/// payload and its `validate` and `parse`.
#[non_exhaustive]
pub struct Contract {
    pub(crate) name: &'static str,
    pub(crate) root_type: &'static str,
    pub(crate) title: &'static str,
    pub(crate) schema: &'static str,
    pub(crate) strict_schema: &'static str,
    pub(crate) example: &'static str,
    pub(crate) fixtures: &'static [(&'static str, &'static str)],
    pub(crate) detection_keys: &'static [&'static str],
    pub(crate) idempotency_key: Option<&'static str>,
    pub(crate) validate: fn(&[u8], Options) -> Result<(), Violations>,
}

impl Contract {
    /// Its name (`identification-webhook`, `event`): what the `fpwebhook` tool's `--contract`
    /// takes, and the folder of its files among the published schemas.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The name of its root type in its module.
    pub const fn root_type(&self) -> &'static str {
        self.root_type
    }

    /// The `title` of its canonical schema.
    pub const fn title(&self) -> &'static str {
        self.title
    }

    /// The canonical JSON Schema (draft 2020-12), as published.
    pub const fn schema(&self) -> &'static str {
        self.schema
    }

    /// The strict variant of the schema, which rejects undocumented fields at every level.
    pub const fn strict_schema(&self) -> &'static str {
        self.strict_schema
    }

    /// A valid example payload.
    pub const fn example(&self) -> &'static str {
        self.example
    }

    /// The conformance suite, as `(file name, JSON text)`, in file name order. Each group names
    /// its schema by its path among the published schemas (`<name>/schema.json` or
    /// `<name>/strict.schema.json`), as `fpwebhook fixtures --out DIR` lays them out.
    pub const fn fixtures(&self) -> &'static [(&'static str, &'static str)] {
        self.fixtures
    }

    /// The root fields that name this contract when a payload is detected: required fields of
    /// its root that no other contract declares.
    pub const fn detection_keys(&self) -> &'static [&'static str] {
        self.detection_keys
    }

    /// Validates the raw bytes of a payload against this contract: the same as its module's
    /// `validate`.
    ///
    /// # Errors
    ///
    /// Every violation, in document order.
    pub fn validate(&self, bytes: &[u8], options: Options) -> Result<(), Violations> {
        (self.validate)(bytes, options)
    }

    /// Its validator, as a function pointer: the same as its module's `validate`.
    pub const fn validator(&self) -> fn(&[u8], Options) -> Result<(), Violations> {
        self.validate
    }

    /// The contract named `name`, if the crate has it.
    pub fn named(name: &str) -> Option<&'static Contract> {
        crate::CONTRACTS.iter().find(|contract| contract.name == name)
    }

    /// The root field that identifies a delivery, if the contract names one: the vendor's retry
    /// of a delivery carries the same value, so a receiver can use it as an idempotency key.
    pub const fn idempotency_key(&self) -> Option<&'static str> {
        self.idempotency_key
    }

    /// The value of the [`idempotency_key`](Contract::idempotency_key) field in a payload's
    /// bytes: a string member of the root object. Reads the root's members up to that one
    /// only, so it also answers for a payload that fails validation further on; `None` when the
    /// contract names no such field, or the payload lacks it or holds something else there.
    pub fn delivery_id(&self, bytes: &[u8]) -> Option<String> {
        let wanted = self.idempotency_key?;
        let mut found = None;
        root_members(bytes, |key, reader| {
            if key != wanted.as_bytes() {
                return false;
            }
            if reader.peek() == Ok(Next::String) && reader.string().is_ok() {
                found = Some(reader.last().decode().into_owned());
            }
            true
        });
        found
    }

    /// The contract whose shape a payload has: the one with the most of its
    /// [`detection_keys`](Contract::detection_keys) among the root's keys; when none has more
    /// than another (a payload that is not an object, or names none), the first in
    /// [`CONTRACTS`](crate::CONTRACTS), which is in name order. Reads the root's keys only, and
    /// never fails: a payload that is not valid JSON is judged (and rejected) under whichever
    /// contract its keys so far name.
    pub fn detect(bytes: &[u8]) -> &'static Contract {
        &crate::CONTRACTS[detect_index(bytes)]
    }
}

/// The index in [`CONTRACTS`](crate::CONTRACTS) of the contract [`Contract::detect`] finds.
pub(crate) fn detect_index(bytes: &[u8]) -> usize {
    let contracts = crate::CONTRACTS;
    let mut counts = [0_usize; crate::generated::contracts::COUNT];
    root_keys(bytes, |key| {
        for (count, contract) in counts.iter_mut().zip(contracts) {
            *count += usize::from(contract.detection_keys.iter().any(|name| name.as_bytes() == key));
        }
        // Reading on cannot change the answer once one contract has more of its keys than any
        // other contract has keys at all: stop there (the first keys usually settle it).
        counts.iter().enumerate().any(|(leader, count)| {
            contracts
                .iter()
                .enumerate()
                .all(|(other, contract)| other == leader || *count > contract.detection_keys.len())
        })
    });
    let mut best = 0;
    for (index, count) in counts.iter().enumerate() {
        if *count > counts[best] {
            best = index;
        }
    }
    best
}

impl fmt::Debug for Contract {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Contract")
            .field("name", &self.name)
            .field("root_type", &self.root_type)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Contract {
    fn eq(&self, other: &Contract) -> bool {
        self.name == other.name
    }
}

impl Eq for Contract {}

impl fmt::Display for Contract {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// Calls `visit` with each key of the input's root object, decoded, in order, until `visit` says
/// it has seen enough (`true`), the object ends, or the text stops being well-formed JSON;
/// nothing when the root is not an object. A key is given as bytes, which the scan checked as
/// UTF-8: the names it is compared with are text, so only text can equal them, and taking it
/// as `str` would check each key a second time (on the order of a hundred instructions each).
fn root_keys(bytes: &[u8], mut visit: impl FnMut(&[u8]) -> bool) {
    root_members(bytes, |key, _| visit(key));
}

/// As [`root_keys`], with the reader placed before the member's value: `visit` may read the
/// value (and then says it is done), or leave it to be skipped.
fn root_members(bytes: &[u8], mut visit: impl FnMut(&[u8], &mut Reader<'_>) -> bool) {
    let mut reader = Reader::new(bytes);
    if reader.skip_whitespace().is_none()
        || reader.peek() != Ok(Next::Object)
        || reader.begin_object().is_err()
    {
        return;
    }
    let mut first = true;
    while let Ok(true) = reader.next_key(first) {
        first = false;
        let key = reader.last().decoded_bytes();
        if visit(&key, &mut reader) || skip(&mut reader).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Contract;
    use crate::CONTRACTS;

    /// An object with `keys`, in order, each holding `1`.
    fn object(keys: &[&str]) -> String {
        let members: Vec<String> = keys.iter().map(|key| format!("{key:?}: 1")).collect();
        format!("{{{}}}", members.join(", "))
    }

    #[test]
    fn the_contract_with_most_of_its_keys_wins_wherever_they_stand() {
        let most = CONTRACTS.iter().max_by_key(|contract| contract.detection_keys.len()).unwrap();
        let others: Vec<&str> = CONTRACTS
            .iter()
            .filter(|contract| *contract != most)
            .flat_map(|contract| contract.detection_keys.iter().copied())
            .collect();
        let mut keys: Vec<&str> = others.clone();
        keys.extend(most.detection_keys);
        assert_eq!(Contract::detect(object(&keys).as_bytes()), most, "its keys last");
        keys.reverse();
        assert_eq!(Contract::detect(object(&keys).as_bytes()), most, "its keys first");
        // Once its keys settle it, what follows is not read: not even text that is not JSON.
        let settled = format!("{},\"rest\": not json", object(most.detection_keys).trim_end_matches('}'));
        assert_eq!(Contract::detect(settled.as_bytes()), most);
    }

    /// `key` with its first character written as a `\u` escape.
    fn escaped(key: &str) -> String {
        let mut chars = key.chars();
        let first = chars.next().unwrap();
        format!("\\u{:04x}{}", u32::from(first), chars.as_str())
    }

    #[test]
    fn keys_count_as_decoded_whatever_their_escapes() {
        for contract in CONTRACTS {
            let members: Vec<String> =
                contract.detection_keys.iter().map(|key| format!("\"{}\": 1", escaped(key))).collect();
            let payload = format!("{{{}}}", members.join(", "));
            assert_eq!(Contract::detect(payload.as_bytes()), contract, "{payload}");
            let key = contract.idempotency_key().unwrap();
            let payload = format!("{{\"{}\": \"id\"}}", escaped(key));
            assert_eq!(contract.delivery_id(payload.as_bytes()).as_deref(), Some("id"), "{payload}");
        }
    }

    #[test]
    fn the_delivery_id_is_read_from_the_root_alone() {
        for contract in CONTRACTS {
            let key = contract.idempotency_key().expect("every contract names its delivery id");
            let example: serde_json::Value = serde_json::from_str(contract.example()).unwrap();
            let id = example[key].as_str().unwrap();
            assert_eq!(contract.delivery_id(contract.example().as_bytes()).as_deref(), Some(id));
            // First, before text that is not JSON; escaped; nested keys of that name do not count.
            let escaped = format!(r#"{{"nested": {{{key:?}: "inner"}}, {key:?}: "a\u0062c", "rest": nope"#);
            assert_eq!(contract.delivery_id(escaped.as_bytes()).as_deref(), Some("abc"), "{contract}");
            assert_eq!(contract.delivery_id(format!("{{{key:?}: 12}}").as_bytes()), None);
            assert_eq!(contract.delivery_id(br#"{"other": "x"}"#), None);
            assert_eq!(contract.delivery_id(b"[]"), None);
            assert_eq!(contract.delivery_id(b""), None);
        }
    }

    #[test]
    fn a_tie_or_no_key_goes_to_the_first_contract() {
        assert_eq!(Contract::detect(b"{}"), &CONTRACTS[0]);
        assert_eq!(Contract::detect(b"[1, 2]"), &CONTRACTS[0]);
        assert_eq!(Contract::detect(b"not json"), &CONTRACTS[0]);
        let one_each: Vec<&str> = CONTRACTS.iter().map(|contract| contract.detection_keys[0]).collect();
        assert_eq!(Contract::detect(object(&one_each).as_bytes()), &CONTRACTS[0]);
    }
}
