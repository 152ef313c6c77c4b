//! The readers of the schema vocabulary beyond what the identification webhook itself uses:
//! listed values (`enum`, `const`), number bounds, lengths and counts, formats, maps, closed
//! objects, objects of any size, and unions. A child module of `context`, so that it reads the
//! scanner and records violations as the other readers do.

use std::borrow::Cow;

use serde_json::Number;

use super::super::key_set::KeySet;
use super::super::path::Path;
use super::super::reader::{Next, NumberToken, Reader, StringToken, SyntaxError};
use super::super::violation::Keyword;
use super::{Abort, Check, Context, Slot, quoted, was_seen};
use crate::JsonValue;

impl<T> Slot<T> {
    /// The slot with its value mapped (an alternative of a union, to the union).
    #[allow(dead_code, reason = "the validators of a schema with a union call it")]
    pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U) -> Slot<U> {
        match self {
            Slot::Null => Slot::Null,
            Slot::Value(value) => Slot::Value(value.map(f)),
            Slot::Invalid => Slot::Invalid,
        }
    }

    /// The slot of a nullable array item: `null` is a valid item, kept as `None`.
    #[allow(dead_code, reason = "the validators of a schema with nullable array items call it")]
    pub(crate) fn or_null(self) -> Slot<Option<T>> {
        match self {
            Slot::Null => Slot::Value(Some(None)),
            Slot::Value(value) => Slot::Value(value.map(Some)),
            Slot::Invalid => Slot::Invalid,
        }
    }
}

impl Slot<JsonValue> {
    /// The slot of an array item of any type: `null` is a valid item, kept as `JsonValue::Null`.
    #[allow(dead_code, reason = "the validators of a schema with arrays of any values call it")]
    pub(crate) fn null_as_json(self) -> Slot<JsonValue> {
        match self {
            Slot::Null => Slot::Value(Some(JsonValue::Null)),
            other => other,
        }
    }
}

/// The values a value must be one of, as the generated validators state them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct List<'v, T> {
    /// `enum`, or `const` (with one value).
    pub(crate) keyword: Keyword,
    /// The values, `null` left out (it is the reader's `nullable`).
    pub(crate) values: &'v [T],
    /// Whether the schema states a `type` beside the list (then a value of another type also
    /// breaks `type`).
    pub(crate) typed: bool,
}

/// The bounds of a number, as the generated validators state them (each a float that holds the
/// schema's bound exactly).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Bounds {
    /// `minimum`.
    pub(crate) minimum: Option<f64>,
    /// `maximum`.
    pub(crate) maximum: Option<f64>,
    /// `exclusiveMinimum`.
    pub(crate) exclusive_minimum: Option<f64>,
    /// `exclusiveMaximum`.
    pub(crate) exclusive_maximum: Option<f64>,
}

/// A Rust type an integer field holds: `i64` (bounded) or `Number` (wide).
pub(crate) trait IntegerValue: Sized {
    /// The value of an integral `number` within the field's bounds.
    fn from_number(number: Number) -> Option<Self>;

    /// The value of a small integer within the field's bounds.
    fn from_small(value: i64) -> Option<Self>;
}

impl IntegerValue for i64 {
    fn from_number(number: Number) -> Option<Self> {
        #[allow(
            clippy::cast_possible_truncation,
            reason = "integral and within the i64 range, checked first"
        )]
        number.as_i64().or_else(|| {
            number
                .as_f64()
                .filter(|float| float.fract() == 0.0 && float.abs() < 9.2e18)
                .map(|float| float as i64)
        })
    }

    fn from_small(value: i64) -> Option<Self> {
        Some(value)
    }
}

impl IntegerValue for Number {
    fn from_number(number: Number) -> Option<Self> {
        Some(number)
    }

    fn from_small(value: i64) -> Option<Self> {
        Some(Number::from(value))
    }
}

/// A `format` the validators assert besides `date-time`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code, reason = "the validators of a schema with `format: ipv4` or `ipv6` name it")]
pub(crate) enum Format {
    /// `ipv4`: four decimal octets, no leading zeros (RFC 2673 §3.2).
    Ipv4,
    /// `ipv6`: RFC 4291 §2.2 text, no zone identifier.
    Ipv6,
}

