//! [`Reader`]: a strict JSON scanner over bytes, one token at a time, that allocates only to
//! decode a string with escapes.
//!
//! It accepts exactly what `serde_json` accepts (RFC 8259 grammar, UTF-8, no lone surrogates,
//! numbers in the range of an `f64`, at most [`MAX_DEPTH`] levels of nesting), so that the
//! validators and every `serde_json`-based tool agree on what is JSON.

use std::borrow::Cow;

/// The deepest nesting of arrays and objects accepted: `serde_json`'s limit.
pub(crate) const MAX_DEPTH: usize = 127;

/// A syntax error: where, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    /// The byte offset of the error.
    pub(crate) offset: usize,
    /// What is wrong, as a sentence fragment.
    pub(crate) message: String,
}

fn error<T>(offset: usize, message: impl Into<String>) -> Result<T, SyntaxError> {
    Err(SyntaxError { offset, message: message.into() })
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
        // The scanner validated the bytes, so this never fails.
        let raw = std::str::from_utf8(self.raw).unwrap_or_default();
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

    /// The decoded bytes of a key, for matching against the documented names without a UTF-8
    /// check: borrowed when it has no escapes.
    pub(crate) fn key_bytes(&self) -> Cow<'a, [u8]> {
        if self.escaped {
            Cow::Owned(self.decode().into_owned().into_bytes())
        } else {
            Cow::Borrowed(self.raw)
        }
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

/// How far the short-string path of [`Reader::string`] looks for the closing quote.
const SHORT_STRING: usize = 64;

/// The code points of raw string bytes (the bytes that do not continue a UTF-8 sequence), and
/// whether any byte is a control character, which JSON forbids raw inside strings. Strings of
/// thousands of characters are common at the documented limits, so both run many bytes at a
/// time: `bytecount` picks SIMD at run time, and the control check is a loop without early exit
/// that the compiler vectorizes.
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
}

