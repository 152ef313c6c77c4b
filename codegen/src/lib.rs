//! Turns a canonical JSON Schema of a webhook contract into Rust source: pure, no file IO.
//!
//! The pipeline runs in plain phases, each in its own module:
//!
//! 1. [`model`] reads the schema text into a [`model::Model`], checking every keyword and
//!    collecting every unsupported construct as a [`SchemaError`] with its JSON pointer;
//! 2. [`ir`] lowers the model to the Rust items it needs ([`ir::RustItems`]), naming types and
//!    fields through [`naming`];
//! 3. [`emit`] turns those items into tokens (the types, and the validators) and formats them
//!    with prettyplease, behind a banner that names `cargo xtask generate`.
//!
//! [`fixtures::suite`] derives the conformance suite from the constraint table and the
//! documented example. [`strict::strict_schema`] derives the strict variant of the schema (unknown fields rejected).
//! [`constraints`] reads the same model into the table of per-field constraints that the
//! snapshot and the drift checks compare. Everything is deterministic: fields keep schema order,
//! and types appear in the order the schema first mentions them.

pub mod constraints;
pub mod emit;
mod error;
pub mod fixtures;
pub mod ir;
pub mod model;
pub mod naming;
pub mod strict;
pub mod suite;

pub use error::{SchemaError, SchemaErrors};

/// What the generator needs besides the schema itself.
#[derive(Debug, Clone)]
pub struct Config<'a> {
    /// The Rust name of the type of the schema's root object.
    pub root_type_name: &'a str,
    /// The schema's path as the banner names it, relative to the repository root.
    pub schema_path: &'a str,
}

/// The generated modules of one schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The Rust types.
    pub types: String,
    /// The validators.
    pub validators: String,
}

/// Generates the Rust modules of a schema: its types and its validators.
///
/// # Errors
///
/// Every construct of the schema that the generator does not support, each with its pointer.
pub fn generate(schema_text: &str, config: &Config<'_>) -> Result<Generated, SchemaErrors> {
    let model = model::Model::read(schema_text, config.root_type_name)?;
    let items = ir::RustItems::lower(&model)?;
    Ok(Generated {
        types: emit::types_module(&items, config.schema_path)?,
        validators: emit::validators_module(&items, config.schema_path)?,
    })
}