impl Format {
    /// Whether `text` is of the format. The standard library's parsers implement exactly
    /// JSON Schema's definitions (the JSON-Schema-Test-Suite's cases, run in the tests, pin it).
    pub(crate) fn accepts(self, text: &str) -> bool {
        match self {
            Format::Ipv4 => text.parse::<std::net::Ipv4Addr>().is_ok(),
            Format::Ipv6 => text.parse::<std::net::Ipv6Addr>().is_ok(),
        }
    }

    fn described(self) -> &'static str {
        match self {
            Format::Ipv4 => "an IPv4 address (four decimal octets, no leading zeros)",
            Format::Ipv6 => "an IPv6 address (RFC 4291 text, no zone identifier)",
        }
    }
}

/// How `number` compares with `bound`: exactly for an integer and an integral bound (so that
/// `9007199254740993` is above `9007199254740992.0`), as floats otherwise.
fn compare(number: &Number, bound: f64) -> Option<std::cmp::Ordering> {
    const TWO_POW_64: f64 = 18_446_744_073_709_551_616.0;
    let exact = number.as_i64().map(i128::from).or_else(|| number.as_u64().map(i128::from));
    match exact {
        #[allow(clippy::cast_possible_truncation, reason = "integral and within ±2^64, so exact")]
        Some(exact) if bound.fract() == 0.0 && bound.abs() <= TWO_POW_64 => Some(exact.cmp(&(bound as i128))),
        _ => number.as_f64().and_then(|float| float.partial_cmp(&bound)),
    }
}

/// Whether the decoded string `bytes` is one of the strings `list` allows.
fn is_listed(list: &List<'_, &str>, bytes: &[u8]) -> bool {
    list.values.iter().any(|value| value.as_bytes() == bytes)
}

/// Whether every number between the integers `low` and `high` (both included; see
/// [`NumberToken::between`]) is within every bound, so that a number there needs no parse to
/// be judged. Exact: integers within ±2^53 are exact `f64`s; past that, `false` sends the
/// number to the exact comparison, as does a range that straddles a bound.
fn between_within((low, high): (i64, i64), bounds: &Bounds) -> bool {
    const EXACT: u64 = 1 << 53;
    if low.unsigned_abs() > EXACT || high.unsigned_abs() > EXACT {
        return false;
    }
    #[allow(clippy::cast_precision_loss, reason = "within ±2^53, exact")]
    let (low, high) = (low as f64, high as f64);
    bounds.minimum.is_none_or(|bound| low >= bound)
        && bounds.maximum.is_none_or(|bound| high <= bound)
        && bounds.exclusive_minimum.is_none_or(|bound| low > bound)
        && bounds.exclusive_maximum.is_none_or(|bound| high < bound)
}

/// The message of a value outside a list: `found` and the `shown` values, already quoted.
fn not_listed(found: &str, keyword: Keyword, shown: &[String]) -> String {
    const SHOWN: usize = 12;
    match (keyword, shown) {
        (Keyword::Const, [only]) => format!("{found} is not the one documented value, {only}"),
        _ => {
            let more = if shown.len() > SHOWN { ", …" } else { "" };
            let listed = shown.iter().take(SHOWN).map(String::as_str).collect::<Vec<_>>().join(", ");
            format!("{found} is not one of the documented values: {listed}{more}")
        }
    }
}

/// Skips the value that follows (a look-ahead reader's: nothing is checked or reported).
pub(crate) fn skip(reader: &mut Reader<'_>) -> Result<(), SyntaxError> {
    match reader.peek()? {
        Next::Null => reader.null(),
        Next::Boolean => reader.boolean().map(drop),
        Next::Number => reader.number().map(drop),
        Next::String => reader.string(),
        Next::Array => {
            reader.begin_array()?;
            let mut first = true;
            while reader.next_item(first)? {
                first = false;
                skip(reader)?;
            }
            Ok(())
        }
        Next::Object => {
            reader.begin_object()?;
            let mut first = true;
            while reader.next_key(first)? {
                first = false;
                skip(reader)?;
            }
            Ok(())
        }
    }
}

/// Whether documented field `index` was marked in `seen` by [`Context::seen_in`] (an object
/// with more than 64 documented fields).
#[allow(dead_code, reason = "the validators of a schema with an object of over 64 properties call it")]
pub(crate) fn was_seen_in(seen: &[u64], index: u32) -> bool {
    seen.get(index as usize / 64).is_some_and(|word| was_seen(*word, index % 64))
}

