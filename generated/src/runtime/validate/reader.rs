//! [`Reader`]: a strict JSON scanner over bytes, one token at a time, that allocates only to
//! decode a string with escapes.
//!
//! It accepts exactly what `serde_json` accepts (RFC 8259 grammar, UTF-8, no lone surrogates,
//! numbers in the range of an `f64`, at most [`MAX_DEPTH`] levels of nesting), so that the
//! validators and every `serde_json`-based tool agree on what is JSON.

use std::borrow::Cow;

/// The deepest nesting of arrays and objects accepted: `serde_json`'s limit.
pub(crate) const MAX_DEPTH: usize = 127;

/// A syntax error: where, and what was expected. Boxed, so that the `Result` of every step of
/// the scan stays as small as its value, and returns in registers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError(Box<SyntaxErrorDetail>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct SyntaxErrorDetail {
    /// The byte offset of the error.
    offset: usize,
    /// What is wrong, as a sentence fragment.
    message: String,
}

impl SyntaxError {
    pub(crate) fn new(offset: usize, message: impl Into<String>) -> Self {
        SyntaxError(Box::new(SyntaxErrorDetail { offset, message: message.into() }))
    }

    /// What is wrong, as a sentence fragment.
    #[cfg(test)]
    pub(crate) fn message(&self) -> &str {
        &self.0.message
    }

    /// The offset and the message.
    pub(crate) fn into_parts(self) -> (usize, String) {
        let SyntaxErrorDetail { offset, message } = *self.0;
        (offset, message)
    }
}

fn error<T>(offset: usize, message: impl Into<String>) -> Result<T, SyntaxError> {
    Err(SyntaxError::new(offset, message))
}

/// The kind of the next value, from its first byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Next {
    /// `{`
    Object,
    /// `[`
    Array,
    /// `"`
    String,
    /// `-` or a digit.
    Number,
    /// `t` or `f`.
    Boolean,
    /// `n`.
    Null,
}

impl Next {
    /// Whether a value of this kind starts with `byte`: what [`Reader::next_kind`] maps to it,
    /// asked of one kind. Written out rather than as `next_kind`'s map compared with `self`,
    /// which counted 0.1 to 0.5% more instructions per payload; a test keeps the two in step.
    #[inline]
    pub(crate) fn starts_with(self, byte: u8) -> bool {
        match self {
            Next::Object => byte == b'{',
            Next::Array => byte == b'[',
            Next::String => byte == b'"',
            Next::Number => byte == b'-' || byte.is_ascii_digit(),
            Next::Boolean => byte == b't' || byte == b'f',
            Next::Null => byte == b'n',
        }
    }

    /// The JSON type name with its article, for messages: "a string", "an object".
    pub(crate) fn described(self) -> &'static str {
        match self {
            Next::Object => "an object",
            Next::Array => "an array",
            Next::String => "a string",
            Next::Number => "a number",
            Next::Boolean => "a boolean",
            Next::Null => "null",
        }
    }
}

/// A scanned string: its text between the quotes (escapes still in it), and its measures.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct StringToken<'a> {
    /// The raw bytes between the quotes, escapes not decoded. The scanner checked that they
    /// are UTF-8, and ASCII strings skip a second check until their text is needed.
    pub(crate) raw: &'a [u8],
    /// Whether `raw` contains escapes.
    pub(crate) escaped: bool,
    /// The number of Unicode code points of the decoded string.
    pub(crate) chars: usize,
    /// How many characters the string takes in compact JSON text, quotes included.
    pub(crate) compact_len: usize,
}

impl<'a> StringToken<'a> {
    /// The decoded string: borrowed when it has no escapes.
    pub(crate) fn decode(&self) -> Cow<'a, str> {
        self.decode_with(None)
    }

    /// The decoded string, from `text` when that is `raw` known as text (see
    /// [`Reader::decode`]): borrowed when it has no escapes.
    fn decode_with(&self, text: Option<&'a str>) -> Cow<'a, str> {
        // The scanner validated the bytes, so this never fails. simdutf8 checks long strings
        // of multibyte characters several times faster than `std` (short ones go to `std`).
        let raw = match text {
            Some(text) => text,
            None => simdutf8::basic::from_utf8(self.raw).unwrap_or_default(),
        };
        if !self.escaped {
            return Cow::Borrowed(raw);
        }
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.chars();
        while let Some(ch) = chars.next() {
            if ch != '\\' {
                out.push(ch);
                continue;
            }
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('b') => out.push('\u{8}'),
                Some('f') => out.push('\u{c}'),
                Some('u') => {
                    let high = hex4(&mut chars);
                    let code = if (0xD800..0xDC00).contains(&high) {
                        // The scanner checked that a low surrogate escape follows.
                        chars.next();
                        chars.next();
                        let low = hex4(&mut chars);
                        0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        high
                    };
                    out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                }
                Some(other) => out.push(other),
                None => {}
            }
        }
        Cow::Owned(out)
    }

    /// The decoded bytes, for matching a key against the documented names or parsing an ASCII
    /// grammar without a UTF-8 check: borrowed when it has no escapes.
    pub(crate) fn decoded_bytes(&self) -> Cow<'a, [u8]> {
        if self.escaped {
            Cow::Owned(self.decode().into_owned().into_bytes())
        } else {
            Cow::Borrowed(self.raw)
        }
    }
}

