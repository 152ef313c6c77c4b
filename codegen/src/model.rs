//! Reads a schema document into a [`Model`], checking every keyword and collecting every error.
//!
//! The model is the centre of the generator: the schema, read once, with each supported keyword
//! in a typed place. What the model cannot hold is an error, never silently dropped.

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value, json};

use crate::error::{SchemaError, SchemaErrors, pointer_join};
use crate::naming;

/// The draft the generator understands.
pub const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// The vendor keyword that carries the `tag` limit: the length of a value's canonical JSON text
/// (RFC 8785), in code points, which plain JSON Schema cannot state.
pub const MAX_JSON_TEXT_LENGTH: &str = "x-fingerprint-maxJsonTextLength";

/// The largest integer below which every integer is exact as a 64-bit float: 2^53.
const MAX_EXACT: f64 = 9_007_199_254_740_992.0;

/// The `format` of an RFC 3339 date-time.
pub const DATE_TIME: &str = "date-time";

/// A `format` the validators assert (every other `format` is an annotation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringFormat {
    /// `date-time`: RFC 3339.
    DateTime,
    /// `ipv4`: dotted decimal (RFC 2673 §3.2), as JSON Schema defines it.
    Ipv4,
    /// `ipv6`: RFC 4291 §2.2, as JSON Schema defines it.
    Ipv6,
}

impl StringFormat {
    /// Every asserted format.
    pub const ALL: [StringFormat; 3] = [StringFormat::DateTime, StringFormat::Ipv4, StringFormat::Ipv6];

    /// The format's name, as `format` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            StringFormat::DateTime => DATE_TIME,
            StringFormat::Ipv4 => "ipv4",
            StringFormat::Ipv6 => "ipv6",
        }
    }
}

/// A schema, read: every object type it declares, in the order the schema first mentions them.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The root value (always an object).
    pub root: ValueSchema,
    /// Every object type; `Kind::Object(i)` refers to `objects[i]`; the root object is first.
    pub objects: Vec<ObjectType>,
    /// Every string enumeration (`enum` of strings), which the Rust types name; a
    /// [`Allowed::enumeration`] refers to `enumerations[i]`.
    pub enumerations: Vec<Enumeration>,
    /// Every union (`oneOf`/`anyOf` of objects with a discriminator); `Kind::Union(i)` refers
    /// to `unions[i]`.
    pub unions: Vec<Union>,
}

/// `oneOf` or `anyOf`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combinator {
    /// `oneOf`.
    OneOf,
    /// `anyOf`.
    AnyOf,
}

impl Combinator {
    /// The keyword as JSON Schema spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Combinator::OneOf => "oneOf",
            Combinator::AnyOf => "anyOf",
        }
    }
}

/// A `oneOf` or `anyOf` of object types, told apart by a required string property whose value
/// (a `const`, or a one-value `enum`) differs in every alternative.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// The type name, in `PascalCase`.
    pub name: String,
    /// Where the union is declared.
    pub pointer: String,
    /// The `description` of the declaration.
    pub description: Option<String>,
    /// `oneOf` or `anyOf`.
    pub combinator: Combinator,
    /// The property that tells the alternatives apart.
    pub discriminator: String,
    /// `(discriminator value, objects[i])`, in schema order.
    pub alternatives: Vec<(String, usize)>,
}

/// A string `enum` with a name: a Rust enum of its values, open to values added later.
#[derive(Debug, Clone, PartialEq)]
pub struct Enumeration {
    /// The type name, in `PascalCase`.
    pub name: String,
    /// Where the `enum` is declared.
    pub pointer: String,
    /// The `description` of the declaration.
    pub description: Option<String>,
    /// The values, in schema order.
    pub values: Vec<String>,
}

/// The bounds of a number, as the schema writes them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bounds {
    /// `minimum`.
    pub minimum: Option<Number>,
    /// `maximum`.
    pub maximum: Option<Number>,
    /// `exclusiveMinimum`.
    pub exclusive_minimum: Option<Number>,
    /// `exclusiveMaximum`.
    pub exclusive_maximum: Option<Number>,
}

impl Bounds {
    /// Whether no bound is set.
    pub fn is_empty(&self) -> bool {
        *self == Bounds::default()
    }
}

/// Which keyword restricts a value to a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKeyword {
    /// `enum`.
    Enum,
    /// `const` (a list of one).
    Const,
}

impl ListKeyword {
    /// The keyword as JSON Schema spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ListKeyword::Enum => "enum",
            ListKeyword::Const => "const",
        }
    }
}

/// The values a string may take (`enum` or `const`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allowed<T> {
    /// The keyword that states the list.
    pub keyword: ListKeyword,
    /// The values, in schema order, `null` left out (it is the value schema's `nullable`).
    pub values: Vec<T>,
    /// For a string `enum`: its Rust enum, `enumerations[i]`.
    pub enumeration: Option<usize>,
    /// Whether the schema states `type` beside the list (then a value of another type breaks
    /// `type` as well as the list).
    pub typed: bool,
    /// The list of a referenced schema that this one narrows (`{"$ref": ..., "const": ...}`
    /// to a string `enum`): a value must be in both, and each list it is not in is broken.
    pub narrows: Option<Box<Allowed<T>>>,
}

/// An object shape with a name.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectType {
    /// The type name, in `PascalCase` (unique names are the lowering's concern).
    pub name: String,
    /// Where the object is declared in the schema.
    pub pointer: String,
    /// The `title` of the declaration.
    pub title: Option<String>,
    /// The `description` of the declaration.
    pub description: Option<String>,
    /// The properties, in schema order.
    pub properties: Vec<Property>,
    /// What `additionalProperties` says of the keys `properties` does not list.
    pub additional: Additional,
}