impl<'a> Context<'a> {
    /// Checks the length of the last string read against `minLength`: `true` when it is long
    /// enough.
    fn string_long_enough(
        &mut self,
        path: &Path<'_>,
        offset: usize,
        min_length: usize,
    ) -> Result<bool, Abort> {
        let chars = self.reader.last().chars;
        if chars < min_length {
            let message = format!("{chars} characters; the documented minimum is {min_length}");
            self.violation(path, Keyword::MinLength, offset, message)?;
            return Ok(false);
        }
        Ok(true)
    }

    /// Reads a string with a `minLength` (and maybe a `maxLength`), in code points.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    #[allow(dead_code, reason = "the validators of a schema with `minLength` call it")]
    pub(crate) fn string_at_least<const BUILD: bool>(
        &mut self,
        path: &Path<'_>,
        nullable: bool,
        min_length: usize,
        max_length: Option<usize>,
    ) -> Result<Slot<String>, Abort> {
        self.reader.skip_whitespace();
        let offset = self.reader.offset();
        match self.string_token(path, nullable, max_length)? {
            None => Ok(Slot::Null),
            Some(true) if self.string_long_enough(path, offset, min_length)? => {
                Ok(Slot::Value(BUILD.then(|| self.reader.decode_last().into_owned())))
            }
            Some(_) => Ok(Slot::Invalid),
        }
    }

    /// Checks the type of a value that must be in a list: a value of another type is not in the
    /// list either (JSON Schema checks `enum` apart from `type`), and without `type` only the
    /// list's keyword is broken.
    fn expect_listed(
        &mut self,
        path: &Path<'_>,
        nullable: bool,
        want: Next,
        typed: bool,
        keyword: Keyword,
        shown: &dyn Fn() -> Vec<String>,
    ) -> Result<Check, Abort> {
        let found = self.peek()?;
        if found == want || (found == Next::Null && nullable) {
            return self.expect(path, nullable, want);
        }
        let offset = self.reader.offset();
        if typed {
            self.expect(path, nullable, want)?;
        } else {
            self.value::<false>(path, false)?;
        }
        let message = not_listed(found.described(), keyword, &shown());
        self.violation(path, keyword, offset, message)?;
        Ok(Check::Mismatch)
    }

    /// Reads a string that must be one of `allowed` (`enum`, or `const` with one value),
    /// checking `maxLength` too; `build` makes the typed value of a listed string.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    #[allow(dead_code, reason = "the validators of a schema with a string `enum` or `const` call it")]
    pub(crate) fn listed_string<const BUILD: bool, T>(
        &mut self,
        path: &Path<'_>,
        nullable: bool,
        max_length: Option<usize>,
        list: List<'_, &str>,
        build: impl FnOnce(&str) -> T,
    ) -> Result<Slot<T>, Abort> {
        let shown = || list.values.iter().map(|value| quoted(value)).collect::<Vec<_>>();
        match self.expect_listed(path, nullable, Next::String, list.typed, list.keyword, &shown)? {
            Check::Null => return Ok(Slot::Null),
            Check::Mismatch => return Ok(Slot::Invalid),
            Check::Matches => {}
        }
        let offset = self.reader.offset();
        // The list and the length are independent rules: a value can break both.
        match self.string_token(path, nullable, None)? {
            None => return Ok(Slot::Null),
            Some(false) => return Ok(Slot::Invalid),
            Some(true) => {}
        }
        // Compared as bytes: the text needs no UTF-8 check unless it is built or quoted.
        let token = *self.reader.last();
        let listed = is_listed(&list, &token.decoded_bytes());
        if !listed {
            let message = not_listed(&quoted(&token.decode()), list.keyword, &shown());
            self.violation(path, list.keyword, offset, message)?;
        }
        let fits = self.string_fits(path, offset, max_length)? == Some(true);
        Ok(if listed && fits {
            Slot::Value(BUILD.then(|| build(&self.reader.decode(&token))))
        } else {
            Slot::Invalid
        })
    }