/// A scanned number: its text (the JSON number grammar, checked) and what the scan learnt.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NumberToken<'a> {
    /// The number's bytes, ASCII.
    pub(crate) text: &'a [u8],
    /// Its value when it is an integer of at most 18 digits, without fraction or exponent:
    /// exact, and what `serde_json` reads it as (`-0` is not one: it reads a float).
    pub(crate) small_integer: Option<i64>,
    /// Whether it has an exponent: without one, a number shorter than 300 bytes is well
    /// within the range of an `f64`.
    pub(crate) exponent: bool,
    /// The integers it lies between (both included), when its text shows them: without an
    /// exponent and with at most 18 integer digits, a small integer lies between itself and
    /// itself, and a number with a fraction between the integers around it (`0.995` between
    /// 0 and 1, `-2.5` between -3 and -2). Enough to see most bounds met without parsing it.
    pub(crate) between: Option<(i64, i64)>,
}

impl<'a> NumberToken<'a> {
    /// The number's text.
    pub(crate) fn text(&self) -> &'a str {
        // The grammar admits ASCII only, so this never fails.
        std::str::from_utf8(self.text).unwrap_or_default()
    }

    /// Whether the number is within the range of an `f64` without parsing it: no exponent and
    /// a text shorter than 300 bytes (so fewer than 300 integer digits: below 10^300).
    pub(crate) fn surely_finite(&self) -> bool {
        !self.exponent && self.text.len() < 300
    }
}

fn hex4(chars: &mut std::str::Chars<'_>) -> u32 {
    (0..4).fold(0, |value, _| value * 16 + chars.next().and_then(|ch| ch.to_digit(16)).unwrap_or(0))
}

/// The bytes that end the short-string path's scan: the quote, the backslash, control
/// characters and every non-ASCII byte. One table load per byte is cheaper than the tests.
static ENDS_SHORT_ASCII: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = byte == b'"' as usize || byte == b'\\' as usize || byte < 0x20 || byte >= 0x80;
        byte += 1;
    }
    table
};

/// A byte in every byte of a word: `ONES * b` repeats `b` eight times.
const ONES: u64 = 0x0101_0101_0101_0101;
/// Bit 7 of every byte.
const HIGH_BITS: u64 = ONES * 0x80;
/// Eight spaces.
const SPACES: u64 = ONES * b' ' as u64;
/// Eight quotes.
const QUOTES: u64 = ONES * b'"' as u64;
/// Eight backslashes.
const BACKSLASHES: u64 = ONES * b'\\' as u64;
/// Eight of the first byte that is not a control character.
const CONTROL_LIMITS: u64 = ONES * 0x20;

/// Whether two byte strings of the same length are equal, compared as two overlapping words
/// when they are as short as keys are, without a call to `memcmp`.
#[inline]
fn same_short_bytes(a: &[u8], b: &[u8]) -> bool {
    fn word<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
        bytes.get(at..at + N)?.try_into().ok()
    }
    let length = a.len();
    if length != b.len() {
        return false;
    }
    match length {
        4..=8 => word::<4>(a, 0) == word::<4>(b, 0) && word::<4>(a, length - 4) == word::<4>(b, length - 4),
        9..=16 => word::<8>(a, 0) == word::<8>(b, 0) && word::<8>(a, length - 8) == word::<8>(b, length - 8),
        _ => a == b,
    }
}

/// The eight bytes at `at`, the first in the lowest bits; `None` when fewer remain.
#[inline]
fn word_at(bytes: &[u8], at: usize) -> Option<u64> {
    let chunk: [u8; 8] = bytes.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(chunk))
}

/// The bytes of `word` that end the short-string path (the quote, the backslash, control
/// characters, non-ASCII bytes): bit 7 of each such byte set. The lowest set bit is exact (the
/// zero-byte tests borrow only upwards from a byte that matches), which is all the scan needs.
#[inline]
fn string_stops(word: u64) -> u64 {
    let quote = word ^ QUOTES;
    let backslash = word ^ BACKSLASHES;
    let is_quote = quote.wrapping_sub(ONES) & !quote;
    let is_backslash = backslash.wrapping_sub(ONES) & !backslash;
    let is_control = word.wrapping_sub(CONTROL_LIMITS) & !word;
    (is_quote | is_backslash | is_control | word) & HIGH_BITS
}

/// How far the short-string path of [`Reader::string`] looks for the closing quote.
const SHORT_STRING: usize = 64;

/// Whether `raw` holds only printable ASCII: no control character (which JSON forbids raw
/// inside strings) and no byte of a multibyte character. Such a string's length in bytes is its
/// length in code points, and it needs no UTF-8 check. Read as signed, both kinds of byte are
/// below 0x20, so the test is one comparison a byte, in a loop without early exit that the
/// compiler vectorizes (strings of thousands of characters are common at the documented limits),
/// over 64 bytes at a time: a string of multibyte text stops after its first 64 bytes, and is
/// then measured as text.
fn printable_ascii(raw: &[u8]) -> bool {
    raw.chunks(64).all(|chunk| !chunk.iter().fold(false, |any, &byte| any | (byte.cast_signed() < 0x20)))
}

/// The code points of raw string bytes (the bytes that do not continue a UTF-8 sequence), and
/// whether any byte is a control character. Both run many bytes at a time: `bytecount` picks
/// SIMD at run time, and the control check is vectorized as in [`printable_ascii`].
fn measure(raw: &[u8]) -> (usize, bool) {
    let control = raw.iter().fold(0_u8, |any, &byte| any | u8::from(byte < 0x20));
    (bytecount::num_chars(raw), control != 0)
}

