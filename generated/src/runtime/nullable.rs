//! [`Nullable`]: a field that may be absent, `null`, or hold a value, with the three kept apart.

#[cfg(feature = "schemars")]
use std::borrow::Cow;

#[cfg(feature = "schemars")]
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The value of a field documented `nullable: true`: absent, `null`, or a value.
///
/// `Option<T>` cannot tell an absent field from a `null` one; this type can, so parsing and
/// re-serializing a payload keeps each as it was. Generated fields of this type carry
/// `#[serde(default, skip_serializing_if = "Nullable::is_absent")]`, which is what makes absence
/// round-trip. Serialized on its own (outside such a field), `Absent` is written as `null`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// The field does not appear in the payload.
    #[default]
    Absent,
    /// The field appears with the value `null`.
    Null,
    /// The field appears with a value.
    Value(T),
}

impl<T> Nullable<T> {
    /// The value, if the field holds one: `None` for both absent and `null`.
    pub fn value(&self) -> Option<&T> {
        match self {
            Nullable::Value(value) => Some(value),
            Nullable::Absent | Nullable::Null => None,
        }
    }

    /// The value by move, if the field holds one: `None` for both absent and `null`.
    pub fn into_value(self) -> Option<T> {
        match self {
            Nullable::Value(value) => Some(value),
            Nullable::Absent | Nullable::Null => None,
        }
    }

    /// Whether the field does not appear in the payload.
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// Whether the field appears with the value `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// Whether the field holds a value.
    pub fn is_value(&self) -> bool {
        matches!(self, Nullable::Value(_))
    }

    /// A `Nullable` of a reference to the value, absent and `null` kept as they are.
    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(value) => Nullable::Value(value),
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(value) => serializer.serialize_some(value),
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    /// Reads `null` as [`Nullable::Null`] and anything else as a value; a missing field never
    /// reaches this function: the field's `#[serde(default)]` makes it [`Nullable::Absent`].
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Nullable::Value(value),
            None => Nullable::Null,
        })
    }
}

#[cfg(feature = "schemars")]
impl<T: JsonSchema> JsonSchema for Nullable<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        format!("Nullable_{}", T::schema_name()).into()
    }

    /// The schema of `T` or `null`, as for `Option<T>`; presence comes from the field's
    /// `#[serde(default)]`.
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        Option::<T>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::Nullable;

    #[test]
    fn the_value_accessor_gives_the_value_only_when_present() {
        let value = Nullable::Value(String::from("kept"));
        assert_eq!(value.value().map(String::as_str), Some("kept"));
        assert!(value.is_value() && !value.is_null() && !value.is_absent());
        assert_eq!(value.into_value(), Some(String::from("kept")));
        let null: Nullable<String> = Nullable::Null;
        assert_eq!(null.value(), None);
        assert!(null.is_null() && !null.is_absent());
        let absent: Nullable<String> = Nullable::Absent;
        assert_eq!(absent.value(), None);
        assert!(absent.is_absent() && !absent.is_null());
    }
}