/// What an object says of the keys its `properties` does not list.
#[derive(Debug, Clone, PartialEq)]
pub enum Additional {
    /// Allowed, whatever they hold (no `additionalProperties`, or `true`): kept as they came,
    /// and rejected by the strict variant.
    Open,
    /// Not allowed (`additionalProperties: false`), in every mode.
    Closed,
    /// Allowed when they follow the schema (`additionalProperties: {...}`): documented entries.
    Schema(Box<ValueSchema>),
}

/// One property of an object type.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    /// The key in the JSON object.
    pub name: String,
    /// Whether the object's `required` lists it.
    pub required: bool,
    /// Its schema.
    pub schema: ValueSchema,
}

/// The schema of one value.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueSchema {
    /// Where it is declared in the schema (for a `$ref`, where the reference stands).
    pub pointer: String,
    /// Its `title`.
    pub title: Option<String>,
    /// Its `description`.
    pub description: Option<String>,
    /// Whether `null` is allowed: `"null"` is among its types, or it has no `type` at all.
    pub nullable: bool,
    /// `deprecated: true` (here, or where a `$ref` to it stands).
    pub deprecated: bool,
    /// The first of its `examples`, as compact JSON text, for the docs.
    pub example: Option<String>,
    /// The `oneOf` or `anyOf` that wraps this one schema (with `{"type": "null"}`, for a
    /// nullable reference): JSON Schema then reports any violation inside as one of it.
    pub wrapped: Option<Combinator>,
    /// What the value is when it is not `null`.
    pub kind: Kind,
}

/// What a value is, with the constraints that apply to that kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A string.
    String {
        /// `maxLength`, in Unicode code points.
        max_length: Option<u64>,
        /// `minLength`, in Unicode code points.
        min_length: Option<u64>,
        /// The `format` the validators assert (`date-time`, `ipv4`, `ipv6`); any other
        /// `format` is an annotation (DESIGN §2 rule 10).
        format: Option<StringFormat>,
        /// `enum` or `const`.
        allowed: Option<Allowed<String>>,
    },
    /// An integer (any number with a zero fractional part).
    Integer {
        /// `minimum`.
        minimum: Option<i64>,
        /// `maximum`.
        maximum: Option<i64>,
        /// `exclusiveMinimum`.
        exclusive_minimum: Option<i64>,
        /// `exclusiveMaximum`.
        exclusive_maximum: Option<i64>,
        /// `enum` or `const`.
        allowed: Option<Allowed<i64>>,
    },
    /// Any number.
    Number {
        /// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`.
        bounds: Bounds,
    },
    /// `true` or `false`.
    Boolean,
    /// An object of the type `objects[index]`.
    Object(usize),
    /// A union of object types told apart by a discriminator: `unions[index]`.
    Union(usize),
    /// An object without `properties`: a map from any key to values of one schema (of any
    /// type, when `additionalProperties` is absent or `true`).
    Map {
        /// The schema of every value.
        values: Box<ValueSchema>,
    },
    /// An array whose items all follow one schema.
    Array {
        /// The schema of every item.
        items: Box<ValueSchema>,
        /// `minItems`.
        min_items: Option<u64>,
        /// `maxItems`.
        max_items: Option<u64>,
    },
    /// Any JSON value (no `type`).
    Any {
        /// The vendor keyword [`MAX_JSON_TEXT_LENGTH`].
        max_json_text_length: Option<u64>,
    },
}

impl Kind {
    /// The JSON Schema type name of the kind (`any` for [`Kind::Any`]).
    pub fn type_name(&self) -> &'static str {
        match self {
            Kind::String { .. } => "string",
            Kind::Integer { .. } => "integer",
            Kind::Number { .. } => "number",
            Kind::Boolean => "boolean",
            Kind::Object(_) | Kind::Map { .. } | Kind::Union(_) => "object",
            Kind::Array { .. } => "array",
            Kind::Any { .. } => "any",
        }
    }
}

/// The one type every non-null value of a list has: `"string"`, `"integer"` (integral numbers
/// within an i64), or `None` when the values are of other or mixed types.
fn list_type(values: &[Value]) -> Option<&'static str> {
    let mut non_null = values.iter().filter(|value| !value.is_null()).peekable();
    non_null.peek()?;
    let values: Vec<&Value> = non_null.collect();
    if values.iter().all(|value| value.is_string()) {
        Some("string")
    } else if values.iter().all(|value| as_integer(value).is_some()) {
        Some("integer")
    } else {
        None
    }
}

/// The integer a JSON number is, as JSON Schema compares numbers (`-2.0` is `-2`), when it
/// fits an i64 and a float holds it exactly.
fn as_integer(value: &Value) -> Option<i64> {
    value.as_i64().or_else(|| {
        #[allow(clippy::cast_possible_truncation, reason = "integral and within ±2^53, checked first")]
        value
            .as_f64()
            .filter(|float| float.fract() == 0.0 && float.abs() <= MAX_EXACT)
            .map(|float| float as i64)
    })
}

/// The first of a schema's `examples` as compact JSON text, when it is short enough for a
/// line of docs.
fn first_example(object: &Map<String, Value>) -> Option<String> {
    let example = object.get("examples")?.as_array()?.first()?.to_string();
    (example.chars().count() <= 60).then_some(example)
}

/// Whether a list (if any) has `null` among its values.
fn list_allows_null(list: Option<&(ListKeyword, Vec<Value>, bool)>) -> bool {
    list.is_none_or(|(_, values, _)| values.contains(&Value::Null))
}

/// Keywords allowed on every schema.
const ANNOTATIONS: &[&str] =
    &["title", "description", "$comment", "examples", "deprecated", "readOnly", "writeOnly", "default"];

