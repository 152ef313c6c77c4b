//! The table of per-field constraints of a schema: what the snapshot shows and the drift checks compare.
//!
//! One row per value the schema describes, at every depth, in schema order: each property, and
//! the items of each array (a constraint belongs to the value, so a `maxLength` on array items
//! has its own row). The instance pointer uses `*` for "any item"
//! (`/ipLocation/subdivisions/*/name`).

use std::fmt::Write;

use crate::error::pointer_join;
use crate::model::{Additional, Allowed, Kind, Model, ObjectType, StringFormat, ValueSchema};

/// The constraints of one value: a property, or the items of an array.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools, reason = "a row of facts, several of them yes or no")]
pub struct ConstraintRow {
    /// Where the value sits in a payload (`*` for any array item).
    pub pointer: String,
    /// What holds the value.
    pub place: Place,
    /// Its JSON type (`any` when the schema gives none).
    pub json_type: &'static str,
    /// Whether its object's `required` lists it (always `true` for an array item, which has
    /// no presence of its own).
    pub required: bool,
    /// Whether it may be `null`.
    pub nullable: bool,
    /// `maxLength`, or for a value of any type the limit on its canonical JSON text (RFC 8785).
    pub max_length: Option<u64>,
    /// The asserted `format` (`date-time`, `ipv4`, `ipv6`), if any.
    pub format: Option<&'static str>,
    /// The `minimum` and `maximum` of an integer that has both and no exclusive bound.
    pub bounds: Option<(i64, i64)>,
    /// Every bound of an integer or a number, as text (`minimum 0, exclusiveMaximum 1.5`), or
    /// the `minLength` of a string, or the `minItems` and `maxItems` of an array.
    pub range: Option<String>,
    /// `enum` or `const`: the keyword and the values, as JSON texts.
    pub values: Option<(&'static str, Vec<String>)>,
    /// Whether the value is an object that allows no undocumented field in any mode
    /// (`additionalProperties: false`).
    pub closed: bool,
    /// Whether the schema states `type` (always, but for a `const` or an `enum` without one: a
    /// value of another type then breaks the list, not `type`).
    pub typed: bool,
    /// The list of a referenced schema that `values` narrows (`{"$ref": ..., "const": ...}`):
    /// a value must be in both, and each list it is not in is broken.
    pub narrowed: Option<(&'static str, Vec<String>)>,
    /// The `oneOf` or `anyOf` that any violation of the value becomes, as JSON Schema reports
    /// it: the union the value is or is inside, or the one that wraps it (a nullable reference).
    pub collapse: Option<Collapse>,
    /// The alternative of a union the value belongs to (the nearest), when it is inside one.
    pub alternative: Option<Alternative>,
    /// Every bound and count as `(keyword, value)`: `minimum`, `maximum`, `exclusiveMinimum`,
    /// `exclusiveMaximum` of a number or an integer, `minLength` of a string, `minItems` and
    /// `maxItems` of an array.
    pub limits: Vec<(&'static str, serde_json::Number)>,
}

/// A `oneOf` or `anyOf` whose one violation stands for every violation inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collapse {
    /// Where it is (`*` for any array item).
    pub pointer: String,
    /// `oneOf` or `anyOf`.
    pub combinator: &'static str,
}

/// One alternative of a union: the union's pointer, and the discriminator's value that picks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    /// Where the union is (`*` for any array item).
    pub union: String,
    /// The property that tells the alternatives apart.
    pub discriminator: String,
    /// Its value in this alternative.
    pub value: String,
}

/// Where a value sits: inside which union or wrapping combinator, and which alternative.
#[derive(Debug, Clone, Default)]
struct Within {
    collapse: Option<Collapse>,
    alternative: Option<Alternative>,
}

/// What holds a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A property of an object.
    Property,
    /// The items of an array (`*` ends the pointer).
    Item,
    /// The values of a map, or of the keys `additionalProperties` describes (`*` ends the
    /// pointer: any other key).
    Entry,
}

/// Every value's constraints, in schema order.
pub fn rows(model: &Model) -> Vec<ConstraintRow> {
    let mut rows = Vec::new();
    push_object(model, model.root_object(), "", &Within::default(), &mut rows);
    rows
}

fn push_object(
    model: &Model,
    object: &ObjectType,
    prefix: &str,
    within: &Within,
    rows: &mut Vec<ConstraintRow>,
) {
    for property in &object.properties {
        let pointer = pointer_join(prefix, &property.name);
        let at = At { pointer: &pointer, place: Place::Property, required: property.required };
        push_value(model, &property.schema, &at, within, rows);
    }
    if let Additional::Schema(values) = &object.additional {
        let pointer = format!("{prefix}/*");
        push_value(
            model,
            values,
            &At { pointer: &pointer, place: Place::Entry, required: true },
            within,
            rows,
        );
    }
}

/// Where a value stands in its parent.
struct At<'p> {
    pointer: &'p str,
    place: Place,
    required: bool,
}

