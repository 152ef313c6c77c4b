//! Lowers the [`Model`] to the Rust items it needs: structs, fields, their types and presence.
//!
//! This is where the contract becomes Rust: a required field is a plain value, a nullable one a
//! `Nullable`, an optional non-nullable one an `Option`; integers are `i64`, other numbers a
//! `serde_json::Number` (which keeps `1` and `1.0` apart), date-times keep their text, a value
//! of any type is the library's `JsonValue` (members in payload order, whatever features the
//! dependent turns on in `serde_json`).

use crate::error::{SchemaError, SchemaErrors};
use crate::model::{
    Additional, Allowed, Bounds, Combinator, Enumeration, Kind, Model, ObjectType, StringFormat, Union,
    ValueSchema,
};
use crate::naming;

/// The name of the field that keeps the keys a struct does not declare.
pub const UNKNOWN_FIELDS: &str = "unknown_fields";

/// The name of the field that keeps the entries `additionalProperties` describes.
pub const ADDITIONAL_PROPERTIES: &str = "additional_properties";

/// Type names the runtime of the generated crate takes: a schema type may not use them.
pub const RESERVED_TYPE_NAMES: &[&str] = &["Nullable", "DateTime", "DateTimeError"];

/// The variant of a generated enum that holds a value the schema does not list (yet). Not
/// `Unknown`: vendors list `"unknown"` as a value. A listed value that would take this name is
/// numbered, as clashing values are (`Unlisted2`).
pub const UNKNOWN_VARIANT: &str = "Unlisted";

/// The most properties the validators mark in one `u64`; an object with more marks them in
/// an array of `u64`s.
pub const FIELDS_PER_WORD: usize = 64;

/// Every item of the generated module, in emission order.
#[derive(Debug, Clone, PartialEq)]
pub struct RustItems {
    /// One struct per object type, the root first.
    pub structs: Vec<RustStruct>,
    /// One enum per string `enum`, in the order the schema first mentions them.
    pub enums: Vec<RustEnum>,
    /// One enum per union of objects, in the order the schema first mentions them.
    pub unions: Vec<RustUnion>,
}

/// A generated enum of a union: one variant per alternative (a struct), and one for a value
/// whose discriminator the schema does not list, so that an alternative the vendor adds later
/// still deserializes (DESIGN §2 rule 12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustUnion {
    /// The type name.
    pub name: String,
    /// Its documentation, one paragraph an entry.
    pub docs: Vec<String>,
    /// `oneOf` or `anyOf`.
    pub combinator: Combinator,
    /// The JSON property that tells the alternatives apart.
    pub discriminator: String,
    /// `(variant name, discriminator value, struct name)`, in schema order.
    pub variants: Vec<(String, String, String)>,
}

/// A generated enum: the values a string `enum` lists, and a variant for any other string,
/// so that a payload with a value the vendor added later still deserializes (DESIGN §2 rule 12).
#[derive(Debug, Clone, PartialEq)]
pub struct RustEnum {
    /// The type name.
    pub name: String,
    /// Its documentation, one paragraph an entry.
    pub docs: Vec<String>,
    /// `(variant name, JSON value)`, in schema order.
    pub variants: Vec<(String, String)>,
}

/// A generated struct.
#[derive(Debug, Clone, PartialEq)]
pub struct RustStruct {
    /// The type name.
    pub name: String,
    /// Its documentation, one paragraph an entry.
    pub docs: Vec<String>,
    /// Its fields in schema order (the map of other keys, if any, is implied, always last).
    pub fields: Vec<RustField>,
    /// What becomes of the keys the schema does not declare.
    pub others: OtherKeys,
}

/// What a struct does with the keys its schema does not declare.
#[derive(Debug, Clone, PartialEq)]
pub enum OtherKeys {
    /// Kept in [`UNKNOWN_FIELDS`] as JSON values (rejected in strict mode).
    Unknown,
    /// Rejected in every mode (`additionalProperties: false`): no field holds them.
    Rejected,
    /// Documented entries (`additionalProperties: {...}`), kept in [`ADDITIONAL_PROPERTIES`],
    /// an ordered map of the element.
    Entries(Box<Element>),
}

