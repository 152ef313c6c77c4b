//! The table of per-field constraints of a schema: what the snapshot shows and the drift checks compare.
//!
//! One row per property, at every depth, in schema order. The instance pointer of a property
//! inside array items uses `*` for "any item" (`/ipLocation/subdivisions/*/name`).

use std::fmt::Write;

use crate::model::{Kind, Model, ObjectType, ValueSchema};

/// The constraints of one property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstraintRow {
    /// Where the property sits in a payload (`*` for any array item).
    pub pointer: String,
    /// Its JSON type (`any` when the schema gives none).
    pub json_type: &'static str,
    /// Whether its object's `required` lists it.
    pub required: bool,
    /// Whether it may be `null`.
    pub nullable: bool,
    /// `maxLength`, or for a value of any type the limit on its compact JSON text.
    pub max_length: Option<u64>,
    /// `date-time` when the format applies.
    pub format: Option<&'static str>,
    /// The `minimum` and `maximum` of an integer.
    pub bounds: Option<(i64, i64)>,
}

/// Every property's constraints, in schema order.
pub fn rows(model: &Model) -> Vec<ConstraintRow> {
    let mut rows = Vec::new();
    push_object(model, model.root_object(), "", &mut rows);
    rows
}

fn push_object(model: &Model, object: &ObjectType, prefix: &str, rows: &mut Vec<ConstraintRow>) {
    for property in &object.properties {
        let pointer = format!("{prefix}/{}", property.name.replace('~', "~0").replace('/', "~1"));
        let schema = &property.schema;
        let bounds = match schema.kind {
            Kind::Integer { minimum: Some(minimum), maximum: Some(maximum) } => Some((minimum, maximum)),
            _ => None,
        };
        let (max_length, format) = match schema.kind {
            Kind::String { max_length, date_time } => {
                (max_length, date_time.then_some(crate::model::DATE_TIME))
            }
            Kind::Any { max_json_text_length } => (max_json_text_length, None),
            _ => (None, None),
        };
        rows.push(ConstraintRow {
            pointer: pointer.clone(),
            json_type: schema.kind.type_name(),
            required: property.required,
            nullable: schema.nullable,
            max_length,
            format,
            bounds,
        });
        push_nested(model, schema, &pointer, rows);
    }
}

fn push_nested(model: &Model, schema: &ValueSchema, pointer: &str, rows: &mut Vec<ConstraintRow>) {
    match &schema.kind {
        Kind::Object(index) => push_object(model, &model.objects[*index], pointer, rows),
        Kind::Array(items) => push_nested(model, items, &format!("{pointer}/*"), rows),
        _ => {}
    }
}

/// The rows as a Markdown table, for people reviewing a change of the contract.
pub fn markdown_table(rows: &[ConstraintRow]) -> String {
    let mut table = String::from(
        "| pointer | type | required | nullable | maxLength | format |\n|---|---|---|---|---|---|\n",
    );
    for row in rows {
        let yes_no = |flag: bool| if flag { "yes" } else { "no" };
        let max_length = row.max_length.map(|max| max.to_string()).unwrap_or_default();
        let _ = writeln!(
            table,
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            row.pointer,
            row.json_type,
            yes_no(row.required),
            yes_no(row.nullable),
            max_length,
            row.format.unwrap_or(""),
            row.bounds.map(|(minimum, maximum)| format!("{minimum}..={maximum}")).unwrap_or_default(),
        );
    }
    table
}
