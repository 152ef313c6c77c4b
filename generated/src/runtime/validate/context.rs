//! [`Context`]: the state of one validation and the typed readers that the generated
//! validators call, one per kind of value.
//!
//! Every reader takes `const BUILD: bool`: with `false` it only checks (validate-only, no
//! allocation on the valid path), with `true` it also builds the typed value (validate-and-parse).
//! A reader returns a [`Slot`]; a syntax error or the violation cap returns [`Abort`], which
//! unwinds the whole validation.

use std::ops::RangeInclusive;

use serde_json::Number;

use super::canonical;
use super::key_order::KeyOrder;
use super::key_set::KeySet;
use super::path::Path;
use super::reader::{Next, NumberToken, Reader, StringToken, SyntaxError};
use super::rfc3339;
use super::violation::{Keyword, MAX_VIOLATIONS, Violation, Violations};
use crate::{DateTime, JsonObject, JsonValue, Nullable};

// The readers of the vocabulary beyond the identification webhook's own (lists, bounds, maps,
// unions, formats, ...), in a module of their own: they use this module's private items.
pub(crate) mod vocabulary;

#[allow(unused_imports, reason = "the validators of schemas that use them name them here")]
pub(crate) use vocabulary::{Bounds, Format, List, was_seen_in};

/// The value of a JSON number token (already checked against the grammar), as `serde_json`
/// reads it with its `float_roundtrip` feature, which this crate does not impose on its
/// dependents: an integer that fits an `i64` or `u64` as that integer (`-0` as the float
/// `-0.0`), every other number as the nearest `f64`, which the standard library's parser
/// finds exactly; `None` past the range of an `f64`.
pub(crate) fn exact_number(token: &str) -> Option<Number> {
    if !token.contains(['.', 'e', 'E']) {
        let integer = match token.strip_prefix('-') {
            Some("0") => None,
            Some(_) => token.parse::<i64>().ok().map(Number::from),
            None => token.parse::<u64>().ok().map(Number::from),
        };
        if integer.is_some() {
            return integer;
        }
    }
    token.parse::<f64>().ok().filter(|value| value.is_finite()).and_then(Number::from_f64)
}

/// Validation stopped: a syntax error, or too many violations. The reason is in the context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Abort;

/// What a reader found.
#[derive(Debug)]
pub(crate) enum Slot<T> {
    /// `null`, where the field allows it.
    Null,
    /// A valid value: `Some` when building, `None` when only checking.
    Value(Option<T>),
    /// A violation was recorded; there is no value.
    Invalid,
}

impl<T> Slot<T> {
    /// The value, for a required or optional field.
    pub(crate) fn value(self) -> Option<T> {
        match self {
            Slot::Value(value) => value,
            Slot::Null | Slot::Invalid => None,
        }
    }

    /// The field, for a nullable field: `null` or the value.
    pub(crate) fn nullable(self) -> Option<Nullable<T>> {
        match self {
            Slot::Null => Some(Nullable::Null),
            Slot::Value(value) => value.map(Nullable::Value),
            Slot::Invalid => None,
        }
    }
}

/// The outcome of checking the type of the next value.
enum Check {
    /// `null`, allowed and consumed.
    Null,
    /// The expected type; nothing consumed.
    Matches,
    /// Another type: a violation was recorded and the value skipped.
    Mismatch,
}

/// A value quoted for a message, cut short when long.
fn quoted(text: &str) -> String {
    const SHOWN: usize = 40;
    if text.chars().count() <= SHOWN {
        format!("{text:?}")
    } else {
        let start: String = text.chars().take(SHOWN).collect();
        format!("{start:?}…")
    }
}

/// The member [`Context::next_member`] moved to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Member {
    /// The documented field at this index of the object's keys.
    Documented(usize),
    /// A key the schema does not list.
    Other,
}

