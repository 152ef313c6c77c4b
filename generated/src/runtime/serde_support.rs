//! Serde helpers that the generated types name in their field attributes.

use serde::{Deserialize, Deserializer};

/// Deserializes a field that may be absent but, when present, must hold a value (not `null`):
/// a field whose nullability the documentation does not annotate. Absence is handled by the
/// field's `#[serde(default)]`; `null` is an error, as for any non-nullable value.
///
/// # Errors
///
/// When the value is not a `T` (`null` included).
pub fn deserialize_present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

/// Deserializes a field that must be present but may be `null` (`None`): without it, serde
/// would read an absent `Option` field as `None` too.
///
/// # Errors
///
/// When the value is neither `null` nor a `T`.
pub fn deserialize_required_nullable<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer)
}

/// JSON Schema integers: any number with a zero fractional part, so `1554910997788.0` reads as
/// the integer `1554910997788`.
pub mod integer {
    use std::fmt;

    use serde::de::{self, Visitor};
    use serde::{Deserialize, Deserializer};

    use crate::{JsonValue, Nullable};

    /// Deserializes a required integer field.
    ///
    /// # Errors
    ///
    /// When the value is not a number, has a fractional part, or does not fit an `i64`.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
        deserializer.deserialize_any(IntegerVisitor)
    }

    /// Deserializes a nullable integer field: `null` becomes [`Nullable::Null`].
    ///
    /// # Errors
    ///
    /// As [`deserialize`], for a value other than `null`.
    pub fn deserialize_nullable<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Nullable<i64>, D::Error> {
        Ok(match Option::<JsonInteger>::deserialize(deserializer)? {
            Some(JsonInteger(value)) => Nullable::Value(value),
            None => Nullable::Null,
        })
    }

    /// Deserializes an integer field that may be absent but is never `null`.
    ///
    /// # Errors
    ///
    /// As [`deserialize`] (`null` included).
    pub fn deserialize_optional<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
        deserialize(deserializer).map(Some)
    }

    /// A Rust type that holds JSON Schema integers inside lists: `i64`, `Option<T>` (a
    /// nullable item), `Vec<T>` and maps, at any depth, so that `[1.0, 2]` reads as `[1, 2]`.
    pub trait Integers: Sized {
        /// Reads the value.
        ///
        /// # Errors
        ///
        /// When the value does not have the type's shape, or holds a number that is not an
        /// integer within the `i64` range.
        fn read(value: JsonValue) -> Result<Self, de::value::Error>;
    }

    impl Integers for i64 {
        fn read(value: JsonValue) -> Result<Self, de::value::Error> {
            deserialize(value)
        }
    }

    impl<T: Integers> Integers for Option<T> {
        fn read(value: JsonValue) -> Result<Self, de::value::Error> {
            match value {
                JsonValue::Null => Ok(None),
                value => T::read(value).map(Some),
            }
        }
    }

    impl<T: Integers> Integers for Vec<T> {
        fn read(value: JsonValue) -> Result<Self, de::value::Error> {
            match value {
                JsonValue::Array(items) => items.into_iter().map(T::read).collect(),
                other => Err(de::Error::invalid_type(unexpected(&other), &"an array")),
            }
        }
    }

    impl<T: Integers> Integers for indexmap::IndexMap<String, T> {
        fn read(value: JsonValue) -> Result<Self, de::value::Error> {
            match value {
                JsonValue::Object(entries) => {
                    entries.into_iter().map(|(key, value)| Ok((key, T::read(value)?))).collect()
                }
                other => Err(de::Error::invalid_type(unexpected(&other), &"an object")),
            }
        }
    }

    fn unexpected(value: &JsonValue) -> de::Unexpected<'_> {
        match value {
            JsonValue::Null => de::Unexpected::Unit,
            JsonValue::Bool(flag) => de::Unexpected::Bool(*flag),
            JsonValue::Number(_) => de::Unexpected::Other("a number"),
            JsonValue::String(text) => de::Unexpected::Str(text),
            JsonValue::Array(_) => de::Unexpected::Seq,
            JsonValue::Object(_) => de::Unexpected::Map,
        }
    }

    /// Deserializes a required field that holds integers inside lists.
    ///
    /// # Errors
    ///
    /// As [`Integers::read`].
    pub fn deserialize_nested<'de, D: Deserializer<'de>, T: Integers>(
        deserializer: D,
    ) -> Result<T, D::Error> {
        let value = JsonValue::deserialize(deserializer)?;
        T::read(value).map_err(de::Error::custom)
    }

    /// Deserializes a field that holds integers inside lists, may be absent, and is never `null`.
    ///
    /// # Errors
    ///
    /// As [`Integers::read`] (`null` included).
    pub fn deserialize_nested_optional<'de, D: Deserializer<'de>, T: Integers>(
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        let value = JsonValue::deserialize(deserializer)?;
        if value.is_null() {
            return Err(de::Error::invalid_type(de::Unexpected::Unit, &"a value"));
        }
        T::read(value).map(Some).map_err(de::Error::custom)
    }

    /// Deserializes a nullable field that holds integers inside lists: `null` becomes
    /// [`Nullable::Null`].
    ///
    /// # Errors
    ///
    /// As [`Integers::read`], for a value other than `null`.
    pub fn deserialize_nested_nullable<'de, D: Deserializer<'de>, T: Integers>(
        deserializer: D,
    ) -> Result<Nullable<T>, D::Error> {
        match JsonValue::deserialize(deserializer)? {
            JsonValue::Null => Ok(Nullable::Null),
            value => T::read(value).map(Nullable::Value).map_err(de::Error::custom),
        }
    }

    /// An `i64` read under the JSON Schema definition of an integer.
    struct JsonInteger(i64);

    impl<'de> Deserialize<'de> for JsonInteger {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(IntegerVisitor).map(JsonInteger)
        }
    }

    struct IntegerVisitor;

    /// 2^63 as an `f64`: the first integral `f64` past `i64::MAX`.
    const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

    impl Visitor<'_> for IntegerVisitor {
        type Value = i64;

        fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
            formatter.write_str("an integer")
        }

        fn visit_i64<E: de::Error>(self, value: i64) -> Result<i64, E> {
            Ok(value)
        }

        fn visit_u64<E: de::Error>(self, value: u64) -> Result<i64, E> {
            i64::try_from(value).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(value), &self))
        }

        #[allow(clippy::cast_possible_truncation, reason = "the range and the fraction are checked first")]
        fn visit_f64<E: de::Error>(self, value: f64) -> Result<i64, E> {
            if value.fract() == 0.0 && (-TWO_POW_63..TWO_POW_63).contains(&value) {
                Ok(value as i64)
            } else {
                Err(E::invalid_value(de::Unexpected::Float(value), &self))
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn read(text: &str) -> Result<i64, serde_json::Error> {
            deserialize(&mut serde_json::Deserializer::from_str(text))
        }

        #[test]
        fn integer_valued_floats_are_integers() {
            assert_eq!(read("1554910997788.0").unwrap(), 1_554_910_997_788);
            assert_eq!(read("1.5e3").unwrap(), 1500);
            assert_eq!(read("-0.0").unwrap(), 0);
        }

        #[test]
        fn integers_inside_lists_are_json_schema_integers() {
            let read = |text: &str| -> Result<Vec<Option<Vec<i64>>>, serde_json::Error> {
                deserialize_nested(&mut serde_json::Deserializer::from_str(text))
            };
            assert_eq!(read("[[1.0, 2], null, []]").unwrap(), [Some(vec![1, 2]), None, Some(vec![])]);
            assert!(read("[[1.5]]").is_err());
            assert!(read("[1]").is_err());
            assert!(read("{}").is_err());
        }

        #[test]
        fn fractions_and_out_of_range_numbers_are_rejected() {
            assert!(read("1.5").is_err());
            assert!(read("9223372036854775808").is_err());
            assert!(read("9.3e18").is_err());
            assert!(read("\"1\"").is_err());
        }
    }
}