/// How many characters `ch` takes inside a compact JSON string (as `serde_json` writes it).
fn compact_char_len(ch: u32) -> usize {
    match ch {
        0x22 | 0x5C | 0x08 | 0x0C | 0x0A | 0x0D | 0x09 => 2,
        0x00..=0x1F => 6,
        _ => 1,
    }
}

/// A JSON scanner over a byte slice.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    depth: usize,
    /// The string that [`Reader::string`] (or [`Reader::next_key`]) read last. Kept here rather
    /// than returned, so that the scanning functions pass small results: on small payloads,
    /// moving large results between layers cost more than the scanning.
    last: StringToken<'a>,
    /// Where the key that [`Reader::next_key`] read last starts.
    key_offset: usize,
    /// `bytes` as text, when they were checked as UTF-8 as a whole (see [`Reader::with_text`]).
    text: Option<&'a str>,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0, depth: 0, last: StringToken::default(), key_offset: 0, text: None }
    }

    /// A reader at the start of `bytes` that checks them as UTF-8 once, as a whole, so that
    /// the text of every string it reads is taken without a check of its own (see
    /// [`Reader::decode`]): for building values. Bytes that are not UTF-8 are read as
    /// [`Reader::new`] reads them, each string checked on its own, so that the first error is
    /// still reported where it is.
    pub(crate) fn with_text(bytes: &'a [u8]) -> Self {
        Reader { text: simdutf8::basic::from_utf8(bytes).ok(), ..Reader::new(bytes) }
    }

    /// The decoded text of `token`, a string this reader read.
    pub(crate) fn decode(&self, token: &StringToken<'a>) -> Cow<'a, str> {
        token.decode_with(self.text_of(token.raw))
    }

    /// The decoded text of the string read last.
    pub(crate) fn decode_last(&self) -> Cow<'a, str> {
        self.decode(&self.last)
    }

    /// `raw` as text, when this reader holds its input as text and `raw` lies within it. Found
    /// by address, without looking at the bytes: a slice that starts inside the input is part
    /// of it (live allocations never overlap), and `get` checks the end and the character
    /// boundaries.
    fn text_of(&self, raw: &'a [u8]) -> Option<&'a str> {
        let text = self.text?;
        let start = raw.as_ptr().addr().checked_sub(text.as_ptr().addr())?;
        text.get(start..start.checked_add(raw.len())?)
    }

    /// The current byte offset.
    pub(crate) fn offset(&self) -> usize {
        self.at
    }

    fn unexpected<T>(&self, expected: &str) -> Result<T, SyntaxError> {
        Err(self.unexpected_error(expected))
    }

    #[cold]
    #[inline(never)]
    fn unexpected_error(&self, expected: &str) -> SyntaxError {
        let message = match self.bytes.get(self.at) {
            None => format!("the input ends where {expected} should follow"),
            Some(&byte) if byte.is_ascii_graphic() => {
                format!("expected {expected}, found `{}`", char::from(byte))
            }
            Some(&byte) => format!("expected {expected}, found the byte 0x{byte:02X}"),
        };
        SyntaxError::new(self.at, message)
    }

    /// Skips whitespace; returns the next byte, if any.
    #[inline]
    pub(crate) fn skip_whitespace(&mut self) -> Option<u8> {
        let byte = *self.bytes.get(self.at)?;
        // Every JSON whitespace byte is at most a space; most tokens follow none or one.
        if byte > b' ' {
            return Some(byte);
        }
        // One space, as after the colon of pretty-printed JSON: the next byte is the token.
        if byte == b' '
            && let Some(&next) = self.bytes.get(self.at + 1)
            && next > b' '
        {
            self.at += 1;
            return Some(next);
        }
        self.skip_whitespace_run()
    }

    /// The general path of [`Reader::skip_whitespace`], at a whitespace byte: the byte, then
    /// the spaces after it eight at a time (a line break and its indentation take one step each).
    fn skip_whitespace_run(&mut self) -> Option<u8> {
        loop {
            match self.bytes.get(self.at)? {
                b' ' | b'\t' | b'\n' | b'\r' => self.at += 1,
                &other => return Some(other),
            }
            while let Some(word) = word_at(self.bytes, self.at) {
                let spaces = (word ^ SPACES).trailing_zeros() / 8;
                self.at += spaces as usize;
                if spaces < 8 {
                    // The byte after the spaces is in the word: most often the token itself.
                    #[allow(clippy::cast_possible_truncation, reason = "the lowest byte is the one wanted")]
                    let byte = (word >> (8 * spaces)) as u8;
                    if byte > b' ' {
                        return Some(byte);
                    }
                    break;
                }
            }
        }
    }

    /// The kind of the next value, after whitespace.
    ///
    /// # Errors
    ///
    /// When no value starts here.
    #[inline]
    pub(crate) fn peek(&mut self) -> Result<Next, SyntaxError> {
        match self.next_kind() {
            Some(next) => Ok(next),
            None => Err(self.no_value()),
        }
    }

    /// The kind of the next value, after whitespace; `None` when no value starts here. The
    /// fast path of [`Reader::peek`]: a small result, and no error built.
    #[inline]
    pub(crate) fn next_kind(&mut self) -> Option<Next> {
        Some(match self.skip_whitespace()? {
            b'{' => Next::Object,
            b'[' => Next::Array,
            b'"' => Next::String,
            b'-' | b'0'..=b'9' => Next::Number,
            b't' | b'f' => Next::Boolean,
            b'n' => Next::Null,
            _ => return None,
        })
    }

    /// The error where [`Reader::next_kind`] found no value.
    #[cold]
    pub(crate) fn no_value(&self) -> SyntaxError {
        self.unexpected_error("a JSON value")
    }

    /// Moves past the `{` or `[` that opens an object or an array, one level deeper. Inlined
    /// into every object's reader: a call cost more than the step.
    #[inline]
    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.too_deep());
        }
        self.at += 1;
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn too_deep(&self) -> SyntaxError {
        SyntaxError::new(self.at, format!("arrays and objects are nested deeper than {MAX_DEPTH} levels"))
    }

    /// Consumes the `{` of an object (the caller peeked it).
    ///
    /// # Errors
    ///
    /// When the nesting is too deep.
    #[inline]
    pub(crate) fn begin_object(&mut self) -> Result<(), SyntaxError> {
        self.enter()
    }

    /// Consumes the `[` of an array (the caller peeked it).
    ///
    /// # Errors
    ///
    /// When the nesting is too deep.
    pub(crate) fn begin_array(&mut self) -> Result<(), SyntaxError> {
        self.enter()
    }

    /// Moves to the next member of an object: `true` with its key read (see [`Reader::last`]) and
    /// the `:` consumed, or `false` at the closing `}` (consumed). `first` is true for the first
    /// call on an object.
    ///
    /// # Errors
    ///
    /// On anything but a well-formed member or the end of the object.
    #[allow(
        clippy::inline_always,
        reason = "how a generated reader finds the `}` after its last documented key: left to the compiler, a call per object (measured: 1 to 2% fewer instructions per payload inlined)"
    )]
    #[inline(always)]
    pub(crate) fn next_key(&mut self, first: bool) -> Result<bool, SyntaxError> {
        if !self.before_member(first)? {
            return Ok(false);
        }
        self.other_key()?;
        self.after_key()?;
        Ok(true)
    }

    /// Moves past what comes before a member: whitespace, and a `,` unless it is the `first`;
    /// `false` at the closing `}` (consumed) instead.
    #[allow(clippy::inline_always, reason = "a step of `next_key_expecting`, inlined with it")]
    #[inline(always)]
    fn before_member(&mut self, first: bool) -> Result<bool, SyntaxError> {
        match self.skip_whitespace() {
            Some(b'}') => {
                self.at += 1;
                self.depth -= 1;
                Ok(false)
            }
            Some(b',') if !first => {
                self.at += 1;
                self.skip_whitespace();
                Ok(true)
            }
            _ if first => Ok(true),
            _ => self.unexpected("`,` or `}` after an object member"),
        }
    }

    /// Moves past the `:` after a key, and the whitespace before it.
    #[allow(clippy::inline_always, reason = "a step of `next_key_expecting`, inlined with it")]
    #[inline(always)]
    fn after_key(&mut self) -> Result<(), SyntaxError> {
        if self.skip_whitespace() != Some(b':') {
            return self.unexpected("`:` after an object key");
        }
        self.at += 1;
        Ok(())
    }

    /// As [`Reader::next_key`], but first compares the key with `expected`, a name that needs
    /// no escape: `Some(true)` when the key is that name, read without being scanned (and not
    /// kept as [`Reader::last`]); `Some(false)` for another key, scanned; `None` at the end of
    /// the object.
    ///
    /// # Errors
    ///
    /// On anything but a well-formed member or the end of the object.
    #[allow(
        clippy::inline_always,
        reason = "called for every member; inlined into each reader through `Context::next_member` (measured: 6% fewer instructions per payload)"
    )]
    #[inline(always)]
    pub(crate) fn next_key_expecting(
        &mut self,
        first: bool,
        expected: &str,
    ) -> Result<Option<bool>, SyntaxError> {
        if !self.before_member(first)? {
            return Ok(None);
        }
        let start = self.at + 1;
        let end = start + expected.len();
        let is_expected = self.bytes.get(self.at) == Some(&b'"')
            && self.bytes.get(end) == Some(&b'"')
            && self.bytes.get(start..end).is_some_and(|key| same_short_bytes(key, expected.as_bytes()));
        if is_expected {
            self.key_offset = self.at;
            self.at = end + 1;
        } else {
            self.other_key()?;
        }
        self.after_key()?;
        Ok(Some(is_expected))
    }

    /// Scans a key (one that is not the one expected, when one is), which [`Reader::last`] then
    /// holds.
    #[inline(never)]
    fn other_key(&mut self) -> Result<(), SyntaxError> {
        if self.bytes.get(self.at) != Some(&b'"') {
            return self.unexpected("a key in double quotes");
        }
        self.key_offset = self.at;
        self.string()
    }

    /// The string, or key, read last.
    pub(crate) fn last(&self) -> &StringToken<'a> {
        &self.last
    }

    /// The byte offset of the key that [`Reader::next_key`] read last.
    pub(crate) fn key_offset(&self) -> usize {
        self.key_offset
    }

    /// Moves to the next item of an array: returns `true` when an item follows, `false` at the
    /// closing `]` (consumed).
    ///
    /// # Errors
    ///
    /// On anything but a separator or the end of the array.
    pub(crate) fn next_item(&mut self, first: bool) -> Result<bool, SyntaxError> {
        match self.skip_whitespace() {
            Some(b']') => {
                self.at += 1;
                self.depth -= 1;
                Ok(false)
            }
            Some(b',') if !first => {
                self.at += 1;
                Ok(true)
            }
            _ if first => Ok(true),
            _ => self.unexpected("`,` or `]` after an array item"),
        }
    }

    /// Scans a string (the caller peeked its `"`).
    ///
    /// # Errors
    ///
    /// On an unterminated string, a raw control character, a bad escape, a lone surrogate or
    /// invalid UTF-8.
    #[inline(always)]
    #[allow(
        clippy::inline_always,
        reason = "measured: inlined into the key and value readers, 6% fewer instructions on the seed example"
    )]
    pub(crate) fn string(&mut self) -> Result<(), SyntaxError> {
        let start = self.at + 1;
        // Most strings are short and ASCII: eight bytes at a time, a pass decides them without
        // the setup cost of the many-bytes-at-a-time path below.
        if let Some(end) = self.short_ascii_end(start)
            && self.bytes.get(end) == Some(&b'"')
        {
            let length = end - start;
            self.at = end + 1;
            self.last = StringToken {
                raw: &self.bytes[start..end],
                escaped: false,
                chars: length,
                compact_len: length + 2,
            };
            return Ok(());
        }
        self.last = self.long_string(start)?;
        Ok(())
    }

    /// Where the first byte that ends the short-string path (see [`string_stops`]) stands,
    /// within [`SHORT_STRING`] bytes of `start`; `None` past that or at the end of the input.
    #[inline]
    fn short_ascii_end(&self, start: usize) -> Option<usize> {
        let rest = self.bytes.get(start..)?;
        let window = &rest[..rest.len().min(SHORT_STRING)];
        // Whole words of the window: one bounds test a word. `SHORT_STRING` is a multiple of
        // eight, so a remainder is left only where the input ends.
        let mut words = window.chunks_exact(8);
        let mut offset = start;
        for word in &mut words {
            let stops = string_stops(u64::from_le_bytes(word.try_into().ok()?));
            if stops != 0 {
                return Some(offset + (stops.trailing_zeros() / 8) as usize);
            }
            offset += 8;
        }
        // The last few bytes of the input, one at a time.
        words.remainder().iter().position(|&byte| ENDS_SHORT_ASCII[usize::from(byte)]).map(|end| offset + end)
    }

    /// The general path of [`Reader::string`], from the first byte after the quote.
    fn long_string(&mut self, start: usize) -> Result<StringToken<'a>, SyntaxError> {
        let mut at = start;
        let mut escaped = false;
        // Characters that escapes remove from the raw count, and extra characters that compact
        // output spends on escaping what they decode to.
        let mut escape_shrink = 0_usize;
        let mut escape_extra = 0_usize;
        // Jump from one quote or backslash to the next (memchr scans many bytes at a time).
        loop {
            let Some(found) = memchr::memchr2(b'"', b'\\', &self.bytes[at..]) else {
                return error(self.bytes.len(), "the input ends inside a string");
            };
            at += found;
            if self.bytes[at] == b'"' {
                break;
            }
            escaped = true;
            let (consumed, decoded) = self.escape(at)?;
            escape_shrink += consumed - 1;
            escape_extra += compact_char_len(decoded) - 1;
            at += consumed;
        }
        let raw = &self.bytes[start..at];
        let code_points = if printable_ascii(raw) { raw.len() } else { self.measure_text(start, raw)? };
        self.at = at + 1;
        let chars = code_points - escape_shrink;
        Ok(StringToken { raw, escaped, chars, compact_len: chars + escape_extra + 2 })
    }

    /// The code points of `raw`, a string's bytes from `start` that are not all printable ASCII,
    /// after checking that it holds no raw control character and is UTF-8.
    fn measure_text(&self, start: usize, raw: &[u8]) -> Result<usize, SyntaxError> {
        let (code_points, control) = measure(raw);
        if control {
            let offset = raw.iter().position(|&byte| byte < 0x20).unwrap_or(0);
            return error(start + offset, "a control character must be escaped inside a string");
        }
        // Text between two quotes of an input that is UTF-8 is UTF-8.
        if self.text.is_none() && simdutf8::basic::from_utf8(raw).is_err() {
            let valid_up_to = std::str::from_utf8(raw).map_or_else(|invalid| invalid.valid_up_to(), str::len);
            return error(start + valid_up_to, "invalid UTF-8 inside a string");
        }
        Ok(code_points)
    }

    /// Reads the escape at `at` (a backslash): its length in bytes and the code point it means.
    fn escape(&self, at: usize) -> Result<(usize, u32), SyntaxError> {
        let decoded = match self.bytes.get(at + 1) {
            Some(b'"') => 0x22,
            Some(b'\\') => 0x5C,
            Some(b'/') => 0x2F,
            Some(b'b') => 0x08,
            Some(b'f') => 0x0C,
            Some(b'n') => 0x0A,
            Some(b'r') => 0x0D,
            Some(b't') => 0x09,
            Some(b'u') => {
                let high = self.hex_escape(at)?;
                return match high {
                    0xD800..=0xDBFF => {
                        if self.bytes.get(at + 6..at + 8) != Some(b"\\u") {
                            return error(
                                at,
                                "a high surrogate escape must be followed by a low surrogate escape",
                            );
                        }
                        let low = self.hex_escape(at + 6)?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return error(
                                at + 6,
                                "a high surrogate escape must be followed by a low surrogate escape",
                            );
                        }
                        Ok((12, 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)))
                    }
                    0xDC00..=0xDFFF => error(at, "a lone low surrogate escape is not a character"),
                    _ => Ok((6, high)),
                };
            }
            None => return error(self.bytes.len(), "the input ends inside a string"),
            Some(_) => return error(at, "invalid escape in a string"),
        };
        Ok((2, decoded))
    }

    fn hex_escape(&self, at: usize) -> Result<u32, SyntaxError> {
        let Some(hex) = self.bytes.get(at + 2..at + 6) else {
            return error(self.bytes.len(), "the input ends inside a \\u escape");
        };
        hex.iter().try_fold(0_u32, |value, &byte| match char::from(byte).to_digit(16) {
            Some(digit) => Ok(value * 16 + digit),
            None => error(at, "a \\u escape needs four hexadecimal digits"),
        })
    }

    /// Scans a number (the caller peeked it): its text, with the grammar checked, and its
    /// value when it is a small integer. Its range is checked by whoever reads its value.
    ///
    /// # Errors
    ///
    /// When the text is not a JSON number.
    pub(crate) fn number(&mut self) -> Result<NumberToken<'a>, SyntaxError> {
        let start = self.at;
        let mut at = start;
        let negative = self.bytes.get(at) == Some(&b'-');
        if negative {
            at += 1;
        }
        // The integer part's value, exact while it has at most 18 digits.
        let mut magnitude = 0_i64;
        let integer_start = at;
        match self.bytes.get(at) {
            Some(b'0') => at += 1,
            Some(b'1'..=b'9') => {
                while let Some(&byte) = self.bytes.get(at).filter(|byte| byte.is_ascii_digit()) {
                    magnitude = magnitude.wrapping_mul(10).wrapping_add(i64::from(byte - b'0'));
                    at += 1;
                }
            }
            _ => {
                self.at = at;
                return self.unexpected("a digit");
            }
        }
        let integer_digits = at - integer_start;
        let digit = |at: usize| self.bytes.get(at).is_some_and(u8::is_ascii_digit);
        let fraction = self.bytes.get(at) == Some(&b'.');
        if fraction {
            at += 1;
            if !digit(at) {
                self.at = at;
                return self.unexpected("a digit after the decimal point");
            }
            while digit(at) {
                at += 1;
            }
        }
        let exponent = matches!(self.bytes.get(at), Some(b'e' | b'E'));
        if exponent {
            at += 1;
            if matches!(self.bytes.get(at), Some(b'+' | b'-')) {
                at += 1;
            }
            if !digit(at) {
                self.at = at;
                return self.unexpected("a digit in the exponent");
            }
            while digit(at) {
                at += 1;
            }
        }
        if digit(at) {
            // `01`: a leading zero followed by more digits.
            return error(start, "a number may not have a leading zero");
        }
        self.at = at;
        // `-0` is the float `-0.0` to `serde_json`, not the integer 0: it takes the general path.
        let small = !(fraction || exponent || integer_digits > 18 || (negative && magnitude == 0));
        let between = match (exponent || integer_digits > 18, fraction, negative) {
            (true, _, _) => None,
            (false, false, false) => Some((magnitude, magnitude)),
            (false, false, true) => Some((-magnitude, -magnitude)),
            (false, true, false) => Some((magnitude, magnitude + 1)),
            (false, true, true) => Some((-magnitude - 1, -magnitude)),
        };
        Ok(NumberToken {
            text: &self.bytes[start..at],
            small_integer: small.then(|| if negative { -magnitude } else { magnitude }),
            exponent,
            between,
        })
    }

    /// Scans `true` or `false` (the caller peeked it).
    ///
    /// # Errors
    ///
    /// When the literal is misspelt.
    pub(crate) fn boolean(&mut self) -> Result<bool, SyntaxError> {
        if self.bytes[self.at..].starts_with(b"true") {
            self.at += 4;
            Ok(true)
        } else if self.bytes[self.at..].starts_with(b"false") {
            self.at += 5;
            Ok(false)
        } else {
            self.unexpected("`true` or `false`")
        }
    }

    /// Scans `null` (the caller peeked it).
    ///
    /// # Errors
    ///
    /// When the literal is misspelt.
    pub(crate) fn null(&mut self) -> Result<(), SyntaxError> {
        if self.bytes[self.at..].starts_with(b"null") {
            self.at += 4;
            Ok(())
        } else {
            self.unexpected("`null`")
        }
    }

    /// A second reader at the same place, to look ahead without moving this one (a union
    /// finds its discriminator, wherever it stands in the object, before reading the object).
    pub(crate) fn fork(&self) -> Reader<'a> {
        Reader {
            bytes: self.bytes,
            at: self.at,
            depth: self.depth,
            last: self.last,
            key_offset: self.key_offset,
            text: self.text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_string(text: &str) -> Result<(String, usize, usize), SyntaxError> {
        let mut reader = Reader::new(text.as_bytes());
        reader.peek()?;
        reader.string()?;
        let token = reader.last();
        Ok((token.decode().into_owned(), token.chars, token.compact_len))
    }

    #[test]
    fn strings_count_code_points_and_compact_length() {
        assert_eq!(scan_string(r#""abc""#).unwrap(), ("abc".to_owned(), 3, 5));
        assert_eq!(scan_string("\"🦀é\"").unwrap(), ("🦀é".to_owned(), 2, 4));
        assert_eq!(
            scan_string(r#""\ud83e\udd80\u00e9\n\u0001\/""#).unwrap(),
            ("🦀é\n\u{1}/".to_owned(), 5, 2 + 5 + 1 + 5)
        );
        for (text, expected) in [("\"a\\\"b\"", "a\"b"), (r#""\\""#, "\\")] {
            let (decoded, chars, compact) = scan_string(text).unwrap();
            assert_eq!(decoded, expected);
            assert_eq!(compact, serde_json::to_string(&decoded).unwrap().chars().count());
            assert_eq!(chars, decoded.chars().count());
        }
    }

    #[test]
    fn malformed_strings_are_syntax_errors() {
        for text in [
            "\"abc",
            "\"a\u{1}b\"",
            r#""\x""#,
            r#""\ud800""#,
            r#""\udc00""#,
            r#""\ud800\u0041""#,
            r#""\u12""#,
        ] {
            assert!(scan_string(text).is_err(), "{text}");
        }
        let mut reader = Reader::new(b"\"\xC3\x28\"");
        reader.peek().unwrap();
        assert_eq!(reader.string().unwrap_err().message(), "invalid UTF-8 inside a string");
    }

    #[test]
    fn printable_ascii_stops_at_controls_and_multibyte_bytes_only() {
        // The byte in the first block of 64, at the end of the second, and before a third.
        for (before, after) in [(40, 0), (127, 0), (100, 100)] {
            for byte in 0..=u8::MAX {
                let mut text = vec![b'a'; before];
                text.push(byte);
                text.extend(std::iter::repeat_n(b'a', after));
                assert_eq!(
                    printable_ascii(&text),
                    (0x20..0x80).contains(&byte),
                    "{byte:#04x} after {before}"
                );
            }
        }
    }

    #[test]
    fn long_strings_with_a_raw_control_or_a_bad_byte_fail_where_it_stands() {
        // Each after 100 ASCII bytes, past `SHORT_STRING`.
        for (tail, message) in [
            (&b"\x01"[..], "a control character must be escaped inside a string"),
            (b"\xFF", "invalid UTF-8 inside a string"),
        ] {
            let text = [b"\"", "a".repeat(100).as_bytes(), tail, b"\""].concat();
            let mut reader = Reader::new(&text);
            reader.peek().unwrap();
            let error = reader.string().unwrap_err();
            assert_eq!((error.message(), error.clone().into_parts().0), (message, 101));
        }
    }

    #[test]
    fn long_strings_measure_alike_whatever_the_reader() {
        // At the short path's edge and past it: ASCII (with DEL, which JSON allows raw), an
        // escape, multibyte text, and both. Read by a reader of bytes and by one of text, each
        // has the text serde_json finds, its code points, and the length serde_json writes.
        let long = "a".repeat(100);
        let texts = [
            "a".repeat(63),
            "a".repeat(64),
            "a".repeat(65),
            "a".repeat(128),
            format!("{long}\u{7f}"),
            format!("{long}\\n"),
            format!("{long}é"),
            format!("{}é\\u00e9", "a".repeat(70)),
        ];
        for text in texts {
            let json = format!("\"{text}\"");
            let expected: String = serde_json::from_str(&json).unwrap();
            let compact = serde_json::to_string(&expected).unwrap().chars().count();
            for mut reader in [Reader::new(json.as_bytes()), Reader::with_text(json.as_bytes())] {
                reader.peek().unwrap();
                reader.string().unwrap();
                let token = reader.last();
                assert_eq!((token.chars, token.compact_len), (expected.chars().count(), compact), "{text}");
                assert_eq!(reader.decode_last(), expected, "{text}");
            }
        }
    }

    /// Every string of a JSON array, read by `reader`, decoded; or the first syntax error.
    fn strings_of(mut reader: Reader<'_>) -> Result<Vec<String>, SyntaxError> {
        let mut found = Vec::new();
        reader.peek()?;
        reader.begin_array()?;
        let mut first = true;
        while reader.next_item(first)? {
            first = false;
            reader.peek()?;
            reader.string()?;
            found.push(reader.decode_last().into_owned());
        }
        Ok(found)
    }

    #[test]
    fn a_reader_of_text_decodes_what_a_reader_of_bytes_decodes() {
        let long = "é€🦀a".repeat(40);
        let text = format!(r#"["", "abc", "{long}", "a\n\u00e9\ud83e\udd80", "{long}\"x", "🦀"]"#);
        let expected = ["", "abc", &long, "a\né🦀", &format!("{long}\"x"), "🦀"];
        assert_eq!(strings_of(Reader::with_text(text.as_bytes())).unwrap(), expected);
        assert_eq!(strings_of(Reader::new(text.as_bytes())).unwrap(), expected);
    }

    #[test]
    fn a_reader_of_bytes_that_are_not_text_finds_the_same_first_error() {
        let long = "é".repeat(50);
        // A bad byte in a long string, in a short one, and after a syntax error.
        for (text, offset, message) in [
            ([b"[\"", long.as_bytes(), b"\xC3\x28\"]"].concat(), 102, "invalid UTF-8 inside a string"),
            (b"[\"ok\", \"\xFF\"]".to_vec(), 8, "invalid UTF-8 inside a string"),
            (b"[\"ok\" \"\xFF\"]".to_vec(), 6, "expected `,` or `]` after an array item, found `\"`"),
        ] {
            let error = strings_of(Reader::new(&text)).unwrap_err();
            assert_eq!((error.message(), error.clone().into_parts().0), (message, offset));
            assert_eq!(strings_of(Reader::with_text(&text)).unwrap_err(), error);
        }
    }

    #[test]
    fn only_slices_of_the_input_are_taken_as_its_text() {
        let input = "[\"é\"]".to_owned();
        let reader = Reader::with_text(input.as_bytes());
        assert_eq!(reader.text_of(&input.as_bytes()[2..4]), Some("é"));
        // Inside the input but not on a character's boundary, and a copy of the same bytes.
        assert_eq!(reader.text_of(&input.as_bytes()[2..3]), None);
        let copy = input.as_bytes()[2..4].to_vec();
        assert_eq!(reader.text_of(&copy), None);
    }

    #[test]
    fn each_kind_starts_with_the_bytes_next_kind_maps_to_it() {
        let kinds = [Next::Object, Next::Array, Next::String, Next::Number, Next::Boolean, Next::Null];
        for byte in 0..=u8::MAX {
            let input = [byte];
            let found = Reader::new(&input).next_kind();
            for kind in kinds {
                assert_eq!(kind.starts_with(byte), found == Some(kind), "{kind:?} and byte {byte:#04x}");
            }
        }
    }

    #[test]
    fn numbers_follow_the_json_grammar() {
        for (text, token) in [("0", "0"), ("-12.5e+3,", "-12.5e+3"), ("1E400", "1E400"), ("7]", "7")] {
            assert_eq!(Reader::new(text.as_bytes()).number().unwrap().text(), token);
        }
        for text in ["-", "01", "1.", "1e", ".5", "+1", "-a"] {
            assert!(Reader::new(text.as_bytes()).number().is_err(), "{text}");
        }
    }

    #[test]
    fn small_integers_come_with_their_value() {
        let value = |text: &str| Reader::new(text.as_bytes()).number().unwrap().small_integer;
        assert_eq!(value("0"), Some(0));
        assert_eq!(value("1554910997788"), Some(1_554_910_997_788));
        assert_eq!(value("-45321"), Some(-45_321));
        assert_eq!(value("999999999999999999"), Some(999_999_999_999_999_999));
        assert_eq!(value("-999999999999999999"), Some(-999_999_999_999_999_999));
        // Past 18 digits, with a fraction or an exponent, and `-0` (a float to serde_json),
        // the value is left to the general path.
        for text in ["1000000000000000000", "-9223372036854775808", "1.0", "1e2", "-0"] {
            assert_eq!(value(text), None, "{text}");
        }
        assert!(!Reader::new(b"1e2").number().unwrap().surely_finite());
        assert!(Reader::new(b"-123.456").number().unwrap().surely_finite());
    }

    #[test]
    fn the_word_at_a_time_scan_stops_at_the_first_byte_that_ends_a_short_string() {
        // Every stopping byte, at every position of a word, after ASCII that does not stop.
        for stop in [b'"', b'\\', 0x00, 0x1F, 0x80, 0xC3, 0xFF] {
            for position in 0..8 {
                let mut word = [b'a'; 8];
                word[position] = stop;
                // Bytes after the stop that would stop too, and one that borrows.
                if position < 7 {
                    word[position + 1] = 0x00;
                }
                let found = string_stops(u64::from_le_bytes(word)).trailing_zeros() / 8;
                assert_eq!(found as usize, position, "{stop:#04X} at {position}");
            }
        }
        for byte in (0x20..0x80).filter(|&byte| byte != b'"' && byte != b'\\') {
            assert_eq!(string_stops(u64::from_le_bytes([byte; 8])), 0, "{byte:#04X}");
        }
        // Strings shorter and longer than a word, ending at the end of the input or not.
        for text in
            ["\"\"", "\"abc\"", "\"abcdefgh\"", "\"abcdefghijklmnop\" ", &format!("\"{}\"", "x".repeat(100))]
        {
            let (decoded, chars, _) = scan_string(text).unwrap();
            assert_eq!(decoded, text.trim_end().trim_matches('"'));
            assert_eq!(chars, decoded.len());
        }
    }

    #[test]
    fn strings_agree_with_serde_json_whatever_stands_at_each_offset() {
        // A stopping byte (or sequence) at every offset across and past the word-at-a-time
        // path's 64 bytes, with the closing quote, or the end of the input, after it.
        let inserts: [&[u8]; 8] =
            [b"\\n", b"\\u00e9", "é".as_bytes(), "🦀".as_bytes(), b"\x01", b"\xC3(", b"\\", b"\""];
        for length in 0..72 {
            for insert in inserts {
                for ending in [&b"\""[..], b"\" ", b""] {
                    let mut text = b"\"".to_vec();
                    text.extend(std::iter::repeat_n(b'a', length));
                    text.extend_from_slice(insert);
                    text.extend_from_slice(ending);
                    let ours = scan_string(&String::from_utf8_lossy(&text)).ok();
                    let mut reader = Reader::new(&text);
                    reader.peek().unwrap();
                    let scanned = reader.string().is_ok() && reader.skip_whitespace().is_none();
                    let theirs = serde_json::from_slice::<String>(&text).ok();
                    assert_eq!(scanned, theirs.is_some(), "{}", String::from_utf8_lossy(&text));
                    if let (Some(theirs), true) = (theirs, scanned) {
                        let (decoded, chars, compact) = ours.unwrap();
                        assert_eq!(decoded, theirs);
                        assert_eq!(chars, theirs.chars().count());
                        assert_eq!(compact, serde_json::to_string(&theirs).unwrap().chars().count());
                    }
                }
            }
        }
    }

    #[test]
    fn whitespace_runs_of_any_length_are_skipped() {
        for indent in [0, 1, 7, 8, 9, 16, 23] {
            let text = format!("\n\r\t{}x", " ".repeat(indent));
            let mut reader = Reader::new(text.as_bytes());
            assert_eq!(reader.skip_whitespace(), Some(b'x'), "{indent}");
            assert_eq!(reader.offset(), text.len() - 1);
            let mut trailing = Reader::new(text.trim_end_matches('x').as_bytes());
            assert_eq!(trailing.skip_whitespace(), None, "{indent}");
        }
    }
}