/// Lets the locals of a generated reader that does not build go without dropping them.
///
/// Such a reader (`BUILD` false) assigns none of the locals that hold what it would build:
/// every assignment is behind `.filter(|_| BUILD)`, or is [`Context::object_into`]'s of a
/// nested reader's value, which a reader that does not build never returns. They all still hold `None` (or
/// `Nullable::Absent`) and own nothing, so forgetting them leaks nothing. Dropping them
/// instead calls the drop glue of every object-typed field, which the compiler cannot see
/// through (the call takes the local's address, so it stays in memory and is not known to be
/// `None`): 1 to 10% of validate-only's instructions, counted on the project's payloads.
#[inline(always)]
#[allow(clippy::inline_always, reason = "a no-op: it must not become a call")]
pub(crate) fn forget_unbuilt<T>(locals: T) {
    std::mem::forget(locals);
}

/// Whether documented field `index` was marked in `seen` by [`Context::seen`].
pub(crate) fn was_seen(seen: u64, index: u32) -> bool {
    seen & (1 << index) != 0
}

/// How many bytes of pointers and messages the violations of an input of `input_len` bytes may
/// hold before the validation stops as if at the violation cap: four times the input, and at
/// least 64 KiB. One violation may overrun it (its pointer is at most twice the input, as `~1`
/// escapes `/`), so the list stays within about six times the input whatever it holds.
fn violation_budget(input_len: usize) -> usize {
    input_len.saturating_mul(4).max(64 * 1024)
}

/// The state of one validation.
#[derive(Debug)]
pub(crate) struct Context<'a> {
    reader: Reader<'a>,
    violations: Vec<Violation>,
    truncated: bool,
    strict: bool,
    /// Only syntax errors count: every other violation is dropped. For the second look at an
    /// input whose validation stopped at the violation cap.
    syntax_only: bool,
    /// How many bytes the recorded violations' pointers and messages hold, and how many they
    /// may: a pointer repeats every key above it, so a hostile payload (a long key over many
    /// violations) could otherwise make the list hundreds of times larger than the input.
    violation_bytes: usize,
    violation_budget: usize,
}

impl<'a> Context<'a> {
    /// A validation of `bytes`; `strict` rejects undocumented fields. One that `builds` values
    /// checks the whole input as UTF-8 first (see [`Reader::with_text`]).
    pub(crate) fn new(bytes: &'a [u8], strict: bool, builds: bool) -> Self {
        Context {
            reader: if builds { Reader::with_text(bytes) } else { Reader::new(bytes) },
            violations: Vec::new(),
            truncated: false,
            strict,
            syntax_only: false,
            violation_bytes: 0,
            violation_budget: violation_budget(bytes.len()),
        }
    }

    /// A reading of `bytes` that records syntax errors only.
    pub(crate) fn syntax_only(bytes: &'a [u8]) -> Self {
        Context { syntax_only: true, ..Context::new(bytes, false, false) }
    }

