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
    /// `x-fingerprint-maxJsonTextLength`: the canonical JSON text (RFC 8785) of `tag` is too long.
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
///
/// Read it through its accessors; more may be added without breaking users, which is why it
/// has no public fields and cannot be built outside this crate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Violation {
    pub(crate) pointer: String,
    pub(crate) keyword: Keyword,
    pub(crate) message: String,
    pub(crate) offset: usize,
}

impl Violation {
    /// The JSON pointer of the offending value; for a missing field, the pointer the field
    /// would have; `""` for the payload itself. Keys appear in it as received (control
    /// characters included): escape it before printing it to a terminal.
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// The rule it breaks.
    pub fn keyword(&self) -> Keyword {
        self.keyword
    }

    /// What the contract says and what was found, as a sentence. Values from the payload are
    /// quoted with their control characters escaped.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The byte offset of the offending value in the input (of the key, for a duplicate or
    /// unknown key; of the enclosing object, for a missing field). [`Positions`] turns it into
    /// a line and column.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The pointer and the message, by value, for reports that keep them.
    pub fn into_pointer_and_message(self) -> (String, String) {
        (self.pointer, self.message)
    }
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
#[non_exhaustive]
pub struct Violations {
    pub(crate) list: Vec<Violation>,
    pub(crate) truncated: bool,
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

    /// Whether validation stopped at [`MAX_VIOLATIONS`] (or earlier, when the violations' pointers
    /// grew to several times the size of the input, as a hostile payload's long keys make
    /// them): the payload has more than these.
    pub fn is_truncated(&self) -> bool {
        self.truncated
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
        let count = self.list.len();
        write!(f, "{count} violation{} of the contract", if count == 1 { "" } else { "s" })?;
        for violation in &self.list {
            write!(f, "\n  {violation}")?;
        }
        if self.truncated {
            write!(f, "\n  validation stopped after {count} violations; the payload has more")?;
        }
        Ok(())
    }
}

impl std::error::Error for Violations {}

/// Turns byte offsets of one input into 1-based lines and columns (in characters), in one pass
/// over the input however many offsets are asked for, as long as they come in increasing order
/// (as [`Violations`] lists them): lines and columns are both counted on from the last answer,
/// so many offsets on one long line (an NDJSON payload) cost one pass too. An earlier offset
/// starts again from the beginning.
///
/// Offsets past the end are clamped to the end.
#[derive(Debug, Clone)]
pub struct Positions<'a> {
    input: &'a [u8],
    /// Where the last answer was computed, and what it was.
    offset: usize,
    line: usize,
    column: usize,
}

impl<'a> Positions<'a> {
    /// Positions in `input`.
    pub fn new(input: &'a [u8]) -> Self {
        Positions { input, offset: 0, line: 1, column: 1 }
    }

    /// The 1-based line and column of `offset`.
    pub fn locate(&mut self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.input.len());
        if offset < self.offset {
            *self = Positions::new(self.input);
        }
        let skipped = &self.input[self.offset..offset];
        match memchr::memrchr(b'\n', skipped) {
            Some(last_newline) => {
                self.line += bytecount::count(skipped, b'\n');
                self.column = bytecount::num_chars(&skipped[last_newline + 1..]) + 1;
            }
            None => self.column += bytecount::num_chars(skipped),
        }
        self.offset = offset;
        (self.line, self.column)
    }
}

/// The 1-based line and column (in characters) of a byte offset in `input`. Offsets past the
/// end are clamped. To locate several offsets of one input, [`Positions`] reads it once.
pub fn line_column(input: &[u8], offset: usize) -> (usize, usize) {
    Positions::new(input).locate(offset)
}

#[cfg(test)]
mod tests {
    use super::{Positions, line_column};

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

    #[test]
    fn positions_agree_with_line_column_in_any_order() {
        let input = "{\n  \"é\": 1,\n\n  \"x\": [2,\n 3]}\n".as_bytes();
        let mut positions = Positions::new(input);
        let mut offsets: Vec<usize> = (0..=input.len() + 2).collect();
        offsets.extend([7, 3, 20, 0, 12]);
        for offset in offsets {
            assert_eq!(positions.locate(offset), line_column_by_counting(input, offset), "offset {offset}");
        }
    }

    /// The definition, counted naively.
    fn line_column_by_counting(input: &[u8], offset: usize) -> (usize, usize) {
        let text = String::from_utf8_lossy(&input[..offset.min(input.len())]).into_owned();
        let line = text.matches('\n').count() + 1;
        let column = text.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
        (line, column)
    }
}