impl OtherKeys {
    /// The Rust field that holds the other keys, if any.
    pub fn field_name(&self) -> Option<&'static str> {
        match self {
            OtherKeys::Unknown => Some(UNKNOWN_FIELDS),
            OtherKeys::Rejected => None,
            OtherKeys::Entries(_) => Some(ADDITIONAL_PROPERTIES),
        }
    }
}

/// A field of a generated struct.
#[derive(Debug, Clone, PartialEq)]
pub struct RustField {
    /// The key in the JSON object.
    pub json_name: String,
    /// The Rust field name.
    pub rust_name: String,
    /// Its documentation, one paragraph an entry.
    pub docs: Vec<String>,
    /// Whether the key may be absent, and whether it may be `null`.
    pub presence: Presence,
    /// What the field holds when it holds a value, with the constraints on that value.
    pub value: RustValue,
}

/// How a field may appear.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Always present, never `null`: a plain `T`.
    Required,
    /// May be absent, never `null`: an `Option<T>`.
    Optional,
    /// May be absent or `null`: a `Nullable<T>`.
    Nullable,
    /// Always present, may be `null` (`nullable: true` on a required field, in `OpenAPI`): an
    /// `Option<T>`, `None` for `null`.
    RequiredNullable,
}

impl Presence {
    /// Whether the key must be present.
    pub fn is_required(self) -> bool {
        matches!(self, Presence::Required | Presence::RequiredNullable)
    }

    /// Whether the value may be `null`.
    pub fn allows_null(self) -> bool {
        matches!(self, Presence::Nullable | Presence::RequiredNullable)
    }
}

/// A value: what Rust type holds it, and the constraints the schema puts on it.
///
/// Constraints belong to the value, not to the field that holds it, so that a `maxLength` on
/// array items (or on any value nested in another) is carried to every phase, never dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustValue {
    /// The Rust type.
    pub kind: ValueKind,
    /// The schema's constraints on the value.
    pub limits: Limits,
}

/// What a value is in Rust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueKind {
    /// `String`.
    String,
    /// `DateTime`: RFC 3339 text with typed access to the instant.
    DateTime,
    /// `i64`, read under the JSON Schema definition of an integer: an integer whose bounds
    /// (or list of values) keep it within the i64 range.
    Integer,
    /// `serde_json::Number` holding an integer: an integer with one bound or none, which may be
    /// as large as a JSON number (DESIGN §2 rule 5: the type holds every value the schema
    /// accepts). `as_i64()` reads it when it fits.
    WideInteger,
    /// `serde_json::Number`: keeps `1` and `1.0` apart through a round trip; `as_f64` reads it.
    Number,
    /// `bool`.
    Boolean,
    /// The library's `JsonValue`: any JSON value, its members in payload order.
    Json,
    /// A generated struct, by name.
    Struct(String),
    /// A generated enum, by name (a string `enum`).
    Enum(String),
    /// A generated union (its name, and what its reader needs).
    Union(Box<RustUnion>),
    /// `Vec` of an element.
    List(Box<Element>),
    /// An ordered map from keys to an element: `crate::IndexMap<String, T>`, or the library's
    /// `JsonObject` when the values are of any type.
    Map(Box<Element>),
}

/// A value inside a container (an array item): it has no presence of its own, but may allow
/// `null` (`Option<T>` in Rust).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// The value, with its own constraints.
    pub value: RustValue,
    /// Whether the element may be `null`.
    pub nullable: bool,
}

