//! [`Violation`] and [`Violations`]: what a validation found, where, and why.

use std::fmt;

/// What rule a violation breaks: the JSON Schema keyword where one exists, the project's own
/// name for the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Keyword {
    /// `type`: the value has another JSON type, or is `null` where the field is not nullable,
    /// or is a number with a fraction where an integer is documented.
    Type,
    /// `required`: a field documented `nullable: false` is absent.
    Required,
    /// `maxLength`: a string has more code points than documented.
    MaxLength,
    /// `minLength`: a string has fewer code points than documented.
    MinLength,
    /// `minItems`: an array has fewer items than documented.
    MinItems,
    /// `maxItems`: an array has more items than documented.
    MaxItems,
    /// `format`: a date-time is not RFC 3339.
    Format,
    /// `minimum`: an integer is below the bound the schema sets.
    Minimum,
    /// `maximum`: an integer is above the bound the schema sets.
    Maximum,
    /// `exclusiveMinimum`: a number is not above the bound the schema sets.
    ExclusiveMinimum,
    /// `exclusiveMaximum`: a number is not below the bound the schema sets.
    ExclusiveMaximum,
    /// `additionalProperties`: an undocumented field, in strict mode.
    AdditionalProperties,
    /// `enum`: a value the schema's list of values does not have.
    Enum,
    /// `oneOf`: a value matches none of a union's alternatives (or the one its discriminator
    /// names, not in full).
    OneOf,
    /// `anyOf`: as `oneOf`, for an `anyOf` union (or a reference that may be `null`).
    AnyOf,
    /// `const`: a value other than the one the schema allows.
    Const,
    /// `x-fingerprint-maxJsonTextLength`: the compact JSON text of `tag` is too long.
    MaxJsonTextLength,
    /// `invalidJson`: the input is not JSON text (syntax, UTF-8, nesting, number range).
    InvalidJson,
    /// `duplicateKey`: an object repeats a key.
    DuplicateKey,
    /// `internal`: a valid payload could not be built, which is a bug of this crate.
    Internal,
}

impl Keyword {
    /// The keyword as JSON Schema, or this project, spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Type => "type",
            Keyword::Required => "required",
            Keyword::MaxLength => "maxLength",
            Keyword::MinLength => "minLength",
            Keyword::MinItems => "minItems",
            Keyword::MaxItems => "maxItems",
            Keyword::Format => "format",
            Keyword::Minimum => "minimum",
            Keyword::Maximum => "maximum",
            Keyword::ExclusiveMinimum => "exclusiveMinimum",
            Keyword::ExclusiveMaximum => "exclusiveMaximum",
            Keyword::AdditionalProperties => "additionalProperties",
            Keyword::Enum => "enum",
            Keyword::OneOf => "oneOf",
            Keyword::AnyOf => "anyOf",
            Keyword::Const => "const",
            Keyword::MaxJsonTextLength => "x-fingerprint-maxJsonTextLength",
            Keyword::InvalidJson => "invalidJson",
            Keyword::DuplicateKey => "duplicateKey",
            Keyword::Internal => "internal",
        }
    }
}

impl fmt::Display for Keyword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One way a payload breaks the documented contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The JSON pointer of the offending value; for a missing field, the pointer the field
    /// would have; `""` for the payload itself.
    pub pointer: String,
    /// The rule it breaks.
    pub keyword: Keyword,
    /// What the contract says and what was found, as a sentence.
    pub message: String,
    /// The byte offset of the offending value (of the key, for a duplicate or unknown key; of
    /// the enclosing object, for a missing field).
    pub offset: usize,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() { "(payload)" } else { &self.pointer };
        write!(f, "{pointer}: {} [{}] at byte {}", self.message, self.keyword, self.offset)
    }
}

impl std::error::Error for Violation {}

/// The most violations one validation reports; past it, the validation stops and says so.
pub const MAX_VIOLATIONS: usize = 100;

/// Every violation of one payload, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violations {
    pub(crate) list: Vec<Violation>,
    pub(crate) truncated: bool,
    pub(crate) hint: Option<&'static str>,
}

impl Violations {
    /// The violations, in document order.
    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.list.iter()
    }

    /// How many violations were collected (at most [`MAX_VIOLATIONS`]).
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether there are none (never true of a returned error).
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Whether validation stopped at [`MAX_VIOLATIONS`]: the payload has more than these.
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// A plain hint that comes before the violations: the payload looks like another format.
    pub fn hint(&self) -> Option<&'static str> {
        self.hint
    }

    /// The violations, by value.
    pub fn into_vec(self) -> Vec<Violation> {
        self.list
    }
}

impl<'a> IntoIterator for &'a Violations {
    type Item = &'a Violation;
    type IntoIter = std::slice::Iter<'a, Violation>;

    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(hint) = self.hint {
            writeln!(f, "hint: {hint}")?;
        }
        let count = self.list.len();
        write!(
            f,
            "{count} violation{} of the identification webhook contract",
            if count == 1 { "" } else { "s" }
        )?;
        for violation in &self.list {
            write!(f, "\n  {violation}")?;
        }
        if self.truncated {
            write!(f, "\n  validation stopped after {MAX_VIOLATIONS} violations; the payload has more")?;
        }
        Ok(())
    }
}

impl std::error::Error for Violations {}

/// The 1-based line and column (in characters) of a byte offset in `input`, for messages that
/// point into a file. Offsets past the end, or inside a multi-byte character, are clamped.
pub fn line_column(input: &[u8], offset: usize) -> (usize, usize) {
    let before = &input[..offset.min(input.len())];
    let line_start = before.iter().rposition(|&byte| byte == b'\n').map_or(0, |newline| newline + 1);
    #[allow(
        clippy::naive_bytecount,
        reason = "called once per reported violation, not per byte of valid input"
    )]
    let line = before.iter().filter(|&&byte| byte == b'\n').count() + 1;
    let column = before[line_start..].iter().filter(|&&byte| byte & 0xC0 != 0x80).count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::line_column;

    #[test]
    fn line_and_column_count_lines_and_characters() {
        let input = "{\n  \"é\": 1,\n  \"x\": 2}".as_bytes();
        assert_eq!(line_column(input, 0), (1, 1));
        assert_eq!(line_column(input, 2), (2, 1));
        let x = input.iter().position(|&byte| byte == b'x').unwrap();
        assert_eq!(line_column(input, x), (3, 4));
        let one = input.iter().position(|&byte| byte == b'1').unwrap();
        assert_eq!(line_column(input, one), (2, 8));
        assert_eq!(line_column(input, 10_000), (3, 10));
    }
}