/// Schema stand-ins that the generated types name in `#[schemars(with = ...)]`, where the Rust
/// type alone would describe the value less exactly than the canonical schema does.
#[cfg(feature = "schemars")]
pub(crate) mod schema {
    use std::borrow::Cow;
    use std::marker::PhantomData;

    use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

    /// An integer of any size: what a `serde_json::Number` field holds when the schema says
    /// `integer` with one bound or none (its Rust type alone would say `number`).
    pub struct AnyInteger;

    impl JsonSchema for AnyInteger {
        fn inline_schema() -> bool {
            true
        }

        fn schema_name() -> Cow<'static, str> {
            Cow::Borrowed("AnyInteger")
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({"type": "integer"})
        }
    }

    /// `T`, or `null`: a field that must be present and may be `null` (an `Option<T>` that
    /// schemars, told that the field is required, would otherwise describe as `T` alone).
    pub struct NullOr<T>(PhantomData<T>);

    impl<T: JsonSchema> JsonSchema for NullOr<T> {
        fn inline_schema() -> bool {
            true
        }

        fn schema_name() -> Cow<'static, str> {
            Cow::Owned(format!("Nullable_{}", T::schema_name()))
        }

        fn json_schema(generator: &mut SchemaGenerator) -> Schema {
            <Option<T>>::json_schema(generator)
        }
    }
}
