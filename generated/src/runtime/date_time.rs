//! [`DateTime`]: an RFC 3339 date-time that keeps its exact text and gives typed access to the instant.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

#[cfg(feature = "schemars")]
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use super::validate::rfc3339::{self, Parts};

/// The instant of valid parts. A leap second becomes the last nanosecond of the second before
/// it, as `time` has no leap seconds; the grammar has already checked every range.
fn instant(parts: Parts) -> OffsetDateTime {
    let month = Month::try_from(parts.month).unwrap_or(Month::January);
    let date = Date::from_calendar_date(i32::from(parts.year), month, parts.day).unwrap_or(Date::MIN);
    let (second, nanosecond) =
        if parts.second == 60 { (59, 999_999_999) } else { (parts.second, parts.nanosecond) };
    let time = Time::from_hms_nano(parts.hour, parts.minute, second, nanosecond).unwrap_or(Time::MIDNIGHT);
    let offset =
        UtcOffset::from_whole_seconds(i32::from(parts.offset_minutes) * 60).unwrap_or(UtcOffset::UTC);
    PrimitiveDateTime::new(date, time).assume_offset(offset)
}

/// An RFC 3339 date-time, such as `2019-10-12T07:20:50.52Z`.
///
/// The original text is kept byte for byte (offset, fraction digits and letter case included), so
/// re-serializing a payload writes exactly what was received; [`DateTime::instant`] gives the
/// moment it denotes. Two values are equal when their texts are equal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DateTime {
    text: String,
    instant: OffsetDateTime,
}

/// Why a text is not an RFC 3339 date-time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimeError {
    text: String,
    reason: String,
}

impl fmt::Display for DateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not an RFC 3339 date-time: {}", self.text, self.reason)
    }
}

impl std::error::Error for DateTimeError {}

impl DateTime {
    /// Parses an RFC 3339 date-time, keeping `text` as it is. It accepts exactly what the
    /// validators accept as `format: date-time`.
    ///
    /// # Errors
    ///
    /// When `text` is not an RFC 3339 date-time (a missing offset, an impossible calendar date,
    /// a time out of range, anything else out of the grammar).
    pub fn parse(text: &str) -> Result<Self, DateTimeError> {
        match rfc3339::parse(text.as_bytes()) {
            Ok(parts) => Ok(DateTime::from_parts(text.to_owned(), parts)),
            Err(reason) => Err(DateTimeError { text: text.to_owned(), reason: reason.to_owned() }),
        }
    }

    /// The value for `text`, already parsed into `parts`.
    pub(crate) fn from_parts(text: String, parts: Parts) -> Self {
        DateTime { text, instant: instant(parts) }
    }

    /// The text exactly as it appeared in the payload.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The moment the text denotes, with its UTC offset. A leap second (`:60`) is read as the
    /// last representable instant of the second before it.
    ///
    /// Every accepted text converts to any offset: `9999-12-31T23:59:59-23:59` is in year 10000
    /// in UTC, and `0000-01-01T00:00:00+23:59` in year -1, which is why this crate turns on the
    /// `time` crate's `large-dates` feature.
    pub fn instant(&self) -> OffsetDateTime {
        self.instant
    }
}

impl FromStr for DateTime {
    type Err = DateTimeError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        DateTime::parse(text)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Cow::<'de, str>::deserialize(deserializer)?;
        DateTime::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schemars")]
impl JsonSchema for DateTime {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "DateTime".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "format": "date-time" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_exact_text_and_reads_the_instant() {
        let parsed = DateTime::parse("2019-10-12T09:20:50.520+02:00").unwrap();
        assert_eq!(parsed.as_str(), "2019-10-12T09:20:50.520+02:00");
        assert_eq!(parsed.instant().unix_timestamp(), 1_570_864_850);
        assert_eq!(parsed.instant().millisecond(), 520);
    }

    #[test]
    fn rejects_an_impossible_calendar_date_and_a_missing_offset() {
        assert!(DateTime::parse("2019-02-29T00:00:00Z").is_err());
        assert!(DateTime::parse("2019-10-12T07:20:50").is_err());
        assert!(DateTime::parse("").is_err());
    }

    #[test]
    fn accepts_a_leap_second() {
        let parsed = DateTime::parse("2016-12-31T23:59:60Z").unwrap();
        assert_eq!(parsed.instant().second(), 59);
        assert_eq!(parsed.instant().nanosecond(), 999_999_999);
    }

    #[test]
    fn the_extreme_instants_convert_to_utc() {
        use time::UtcOffset;

        let latest = DateTime::parse("9999-12-31T23:59:59.999999999-23:59").unwrap();
        let utc = latest.instant().to_offset(UtcOffset::UTC);
        assert_eq!(
            (utc.year(), utc.month(), utc.day(), utc.hour(), utc.minute()),
            (10_000, Month::January, 1, 23, 58)
        );
        let earliest = DateTime::parse("0000-01-01T00:00:00+23:59").unwrap();
        let utc = earliest.instant().to_offset(UtcOffset::UTC);
        assert_eq!(
            (utc.year(), utc.month(), utc.day(), utc.hour(), utc.minute()),
            (-1, Month::December, 31, 0, 1)
        );
        let east = UtcOffset::from_hms(23, 59, 59).unwrap();
        assert_eq!(latest.instant().to_offset(east).year(), 10_000);
    }

    #[test]
    fn keeps_more_fraction_digits_than_nanoseconds_in_the_text() {
        let parsed = DateTime::parse("2019-10-12T07:20:50.1234567891z").unwrap();
        assert_eq!(parsed.instant().nanosecond(), 123_456_789);
        assert_eq!(parsed.as_str(), "2019-10-12T07:20:50.1234567891z");
    }
}
