//! [`JsonValue`]: a JSON value of any type that keeps its object members in payload order,
//! whatever features the dependent enables on `serde_json`.
//!
//! `serde_json::Value` sorts an object's keys unless its `preserve_order` feature is on, and
//! Cargo turns a feature on for every crate of a build: a library that needs it changes the
//! `serde_json::Map` of the whole service that depends on it. The types of this crate hold
//! undocumented fields and values of any type as [`JsonValue`] instead, so that a round trip
//! keeps them in order with no feature turned on anywhere. Conversions to and from
//! `serde_json::Value` are there for code that wants one.

use std::fmt;

use indexmap::IndexMap;
use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{self, Deserialize, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Number;

/// The members of a JSON object, in payload order.
pub type JsonObject = IndexMap<String, JsonValue>;

/// A JSON value of any type, with object members in payload order.
///
/// Numbers are `serde_json::Number`s: an integer stays an integer (`1` and `1.0` stay apart),
/// and the crate's own `parse` reads every other number as the nearest `f64`, exactly, so that
/// serializing it again writes the same number.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum JsonValue {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<JsonValue>),
    /// An object, its members in payload order.
    Object(JsonObject),
}

impl JsonValue {
    /// Whether the value is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The boolean, if the value is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(value) => Some(*value),
            _ => None,
        }
    }

    /// The number, if the value is one.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Self::Number(number) => Some(number),
            _ => None,
        }
    }

    /// The string, if the value is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(text) => Some(text),
            _ => None,
        }
    }

    /// The items, if the value is an array.
    pub fn as_array(&self) -> Option<&[JsonValue]> {
        match self {
            Self::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members, if the value is an object.
    pub fn as_object(&self) -> Option<&JsonObject> {
        match self {
            Self::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The member `key`, if the value is an object that has it.
    pub fn get(&self, key: &str) -> Option<&JsonValue> {
        self.as_object().and_then(|members| members.get(key))
    }
}

/// Compact JSON text, members in order.
impl fmt::Display for JsonValue {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = serde_json::to_string(self).map_err(|_| fmt::Error)?;
        formatter.write_str(&text)
    }
}

impl From<serde_json::Value> for JsonValue {
    fn from(value: serde_json::Value) -> Self {
        match value {
            serde_json::Value::Null => Self::Null,
            serde_json::Value::Bool(value) => Self::Bool(value),
            serde_json::Value::Number(number) => Self::Number(number),
            serde_json::Value::String(text) => Self::String(text),
            serde_json::Value::Array(items) => Self::Array(items.into_iter().map(Self::from).collect()),
            serde_json::Value::Object(members) => {
                Self::Object(members.into_iter().map(|(key, member)| (key, Self::from(member))).collect())
            }
        }
    }
}

/// The same value as a `serde_json::Value`, whose objects keep this order only where the
/// build turns `serde_json`'s `preserve_order` on.
impl From<JsonValue> for serde_json::Value {
    fn from(value: JsonValue) -> Self {
        match value {
            JsonValue::Null => Self::Null,
            JsonValue::Bool(value) => Self::Bool(value),
            JsonValue::Number(number) => Self::Number(number),
            JsonValue::String(text) => Self::String(text),
            JsonValue::Array(items) => Self::Array(items.into_iter().map(Self::from).collect()),
            JsonValue::Object(members) => {
                Self::Object(members.into_iter().map(|(key, member)| (key, Self::from(member))).collect())
            }
        }
    }
}

impl Serialize for JsonValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => serializer.serialize_unit(),
            Self::Bool(value) => serializer.serialize_bool(*value),
            Self::Number(number) => number.serialize(serializer),
            Self::String(text) => serializer.serialize_str(text),
            Self::Array(items) => {
                let mut sequence = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    sequence.serialize_element(item)?;
                }
                sequence.end()
            }
            Self::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (key, member) in members {
                    map.serialize_entry(key, member)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for JsonValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonValueVisitor)
    }
}

struct JsonValueVisitor;