impl<'a> Reader<'a> {
    /// A reader at the start of `bytes`.
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0, depth: 0, last: StringToken::default(), key_offset: 0 }
    }

    /// The current byte offset.
    pub(crate) fn offset(&self) -> usize {
        self.at
    }

    fn unexpected<T>(&self, expected: &str) -> Result<T, SyntaxError> {
        match self.bytes.get(self.at) {
            None => error(self.at, format!("the input ends where {expected} should follow")),
            Some(&byte) if byte.is_ascii_graphic() => {
                error(self.at, format!("expected {expected}, found `{}`", char::from(byte)))
            }
            Some(&byte) => error(self.at, format!("expected {expected}, found the byte 0x{byte:02X}")),
        }
    }

    /// Skips whitespace; returns the next byte, if any.
    #[inline]
    pub(crate) fn skip_whitespace(&mut self) -> Option<u8> {
        while let Some(&byte) = self.bytes.get(self.at) {
            if !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(byte);
            }
            self.at += 1;
        }
        None
    }

    /// The kind of the next value, after whitespace.
    ///
    /// # Errors
    ///
    /// When no value starts here.
    #[inline]
    pub(crate) fn peek(&mut self) -> Result<Next, SyntaxError> {
        match self.skip_whitespace() {
            Some(b'{') => Ok(Next::Object),
            Some(b'[') => Ok(Next::Array),
            Some(b'"') => Ok(Next::String),
            Some(b'-' | b'0'..=b'9') => Ok(Next::Number),
            Some(b't' | b'f') => Ok(Next::Boolean),
            Some(b'n') => Ok(Next::Null),
            _ => self.unexpected("a JSON value"),
        }
    }

    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return error(self.at, format!("arrays and objects are nested deeper than {MAX_DEPTH} levels"));
        }
        self.at += 1;
        Ok(())
    }

    /// Consumes the `{` of an object (the caller peeked it).
    ///
    /// # Errors
    ///
    /// When the nesting is too deep.
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

    /// Moves to the next member of an object: `true` with its key read (see [`Reader::key`]) and
    /// the `:` consumed, or `false` at the closing `}` (consumed). `first` is true for the first
    /// call on an object.
    ///
    /// # Errors
    ///
    /// On anything but a well-formed member or the end of the object.
    #[inline]
    pub(crate) fn next_key(&mut self, first: bool) -> Result<bool, SyntaxError> {
        match self.skip_whitespace() {
            Some(b'}') => {
                self.at += 1;
                self.depth -= 1;
                return Ok(false);
            }
            Some(b',') if !first => {
                self.at += 1;
                self.skip_whitespace();
            }
            _ if first => {}
            _ => return self.unexpected("`,` or `}` after an object member"),
        }
        if self.bytes.get(self.at) != Some(&b'"') {
            return self.unexpected("a key in double quotes");
        }
        self.key_offset = self.at;
        self.string()?;
        if self.skip_whitespace() != Some(b':') {
            return self.unexpected("`:` after an object key");
        }
        self.at += 1;
        Ok(true)
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
    #[inline]
    pub(crate) fn string(&mut self) -> Result<(), SyntaxError> {
        let start = self.at + 1;
        // Most strings are short and ASCII: one scalar pass decides them without the setup
        // cost of the many-bytes-at-a-time path below.
        let short = &self.bytes[start..self.bytes.len().min(start + SHORT_STRING)];
        if let Some(end) = short.iter().position(|&byte| ENDS_SHORT_ASCII[usize::from(byte)])
            && short[end] == b'"'
        {
            self.at = start + end + 1;
            self.last = StringToken { raw: &short[..end], escaped: false, chars: end, compact_len: end + 2 };
            return Ok(());
        }
        self.last = self.long_string(start)?;
        Ok(())
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
        let (code_points, control) = measure(raw);
        if control {
            let offset = raw.iter().position(|&byte| byte < 0x20).unwrap_or(0);
            return error(start + offset, "a control character must be escaped inside a string");
        }
        if simdutf8::basic::from_utf8(raw).is_err() {
            let valid_up_to = std::str::from_utf8(raw).map_or_else(|invalid| invalid.valid_up_to(), str::len);
            return error(start + valid_up_to, "invalid UTF-8 inside a string");
        }
        self.at = at + 1;
        let chars = code_points - escape_shrink;
        Ok(StringToken { raw, escaped, chars, compact_len: chars + escape_extra + 2 })
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

    /// Scans a number (the caller peeked it): its text, with the grammar checked. Its range is
    /// checked by whoever reads its value.
    ///
    /// # Errors
    ///
    /// When the text is not a JSON number.
    pub(crate) fn number(&mut self) -> Result<&'a str, SyntaxError> {
        let start = self.at;
        let mut at = start;
        let digit = |at: usize| self.bytes.get(at).is_some_and(u8::is_ascii_digit);
        if self.bytes.get(at) == Some(&b'-') {
            at += 1;
        }
        match self.bytes.get(at) {
            Some(b'0') => at += 1,
            Some(b'1'..=b'9') => {
                while digit(at) {
                    at += 1;
                }
            }
            _ => {
                self.at = at;
                return self.unexpected("a digit");
            }
        }
        if self.bytes.get(at) == Some(&b'.') {
            at += 1;
            if !digit(at) {
                self.at = at;
                return self.unexpected("a digit after the decimal point");
            }
            while digit(at) {
                at += 1;
            }
        }
        if matches!(self.bytes.get(at), Some(b'e' | b'E')) {
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
        // The grammar above admits ASCII only, so the slice is valid UTF-8.
        Ok(std::str::from_utf8(&self.bytes[start..at]).unwrap_or_default())
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
        assert_eq!(reader.string().unwrap_err().message, "invalid UTF-8 inside a string");
    }

    #[test]
    fn numbers_follow_the_json_grammar() {
        for (text, token) in [("0", "0"), ("-12.5e+3,", "-12.5e+3"), ("1E400", "1E400"), ("7]", "7")] {
            assert_eq!(Reader::new(text.as_bytes()).number().unwrap(), token);
        }
        for text in ["-", "01", "1.", "1e", ".5", "+1", "-a"] {
            assert!(Reader::new(text.as_bytes()).number().is_err(), "{text}");
        }
    }
}
