//! A reference for duplicate keys, written apart from the validators' own: a serde visitor over
//! `serde_json`'s reader that notes whether any object, at any depth, repeats a key.

use std::collections::HashSet;
use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};

/// Whether a JSON value repeats a key in some object.
struct RepeatsKey(bool);

impl<'de> Deserialize<'de> for RepeatsKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RepeatsKeyVisitor)
    }
}

struct RepeatsKeyVisitor;

impl<'de> Visitor<'de> for RepeatsKeyVisitor {
    type Value = RepeatsKey;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<RepeatsKey, E> {
        Ok(RepeatsKey(false))
    }

    fn visit_i64<E>(self, _: i64) -> Result<RepeatsKey, E> {
        Ok(RepeatsKey(false))
    }

    fn visit_u64<E>(self, _: u64) -> Result<RepeatsKey, E> {
        Ok(RepeatsKey(false))
    }

    fn visit_f64<E>(self, _: f64) -> Result<RepeatsKey, E> {
        Ok(RepeatsKey(false))
    }

    fn visit_str<E>(self, _: &str) -> Result<RepeatsKey, E> {
        Ok(RepeatsKey(false))
    }

    fn visit_unit<E>(self) -> Result<RepeatsKey, E> {
        Ok(RepeatsKey(false))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<RepeatsKey, A::Error> {
        let mut repeats = false;
        while let Some(RepeatsKey(item)) = items.next_element()? {
            repeats |= item;
        }
        Ok(RepeatsKey(repeats))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<RepeatsKey, A::Error> {
        let mut keys = HashSet::new();
        let mut repeats = false;
        while let Some(key) = members.next_key::<String>()? {
            repeats |= !keys.insert(key);
            repeats |= members.next_value::<RepeatsKey>()?.0;
        }
        Ok(RepeatsKey(repeats))
    }
}

/// Whether `bytes`, which `serde_json` reads, repeat a key in some object; `None` when
/// `serde_json` cannot read them.
pub fn repeats_a_key(bytes: &[u8]) -> Option<bool> {
    serde_json::from_slice::<RepeatsKey>(bytes).ok().map(|RepeatsKey(repeats)| repeats)
}

#[cfg(test)]
mod tests {
    use super::repeats_a_key;

    #[test]
    fn finds_repeats_at_any_depth() {
        assert_eq!(repeats_a_key(br#"{"a": 1, "b": {"c": [1, {"d": 1, "d": 2}]}}"#), Some(true));
        assert_eq!(repeats_a_key(br#"{"a": 1, "a": 1}"#), Some(true));
        assert_eq!(repeats_a_key(br#"{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]}"#), Some(false));
        assert_eq!(repeats_a_key(br#"{"a": 1,}"#), None);
        assert_eq!(repeats_a_key(br#"{"\u0061": 1, "a": 2}"#), Some(true));
    }
}
