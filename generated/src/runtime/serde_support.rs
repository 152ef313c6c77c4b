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

/// JSON Schema integers: any number with a zero fractional part, so `1554910997788.0` reads as
/// the integer `1554910997788`.
pub mod integer {
    use std::fmt;

    use serde::de::{self, Visitor};
    use serde::{Deserialize, Deserializer};

    use crate::Nullable;

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
        fn fractions_and_out_of_range_numbers_are_rejected() {
            assert!(read("1.5").is_err());
            assert!(read("9223372036854775808").is_err());
            assert!(read("9.3e18").is_err());
            assert!(read("\"1\"").is_err());
        }
    }
}