/// The schema's constraints on one value, each `None` when the schema does not state it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Limits {
    /// `maxLength` of a string, in code points.
    pub max_length: Option<u64>,
    /// The asserted `format` of a string other than a date-time (`ipv4`, `ipv6`).
    pub format: Option<StringFormat>,
    /// `minLength` of a string, in code points.
    pub min_length: Option<u64>,
    /// `minItems` of an array.
    pub min_items: Option<u64>,
    /// `maxItems` of an array.
    pub max_items: Option<u64>,
    /// The vendor limit on the canonical JSON text (RFC 8785) of a value of any type.
    pub max_json_text_length: Option<u64>,
    /// `minimum` of an integer.
    pub minimum: Option<i64>,
    /// `maximum` of an integer.
    pub maximum: Option<i64>,
    /// `exclusiveMinimum` of an integer.
    pub exclusive_minimum: Option<i64>,
    /// `exclusiveMaximum` of an integer.
    pub exclusive_maximum: Option<i64>,
    /// The bounds of a number.
    pub number: Bounds,
    /// `enum` or `const` of a string.
    pub strings: Option<Allowed<String>>,
    /// The `oneOf`/`anyOf` that wraps the value alone: any violation inside is one of it.
    pub wrapped: Option<Combinator>,
    /// `enum` or `const` of an integer.
    pub integers: Option<Allowed<i64>>,
}

impl RustItems {
    /// Lowers a model.
    ///
    /// # Errors
    ///
    /// Every schema construct that has no Rust form here (nullable array items, integer items,
    /// two keys with one Rust name), each with its JSON pointer.
    pub fn lower(model: &Model) -> Result<RustItems, SchemaErrors> {
        let mut errors = Vec::new();
        for (index, object) in model.objects.iter().enumerate() {
            if RESERVED_TYPE_NAMES.contains(&object.name.as_str()) {
                errors.push(SchemaError::new(
                    &object.pointer,
                    format!("the type name `{}` is taken by the runtime of the generated crate", object.name),
                ));
            } else if let Some(first) =
                model.objects[..index].iter().find(|earlier| earlier.name == object.name)
            {
                errors.push(SchemaError::new(
                    &object.pointer,
                    format!(
                        "the type name `{}` is already taken by the object at #{}",
                        object.name, first.pointer
                    ),
                ));
            }
        }
        let structs = model.objects.iter().map(|object| lower_object(model, object, &mut errors)).collect();
        let enums = model
            .enumerations
            .iter()
            .map(|enumeration| lower_enumeration(model, enumeration, &mut errors))
            .collect();
        let unions = model.unions.iter().map(|union| lower_union(model, union, &mut errors)).collect();
        if errors.is_empty() { Ok(RustItems { structs, enums, unions }) } else { Err(SchemaErrors(errors)) }
    }
}

fn lower_object(model: &Model, object: &ObjectType, errors: &mut Vec<SchemaError>) -> RustStruct {
    let mut fields: Vec<RustField> = Vec::new();
    for property in &object.properties {
        let rust_name = naming::field_name(&property.name);
        let pointer = &property.schema.pointer;
        if rust_name == UNKNOWN_FIELDS || rust_name == ADDITIONAL_PROPERTIES {
            errors.push(SchemaError::new(
                pointer,
                format!(
                    "the key `{}` would take the Rust name `{rust_name}`, which holds the undeclared keys",
                    property.name
                ),
            ));
        } else if let Some(twin) = fields.iter().find(|field| field.rust_name == rust_name) {
            errors.push(SchemaError::new(
                pointer,
                format!(
                    "the keys `{}` and `{}` would both become the Rust field `{rust_name}`",
                    twin.json_name, property.name
                ),
            ));
        }
        let presence = match (property.required, property.schema.nullable) {
            (true, false) => Presence::Required,
            (true, true) => Presence::RequiredNullable,
            (false, true) => Presence::Nullable,
            (false, false) => Presence::Optional,
        };
        let schema = &property.schema;
        fields.push(RustField {
            json_name: property.name.clone(),
            rust_name,
            docs: {
                let mut docs = docs(
                    schema.title.as_deref(),
                    schema.description.as_deref(),
                    &format!("The `{}` field (the schema does not describe it).", property.name),
                );
                if let Some(example) = &schema.example {
                    docs.push(format!("Example: `{}`.", example.replace('`', "'")));
                }
                if schema.deprecated {
                    // A note, not `#[deprecated]`: a payload still carries the field, and reading
                    // it must not break a build that denies warnings.
                    docs.push("Deprecated: the schema marks this field `deprecated`.".to_owned());
                }
                docs
            },
            presence,
            value: lower_value(model, schema),
        });
    }
    RustStruct {
        name: object.name.clone(),
        docs: docs(
            object.title.as_deref(),
            object.description.as_deref(),
            &format!("The object at `#{}` (the schema does not describe it).", object.pointer),
        ),
        fields,
        others: match &object.additional {
            Additional::Open => OtherKeys::Unknown,
            Additional::Closed => OtherKeys::Rejected,
            Additional::Schema(values) => OtherKeys::Entries(Box::new(element(model, values))),
        },
    }
}