    /// Whether the validation stopped at [`MAX_VIOLATIONS`].
    pub(crate) fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// The scanner, for the entry point.
    pub(crate) fn reader(&mut self) -> &mut Reader<'a> {
        &mut self.reader
    }

    /// How many violations were recorded so far.
    pub(crate) fn violation_count(&self) -> usize {
        self.violations.len()
    }

    /// Everything found, in document order.
    pub(crate) fn into_violations(mut self) -> Violations {
        self.violations.sort_by_key(|violation| violation.offset);
        Violations { list: self.violations, truncated: self.truncated }
    }

    /// Records a violation at `path`.
    ///
    /// # Errors
    ///
    /// [`Abort`] once [`MAX_VIOLATIONS`] are recorded.
    pub(crate) fn violation(
        &mut self,
        path: &Path<'_>,
        keyword: Keyword,
        offset: usize,
        message: String,
    ) -> Result<(), Abort> {
        if self.syntax_only {
            return Ok(());
        }
        if self.violations.len() >= MAX_VIOLATIONS || self.violation_bytes > self.violation_budget {
            self.truncated = true;
            return Err(Abort);
        }
        let pointer = path.pointer();
        self.violation_bytes += pointer.len() + message.len();
        // Room for a few at once: most invalid payloads have more than one violation.
        if self.violations.capacity() == 0 {
            self.violations.reserve(8);
        }
        self.violations.push(Violation { pointer, keyword, message, offset });
        Ok(())
    }

    /// Records a syntax error: it replaces every other violation (the input is not JSON, so
    /// nothing else about it is meaningful), and stops the validation.
    pub(crate) fn syntax(&mut self, error: SyntaxError) -> Abort {
        let (offset, message) = error.into_parts();
        self.violations.clear();
        self.truncated = false;
        self.violations.push(Violation {
            pointer: String::new(),
            keyword: Keyword::InvalidJson,
            message: format!("not valid JSON: {message}"),
            offset,
        });
        Abort
    }

    fn scan<T>(&mut self, result: Result<T, SyntaxError>) -> Result<T, Abort> {
        result.map_err(|error| self.syntax(error))
    }

    #[inline]
    fn peek(&mut self) -> Result<Next, Abort> {
        match self.reader.next_kind() {
            Some(next) => Ok(next),
            None => Err(self.syntax(self.reader.no_value())),
        }
    }

    /// Checks that the next value is `want` (or `null`, when `nullable`).
    #[allow(
        clippy::inline_always,
        reason = "called for every value; inlined, the common case is a compare (measured: 3-5% fewer instructions per payload)"
    )]
    #[inline(always)]
    fn expect(&mut self, path: &Path<'_>, nullable: bool, want: Next) -> Result<Check, Abort> {
        // The first byte is tested against `want` alone (a constant where this is inlined), so
        // that the common case is one compare, not a jump on the kind of every value.
        if self.reader.skip_whitespace().is_some_and(|byte| want.starts_with(byte)) {
            return Ok(Check::Matches);
        }
        let found = self.peek()?;
        self.expect_other(path, nullable, want, found)
    }

    /// The rest of [`Context::expect`], for a value that is not `want`: a `null`, or a violation.
    #[inline(never)]
    fn expect_other(
        &mut self,
        path: &Path<'_>,
        nullable: bool,
        want: Next,
        found: Next,
    ) -> Result<Check, Abort> {
        let offset = self.reader.offset();
        if found == Next::Null && nullable {
            let null = self.reader.null();
            self.scan(null)?;
            return Ok(Check::Null);
        }
        let or_null = if nullable { " or null" } else { "" };
        let message = format!("expected {}{or_null}, found {}", want.described(), found.described());
        self.violation(path, Keyword::Type, offset, message)?;
        self.value::<false>(path, false)?;
        Ok(Check::Mismatch)
    }

    /// Reads a string, checking `maxLength` in code points.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    pub(crate) fn string<const BUILD: bool>(
        &mut self,
        path: &Path<'_>,
        nullable: bool,
        max_length: Option<usize>,
    ) -> Result<Slot<String>, Abort> {
        match self.string_token(path, nullable, max_length)? {
            None => Ok(Slot::Null),
            Some(true) => Ok(Slot::Value(BUILD.then(|| self.reader.decode_last().into_owned()))),
            Some(false) => Ok(Slot::Invalid),
        }
    }

    /// Checks a string field's value: `None` for an allowed `null`, `Some(false)` after a
    /// violation, `Some(true)` for a valid string, which the reader holds as its last string.
    fn string_token(
        &mut self,
        path: &Path<'_>,
        nullable: bool,
        max_length: Option<usize>,
    ) -> Result<Option<bool>, Abort> {
        match self.expect(path, nullable, Next::String)? {
            Check::Null => return Ok(None),
            Check::Mismatch => return Ok(Some(false)),
            Check::Matches => {}
        }
        let offset = self.reader.offset();
        let scanned = self.reader.string();
        self.scan(scanned)?;
        self.string_fits(path, offset, max_length)
    }

    /// Checks the length of the last string read against `maxLength`: `Some(true)` when it fits.
    fn string_fits(
        &mut self,
        path: &Path<'_>,
        offset: usize,
        max_length: Option<usize>,
    ) -> Result<Option<bool>, Abort> {
        let chars = self.reader.last().chars;
        if let Some(max) = max_length.filter(|max| chars > *max) {
            let message = format!("{chars} characters; the documented maximum is {max}");
            self.violation(path, Keyword::MaxLength, offset, message)?;
            return Ok(Some(false));
        }
        Ok(Some(true))
    }

    /// Reads an RFC 3339 date-time.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    pub(crate) fn date_time<const BUILD: bool>(
        &mut self,
        path: &Path<'_>,
        nullable: bool,
        max_length: Option<usize>,
    ) -> Result<Slot<DateTime>, Abort> {
        self.reader.skip_whitespace();
        let offset = self.reader.offset();
        // The format and the length are independent rules: a value can break both.
        match self.string_token(path, nullable, None)? {
            None => return Ok(Slot::Null),
            Some(false) => return Ok(Slot::Invalid),
            Some(true) => {}
        }
        // The grammar is ASCII: the bytes need no UTF-8 check to be parsed.
        let token = *self.reader.last();
        let parsed = rfc3339::parse(&token.decoded_bytes());
        if let Err(reason) = &parsed {
            let message = format!("{} is not an RFC 3339 date-time: {reason}", quoted(&token.decode()));
            self.violation(path, Keyword::Format, offset, message)?;
        }
        let fits = self.string_fits(path, offset, max_length)? == Some(true);
        match parsed {
            Ok(parts) if fits => Ok(Slot::Value(
                BUILD.then(|| DateTime::from_parts(self.reader.decode(&token).into_owned(), parts)),
            )),
            _ => Ok(Slot::Invalid),
        }
    }

    /// Reads a number token.
    fn number_token(&mut self) -> Result<NumberToken<'a>, Abort> {
        let token = self.reader.number();
        self.scan(token)
    }

    /// The exact value of the number `token` read at `offset` (see [`exact_number`]); a syntax
    /// error past the range of an `f64`.
    fn exact(&mut self, offset: usize, token: NumberToken<'a>) -> Result<Number, Abort> {
        if let Some(integer) = token.small_integer {
            return Ok(Number::from(integer));
        }
        match exact_number(token.text()) {
            Some(number) => Ok(number),
            None => Err(self.syntax(SyntaxError::new(
                offset,
                format!("the number {} is out of the range of a 64-bit float", quoted(token.text())),
            ))),
        }
    }

    /// The value of the number `token` read at `offset` when building; when only checking, its
    /// range is still checked, without parsing it when its text shows it is within range.
    fn number_if_built<const BUILD: bool>(
        &mut self,
        offset: usize,
        token: NumberToken<'a>,
    ) -> Result<Option<Number>, Abort> {
        if !BUILD && token.surely_finite() {
            return Ok(None);
        }
        let number = self.exact(offset, token)?;
        Ok(BUILD.then_some(number))
    }

    /// Reads a number token and its value, exactly (see [`exact_number`]).
    fn number_value(&mut self) -> Result<(Number, NumberToken<'a>), Abort> {
        let offset = self.reader.offset();
        let token = self.number_token()?;
        Ok((self.exact(offset, token)?, token))
    }

    /// Reads an integer: any number with a zero fraction, within the schema's bounds.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    pub(crate) fn integer<const BUILD: bool>(
        &mut self,
        path: &Path<'_>,
        nullable: bool,
        bounds: RangeInclusive<i64>,
    ) -> Result<Slot<i64>, Abort> {
        let (minimum, maximum) = bounds.into_inner();
        match self.expect(path, nullable, Next::Number)? {
            Check::Null => return Ok(Slot::Null),
            Check::Mismatch => return Ok(Slot::Invalid),
            Check::Matches => {}
        }
        let offset = self.reader.offset();
        let token = self.number_token()?;
        // Most integers are small: their value came with the scan.
        if let Some(integer) = token.small_integer
            && (minimum..=maximum).contains(&integer)
        {
            return Ok(Slot::Value(BUILD.then_some(integer)));
        }
        let number = self.exact(offset, token)?;
        let token = token.text();
        // Exact for every integer JSON text can hold without a fraction; an `f64` otherwise.
        let value: Option<i128> = number.as_i64().map(i128::from).or_else(|| number.as_u64().map(i128::from));
        #[allow(clippy::cast_precision_loss, reason = "the bounds are within ±2^53, exact as f64")]
        let (below, above, integral) = match (value, number.as_f64()) {
            (Some(value), _) => (value < i128::from(minimum), value > i128::from(maximum), true),
            (None, Some(float)) => (float < minimum as f64, float > maximum as f64, float.fract() == 0.0),
            (None, None) => (false, false, false),
        };
        // The type and the bounds are independent rules: `100.5` can break both.
        if !integral {
            let message = format!("expected an integer, found {token}, which has a fraction");
            self.violation(path, Keyword::Type, offset, message)?;
        }
        if below || above {
            let (keyword, bound, side) = if below {
                (Keyword::Minimum, minimum, "below the minimum")
            } else {
                (Keyword::Maximum, maximum, "above the maximum")
            };
            // The bound is the schema's; its reason, if any, is in the schema's description.
            let message = format!("{token} is {side} {bound}");
            self.violation(path, keyword, offset, message)?;
            return Ok(Slot::Invalid);
        }
        if !integral {
            return Ok(Slot::Invalid);
        }
        #[allow(
            clippy::cast_possible_truncation,
            reason = "integral and within the i64 bounds checked above"
        )]
        let integer = match value {
            Some(value) => i64::try_from(value).ok(),
            None => number.as_f64().map(|float| float as i64),
        };
        Ok(Slot::Value(if BUILD { integer } else { None }))
    }

    /// Reads a number.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    pub(crate) fn number<const BUILD: bool>(
        &mut self,
        path: &Path<'_>,
        nullable: bool,
    ) -> Result<Slot<Number>, Abort> {
        match self.expect(path, nullable, Next::Number)? {
            Check::Null => Ok(Slot::Null),
            Check::Mismatch => Ok(Slot::Invalid),
            Check::Matches => {
                let offset = self.reader.offset();
                let token = self.number_token()?;
                Ok(Slot::Value(self.number_if_built::<BUILD>(offset, token)?))
            }
        }
    }

    /// Reads `true` or `false`.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    pub(crate) fn boolean<const BUILD: bool>(
        &mut self,
        path: &Path<'_>,
        nullable: bool,
    ) -> Result<Slot<bool>, Abort> {
        match self.expect(path, nullable, Next::Boolean)? {
            Check::Null => Ok(Slot::Null),
            Check::Mismatch => Ok(Slot::Invalid),
            Check::Matches => {
                let value = self.reader.boolean();
                let value = self.scan(value)?;
                Ok(Slot::Value(BUILD.then_some(value)))
            }
        }
    }

    /// Reads any JSON value (`null` included), checking the length of its canonical JSON text
    /// (RFC 8785).
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    pub(crate) fn any<const BUILD: bool>(
        &mut self,
        path: &Path<'_>,
        max_json_text_length: Option<usize>,
    ) -> Result<Slot<JsonValue>, Abort> {
        let offset = match self.peek()? {
            Next::Null => {
                let null = self.reader.null();
                self.scan(null)?;
                return Ok(Slot::Null);
            }
            _ => self.reader.offset(),
        };
        let (value, length) = self.value::<BUILD>(path, max_json_text_length.is_some())?;
        if let Some(max) = max_json_text_length.filter(|max| length > *max) {
            let message = format!(
                "its canonical JSON text (RFC 8785) is {length} characters; the documented maximum is {max}"
            );
            self.violation(path, Keyword::MaxJsonTextLength, offset, message)?;
            return Ok(Slot::Invalid);
        }
        Ok(Slot::Value(value))
    }

    /// Skips the next value, whatever it is, checking its syntax.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    pub(crate) fn skip(&mut self, path: &Path<'_>) -> Result<(), Abort> {
        self.value::<false>(path, false).map(drop)
    }

    /// Reads any value: builds it when `BUILD`, reports duplicate keys at every depth, and
    /// measures its canonical JSON text (RFC 8785) in characters when `measure` (numbers are
    /// formatted to be measured; the length is meaningless without it).
    fn value<const BUILD: bool>(
        &mut self,
        path: &Path<'_>,
        measure: bool,
    ) -> Result<(Option<JsonValue>, usize), Abort> {
        match self.peek()? {
            Next::Null => {
                let null = self.reader.null();
                self.scan(null)?;
                Ok((BUILD.then_some(JsonValue::Null), 4))
            }
            Next::Boolean => {
                let value = self.reader.boolean();
                let value = self.scan(value)?;
                Ok((BUILD.then_some(JsonValue::Bool(value)), if value { 4 } else { 5 }))
            }
            Next::Number => {
                let offset = self.reader.offset();
                let token = self.number_token()?;
                // Measuring a number formats it; only a limited value needs it.
                let length = if measure { canonical::number_len(&token) } else { 0 };
                Ok((self.number_if_built::<BUILD>(offset, token)?.map(JsonValue::Number), length))
            }
            Next::String => {
                let scanned = self.reader.string();
                self.scan(scanned)?;
                let token = self.reader.last();
                Ok((
                    BUILD.then(|| JsonValue::String(self.reader.decode(token).into_owned())),
                    token.compact_len,
                ))
            }
            Next::Array => {
                let begin = self.reader.begin_array();
                self.scan(begin)?;
                let mut items = Vec::new();
                let mut length = 2;
                let mut index = 0;
                while self.next_item(index == 0)? {
                    let (item, item_length) = self.value::<BUILD>(&Path::Index(path, index), measure)?;
                    length += item_length + usize::from(index > 0);
                    items.extend(item);
                    index += 1;
                }
                Ok((BUILD.then_some(JsonValue::Array(items)), length))
            }
            Next::Object => {
                let begin = self.reader.begin_object();
                self.scan(begin)?;
                let mut members = JsonObject::new();
                let mut keys = KeySet::default();
                let mut length = 2;
                let mut first = true;
                while self.next_key(first)? {
                    let key_offset = self.key_offset();
                    let key = self.key();
                    let member_path = Path::Token(path, &key);
                    if !keys.insert(key.decoded_bytes()) {
                        self.duplicate(&member_path, key_offset)?;
                    }
                    let (member, member_length) = self.value::<BUILD>(&member_path, measure)?;
                    length += key.compact_len + 1 + member_length + usize::from(!first);
                    if let Some(member) = member {
                        members.insert(self.key_string(&key), member);
                    }
                    first = false;
                }
                Ok((BUILD.then_some(JsonValue::Object(members)), length))
            }
        }
    }

    /// Reads an object of a generated type; `read` consumes it from its `{`.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    pub(crate) fn object<T>(
        &mut self,
        path: &Path<'_>,
        nullable: bool,
        read: impl FnOnce(&mut Self, &Path<'_>) -> Result<Option<T>, Abort>,
    ) -> Result<Slot<T>, Abort> {
        match self.expect(path, nullable, Next::Object)? {
            Check::Null => Ok(Slot::Null),
            Check::Mismatch => Ok(Slot::Invalid),
            // Matched without moving what is not there: when only checking, `read` returns
            // `None`, and moving the `Option` would copy the size of a whole `T`.
            Check::Matches => match read(self, path) {
                Ok(None) => Ok(Slot::Value(None)),
                Ok(Some(value)) => Ok(Slot::Value(Some(value))),
                Err(abort) => Err(abort),
            },
        }
    }

    /// Reads a required or optional object into `out`, the local of its field, rather than
    /// returning it through a [`Slot`] for the caller to move into that local: each move of an
    /// object copies all of it (some are over a kilobyte), and this leaves only the one from
    /// `read`'s result. A reader that only checks returns `None`, so `out` stays empty.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    pub(crate) fn object_into<T>(
        &mut self,
        path: &Path<'_>,
        out: &mut Option<T>,
        read: impl FnOnce(&mut Self, &Path<'_>) -> Result<Option<T>, Abort>,
    ) -> Result<(), Abort> {
        if let Check::Matches = self.expect(path, false, Next::Object)? {
            // Matched without moving what is not there, as in `object`.
            match read(self, path) {
                Ok(Some(value)) => *out = Some(value),
                Ok(None) => {}
                Err(abort) => return Err(abort),
            }
        }
        Ok(())
    }

    /// Reads an array whose items `read_item` reads; the array is built only when every item
    /// was built.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    pub(crate) fn array<const BUILD: bool, T>(
        &mut self,
        path: &Path<'_>,
        nullable: bool,
        read_item: impl FnMut(&mut Self, &Path<'_>) -> Result<Slot<T>, Abort>,
    ) -> Result<Slot<Vec<T>>, Abort> {
        self.sized_array::<BUILD, T>(path, nullable, 0, None, read_item)
    }

    /// Consumes the `{` of a generated object (its caller checked the type); returns its offset.
    ///
    /// # Errors
    ///
    /// [`Abort`] when the nesting is too deep.
    pub(crate) fn begin_object(&mut self) -> Result<usize, Abort> {
        let offset = self.reader.offset();
        let begin = self.reader.begin_object();
        self.scan(begin)?;
        Ok(offset)
    }

    /// Moves to the next key of the current object: `false` at its end.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error.
    pub(crate) fn next_key(&mut self, first: bool) -> Result<bool, Abort> {
        let next = self.reader.next_key(first);
        self.scan(next)
    }

    /// Moves to the next member of an object with documented `keys` (in schema order), and
    /// tells which of them its key is: `None` at the end of the object. The key is first
    /// compared, as bytes, with the one `order` expects after `previous` (the index of the
    /// object's last documented key, or [`KeyOrder::START`]); only another key is scanned,
    /// decoded and given to `index_of`, which finds a documented key's index, and `order` then
    /// learns it. `previous` then becomes the key found.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error.
    #[allow(
        clippy::inline_always,
        reason = "called for every member; inlined into each reader, the key's index needs no return through memory (measured: 6% fewer instructions per payload)"
    )]
    #[inline(always)]
    pub(crate) fn next_member<const SLOTS: usize>(
        &mut self,
        first: bool,
        keys: &[&str],
        order: &KeyOrder<SLOTS>,
        previous: &mut usize,
        index_of: impl FnOnce(&[u8]) -> Option<usize>,
    ) -> Result<Option<Member>, Abort> {
        let next = order.after(*previous);
        let read = match keys.get(next) {
            Some(expected) => self.reader.next_key_expecting(first, expected),
            // Past the last documented key, any key is scanned.
            None => self.reader.next_key(first).map(|more| more.then_some(false)),
        };
        let index = match self.scan(read)? {
            None => return Ok(None),
            Some(true) => next,
            Some(false) => match index_of(&self.reader.last().decoded_bytes()) {
                Some(index) => {
                    order.learn(*previous, index);
                    index
                }
                None => return Ok(Some(Member::Other)),
            },
        };
        *previous = index;
        Ok(Some(Member::Documented(index)))
    }

    /// The byte offset of the current key.
    pub(crate) fn key_offset(&self) -> usize {
        self.reader.key_offset()
    }

    /// The current key, as read: for [`Path::Token`] and [`KeySet::insert`], neither of which
    /// needs its text until a pointer is made.
    pub(crate) fn key(&self) -> StringToken<'a> {
        *self.reader.last()
    }

    /// The text of `key`, a key this context read, decoded: to build a map's entry.
    pub(crate) fn key_string(&self, key: &StringToken<'a>) -> String {
        self.reader.decode(key).into_owned()
    }

    fn next_item(&mut self, first: bool) -> Result<bool, Abort> {
        let next = self.reader.next_item(first);
        self.scan(next)
    }

    fn duplicate(&mut self, path: &Path<'_>, offset: usize) -> Result<(), Abort> {
        let message =
            "this key appears more than once in its object; parsers disagree on which copy wins".to_owned();
        self.violation(path, Keyword::DuplicateKey, offset, message)
    }

    /// Marks documented field `index` as seen in `seen`, reporting a repeat as a duplicate.
    ///
    /// # Errors
    ///
    /// [`Abort`] at the violation cap.
    pub(crate) fn seen(
        &mut self,
        seen: &mut u64,
        index: u32,
        path: &Path<'_>,
        offset: usize,
    ) -> Result<(), Abort> {
        if was_seen(*seen, index) {
            self.duplicate(path, offset)?;
        }
        *seen |= 1 << index;
        Ok(())
    }

    /// Reads an undocumented field: allowed, unless strict; a repeat is a duplicate. Returns
    /// its value when building.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    pub(crate) fn unknown_field<const BUILD: bool>(
        &mut self,
        path: &Path<'_>,
        key: StringToken<'a>,
        offset: usize,
        keys: &mut KeySet<'a>,
    ) -> Result<Option<JsonValue>, Abort> {
        if !keys.insert(key.decoded_bytes()) {
            self.duplicate(path, offset)?;
        }
        if self.strict {
            let message = format!(
                "{} is not a documented field, and strict mode rejects undocumented fields",
                quoted(&self.reader.decode(&key))
            );
            self.violation(path, Keyword::AdditionalProperties, offset, message)?;
        }
        Ok(self.value::<BUILD>(path, false)?.0)
    }

    /// Reports a required field as missing; `offset` is where its object starts.
    ///
    /// # Errors
    ///
    /// [`Abort`] at the violation cap.
    pub(crate) fn missing(&mut self, path: &Path<'_>, offset: usize) -> Result<(), Abort> {
        let message = "missing: the contract requires this field".to_owned();
        self.violation(path, Keyword::Required, offset, message)
    }
}

