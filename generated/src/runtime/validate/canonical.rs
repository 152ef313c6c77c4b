//! Lengths in RFC 8785 canonical JSON (the JSON Canonicalization Scheme), the measure of the
//! `tag` limit: no whitespace, and numbers and strings written as ECMAScript's `JSON.stringify`
//! writes them, so that the length does not depend on how the sender spelled a number.

use super::reader::NumberToken;

/// How many characters the number spelled `token` (JSON number grammar, within the range of an
/// `f64`) takes in canonical JSON: the shortest ECMAScript `Number::toString` of its nearest
/// `f64`. `1E2` is `100`, `-0` is `0`, `18446744073709551616` is `18446744073709552000`,
/// `1e21` is `1e+21`, `0.0000001` is `1e-7`.
pub(crate) fn number_len(token: &NumberToken<'_>) -> usize {
    // An integer of at most 15 digits is exact in an `f64` and written as its digits.
    if let Some(integer) = token.small_integer
        && integer.unsigned_abs() < 1_000_000_000_000_000
    {
        return token.text.len();
    }
    let value: f64 = token.text().parse().unwrap_or(f64::NAN);
    if !value.is_finite() {
        // The scanner rejects numbers out of the range of an `f64`; `null` is what
        // `JSON.stringify` would write.
        return 4;
    }
    ryu_js::Buffer::new().format_finite(value).len()
}

#[cfg(test)]
mod tests {
    use super::number_len;
    use crate::runtime::validate::reader::Reader;

    #[test]
    fn numbers_are_measured_as_ecmascript_writes_them() {
        let cases = [
            ("0", "0"),
            ("-0", "0"),
            ("-0.0", "0"),
            ("1E2", "100"),
            ("100.000", "100"),
            ("1.5e1", "15"),
            ("18446744073709551616", "18446744073709552000"),
            ("123456789012345678901234567890", "1.2345678901234568e+29"),
            ("9007199254740993", "9007199254740992"),
            ("1e21", "1e+21"),
            ("1e20", "100000000000000000000"),
            ("0.000001", "0.000001"),
            ("0.0000001", "1e-7"),
            ("-1.25e-10", "-1.25e-10"),
            ("5e-324", "5e-324"),
            ("1.7976931348623157e308", "1.7976931348623157e+308"),
            ("0.1", "0.1"),
            ("-123.456", "-123.456"),
            ("45321", "45321"),
            ("-45321", "-45321"),
            ("999999999999999", "999999999999999"),
            ("1000000000000000", "1000000000000000"),
            ("123456789012345678", "123456789012345680"),
            ("-9007199254740993", "-9007199254740992"),
        ];
        for (token, written) in cases {
            let token = Reader::new(token.as_bytes()).number().unwrap();
            assert_eq!(number_len(&token), written.len(), "{} is written {written}", token.text());
        }
    }
}