impl<'de> Visitor<'de> for JsonValueVisitor {
    type Value = JsonValue;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<JsonValue, E> {
        Ok(JsonValue::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<JsonValue, E> {
        Ok(JsonValue::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<JsonValue, D::Error> {
        JsonValue::deserialize(deserializer)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<JsonValue, E> {
        Ok(JsonValue::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<JsonValue, E> {
        Ok(JsonValue::Number(value.into()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<JsonValue, E> {
        Ok(JsonValue::Number(value.into()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<JsonValue, E> {
        Number::from_f64(value)
            .map(JsonValue::Number)
            .ok_or_else(|| E::invalid_value(de::Unexpected::Float(value), &"a finite number"))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<JsonValue, E> {
        Ok(JsonValue::String(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<JsonValue, E> {
        Ok(JsonValue::String(value))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut sequence: A) -> Result<JsonValue, A::Error> {
        let mut items = Vec::with_capacity(sequence.size_hint().unwrap_or(0).min(64));
        while let Some(item) = sequence.next_element()? {
            items.push(item);
        }
        Ok(JsonValue::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonValue, A::Error> {
        let mut members = JsonObject::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some((key, member)) = map.next_entry::<String, JsonValue>()? {
            members.insert(key, member);
        }
        Ok(JsonValue::Object(members))
    }
}

/// Reads a value held as a [`JsonValue`] into any type, members in order: what the types'
/// `Deserialize` impls use to read a union's alternative once its discriminator is known.
impl<'de> Deserializer<'de> for JsonValue {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self {
            Self::Null => visitor.visit_unit(),
            Self::Bool(value) => visitor.visit_bool(value),
            Self::Number(number) => {
                if let Some(value) = number.as_u64() {
                    visitor.visit_u64(value)
                } else if let Some(value) = number.as_i64() {
                    visitor.visit_i64(value)
                } else {
                    visitor.visit_f64(number.as_f64().unwrap_or(f64::NAN))
                }
            }
            Self::String(text) => visitor.visit_string(text),
            Self::Array(items) => visitor.visit_seq(SeqDeserializer::new(items.into_iter())),
            Self::Object(members) => visitor.visit_map(MapDeserializer::new(members.into_iter())),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self {
            Self::Null => visitor.visit_none(),
            other => visitor.visit_some(other),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl IntoDeserializer<'_, de::value::Error> for JsonValue {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

/// Any JSON value: the schema `true`.
#[cfg(feature = "schemars")]
impl schemars::JsonSchema for JsonValue {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("AnyValue")
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::Schema::from(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_keep_payload_order_through_serde() {
        let text = r#"{"zeta":{"b":1,"a":[true,null,"x"]},"alpha":-0.5}"#;
        let value: JsonValue = serde_json::from_str(text).unwrap();
        assert_eq!(serde_json::to_string(&value).unwrap(), text);
        assert_eq!(value.to_string(), text);
        let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["zeta", "alpha"]);
    }

    #[test]
    fn a_value_reads_into_a_type_in_order() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Pair {
            first: Option<u8>,
            second: Vec<String>,
        }
        let value: JsonValue = serde_json::from_str(r#"{"second":["a"],"first":null}"#).unwrap();
        assert_eq!(Pair::deserialize(value).unwrap(), Pair { first: None, second: vec!["a".to_owned()] });
        let value: JsonValue = serde_json::from_str(r#"{"second":[1],"first":2}"#).unwrap();
        assert!(Pair::deserialize(value).is_err());
    }

    #[test]
    fn conversions_to_and_from_serde_json_keep_every_value() {
        let text = r#"[null,true,1,-2,2.5,"s",{"k":[]}]"#;
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let ours = JsonValue::from(value.clone());
        assert_eq!(serde_json::Value::from(ours.clone()), value);
        assert_eq!(ours.as_array().unwrap()[6].get("k"), Some(&JsonValue::Array(Vec::new())));
        assert_eq!(ours.as_array().unwrap()[2].as_number().and_then(Number::as_i64), Some(1));
    }
}
