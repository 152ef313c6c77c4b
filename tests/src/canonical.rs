//! A reference for the `tag` limit, written apart from the validators' own: the RFC 8785
//! canonical JSON text of a parsed value, numbers formatted by ECMAScript's `Number::toString`
//! algorithm from the shortest digits that Rust's standard library prints.

use std::fmt::Write;

use serde_json::Value;

/// The canonical JSON text (RFC 8785) of `value`: no whitespace, keys in UTF-16 order, strings
/// escaped as `JSON.stringify` does, numbers as ECMAScript writes their nearest double.
pub fn canonical_json(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(value) => value.to_string(),
        Value::Number(number) => ecmascript_number(number.as_f64().unwrap_or(f64::NAN)),
        Value::String(text) => quoted(text),
        Value::Array(items) => {
            format!("[{}]", items.iter().map(canonical_json).collect::<Vec<_>>().join(","))
        }
        Value::Object(members) => {
            let mut members: Vec<(&String, &Value)> = members.iter().collect();
            members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            let members: Vec<String> = members
                .into_iter()
                .map(|(key, item)| format!("{}:{}", quoted(key), canonical_json(item)))
                .collect();
            format!("{{{}}}", members.join(","))
        }
    }
}

/// How many code points the canonical JSON text of `value` has.
pub fn canonical_json_len(value: &Value) -> usize {
    canonical_json(value).chars().count()
}

/// A string as `JSON.stringify` writes it (RFC 8785, 3.2.2.2).
fn quoted(text: &str) -> String {
    let mut out = String::from('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ch if u32::from(ch) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(ch));
            }
            ch => out.push(ch),
        }
    }
    out.push('"');
    out
}

/// ECMAScript's `Number::toString(x)` (ECMA-262, 6.1.6.1.20), from the shortest round-trip
/// digits of `x`, which `{:e}` prints.
pub fn ecmascript_number(x: f64) -> String {
    if x.is_nan() || x.is_infinite() {
        return "null".to_owned();
    }
    if x == 0.0 {
        return "0".to_owned();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let shortest = format!("{:e}", x.abs());
    let (mantissa, exponent) = shortest.split_once('e').unwrap_or((&shortest, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = i64::try_from(digits.len()).unwrap_or(i64::MAX);
    // x = 0.digits × 10^n
    let n = exponent.parse::<i64>().unwrap_or(0) + 1;
    let zeros = |count: i64| "0".repeat(usize::try_from(count).unwrap_or(0));
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", zeros(n - k))
    } else if 0 < n && n <= 21 {
        let (whole, fraction) = digits.split_at(usize::try_from(n).unwrap_or(0));
        format!("{whole}.{fraction}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", zeros(-n))
    } else {
        let exponent = n - 1;
        let exponent_sign = if exponent >= 0 { "+" } else { "-" };
        let (first, rest) = digits.split_at(1);
        let mantissa = if rest.is_empty() { first.to_owned() } else { format!("{first}.{rest}") };
        format!("{mantissa}e{exponent_sign}{}", exponent.abs())
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::{canonical_json, ecmascript_number};

    #[test]
    fn numbers_as_ecmascript_writes_them() {
        let cases = [
            (0.0, "0"),
            (-0.0, "0"),
            (100.0, "100"),
            (18_446_744_073_709_551_616.0, "18446744073709552000"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (0.000_001, "0.000001"),
            (0.000_000_1, "1e-7"),
            (-1.25e-10, "-1.25e-10"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (0.1, "0.1"),
            (-123.456, "-123.456"),
            (1.5, "1.5"),
        ];
        for (x, written) in cases {
            assert_eq!(ecmascript_number(x), written);
        }
    }

    #[test]
    fn the_rfc_8785_example_values() {
        let value: serde_json::Value =
            serde_json::from_str(r#"{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/", "literals": [null, true, false]}"#)
                .unwrap();
        assert_eq!(
            canonical_json(&value),
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        );
    }
}
