//! The RFC 3339 `date-time` grammar as JSON Schema reads it, shared by the validators and by
//! [`crate::DateTime`], so that whatever the validator accepts the typed value can hold.
//!
//! `full-date "T" full-time`: `T` and `Z` in either case, any number of fraction digits, offsets
//! up to `±23:59`, calendar dates checked (leap years included), and a leap second (`:60`) only
//! where the UTC time it denotes is `23:59:60`.

/// The parts of a valid date-time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Parts {
    /// Year, `0..=9999`.
    pub(crate) year: u16,
    /// Month, `1..=12`.
    pub(crate) month: u8,
    /// Day of the month, checked against the month and year.
    pub(crate) day: u8,
    /// Hour, `0..=23`.
    pub(crate) hour: u8,
    /// Minute, `0..=59`.
    pub(crate) minute: u8,
    /// Second, `0..=60` (60 only for a leap second).
    pub(crate) second: u8,
    /// The fraction of the second, in nanoseconds (digits past the ninth are dropped).
    pub(crate) nanosecond: u32,
    /// The offset from UTC, in minutes (`Z` is 0).
    pub(crate) offset_minutes: i16,
}

/// What a fraction of `n` digits (at most 9 of which are read) is multiplied by to count
/// nanoseconds: `10^(9 - n)`.
const NANOSECOND_SCALE: [u32; 10] =
    [1_000_000_000, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];

fn digits(bytes: &[u8], at: usize, count: usize) -> Option<u32> {
    let slice = bytes.get(at..at + count)?;
    slice
        .iter()
        .try_fold(0_u32, |value, &byte| byte.is_ascii_digit().then(|| value * 10 + u32::from(byte - b'0')))
}

fn two_digits(bytes: &[u8], at: usize) -> Option<u8> {
    digits(bytes, at, 2).and_then(|value| u8::try_from(value).ok())
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses an RFC 3339 date-time from the bytes of its text (the grammar is ASCII); the error
/// says what is wrong.
///
/// # Errors
///
/// A short reason when `bytes` are not a date-time.
pub(crate) fn parse(bytes: &[u8]) -> Result<Parts, &'static str> {
    if bytes.is_empty() {
        return Err("the text is empty");
    }
    let year =
        digits(bytes, 0, 4).and_then(|year| u16::try_from(year).ok()).ok_or("the year must be 4 digits")?;
    if bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return Err("the date must be YYYY-MM-DD");
    }
    let month = two_digits(bytes, 5).ok_or("the month must be 2 digits")?;
    let day = two_digits(bytes, 8).ok_or("the day must be 2 digits")?;
    if !(1..=12).contains(&month) {
        return Err("the month is out of range");
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err("the day does not exist in that month");
    }
    if !matches!(bytes.get(10), Some(b'T' | b't')) {
        return Err("the date and time must be separated by T");
    }
    if bytes.get(13) != Some(&b':') || bytes.get(16) != Some(&b':') {
        return Err("the time must be HH:MM:SS");
    }
    let hour = two_digits(bytes, 11).ok_or("the hour must be 2 digits")?;
    let minute = two_digits(bytes, 14).ok_or("the minute must be 2 digits")?;
    let second = two_digits(bytes, 17).ok_or("the second must be 2 digits")?;
    if hour > 23 || minute > 59 || second > 60 {
        return Err("the time is out of range");
    }
    let mut at = 19;
    let mut nanosecond = 0_u32;
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while bytes.get(at).is_some_and(u8::is_ascii_digit) {
            if at - start < 9 {
                nanosecond = nanosecond * 10 + u32::from(bytes[at] - b'0');
            }
            at += 1;
        }
        if at == start {
            return Err("the fraction of a second needs digits");
        }
        // Fewer than nine digits are scaled up to nanoseconds: `.52` is 520,000,000.
        nanosecond *= NANOSECOND_SCALE[(at - start).min(9)];
    }
    let offset_minutes = match bytes.get(at) {
        Some(b'Z' | b'z') if at + 1 == bytes.len() => 0,
        Some(sign @ (b'+' | b'-')) if at + 6 == bytes.len() && bytes[at + 3] == b':' => {
            let hours = two_digits(bytes, at + 1).ok_or("the offset hours must be 2 digits")?;
            let minutes = two_digits(bytes, at + 4).ok_or("the offset minutes must be 2 digits")?;
            if hours > 23 || minutes > 59 {
                return Err("the offset is out of range");
            }
            let magnitude = i16::from(hours) * 60 + i16::from(minutes);
            if *sign == b'-' { -magnitude } else { magnitude }
        }
        None => return Err("the UTC offset (Z or ±HH:MM) is missing"),
        Some(_) => return Err("the UTC offset must be Z or ±HH:MM, and end the text"),
    };
    if second == 60 {
        let utc_minutes =
            (i32::from(hour) * 60 + i32::from(minute) - i32::from(offset_minutes)).rem_euclid(24 * 60);
        if utc_minutes != 23 * 60 + 59 {
            return Err("a leap second must fall at 23:59:60 UTC");
        }
    }
    Ok(Parts { year, month, day, hour, minute, second, nanosecond, offset_minutes })
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn accepts_the_forms_rfc_3339_allows() {
        for text in [
            "2019-10-12T07:20:50.52Z",
            "2019-10-12t07:20:50z",
            "2024-02-29T00:00:00+14:00",
            "2019-10-12T07:20:50.1234567891234-07:30",
            "2016-12-31T23:59:60Z",
            "2017-01-01T01:29:60+01:30",
            "0000-01-01T00:00:00Z",
        ] {
            assert!(parse(text.as_bytes()).is_ok(), "{text}");
        }
    }

    #[test]
    fn rejects_what_it_does_not_allow() {
        for text in [
            "",
            "2019-10-12",
            "2019-10-12 07:20:50Z",
            "2019-10-12T07:20:50",
            "2019-13-12T07:20:50Z",
            "2023-02-29T07:20:50Z",
            "2019-10-12T24:00:00Z",
            "2019-10-12T07:20:50.Z",
            "2019-10-12T07:20:50+24:00",
            "2019-10-12T07:20:50+0100",
            "2019-10-12T12:00:60Z",
            "2019-10-12T07:20:50Zjunk",
            "2019-1-12T07:20:50Z",
            "२०१९-10-12T07:20:50Z",
        ] {
            assert!(parse(text.as_bytes()).is_err(), "{text}");
        }
    }

    #[test]
    fn reads_the_parts() {
        let parts = parse(b"2019-10-12T07:20:50.52-01:30").unwrap();
        assert_eq!((parts.year, parts.month, parts.day), (2019, 10, 12));
        assert_eq!((parts.hour, parts.minute, parts.second), (7, 20, 50));
        assert_eq!(parts.nanosecond, 520_000_000);
        assert_eq!(parts.offset_minutes, -90);
    }

    #[test]
    fn a_fraction_of_any_length_counts_nanoseconds() {
        // One to twelve digits of 123456789123: the first nine count, scaled to nanoseconds.
        let digits = "123456789123";
        for length in 1..=digits.len() {
            let text = format!("2019-10-12T07:20:50.{}Z", &digits[..length]);
            let kept = &digits[..length.min(9)];
            let expected = kept.parse::<u32>().unwrap() * 10_u32.pow(9 - u32::try_from(kept.len()).unwrap());
            assert_eq!(parse(text.as_bytes()).unwrap().nanosecond, expected, "{text}");
        }
    }
}