/// The element of a container: the value, and whether it may be `null` (a value of any type
/// holds `null` itself).
fn element(model: &Model, schema: &ValueSchema) -> Element {
    let value = lower_value(model, schema);
    let nullable = schema.nullable && value.kind != ValueKind::Json;
    Element { value, nullable }
}

fn lower_enumeration(model: &Model, enumeration: &Enumeration, errors: &mut Vec<SchemaError>) -> RustEnum {
    let name = &enumeration.name;
    let taken = RESERVED_TYPE_NAMES.contains(&name.as_str())
        || model.objects.iter().any(|object| object.name == *name)
        || model
            .enumerations
            .iter()
            .take_while(|earlier| !std::ptr::eq(*earlier, enumeration))
            .any(|earlier| earlier.name == *name);
    if taken {
        errors.push(SchemaError::new(
            &enumeration.pointer,
            format!("the enum would take the type name `{name}`, which another type already has: move the `enum` into `$defs` under another name"),
        ));
    }
    let mut variants: Vec<(String, String)> = Vec::new();
    for value in &enumeration.values {
        let mut variant = naming::variant_name(value);
        // Values that differ only in what identifiers cannot spell ("a-b", "a_b") keep apart
        // by their place in the list: `AB`, `AB2`; so does a value named like the fallback.
        if variant == UNKNOWN_VARIANT || variants.iter().any(|(earlier, _)| *earlier == variant) {
            variant = format!("{variant}{}", variants.len() + 1);
        }
        variants.push((variant, value.clone()));
    }
    let fallback = format!("The values of the `enum` at `#{}`.", enumeration.pointer);
    RustEnum { name: name.clone(), docs: docs(None, enumeration.description.as_deref(), &fallback), variants }
}

fn lower_union(model: &Model, union: &Union, errors: &mut Vec<SchemaError>) -> RustUnion {
    let name = &union.name;
    let taken = RESERVED_TYPE_NAMES.contains(&name.as_str())
        || model.objects.iter().any(|object| object.name == *name)
        || model.enumerations.iter().any(|enumeration| enumeration.name == *name)
        || model
            .unions
            .iter()
            .take_while(|earlier| !std::ptr::eq(*earlier, union))
            .any(|earlier| earlier.name == *name);
    if taken {
        errors.push(SchemaError::new(
            &union.pointer,
            format!("the union would take the type name `{name}`, which another type already has: move it into `$defs` under another name"),
        ));
    }
    let item = union_item(model, union);
    for (index, (variant, tag, _)) in item.variants.iter().enumerate() {
        if variant == UNKNOWN_VARIANT || item.variants[..index].iter().any(|(earlier, ..)| earlier == variant)
        {
            errors.push(SchemaError::new(&union.pointer, format!("the alternative whose `{}` is {tag:?} would take the variant name `{variant}`, which is taken", union.discriminator)));
        }
    }
    item
}