/// Whether `keyword` is an annotation: one of [`ANNOTATIONS`], or a vendor extension (`x-*`)
/// other than the ones the generator reads.
fn is_annotation(keyword: &str) -> bool {
    ANNOTATIONS.contains(&keyword) || (keyword.starts_with("x-") && keyword != MAX_JSON_TEXT_LENGTH)
}

/// Whether a keyword, with its value, asserts nothing: `unevaluatedProperties: true` and
/// `required: []` (transcriptions of `OpenAPI` carry both), which the generator may ignore.
fn asserts_nothing(keyword: &str, value: &Value) -> bool {
    matches!((keyword, value), ("unevaluatedProperties", Value::Bool(true)))
        || (keyword == "required" && value.as_array().is_some_and(Vec::is_empty))
}
/// Keywords allowed only on the document's root.
const ROOT_ONLY: &[&str] = &["$schema", "$id", "$defs"];
/// Keywords allowed beside the annotations, each checked against the schema's type below.
const VALUE_KEYWORDS: &[&str] = &[
    "type",
    "$ref",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "maxLength",
    "minLength",
    "minItems",
    "maxItems",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "enum",
    "const",
    "oneOf",
    "anyOf",
    MAX_JSON_TEXT_LENGTH,
];

impl Model {
    /// Reads schema text; `root_type_name` names the root object's type.
    ///
    /// # Errors
    ///
    /// Every unsupported or inconsistent construct, each with its JSON pointer, in document order.
    pub fn read(schema_text: &str, root_type_name: &str) -> Result<Model, SchemaErrors> {
        let document: Value = serde_json::from_str(schema_text).map_err(|error| {
            SchemaErrors(vec![SchemaError::new("", format!("the schema is not valid JSON: {error}"))])
        })?;
        let mut reader = Reader::new(&document);
        let root = reader.read_root(&document, root_type_name);
        match root {
            Some(root) if reader.errors.is_empty() => Ok(Model {
                root,
                objects: reader.objects,
                enumerations: reader.enumerations,
                unions: reader.unions,
            }),
            _ => Err(SchemaErrors(reader.errors)),
        }
    }

    /// The object type the root value is.
    pub fn root_object(&self) -> &ObjectType {
        &self.objects[0]
    }
}

/// Where the reading of a definition stands.
enum Resolution {
    /// Being read: meeting it again is a reference cycle.
    Reading,
    /// Read: its schema, or `None` when it had errors (reported once, where it was read).
    Read(Option<Box<ValueSchema>>),
}

/// The state of one read: what was found so far.
struct Reader<'a> {
    definitions: Option<&'a Map<String, Value>>,
    /// Definitions read, or being read.
    resolved: BTreeMap<String, Resolution>,
    objects: Vec<ObjectType>,
    enumerations: Vec<Enumeration>,
    unions: Vec<Union>,
    errors: Vec<SchemaError>,
}