#[cfg(test)]
mod tests {
    use super::{Context, KeyOrder, Member, Path};

    /// The documented keys of the objects below.
    const KEYS: [&str; 3] = ["a", "bb", "c"];

    /// The index of one of [`KEYS`].
    fn index_of(key: &[u8]) -> Option<usize> {
        KEYS.iter().position(|name| name.as_bytes() == key)
    }

    /// What reading `object`'s members finds, with `order` as the readers' guess: each member
    /// with its key's offset, then the end or the error, and what the key read last was when a
    /// key was not documented (the generated readers use the key's text only then).
    fn members(object: &str, order: &KeyOrder<4>) -> Vec<String> {
        let mut cx = Context::new(object.as_bytes(), false, false);
        let mut found = Vec::new();
        if cx.begin_object().is_err() {
            return vec!["not an object".to_owned()];
        }
        let (mut first, mut previous) = (true, KeyOrder::<4>::START);
        loop {
            match cx.next_member(first, &KEYS, order, &mut previous, index_of) {
                Ok(Some(member)) => {
                    let key = match member {
                        Member::Other => format!(" {:?}", cx.key().decode()),
                        Member::Documented(_) => String::new(),
                    };
                    found.push(format!("{member:?}{key} at {}", cx.key_offset()));
                    if cx.skip(&Path::Root).is_err() {
                        found.push(format!("error at {}", cx.reader.offset()));
                        break;
                    }
                }
                Ok(None) => {
                    found.push("end".to_owned());
                    break;
                }
                Err(_) => {
                    found.push(format!("error at {}", cx.reader.offset()));
                    break;
                }
            }
            first = false;
        }
        found
    }

