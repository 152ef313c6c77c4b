//! Errors of the generator: an unsupported or inconsistent schema construct, with its JSON pointer.

use std::fmt;

/// One construct of the schema that the generator cannot turn into code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// The JSON pointer of the construct in the schema document (`""` for the root): where
    /// it is defined.
    pub pointer: String,
    /// Where it is used, when that is elsewhere: the first `$ref` that led to the definition
    /// the construct is in.
    pub used_at: Option<String>,
    /// What is wrong there, and what is supported instead.
    pub message: String,
}

impl SchemaError {
    pub(crate) fn new(pointer: &str, message: impl Into<String>) -> Self {
        SchemaError { pointer: pointer.to_owned(), used_at: None, message: message.into() }
    }
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.used_at {
            Some(used_at) => write!(f, "at #{} (used at #{used_at}): {}", self.pointer, self.message),
            None => write!(f, "at #{}: {}", self.pointer, self.message),
        }
    }
}

impl std::error::Error for SchemaError {}

/// Every error found in one read of a schema, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaErrors(pub Vec<SchemaError>);

impl fmt::Display for SchemaErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        writeln!(f, "the schema has {count} unsupported construct{}:", if count == 1 { "" } else { "s" })?;
        for error in &self.0 {
            writeln!(f, "  {error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SchemaErrors {}

/// Appends `token` to a JSON pointer, escaping it as RFC 6901 requires.
pub(crate) fn pointer_join(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", token.replace('~', "~0").replace('/', "~1"))
}