impl<'a> Reader<'a> {
    fn new(document: &'a Value) -> Self {
        let definitions = document.get("$defs").and_then(Value::as_object);
        Reader {
            definitions,
            resolved: BTreeMap::new(),
            objects: Vec::new(),
            enumerations: Vec::new(),
            unions: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        self.errors.push(SchemaError::new(pointer, message));
    }

    fn read_root(&mut self, document: &'a Value, root_type_name: &str) -> Option<ValueSchema> {
        if let Some(object) = document.as_object() {
            match object.get("$schema") {
                Some(Value::String(draft)) if draft == DRAFT_2020_12 => {}
                Some(_) => self.error(
                    "/$schema",
                    format!("the generator reads draft 2020-12 only: `$schema` must be {DRAFT_2020_12:?}"),
                ),
                None => self.error(
                    "",
                    format!(
                        "`$schema` is missing: the generator reads draft 2020-12 only ({DRAFT_2020_12:?})"
                    ),
                ),
            }
            if object.get("$id").is_some_and(|id| !id.is_string()) {
                self.error("/$id", "`$id` must be a string");
            }
            if object.get("$defs").is_some_and(|defs| !defs.is_object()) {
                self.error("/$defs", "`$defs` must be an object of named schemas");
            }
        }
        let root = self.read_value(document, "", root_type_name, true)?;
        if !matches!(root.kind, Kind::Object(_)) || root.nullable {
            self.error("", "the root schema must be `\"type\": \"object\"`: the payload is a JSON object");
        }
        // Definitions nobody references are still read, so that their errors are reported, but
        // they generate nothing: what they declare comes after every reachable type, and goes.
        let reachable = (self.objects.len(), self.enumerations.len(), self.unions.len());
        if let Some(definitions) = self.definitions {
            for name in definitions.keys() {
                self.resolve_definition(name, &pointer_join("/$defs", name));
            }
        }
        self.objects.truncate(reachable.0);
        self.enumerations.truncate(reachable.1);
        self.unions.truncate(reachable.2);
        Some(root)
    }

    /// Reads the schema at `pointer`; `type_name` names the object type, should it be one.
    fn read_value(
        &mut self,
        schema: &'a Value,
        pointer: &str,
        type_name: &str,
        is_root: bool,
    ) -> Option<ValueSchema> {
        let Some(object) = schema.as_object() else {
            self.error(pointer, "a schema must be a JSON object here (boolean schemas are not supported): write `{}` for a value of any type");
            return None;
        };
        for keyword in object.keys() {
            let known = is_annotation(keyword)
                || asserts_nothing(keyword, &object[keyword])
                || VALUE_KEYWORDS.contains(&keyword.as_str())
                || (is_root && ROOT_ONLY.contains(&keyword.as_str()));
            if !known {
                let place = if ROOT_ONLY.contains(&keyword.as_str()) { " except at the root" } else { "" };
                self.error(
                    &pointer_join(pointer, keyword),
                    format!("the keyword `{keyword}` is not supported{place}: remove it (an annotation can be an `x-` key), or add it to the generator (ARCHITECTURE.md, \"Adding a keyword\")"),
                );
            }
        }
        let title = self.read_text(object, pointer, "title");
        let description = self.read_text(object, pointer, "description");
        if let Some(reference) = object.get("$ref") {
            return self.read_reference(object, reference, pointer, title, description);
        }
        for combinator in [Combinator::OneOf, Combinator::AnyOf] {
            if let Some(alternatives) = object.get(combinator.as_str()) {
                return self.read_union(
                    object,
                    combinator,
                    alternatives,
                    pointer,
                    type_name,
                    title,
                    description,
                );
            }
        }
        let (kind_name, nullable) = self.read_type(object, pointer)?;
        let list = self.read_list(object, pointer, nullable).ok()?;
        // Without `type`, a list of strings (or of integers) says what the value is.
        let kind_name = kind_name.or_else(|| list.as_ref().and_then(|(_, values, _)| list_type(values)));
        let nullable = nullable && (object.contains_key("type") || list_allows_null(list.as_ref()));
        let kind = match kind_name {
            Some("string") => Kind::String {
                max_length: self.read_count(object, pointer, "maxLength"),
                min_length: self.read_min_length(object, pointer),
                format: self.read_format(object, pointer),
                allowed: self.string_list(list, pointer, Some(type_name), description.as_ref()),
            },
            Some("integer") => Kind::Integer {
                minimum: self.read_integer(object, pointer, "minimum"),
                maximum: self.read_integer(object, pointer, "maximum"),
                exclusive_minimum: self.read_integer(object, pointer, "exclusiveMinimum"),
                exclusive_maximum: self.read_integer(object, pointer, "exclusiveMaximum"),
                allowed: self.integer_list(list, pointer),
            },
            Some("number") => Kind::Number {
                bounds: Bounds {
                    minimum: self.read_number(object, pointer, "minimum"),
                    maximum: self.read_number(object, pointer, "maximum"),
                    exclusive_minimum: self.read_number(object, pointer, "exclusiveMinimum"),
                    exclusive_maximum: self.read_number(object, pointer, "exclusiveMaximum"),
                },
            },
            Some("boolean") => Kind::Boolean,
            // An object without `properties` (and not closed) is a map: its keys are data.
            Some("object")
                if !is_root
                    && !object.contains_key("properties")
                    && object.get("additionalProperties") != Some(&Value::Bool(false)) =>
            {
                self.read_map(object, pointer, type_name)?
            }
            Some("object") => {
                Kind::Object(self.read_object(object, pointer, type_name, title.clone(), description.clone()))
            }
            Some("array") => Kind::Array {
                items: Box::new(self.read_items(object, pointer, type_name)?),
                min_items: self.read_count(object, pointer, "minItems"),
                max_items: self.read_count(object, pointer, "maxItems"),
            },
            _ => Kind::Any { max_json_text_length: self.read_count(object, pointer, MAX_JSON_TEXT_LENGTH) },
        };
        self.check_keywords_fit(object, pointer, &kind);
        self.check_list_company(&kind, pointer);
        let deprecated = object.get("deprecated") == Some(&Value::Bool(true));
        Some(ValueSchema {
            pointer: pointer.to_owned(),
            title,
            description,
            nullable,
            deprecated,
            example: first_example(object),
            wrapped: None,
            kind,
        })
    }

    /// Reads `enum` or `const`: the keyword and its values (`null` included), checking that
    /// `null` is listed when the type allows it (JSON Schema rejects an unlisted `null`).
    fn read_list(
        &mut self,
        object: &Map<String, Value>,
        pointer: &str,
        nullable: bool,
    ) -> Result<Option<(ListKeyword, Vec<Value>, bool)>, ()> {
        let (keyword, values) = match (object.get("enum"), object.get("const")) {
            (None, None) => return Ok(None),
            (Some(_), Some(_)) => {
                self.error(pointer, "`enum` and `const` together are not supported: keep one of them");
                return Err(());
            }
            (Some(Value::Array(values)), None) if !values.is_empty() => (ListKeyword::Enum, values.clone()),
            (Some(_), None) => {
                self.error(&pointer_join(pointer, "enum"), "`enum` must be a non-empty array of values");
                return Err(());
            }
            (None, Some(value)) => (ListKeyword::Const, vec![value.clone()]),
        };
        let typed = object.contains_key("type");
        let at = pointer_join(pointer, keyword.as_str());
        if object.contains_key("type") && nullable && !values.contains(&Value::Null) {
            let message = format!(
                "the type allows null but `{}` does not list it, so JSON Schema rejects null: add null to the list, or remove \"null\" from `type`",
                keyword.as_str()
            );
            self.error(&at, message);
            return Err(());
        }
        if list_type(&values).is_none() {
            let message = format!(
                "`{}` must list only strings or only integers (and possibly null): other values are not supported",
                keyword.as_str()
            );
            self.error(&at, message);
            return Err(());
        }
        Ok(Some((keyword, values, typed)))
    }

    /// A string list; an `enum` of several values gets a Rust enum named `type_name`, unless
    /// `type_name` is `None` (a list that narrows a referenced string stays a string).
    fn string_list(
        &mut self,
        list: Option<(ListKeyword, Vec<Value>, bool)>,
        pointer: &str,
        type_name: Option<&str>,
        description: Option<&String>,
    ) -> Option<Allowed<String>> {
        let (keyword, values, typed) = list?;
        let at = pointer_join(pointer, keyword.as_str());
        let values: Vec<String> = values.iter().filter_map(Value::as_str).map(str::to_owned).collect();
        if values.is_empty() {
            self.error(&at, format!("`{}` lists no string for a string", keyword.as_str()));
            return None;
        }
        // A one-value `enum` is a `const` in all but name: a plain string, no Rust enum (a
        // union's discriminator often is one, in every alternative).
        let type_name = type_name.filter(|_| keyword == ListKeyword::Enum && values.len() > 1);
        let enumeration = type_name.map(|type_name| {
            self.enumerations.push(Enumeration {
                name: type_name.to_owned(),
                pointer: at,
                description: description.cloned(),
                values: values.clone(),
            });
            self.enumerations.len() - 1
        });
        Some(Allowed { keyword, values, enumeration, typed, narrows: None })
    }

    fn integer_list(
        &mut self,
        list: Option<(ListKeyword, Vec<Value>, bool)>,
        pointer: &str,
    ) -> Option<Allowed<i64>> {
        let (keyword, values, typed) = list?;
        let integers: Vec<i64> = values.iter().filter_map(as_integer).collect();
        if integers.len() != values.iter().filter(|value| !value.is_null()).count() {
            self.error(
                &pointer_join(pointer, keyword.as_str()),
                format!("`{}` of an integer must list integers that fit an i64", keyword.as_str()),
            );
            return None;
        }
        Some(Allowed { keyword, values: integers, enumeration: None, typed, narrows: None })
    }

    /// Reads an object without `properties` as a map of the `additionalProperties` schema (of
    /// any values, when there is none).
    fn read_map(&mut self, object: &'a Map<String, Value>, pointer: &str, type_name: &str) -> Option<Kind> {
        let values = match object.get("additionalProperties") {
            Some(schema @ Value::Object(_)) => self.read_value(
                schema,
                &pointer_join(pointer, "additionalProperties"),
                &format!("{type_name}Value"),
                false,
            )?,
            _ => ValueSchema {
                pointer: pointer.to_owned(),
                title: None,
                description: None,
                nullable: true,
                deprecated: false,
                example: None,
                wrapped: None,
                kind: Kind::Any { max_json_text_length: None },
            },
        };
        Some(Kind::Map { values: Box::new(values) })
    }

    /// Reads `type`: the one non-null type name (`None` without `type`) and whether null is allowed.
    fn read_type(
        &mut self,
        object: &Map<String, Value>,
        pointer: &str,
    ) -> Option<(Option<&'static str>, bool)> {
        const TYPES: &[&str] = &["string", "integer", "number", "boolean", "object", "array"];
        let at = pointer_join(pointer, "type");
        let names: Vec<&Value> = match object.get("type") {
            None => return Some((None, true)),
            Some(Value::Array(names)) => names.iter().collect(),
            Some(name) => vec![name],
        };
        let mut non_null = Vec::new();
        let mut nullable = false;
        for name in names {
            match name.as_str() {
                Some("null") if !nullable => nullable = true,
                Some(name) if !non_null.contains(&name) => match TYPES.iter().find(|known| **known == name) {
                    Some(known) => non_null.push(*known),
                    None => {
                        self.error(&at, format!("`{name}` is not a JSON Schema type"));
                        return None;
                    }
                },
                _ => {
                    self.error(&at, "`type` must be a type name or an array of distinct type names");
                    return None;
                }
            }
        }
        match non_null.as_slice() {
            [one] => Some((Some(*one), nullable)),
            _ => {
                self.error(&at, "`type` must name exactly one type besides an optional \"null\" (unions of types are not supported): leave `type` out for a value of any type, or use a `oneOf` of objects told apart by a property");
                None
            }
        }
    }

    /// Reads a `oneOf`/`anyOf`: one schema (and perhaps `{"type": "null"}`) is that schema,
    /// wrapped; several must be object types told apart by a discriminator.
    #[allow(clippy::too_many_arguments, reason = "the parts of one schema, read once")]
    fn read_union(
        &mut self,
        object: &'a Map<String, Value>,
        combinator: Combinator,
        alternatives: &'a Value,
        pointer: &str,
        type_name: &str,
        title: Option<String>,
        description: Option<String>,
    ) -> Option<ValueSchema> {
        let keyword = combinator.as_str();
        let at = pointer_join(pointer, keyword);
        for other in object.keys().filter(|other| {
            *other != keyword && !is_annotation(other) && !asserts_nothing(other, &object[*other])
        }) {
            self.error(
                &pointer_join(pointer, other),
                format!("`{other}` beside `{keyword}` is not supported: state it in each alternative"),
            );
        }
        let Some(alternatives) = alternatives.as_array().filter(|alternatives| !alternatives.is_empty())
        else {
            self.error(&at, format!("`{keyword}` must be a non-empty array of schemas"));
            return None;
        };
        let is_null = |schema: &Value| {
            schema.as_object().is_some_and(|members| {
                members.get("type") == Some(&json!("null"))
                    && members.keys().all(|key| key == "type" || is_annotation(key))
            })
        };
        let nullable = alternatives.iter().any(is_null);
        let others: Vec<(usize, &'a Value)> =
            alternatives.iter().enumerate().filter(|(_, alternative)| !is_null(alternative)).collect();
        if let [(index, only)] = others.as_slice() {
            let mut schema =
                self.read_value(only, &pointer_join(&at, &index.to_string()), type_name, false)?;
            schema.nullable |= nullable;
            schema.wrapped = Some(combinator);
            pointer.clone_into(&mut schema.pointer);
            schema.title = title.or(schema.title);
            schema.description = description.or(schema.description);
            return Some(schema);
        }
        let mut objects = Vec::new();
        for (index, alternative) in &others {
            let alternative_at = pointer_join(&at, &index.to_string());
            let read =
                self.read_value(alternative, &alternative_at, &format!("{type_name}{index}"), false)?;
            match read.kind {
                Kind::Object(object_index) if !read.nullable => objects.push(object_index),
                _ => {
                    self.error(&alternative_at, format!("an alternative of a `{keyword}` of several schemas must be an object schema (or {{\"type\": \"null\"}}): the generator reads only unions of objects told apart by a property"));
                    return None;
                }
            }
        }
        let Some((discriminator, tags)) = self.find_discriminator(&objects) else {
            self.error(&at, format!("an un-discriminated `{keyword}` is not supported: give every alternative a required string property with its own `const` (or one-value `enum`), such as \"type\", which tells them apart"));
            return None;
        };
        self.unions.push(Union {
            name: type_name.to_owned(),
            pointer: at,
            description: description.clone(),
            combinator,
            discriminator,
            alternatives: tags.into_iter().zip(objects).collect(),
        });
        let kind = Kind::Union(self.unions.len() - 1);
        Some(ValueSchema {
            pointer: pointer.to_owned(),
            title,
            description,
            nullable,
            deprecated: false,
            example: first_example(object),
            wrapped: None,
            kind,
        })
    }

    /// The first property of the first alternative that every alternative requires with one
    /// string value of its own, and those values.
    fn find_discriminator(&self, objects: &[usize]) -> Option<(String, Vec<String>)> {
        let tag_of = |object: usize, name: &str| {
            let property = self.objects[object].properties.iter().find(|property| property.name == name)?;
            match &property.schema.kind {
                Kind::String { allowed: Some(Allowed { values, .. }), .. }
                    if property.required && values.len() == 1 =>
                {
                    Some(values[0].clone())
                }
                _ => None,
            }
        };
        self.objects[*objects.first()?].properties.iter().find_map(|candidate| {
            let tags: Option<Vec<String>> =
                objects.iter().map(|object| tag_of(*object, &candidate.name)).collect();
            let tags = tags?;
            let distinct = tags.iter().enumerate().all(|(index, tag)| !tags[..index].contains(tag));
            distinct.then(|| (candidate.name.clone(), tags))
        })
    }

    fn read_reference(
        &mut self,
        object: &Map<String, Value>,
        reference: &Value,
        pointer: &str,
        title: Option<String>,
        description: Option<String>,
    ) -> Option<ValueSchema> {
        for keyword in object.keys() {
            let list = keyword == "const" || keyword == "enum";
            if keyword != "$ref"
                && !list
                && !is_annotation(keyword)
                && !asserts_nothing(keyword, &object[keyword])
            {
                self.error(&pointer_join(pointer, keyword), format!("`{keyword}` beside `$ref` is not supported (only annotations are: title, description, $comment, examples, deprecated, readOnly, writeOnly, default, x-*): move it into the referenced schema"));
            }
        }
        let at = pointer_join(pointer, "$ref");
        let name = match reference.as_str().and_then(|target| target.strip_prefix("#/$defs/")) {
            Some(name) if !name.contains('/') => name.replace("~1", "/").replace("~0", "~"),
            _ => {
                self.error(&at, "only references of the form \"#/$defs/Name\" are supported");
                return None;
            }
        };
        let mut resolved = self.resolve_definition(&name, &at)?;
        pointer.clone_into(&mut resolved.pointer);
        resolved.title = title.or(resolved.title);
        resolved.description = description.or(resolved.description);
        resolved.deprecated |= object.get("deprecated") == Some(&Value::Bool(true));
        resolved.example = first_example(object).or(resolved.example);
        if object.contains_key("const") || object.contains_key("enum") {
            self.list_beside_reference(object, pointer, &mut resolved)?;
        }
        Some(resolved)
    }

    /// `const` or `enum` beside a `$ref` (as transcriptions of `OpenAPI` narrow a shared type): the
    /// list of this use, when the referenced schema is a string or an integer without a list
    /// of its own (the value is then checked against both, as one list).
    fn list_beside_reference(
        &mut self,
        object: &Map<String, Value>,
        pointer: &str,
        resolved: &mut ValueSchema,
    ) -> Option<()> {
        let list = self.read_list(object, pointer, resolved.nullable).ok()?;
        let (keyword, values, _) = list.clone()?;
        if values.contains(&Value::Null) != resolved.nullable {
            let keyword = keyword.as_str();
            let message = if resolved.nullable {
                format!(
                    "the referenced schema allows null but `{keyword}` does not list it: add null to the list"
                )
            } else {
                format!(
                    "`{keyword}` lists null but the referenced schema does not allow it: remove null from the list"
                )
            };
            self.error(&pointer_join(pointer, keyword), message);
            return None;
        }
        // The referenced schema states the type.
        let list = list.map(|(keyword, values, _)| (keyword, values, true));
        match &mut resolved.kind {
            Kind::String { allowed: allowed @ None, .. } if list_type(&values) == Some("string") => {
                *allowed = self.string_list(list, pointer, None, None);
            }
            // A referenced string list, narrowed: every value must be one of the referenced.
            Kind::String { allowed: allowed @ Some(_), .. } if list_type(&values) == Some("string") => {
                let outer = allowed.take().map(Box::new);
                let narrowed = self.string_list(list, pointer, None, None)?;
                let outer_values = outer.as_ref().map(|outer| outer.values.as_slice()).unwrap_or_default();
                if let Some(stray) = narrowed.values.iter().find(|value| !outer_values.contains(value)) {
                    self.error(
                        &pointer_join(pointer, keyword.as_str()),
                        format!("`{}` lists {stray:?}, which the referenced schema's list does not have, so no value could be valid: list only the referenced values", keyword.as_str()),
                    );
                    return None;
                }
                // The Rust type stays the referenced enum's.
                let enumeration = outer.as_ref().and_then(|outer| outer.enumeration);
                *allowed = Some(Allowed { enumeration, narrows: outer, ..narrowed });
            }
            Kind::Integer { allowed: allowed @ None, .. } if list_type(&values) == Some("integer") => {
                *allowed = self.integer_list(list, pointer);
            }
            _ => {
                let keyword = keyword.as_str();
                self.error(
                    &pointer_join(pointer, keyword),
                    format!("`{keyword}` beside a `$ref` is supported when the referenced schema is a string, or an integer without a list of its own: write the value's schema in place of the `$ref`, with the `{keyword}`"),
                );
                return None;
            }
        }
        let errors = self.errors.len();
        self.check_list_company(&resolved.kind, pointer);
        if self.errors.len() > errors {
            return None;
        }
        Some(())
    }

    fn resolve_definition(&mut self, name: &str, at: &str) -> Option<ValueSchema> {
        match self.resolved.get(name) {
            Some(Resolution::Read(done)) => return done.as_deref().cloned(),
            Some(Resolution::Reading) => {
                self.error(at, format!("the reference to `{name}` is recursive, which is not supported (the Rust type would contain itself): end the cycle with a value of any type (a schema without `type`)"));
                return None;
            }
            None => {}
        }
        let Some(schema) = self.definitions.and_then(|definitions| definitions.get(name)) else {
            self.error(at, format!("`$defs` has no schema named `{name}`"));
            return None;
        };
        self.resolved.insert(name.to_owned(), Resolution::Reading);
        let definition = pointer_join("/$defs", name);
        let first_error = self.errors.len();
        let read = self.read_value(schema, &definition, &naming::type_name(name), false);
        // An error inside a definition names the use site too (the one whose `$ref` read it
        // first; a definition nobody references is read from its own pointer).
        let use_site = at.strip_suffix("/$ref").unwrap_or(at);
        if use_site != definition {
            for error in &mut self.errors[first_error..] {
                error.used_at.get_or_insert_with(|| use_site.to_owned());
            }
        }
        self.resolved.insert(name.to_owned(), Resolution::Read(read.clone().map(Box::new)));
        read
    }

    fn read_object(
        &mut self,
        object: &'a Map<String, Value>,
        pointer: &str,
        type_name: &str,
        title: Option<String>,
        description: Option<String>,
    ) -> usize {
        let index = self.objects.len();
        self.objects.push(ObjectType {
            name: type_name.to_owned(),
            pointer: pointer.to_owned(),
            title,
            description,
            properties: Vec::new(),
            additional: Additional::Open,
        });

        let required = self.read_required(object, pointer);
        let mut properties = Vec::new();
        let mut declared_names: Vec<&str> = Vec::new();
        match object.get("properties") {
            None => {}
            Some(Value::Object(declared)) => {
                declared_names.extend(declared.keys().map(String::as_str));
                let properties_pointer = pointer_join(pointer, "properties");
                for (name, schema) in declared {
                    let at = pointer_join(&properties_pointer, name);
                    if name.chars().any(|character| matches!(character, '"' | '\\' | '\u{0}'..='\u{1f}')) {
                        // A reader compares a key's bytes as written with the name it expects
                        // (`Reader::next_key_expecting`): a name JSON must escape would match a
                        // key that is not it.
                        self.error(
                            &at,
                            format!("the property name {name:?} is written with an escape in JSON (it has a `\"`, a `\\` or a control character), which is not supported"),
                        );
                        continue;
                    }
                    if let Some(schema) = self.read_value(schema, &at, &naming::type_name(name), false) {
                        properties.push(Property {
                            name: name.clone(),
                            required: required.contains(name),
                            schema,
                        });
                    }
                }
            }
            Some(_) => {
                self.error(&pointer_join(pointer, "properties"), "`properties` must be an object of schemas");
            }
        }
        for name in &required {
            if !declared_names.contains(&name.as_str()) {
                self.error(
                    &pointer_join(pointer, "required"),
                    format!("`{name}` is required but has no schema in `properties`"),
                );
            }
        }
        let additional = match object.get("additionalProperties") {
            None | Some(Value::Bool(true)) => Additional::Open,
            Some(Value::Bool(false)) => Additional::Closed,
            Some(schema) => self
                .read_value(
                    schema,
                    &pointer_join(pointer, "additionalProperties"),
                    &format!("{type_name}Value"),
                    false,
                )
                .map_or(Additional::Open, |values| Additional::Schema(Box::new(values))),
        };
        self.objects[index].properties = properties;
        self.objects[index].additional = additional;
        index
    }

    fn read_required(&mut self, object: &Map<String, Value>, pointer: &str) -> Vec<String> {
        let Some(required) = object.get("required") else { return Vec::new() };
        let names: Option<Vec<String>> = required
            .as_array()
            .and_then(|names| names.iter().map(|name| name.as_str().map(str::to_owned)).collect());
        match names {
            Some(names) => names,
            None => {
                self.error(
                    &pointer_join(pointer, "required"),
                    "`required` must be an array of property names",
                );
                Vec::new()
            }
        }
    }

    fn read_items(
        &mut self,
        object: &'a Map<String, Value>,
        pointer: &str,
        type_name: &str,
    ) -> Option<ValueSchema> {
        let Some(items) = object.get("items") else {
            self.error(pointer, "an array schema must have `items`");
            return None;
        };
        self.read_value(items, &pointer_join(pointer, "items"), &format!("{type_name}Item"), false)
    }

    fn read_text(&mut self, object: &Map<String, Value>, pointer: &str, keyword: &str) -> Option<String> {
        match object.get(keyword) {
            None => None,
            Some(Value::String(text)) => Some(text.clone()),
            Some(_) => {
                self.error(&pointer_join(pointer, keyword), format!("`{keyword}` must be a string"));
                None
            }
        }
    }

    fn read_count(&mut self, object: &Map<String, Value>, pointer: &str, keyword: &str) -> Option<u64> {
        let value = object.get(keyword)?;
        let count = value.as_u64();
        if count.is_none() {
            self.error(
                &pointer_join(pointer, keyword),
                format!("`{keyword}` must be a non-negative integer"),
            );
        }
        count
    }

    /// Reads `minLength`, which the generator supports on plain strings (not beside `format`
    /// or a list, whose values already say how long they are).
    fn read_min_length(&mut self, object: &Map<String, Value>, pointer: &str) -> Option<u64> {
        let min_length = self.read_count(object, pointer, "minLength")?;
        let beside = ["format", "enum", "const"].into_iter().find(|keyword| object.contains_key(*keyword));
        if let Some(beside) = beside {
            self.error(
                &pointer_join(pointer, "minLength"),
                format!("`minLength` beside `{beside}` is not supported: the generator reads it on plain strings only; drop it, or drop `{beside}`"),
            );
            return None;
        }
        Some(min_length)
    }

    fn read_integer(&mut self, object: &Map<String, Value>, pointer: &str, keyword: &str) -> Option<i64> {
        let value = object.get(keyword)?;
        let bound = value.as_i64().or_else(|| {
            // `5.0` is the integer 5, as JSON Schema reads numbers.
            #[allow(clippy::cast_possible_truncation, reason = "integral and within ±2^53, checked first")]
            value
                .as_f64()
                .filter(|bound| bound.fract() == 0.0 && bound.abs() <= MAX_EXACT)
                .map(|bound| bound as i64)
        });
        // The validators compare a bound as a float: it must be exact as one.
        match bound {
            #[allow(clippy::cast_precision_loss, reason = "the round trip checks exactness")]
            #[allow(clippy::cast_possible_truncation, reason = "the round trip checks exactness")]
            Some(bound) if (bound as f64) as i64 == bound => Some(bound),
            _ => {
                self.error(
                    &pointer_join(pointer, keyword),
                    format!("`{keyword}` of an integer must be an integer that a 64-bit float holds exactly (within ±2^53, or a power of two beyond): write the bound as such an integer"),
                );
                None
            }
        }
    }

    fn read_number(&mut self, object: &Map<String, Value>, pointer: &str, keyword: &str) -> Option<Number> {
        let value = object.get(keyword)?;
        match value {
            Value::Number(number) => Some(number.clone()),
            _ => {
                self.error(&pointer_join(pointer, keyword), format!("`{keyword}` must be a number"));
                None
            }
        }
    }

    /// Reads `format`: the formats the validators assert; any other string is an annotation.
    fn read_format(&mut self, object: &Map<String, Value>, pointer: &str) -> Option<StringFormat> {
        match object.get("format")? {
            Value::String(format) => StringFormat::ALL.into_iter().find(|known| known.as_str() == format),
            _ => {
                self.error(&pointer_join(pointer, "format"), "`format` must be a string");
                None
            }
        }
    }

    /// Reports what the validators would not check beside a list of values: bounds beside an
    /// integer list, a `format` beside a string list (the list says more than either).
    fn check_list_company(&mut self, kind: &Kind, pointer: &str) {
        let beside = match kind {
            Kind::Integer {
                allowed: Some(allowed),
                minimum,
                maximum,
                exclusive_minimum,
                exclusive_maximum,
            } => {
                let bounded = minimum.is_some()
                    || maximum.is_some()
                    || exclusive_minimum.is_some()
                    || exclusive_maximum.is_some();
                bounded.then_some((allowed.keyword, "bounds (`minimum`, `maximum`, ...)"))
            }
            Kind::String { allowed: Some(allowed), format: Some(_), .. } => {
                Some((allowed.keyword, "`format`"))
            }
            _ => None,
        };
        if let Some((keyword, what)) = beside {
            let keyword = keyword.as_str();
            self.error(
                &pointer_join(pointer, keyword),
                format!("{what} and `{keyword}` together are not supported: the listed values say more; drop {what}, or the list"),
            );
        }
    }

    /// Reports keywords that do not apply to the schema's type (`maxLength` on a number, ...).
    fn check_keywords_fit(&mut self, object: &Map<String, Value>, pointer: &str, kind: &Kind) {
        let fits: &[&str] = match kind {
            Kind::String { .. } => &["maxLength", "minLength", "format", "enum", "const"],
            Kind::Integer { .. } => {
                &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "enum", "const"]
            }
            Kind::Number { .. } => &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"],
            Kind::Boolean => &[],
            Kind::Object(_) => &["properties", "required", "additionalProperties"],
            Kind::Map { .. } => &["additionalProperties"],
            Kind::Union(_) => &["oneOf", "anyOf"],
            Kind::Array { .. } => &["items", "minItems", "maxItems"],
            Kind::Any { .. } => &[MAX_JSON_TEXT_LENGTH],
        };
        for (keyword, value) in object {
            let keyword = keyword.as_str();
            // `format` on another type is an annotation (the vendor's `int64`, `double`).
            if VALUE_KEYWORDS.contains(&keyword)
                && !asserts_nothing(keyword, value)
                && keyword != "type"
                && keyword != "format"
                && keyword != "$ref"
                && !fits.contains(&keyword)
            {
                let message = format!(
                    "`{keyword}` is not supported on a schema of type {} (JSON Schema would ignore it there, or the generator does not read it for that type): remove it, or state the type it belongs to",
                    kind.type_name()
                );
                self.error(&pointer_join(pointer, keyword), message);
            }
        }
    }
}