    /// Reads a string that must be in `list` and in the `outer` list it narrows (a `const`
    /// beside a `$ref` to a string `enum`): each list it is not in is one violation, as JSON
    /// Schema judges the two apart.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    #[allow(dead_code, reason = "the validators of a schema that narrows a referenced list call it")]
    pub(crate) fn narrowed_string<const BUILD: bool, T>(
        &mut self,
        path: &Path<'_>,
        nullable: bool,
        max_length: Option<usize>,
        outer: List<'_, &str>,
        list: List<'_, &str>,
        build: impl FnOnce(&str) -> T,
    ) -> Result<Slot<T>, Abort> {
        self.reader.skip_whitespace();
        let offset = self.reader.offset();
        let shown = |list: &List<'_, &str>| list.values.iter().map(|value| quoted(value)).collect::<Vec<_>>();
        let found = self.peek()?;
        if found != Next::String && !(found == Next::Null && nullable) {
            self.expect(path, nullable, Next::String)?;
            for list in [&outer, &list] {
                let message = not_listed(found.described(), list.keyword, &shown(list));
                self.violation(path, list.keyword, offset, message)?;
            }
            return Ok(Slot::Invalid);
        }
        match self.string_token(path, nullable, None)? {
            None => return Ok(Slot::Null),
            Some(false) => return Ok(Slot::Invalid),
            Some(true) => {}
        }
        let token = *self.reader.last();
        let bytes = token.decoded_bytes();
        let mut listed = true;
        for list in [&outer, &list] {
            if !is_listed(list, &bytes) {
                listed = false;
                let message = not_listed(&quoted(&token.decode()), list.keyword, &shown(list));
                self.violation(path, list.keyword, offset, message)?;
            }
        }
        let fits = self.string_fits(path, offset, max_length)? == Some(true);
        Ok(if listed && fits {
            Slot::Value(BUILD.then(|| build(&self.reader.decode(&token))))
        } else {
            Slot::Invalid
        })
    }