fn push_value(
    model: &Model,
    schema: &ValueSchema,
    at: &At<'_>,
    within: &Within,
    rows: &mut Vec<ConstraintRow>,
) {
    let At { pointer, place, required } = *at;
    let bounds = match schema.kind {
        Kind::Integer { minimum: Some(minimum), maximum: Some(maximum), .. } => Some((minimum, maximum)),
        _ => None,
    };
    let (max_length, format) = match schema.kind {
        Kind::String { max_length, format, .. } => (max_length, format.map(StringFormat::as_str)),
        Kind::Any { max_json_text_length } => (max_json_text_length, None),
        _ => (None, None),
    };
    let (values, narrowed, typed) = lists_of(schema);
    let named = |bounds: [(&str, Option<String>); 4]| {
        let named: Vec<String> =
            bounds.into_iter().filter_map(|(name, bound)| Some(format!("{name} {}", bound?))).collect();
        (!named.is_empty()).then(|| named.join(", "))
    };
    let text = |bound: Option<i64>| bound.map(|bound| bound.to_string());
    let range = match &schema.kind {
        Kind::Integer { minimum, maximum, exclusive_minimum, exclusive_maximum, .. } => named([
            ("minimum", text(*minimum)),
            ("maximum", text(*maximum)),
            ("exclusiveMinimum", text(*exclusive_minimum)),
            ("exclusiveMaximum", text(*exclusive_maximum)),
        ]),
        Kind::Number { bounds } => named([
            ("minimum", bounds.minimum.as_ref().map(ToString::to_string)),
            ("maximum", bounds.maximum.as_ref().map(ToString::to_string)),
            ("exclusiveMinimum", bounds.exclusive_minimum.as_ref().map(ToString::to_string)),
            ("exclusiveMaximum", bounds.exclusive_maximum.as_ref().map(ToString::to_string)),
        ]),
        Kind::String { min_length, .. } => named([
            ("minLength", min_length.map(|count| count.to_string())),
            ("", None),
            ("", None),
            ("", None),
        ]),
        Kind::Array { min_items, max_items, .. } => named([
            ("minItems", min_items.map(|count| count.to_string())),
            ("maxItems", max_items.map(|count| count.to_string())),
            ("", None),
            ("", None),
        ]),
        _ => None,
    };
    let limits = limits_of(&schema.kind);
    // JSON Schema reports a violation inside a union as one of the outermost union around it.
    let own = match &schema.kind {
        Kind::Union(index) => Some(model.unions[*index].combinator),
        _ => schema.wrapped,
    };
    let collapse = within.collapse.clone().or_else(|| {
        own.map(|combinator| Collapse { pointer: pointer.to_owned(), combinator: combinator.as_str() })
    });
    let inside = Within { collapse: collapse.clone(), alternative: within.alternative.clone() };
    let bounds = bounds.filter(|_| {
        matches!(schema.kind, Kind::Integer { exclusive_minimum: None, exclusive_maximum: None, .. })
    });
    rows.push(ConstraintRow {
        pointer: pointer.to_owned(),
        range: match bounds {
            Some(_) => None,
            None => range,
        },
        closed: matches!(&schema.kind, Kind::Object(index) if model.objects[*index].additional == Additional::Closed),
        typed,
        values,
        narrowed,
        limits,
        collapse: collapse.clone(),
        alternative: within.alternative.clone(),
        place,
        json_type: schema.kind.type_name(),
        required,
        nullable: schema.nullable,
        max_length,
        format,
        bounds,
    });
    match &schema.kind {
        Kind::Object(index) => push_object(model, &model.objects[*index], pointer, &inside, rows),
        Kind::Map { values } => {
            let entries = format!("{pointer}/*");
            push_value(
                model,
                values,
                &At { pointer: &entries, place: Place::Entry, required: true },
                &inside,
                rows,
            );
        }
        Kind::Array { items, .. } => {
            let items_pointer = format!("{pointer}/*");
            let at = At { pointer: &items_pointer, place: Place::Item, required: true };
            push_value(model, items, &at, &inside, rows);
        }
        Kind::Union(index) => {
            let union = &model.unions[*index];
            for (value, object) in &union.alternatives {
                let alternative = Alternative {
                    union: pointer.to_owned(),
                    discriminator: union.discriminator.clone(),
                    value: value.clone(),
                };
                let within = Within { collapse: collapse.clone(), alternative: Some(alternative) };
                push_object(model, &model.objects[*object], pointer, &within, rows);
            }
        }
        _ => {}
    }
}

/// The list of values of a string or an integer (`enum` or `const`), the referenced list it
/// narrows, and whether `type` stands beside it.
#[allow(clippy::type_complexity, reason = "two lists and a flag, named where they are used")]
fn lists_of(
    schema: &ValueSchema,
) -> (Option<(&'static str, Vec<String>)>, Option<(&'static str, Vec<String>)>, bool) {
    let string = |value: &String| format!("{value:?}");
    match &schema.kind {
        Kind::String { allowed: Some(allowed), .. } => (
            Some(listed(allowed, schema.nullable, string)),
            allowed.narrows.as_deref().map(|narrows| listed(narrows, schema.nullable, string)),
            allowed.typed,
        ),
        Kind::Integer { allowed: Some(allowed), .. } => (
            Some(listed(allowed, schema.nullable, ToString::to_string)),
            allowed.narrows.as_deref().map(|narrows| listed(narrows, schema.nullable, ToString::to_string)),
            allowed.typed,
        ),
        _ => (None, None, true),
    }
}