    /// Whatever order a reader learned, each key is found as with schema order: escaped keys,
    /// keys no schema names, duplicates, keys past the last documented one, the empty key, an
    /// empty object and objects cut short, under every one of the 256 states of the guess.
    #[test]
    fn what_a_reader_finds_does_not_depend_on_the_order_it_learned() {
        let objects = [
            r#"{"a":1,"bb":2,"c":3}"#,
            r#"{"c":1,"bb":2,"a":3}"#,
            r#"{"\u0061":1,"a":2}"#,
            r#"{"b\u0062":1,"bb":2,"bbb":3}"#,
            r#"{"bb":1,"zz":0,"a":2,"bb":3}"#,
            r#"{"":1,"c":2}"#,
            r#"{"c":1,"a":2,"bb":3,"d":4}"#,
            r#"{"a":1,"#,
            r#"{"bb" 1}"#,
            r#"{"a":1 "c":2}"#,
            "{}",
            r#"{"c"#,
        ];
        let schema_order = KeyOrder::<4>::new();
        for object in objects {
            let expected = members(object, &schema_order);
            for state in 0..4_usize.pow(4) {
                let order = KeyOrder::<4>::new();
                for slot in 0..4 {
                    order.learn(slot, state / 4_usize.pow(u32::try_from(slot).unwrap()) % 4);
                }
                assert_eq!(members(object, &order), expected, "{object} with the guess {state}");
            }
        }
        // The objects tell documented keys, escaped ones included, from others.
        assert_eq!(
            members(r#"{"\u0061":1,"zz":2}"#, &schema_order),
            ["Documented(0) at 1", r#"Other "zz" at 12"#, "end"]
        );
    }
}