    /// Reads an integer that must be one of `allowed` (`enum`, or `const` with one value).
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    #[allow(dead_code, reason = "the validators of a schema with an integer `enum` or `const` call it")]
    pub(crate) fn listed_integer<const BUILD: bool>(
        &mut self,
        path: &Path<'_>,
        nullable: bool,
        list: List<'_, i64>,
    ) -> Result<Slot<i64>, Abort> {
        let List { keyword, values: allowed, typed } = list;
        let shown = || allowed.iter().map(ToString::to_string).collect::<Vec<_>>();
        match self.expect_listed(path, nullable, Next::Number, typed, keyword, &shown)? {
            Check::Null => return Ok(Slot::Null),
            Check::Mismatch => return Ok(Slot::Invalid),
            Check::Matches => {}
        }
        let offset = self.reader.offset();
        let (number, token) = self.number_value()?;
        let exact: Option<i128> = number.as_i64().map(i128::from).or_else(|| number.as_u64().map(i128::from));
        // JSON Schema compares numbers by value: `1.0` is the listed `1`.
        #[allow(
            clippy::cast_precision_loss,
            clippy::float_cmp,
            reason = "a float is compared exactly, as a float, as JSON Schema does"
        )]
        let found = match exact {
            Some(exact) => allowed.iter().copied().find(|value| i128::from(*value) == exact),
            None => {
                number.as_f64().and_then(|float| allowed.iter().copied().find(|value| *value as f64 == float))
            }
        };
        let integral = exact.is_some() || number.as_f64().is_some_and(|float| float.fract() == 0.0);
        // Without `type`, a fraction breaks only the list.
        if !integral && typed {
            let message = format!("expected an integer, found {}, which has a fraction", token.text());
            self.violation(path, Keyword::Type, offset, message)?;
        }
        if found.is_none() {
            let message = not_listed(token.text(), keyword, &shown());
            self.violation(path, keyword, offset, message)?;
        }
        Ok(match found {
            Some(value) if integral => Slot::Value(BUILD.then_some(value)),
            _ => Slot::Invalid,
        })
    }

    /// Reads a string of an asserted `format` other than a date-time, checking `maxLength`
    /// too; the typed value keeps the exact text.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    #[allow(dead_code, reason = "the validators of a schema with `format: ipv4` or `ipv6` call it")]
    pub(crate) fn formatted_string<const BUILD: bool>(
        &mut self,
        path: &Path<'_>,
        nullable: bool,
        max_length: Option<usize>,
        format: Format,
    ) -> Result<Slot<String>, Abort> {
        self.reader.skip_whitespace();
        let offset = self.reader.offset();
        // The format and the length are independent rules: a value can break both.
        match self.string_token(path, nullable, None)? {
            None => return Ok(Slot::Null),
            Some(false) => return Ok(Slot::Invalid),
            Some(true) => {}
        }
        let text = self.reader.decode_last();
        let formatted = format.accepts(&text);
        if !formatted {
            let message = format!("{} is not {}", quoted(&text), format.described());
            self.violation(path, Keyword::Format, offset, message)?;
        }
        let fits = self.string_fits(path, offset, max_length)? == Some(true);
        Ok(if formatted && fits { Slot::Value(BUILD.then(|| text.into_owned())) } else { Slot::Invalid })
    }

    /// Reads a number within `bounds`.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    #[allow(dead_code, reason = "the validators of a schema with bounded numbers call it")]
    pub(crate) fn bounded_number<const BUILD: bool>(
        &mut self,
        path: &Path<'_>,
        nullable: bool,
        bounds: Bounds,
    ) -> Result<Slot<Number>, Abort> {
        match self.expect(path, nullable, Next::Number)? {
            Check::Null => return Ok(Slot::Null),
            Check::Mismatch => return Ok(Slot::Invalid),
            Check::Matches => {}
        }
        let offset = self.reader.offset();
        let token = self.number_token()?;
        if token.between.is_some_and(|between| between_within(between, &bounds)) {
            return Ok(Slot::Value(if BUILD { Some(self.exact(offset, token)?) } else { None }));
        }
        let number = self.exact(offset, token)?;
        let within = self.within(path, offset, &number, token, bounds)?;
        Ok(if within { Slot::Value(BUILD.then_some(number)) } else { Slot::Invalid })
    }

    /// Reads an integer (any number with a zero fraction) within `bounds`, as an `i64` (whose
    /// range the bounds keep it in) or as the `Number` of a wide integer.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    #[allow(dead_code, reason = "the validators of a schema with such integers call it")]
    pub(crate) fn bounded_integer<const BUILD: bool, T: IntegerValue>(
        &mut self,
        path: &Path<'_>,
        nullable: bool,
        bounds: Bounds,
    ) -> Result<Slot<T>, Abort> {
        match self.expect(path, nullable, Next::Number)? {
            Check::Null => return Ok(Slot::Null),
            Check::Mismatch => return Ok(Slot::Invalid),
            Check::Matches => {}
        }
        let offset = self.reader.offset();
        let token = self.number_token()?;
        if let Some(value) = token.small_integer
            && between_within((value, value), &bounds)
        {
            return Ok(Slot::Value(if BUILD { T::from_small(value) } else { None }));
        }
        let number = self.exact(offset, token)?;
        let integral =
            number.is_i64() || number.is_u64() || number.as_f64().is_some_and(|float| float.fract() == 0.0);
        // The type and the bounds are independent rules: `1.5` can break both.
        if !integral {
            let message = format!("expected an integer, found {}, which has a fraction", token.text());
            self.violation(path, Keyword::Type, offset, message)?;
        }
        let within = self.within(path, offset, &number, token, bounds)?;
        Ok(match (integral && within, BUILD) {
            (true, true) => match T::from_number(number) {
                Some(value) => Slot::Value(Some(value)),
                None => Slot::Invalid,
            },
            (true, false) => Slot::Value(None),
            (false, _) => Slot::Invalid,
        })
    }

    /// Reports every bound `number` breaks; `true` when it breaks none.
    fn within(
        &mut self,
        path: &Path<'_>,
        offset: usize,
        number: &Number,
        token: NumberToken<'_>,
        bounds: Bounds,
    ) -> Result<bool, Abort> {
        use std::cmp::Ordering;
        /// Which orderings of a number against a bound break it.
        type Breaks = fn(Ordering) -> bool;
        // Each bound, its keyword, which orderings of the number against it break it, and how
        // the message says so.
        let checks: [(Option<f64>, Keyword, Breaks, &str); 4] = [
            (bounds.minimum, Keyword::Minimum, Ordering::is_lt, "below the minimum"),
            (bounds.maximum, Keyword::Maximum, Ordering::is_gt, "above the maximum"),
            (
                bounds.exclusive_minimum,
                Keyword::ExclusiveMinimum,
                Ordering::is_le,
                "not above the exclusive minimum",
            ),
            (
                bounds.exclusive_maximum,
                Keyword::ExclusiveMaximum,
                Ordering::is_ge,
                "not below the exclusive maximum",
            ),
        ];
        let mut within = true;
        for (bound, keyword, breaks, side) in checks {
            let Some(bound) = bound else { continue };
            if compare(number, bound).is_some_and(breaks) {
                within = false;
                self.violation(path, keyword, offset, format!("{} is {side} {bound}", token.text()))?;
            }
        }
        Ok(within)
    }

    /// Reads an array of at least `min_items` and at most `max_items` items, which
    /// `read_item` reads; the array is built only when every item was built.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    pub(crate) fn sized_array<const BUILD: bool, T>(
        &mut self,
        path: &Path<'_>,
        nullable: bool,
        min_items: usize,
        max_items: Option<usize>,
        mut read_item: impl FnMut(&mut Self, &Path<'_>) -> Result<Slot<T>, Abort>,
    ) -> Result<Slot<Vec<T>>, Abort> {
        self.reader.skip_whitespace();
        let offset = self.reader.offset();
        match self.expect(path, nullable, Next::Array)? {
            Check::Null => return Ok(Slot::Null),
            Check::Mismatch => return Ok(Slot::Invalid),
            Check::Matches => {}
        }
        let begin = self.reader.begin_array();
        self.scan(begin)?;
        let mut items = Vec::new();
        let mut complete = true;
        let mut index = 0;
        while self.next_item(index == 0)? {
            match read_item(self, &Path::Index(path, index))?.value() {
                // Only a build keeps items: a nullable item is a value even when only checking.
                Some(item) if BUILD => items.push(item),
                Some(_) => {}
                None => complete = false,
            }
            index += 1;
        }
        if index < min_items {
            let message = format!("{index} items; the documented minimum is {min_items}");
            self.violation(path, Keyword::MinItems, offset, message)?;
            return Ok(Slot::Invalid);
        }
        if let Some(max) = max_items.filter(|max| index > *max) {
            let message = format!("{index} items; the documented maximum is {max}");
            self.violation(path, Keyword::MaxItems, offset, message)?;
            return Ok(Slot::Invalid);
        }
        Ok(Slot::Value((BUILD && complete).then_some(items)))
    }

    /// [`Context::seen`] for an object with more than 64 documented fields, marked in words of 64.
    ///
    /// # Errors
    ///
    /// [`Abort`] at the violation cap.
    #[allow(dead_code, reason = "the validators of a schema with an object of over 64 properties call it")]
    pub(crate) fn seen_in(
        &mut self,
        seen: &mut [u64],
        index: u32,
        path: &Path<'_>,
        offset: usize,
    ) -> Result<(), Abort> {
        match seen.get_mut(index as usize / 64) {
            Some(word) => self.seen(word, index % 64, path, offset),
            None => Ok(()),
        }
    }

    /// Reads a key that an object with `additionalProperties: false` does not declare: a
    /// violation in every mode; a repeat is a duplicate too.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    #[allow(dead_code, reason = "the validators of a schema with a closed object call it")]
    pub(crate) fn rejected_field(
        &mut self,
        path: &Path<'_>,
        key: StringToken<'a>,
        offset: usize,
        keys: &mut KeySet<'a>,
    ) -> Result<(), Abort> {
        let message = format!(
            "{} is not a documented field, and this object allows no other",
            quoted(&self.reader.decode(&key))
        );
        if !keys.insert(key.decoded_bytes()) {
            self.duplicate(path, offset)?;
        }
        self.violation(path, Keyword::AdditionalProperties, offset, message)?;
        self.value::<false>(path, false)?;
        Ok(())
    }

    /// Reads an entry that `additionalProperties` describes, with `read_value`; a repeated key
    /// is a duplicate. Allowed in strict mode: the schema documents it.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    #[allow(dead_code, reason = "the validators of a schema with `additionalProperties` call it")]
    pub(crate) fn additional_field<T>(
        &mut self,
        path: &Path<'_>,
        key: StringToken<'a>,
        offset: usize,
        keys: &mut KeySet<'a>,
        read_value: impl FnOnce(&mut Self, &Path<'_>) -> Result<Slot<T>, Abort>,
    ) -> Result<Slot<T>, Abort> {
        if !keys.insert(key.decoded_bytes()) {
            self.duplicate(path, offset)?;
        }
        read_value(self, path)
    }

    /// Reads an object without `properties` as a map: every entry's value with `read_value`,
    /// in payload order; the map is built only when every value was built.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    #[allow(dead_code, reason = "the validators of a schema with a map call it")]
    pub(crate) fn map<const BUILD: bool, M: Default + Extend<(String, T)>, T>(
        &mut self,
        path: &Path<'_>,
        nullable: bool,
        mut read_value: impl FnMut(&mut Self, &Path<'_>) -> Result<Slot<T>, Abort>,
    ) -> Result<Slot<M>, Abort> {
        match self.expect(path, nullable, Next::Object)? {
            Check::Null => return Ok(Slot::Null),
            Check::Mismatch => return Ok(Slot::Invalid),
            Check::Matches => {}
        }
        self.begin_object()?;
        let mut keys = KeySet::default();
        let mut entries = M::default();
        let mut complete = true;
        let mut first = true;
        while self.next_key(first)? {
            first = false;
            let offset = self.key_offset();
            let key = self.key();
            let entry_path = Path::Token(path, &key);
            if !keys.insert(key.decoded_bytes()) {
                self.duplicate(&entry_path, offset)?;
            }
            match read_value(self, &entry_path)?.value() {
                Some(value) if BUILD => entries.extend(std::iter::once((self.key_string(&key), value))),
                Some(_) => {}
                None => complete = false,
            }
        }
        Ok(Slot::Value((BUILD && complete).then_some(entries)))
    }

    /// Reads a value that a `oneOf` or `anyOf` wraps, as JSON Schema judges it: when `read`
    /// records any violation (a duplicate key aside), they become one violation of `keyword`
    /// at `path`, which names the first of them.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    #[allow(dead_code, reason = "the validators of a schema with a union call it")]
    pub(crate) fn collapsed<T>(
        &mut self,
        path: &Path<'_>,
        keyword: Keyword,
        read: impl FnOnce(&mut Self) -> Result<Slot<T>, Abort>,
    ) -> Result<Slot<T>, Abort> {
        self.reader.skip_whitespace();
        let offset = self.reader.offset();
        let before = self.violations.len();
        let slot = read(self)?;
        let inner = &self.violations[before..];
        let Some(first) = inner.iter().find(|violation| violation.keyword != Keyword::DuplicateKey) else {
            return Ok(slot);
        };
        let pointer = path.pointer();
        let at = first.pointer.strip_prefix(pointer.as_str()).filter(|rest| !rest.is_empty());
        let message = match at {
            Some(rest) => format!("matches no alternative of its `{keyword}`: at {rest}, {}", first.message),
            None => format!("matches no alternative of its `{keyword}`: {}", first.message),
        };
        let mut kept = 0;
        for index in before..self.violations.len() {
            if self.violations[index].keyword == Keyword::DuplicateKey {
                self.violations.swap(before + kept, index);
                kept += 1;
            }
        }
        self.violations.truncate(before + kept);
        self.violation(path, keyword, offset, message)?;
        Ok(Slot::Invalid)
    }

    /// Reads a union of objects told apart by the string property `discriminator`: `read`
    /// gets its value (wherever it stands in the object; `None` when the value is not an
    /// object, or has no such string) and reads the alternative it names. Every violation
    /// inside becomes one violation of `keyword`, as JSON Schema judges a union.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    #[allow(dead_code, reason = "the validators of a schema with a union call it")]
    pub(crate) fn union<T>(
        &mut self,
        path: &Path<'_>,
        nullable: bool,
        keyword: Keyword,
        discriminator: &str,
        read: impl FnOnce(&mut Self, &Path<'_>, Option<&str>) -> Result<Slot<T>, Abort>,
    ) -> Result<Slot<T>, Abort> {
        if nullable && self.peek()? == Next::Null {
            let null = self.reader.null();
            self.scan(null)?;
            return Ok(Slot::Null);
        }
        let tag = if self.peek()? == Next::Object { self.discriminator(discriminator) } else { None };
        self.collapsed(path, keyword, |cx| read(cx, path, tag.as_deref()))
    }

    /// Records that a union's value names no alternative, and skips it.
    ///
    /// # Errors
    ///
    /// [`Abort`] on a syntax error or at the violation cap.
    #[allow(dead_code, reason = "the validators of a schema with a union call it")]
    pub(crate) fn no_alternative<T>(
        &mut self,
        path: &Path<'_>,
        discriminator: &str,
    ) -> Result<Slot<T>, Abort> {
        let offset = self.reader.offset();
        let message = format!("its `{discriminator}` names none of the alternatives");
        self.violation(path, Keyword::Type, offset, message)?;
        self.value::<false>(path, false)?;
        Ok(Slot::Invalid)
    }

    /// The string value of the member `name` of the object that follows, looked up ahead
    /// without moving the reader; `None` when it has no such string member (or is not well
    /// formed, which the read itself reports).
    fn discriminator(&self, name: &str) -> Option<Cow<'a, str>> {
        let mut ahead = self.reader.fork();
        ahead.begin_object().ok()?;
        let mut first = true;
        while ahead.next_key(first).ok()? {
            first = false;
            if ahead.last().decode() == name {
                if ahead.peek().ok()? != Next::String {
                    return None;
                }
                ahead.string().ok()?;
                return Some(ahead.last().decode());
            }
            skip(&mut ahead).ok()?;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{Bounds, between_within};

    #[test]
    fn small_integers_are_compared_with_any_bound_exactly() {
        const EXACT: i64 = 1 << 53;
        let small_integer_within = |value, bounds: &Bounds| between_within((value, value), bounds);
        let bounds = |minimum, maximum, exclusive_minimum, exclusive_maximum| Bounds {
            minimum,
            maximum,
            exclusive_minimum,
            exclusive_maximum,
        };
        let cases = [
            (0, bounds(Some(0.0), None, None, None), true),
            (0, bounds(None, None, Some(0.0), None), false),
            (1, bounds(None, None, Some(0.5), Some(1.5)), true),
            (2, bounds(None, None, Some(0.5), Some(1.5)), false),
            (-3, bounds(Some(-2.5), None, None, None), false),
            (EXACT, bounds(None, Some(9_007_199_254_740_992.0), None, None), true),
            (EXACT - 1, bounds(None, None, None, Some(9_007_199_254_740_992.0)), true),
            (-EXACT, bounds(Some(-9_007_199_254_740_992.0), None, None, None), true),
            (300, bounds(Some(0.0), Some(300.0), None, None), true),
            (301, bounds(Some(0.0), Some(300.0), None, None), false),
        ];
        for (value, bounds, within) in cases {
            assert_eq!(small_integer_within(value, &bounds), within, "{value} {bounds:?}");
        }
        // Past 2^53 an f64 is not exact: the value goes to the exact comparison.
        assert!(!small_integer_within(EXACT + 1, &Bounds::default()));
        assert!(!small_integer_within(-EXACT - 1, &Bounds::default()));
    }

    #[test]
    fn a_range_is_within_only_when_all_of_it_is() {
        const EXACT: i64 = 1 << 53;
        let unit = Bounds { minimum: Some(0.0), maximum: Some(1.0), ..Bounds::default() };
        // `0.995` lies between 0 and 1, `-0.5` between -1 and 0, `1.5` between 1 and 2.
        assert!(between_within((0, 1), &unit));
        assert!(!between_within((-1, 0), &unit));
        assert!(!between_within((1, 2), &unit));
        let open = Bounds { exclusive_minimum: Some(0.0), exclusive_maximum: Some(1.0), ..Bounds::default() };
        // Some numbers between 0 and 1 are not above 0: the exact comparison decides.
        assert!(!between_within((0, 1), &open));
        assert!(between_within((3, 4), &Bounds { exclusive_minimum: Some(2.5), ..Bounds::default() }));
        assert!(!between_within((2, 3), &Bounds { exclusive_minimum: Some(2.5), ..Bounds::default() }));
        assert!(!between_within((EXACT, EXACT + 1), &Bounds::default()));
    }
}