/// Every bound and count of a value, as `(keyword, value)`, in the order the table lists them.
fn limits_of(kind: &Kind) -> Vec<(&'static str, serde_json::Number)> {
    let mut limits: Vec<(&'static str, serde_json::Number)> = Vec::new();
    let mut limit = |keyword: &'static str, value: Option<serde_json::Number>| {
        if let Some(value) = value {
            limits.push((keyword, value));
        }
    };
    match kind {
        Kind::Integer { minimum, maximum, exclusive_minimum, exclusive_maximum, .. } => {
            limit("minimum", minimum.map(Into::into));
            limit("maximum", maximum.map(Into::into));
            limit("exclusiveMinimum", exclusive_minimum.map(Into::into));
            limit("exclusiveMaximum", exclusive_maximum.map(Into::into));
        }
        Kind::Number { bounds } => {
            limit("minimum", bounds.minimum.clone());
            limit("maximum", bounds.maximum.clone());
            limit("exclusiveMinimum", bounds.exclusive_minimum.clone());
            limit("exclusiveMaximum", bounds.exclusive_maximum.clone());
        }
        Kind::String { min_length, .. } => limit("minLength", min_length.map(Into::into)),
        Kind::Array { min_items, max_items, .. } => {
            limit("minItems", min_items.map(Into::into));
            limit("maxItems", max_items.map(Into::into));
        }
        _ => {}
    }
    limits
}

/// A list's keyword and its values as JSON texts, `null` last when the value allows it.
fn listed<T>(
    allowed: &Allowed<T>,
    nullable: bool,
    text: impl Fn(&T) -> String,
) -> (&'static str, Vec<String>) {
    let mut values: Vec<String> = allowed.values.iter().map(text).collect();
    if nullable {
        values.push("null".to_owned());
    }
    (allowed.keyword.as_str(), values)
}

/// The rows as a Markdown table, for people reviewing a change of the contract.
pub fn markdown_table(rows: &[ConstraintRow]) -> String {
    let mut table = String::from(
        "| pointer | type | required | nullable | maxLength | format | other limits | values |\n|---|---|---|---|---|---|---|---|\n",
    );
    for row in rows {
        let yes_no = |flag: bool| if flag { "yes" } else { "no" };
        let max_length = row.max_length.map(|max| max.to_string()).unwrap_or_default();
        let pointer = match &row.alternative {
            Some(alternative) => {
                format!("`{}` (`{}` is {:?})", row.pointer, alternative.discriminator, alternative.value)
            }
            None => format!("`{}`", row.pointer),
        };
        let _ = writeln!(
            table,
            "| {pointer} | {} | {} | {} | {} | {} | {} | {} |",
            row.json_type,
            match row.place {
                Place::Item => "item",
                Place::Entry => "entry",
                Place::Property => yes_no(row.required),
            },
            yes_no(row.nullable),
            max_length,
            row.format.unwrap_or(""),
            row.bounds
                .map(|(minimum, maximum)| format!("{minimum}..={maximum}"))
                .or_else(|| row.range.clone())
                .unwrap_or_default(),
            row.values
                .as_ref()
                .map(|(keyword, values)| format!("{keyword}: {}", values.join(", ")))
                .unwrap_or_default(),
        );
    }
    table
}

#[cfg(test)]
mod tests {
    use super::{Place, rows};
    use crate::model::Model;

    #[test]
    fn limits_on_array_items_have_rows_of_their_own() {
        let schema = r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "properties": {"codes": {"type": "array", "items": {"type": "array",
            "items": {"type": "string", "maxLength": 5}}}}}"#;
        let rows = rows(&Model::read(schema, "Payload").unwrap());
        let pointers: Vec<(&str, Place)> = rows.iter().map(|row| (row.pointer.as_str(), row.place)).collect();
        assert_eq!(
            pointers,
            [("/codes", Place::Property), ("/codes/*", Place::Item), ("/codes/*/*", Place::Item)]
        );
        assert_eq!(rows[2].max_length, Some(5));
        assert_eq!(rows[1].max_length, None);
    }

    #[test]
    fn listed_values_are_in_the_table() {
        let schema = r#"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "properties": {"mode": {"type": ["string", "null"], "enum": ["a", "b", null]},
            "version": {"type": "integer", "const": 4}}}"#;
        let rows = rows(&Model::read(schema, "Payload").unwrap());
        assert_eq!(
            rows[0].values,
            Some(("enum", vec!["\"a\"".to_owned(), "\"b\"".to_owned(), "null".to_owned()]))
        );
        assert_eq!(rows[1].values, Some(("const", vec!["4".to_owned()])));
        assert!(super::markdown_table(&rows).contains("| enum: \"a\", \"b\", null |"));
    }
}