/// The Rust form of a union (its checks are [`lower_union`]'s).
fn union_item(model: &Model, union: &Union) -> RustUnion {
    let variants = union
        .alternatives
        .iter()
        .map(|(tag, object)| (naming::variant_name(tag), tag.clone(), model.objects[*object].name.clone()))
        .collect();
    let fallback = format!(
        "The alternatives of the `{}` at `#{}`, told apart by `{}`.",
        union.combinator.as_str(),
        union.pointer,
        union.discriminator
    );
    RustUnion {
        name: union.name.clone(),
        docs: docs(None, union.description.as_deref(), &fallback),
        combinator: union.combinator,
        discriminator: union.discriminator.clone(),
        variants,
    }
}

fn lower_value(model: &Model, schema: &ValueSchema) -> RustValue {
    let kind = match &schema.kind {
        Kind::String { allowed: Some(Allowed { enumeration: Some(index), .. }), .. } => {
            ValueKind::Enum(model.enumerations[*index].name.clone())
        }
        Kind::String { format: Some(StringFormat::DateTime), .. } => ValueKind::DateTime,
        Kind::String { .. } => ValueKind::String,
        Kind::Integer { minimum, maximum, exclusive_minimum, exclusive_maximum, allowed } => {
            // A list of integers bounds the value by itself; bounds on both sides keep it in an
            // i64 (they are i64s); otherwise it may be as large as a JSON number.
            let low = minimum.is_some() || exclusive_minimum.is_some();
            let high = maximum.is_some() || exclusive_maximum.is_some();
            if allowed.is_some() || (low && high) { ValueKind::Integer } else { ValueKind::WideInteger }
        }
        Kind::Number { .. } => ValueKind::Number,
        Kind::Boolean => ValueKind::Boolean,
        Kind::Any { .. } => ValueKind::Json,
        Kind::Object(index) => ValueKind::Struct(model.objects[*index].name.clone()),
        Kind::Array { items, .. } => ValueKind::List(Box::new(element(model, items))),
        Kind::Map { values } => ValueKind::Map(Box::new(element(model, values))),
        Kind::Union(index) => ValueKind::Union(Box::new(union_item(model, &model.unions[*index]))),
    };
    RustValue { kind, limits: Limits { wrapped: schema.wrapped, ..limits(&schema.kind) } }
}

fn limits(kind: &Kind) -> Limits {
    match kind {
        Kind::String { max_length, min_length, allowed, format } => Limits {
            max_length: *max_length,
            format: format.filter(|format| *format != StringFormat::DateTime),
            min_length: *min_length,
            strings: allowed.clone(),
            ..Limits::default()
        },
        Kind::Integer { minimum, maximum, exclusive_minimum, exclusive_maximum, allowed } => Limits {
            minimum: *minimum,
            maximum: *maximum,
            exclusive_minimum: *exclusive_minimum,
            exclusive_maximum: *exclusive_maximum,
            integers: allowed.clone(),
            ..Limits::default()
        },
        Kind::Number { bounds } => Limits { number: bounds.clone(), ..Limits::default() },
        Kind::Any { max_json_text_length } => {
            Limits { max_json_text_length: *max_json_text_length, ..Limits::default() }
        }
        Kind::Array { min_items, max_items, .. } => {
            Limits { min_items: *min_items, max_items: *max_items, ..Limits::default() }
        }
        Kind::Boolean | Kind::Object(_) | Kind::Map { .. } | Kind::Union(_) => Limits::default(),
    }
}

/// The documentation of an item: its title as a sentence, then its description; `fallback` when
/// the schema gives neither, so that generated code never trips the `missing_docs` lint.
fn docs(title: Option<&str>, description: Option<&str>, fallback: &str) -> Vec<String> {
    let title = title.map(|title| if title.ends_with('.') { title.to_owned() } else { format!("{title}.") });
    let docs: Vec<String> = title.into_iter().chain(description.map(str::to_owned)).collect();
    if docs.is_empty() { vec![fallback.to_owned()] } else { docs }
}
