//! Typed payloads and validators of Fingerprint's webhooks, generated from their canonical JSON Schemas.
//!
//! # The contracts
//!
//! A contract is what a webhook delivery must be: which fields are present, which may be `null`
//! and which may be absent (two different things), each string's maximum length in Unicode code
//! points, integers as JSON Schema defines them (`1554910997788.0` is one), RFC 3339 date-times,
//! the values an enumeration lists; no key twice in an object; fields the documentation does not
//! list are allowed, unless strict. The crate knows every contract of the project, one module
//! each, named after it: [`identification_webhook`], the legacy identification webhook of
//! Fingerprint's webhook documentation, and [`event`], the event webhook that subscriptions
//! receive today (Server API v4).
//!
//! # Entry points
//!
//! - `validate` (in each contract's module) checks the raw bytes of a delivery against every
//!   documented constraint without building anything (and without allocating, on a valid one);
//! - `parse` (in each contract's module) does the same and builds the typed payload in the same
//!   pass;
//! - [`parse_detected`] picks the contract from the payload's shape ([`Contract::detect`]) and
//!   parses under it, returning a [`Payload`] that says which.
//!
//! All three return every [`Violation`], in document order, as [`Violations`]. [`CONTRACTS`]
//! lists the contracts as data: name, JSON Schemas, example, conformance suite and validator.
//!
//! # Types
//!
//! The types follow the documented contract:
//! - a required field that may not be `null` is a plain value; an optional one, or one that may
//!   be `null`, is a [`Nullable`], which keeps *absent* and `null` apart through a round trip;
//! - date-times keep their exact text and give typed access to the instant;
//! - a value of any type (the legacy `tag`) is a [`JsonValue`], whose objects keep their
//!   members in payload order (the crate turns on no `serde_json` feature);
//! - a string enumeration is a Rust enum with an `Unlisted` variant, so that a value the vendor
//!   adds before the schema is updated still parses (and is reported by `validate`);
//! - fields the documentation does not list are kept in `unknown_fields` (a [`JsonObject`]) at
//!   every level.
//!
//! ```
//! use fingerprint_webhook::{Options, Payload, identification_webhook};
//!
//! let delivery = br#"{"requestId": "Px6VxbRC6WBkA39yeNH3", "visitorId": "3HNey93AkBW6CRbxV6xP",
//!     "timestamp": 1554910997788, "time": "2019-10-12T07:20:50.52Z", "incognito": false,
//!     "url": "https://banking.example.com/signup", "ip": "216.3.128.12",
//!     "ipLocation": {}, "browserDetails": {}, "firstSeenAt": {"global": null},
//!     "lastSeenAt": {}, "linkedId": null}"#;
//! let payload = identification_webhook::parse(delivery, Options::DEFAULT)?;
//! assert_eq!(payload.visitor_id, "3HNey93AkBW6CRbxV6xP");
//! assert!(payload.linked_id.is_null());
//! assert!(payload.tag.is_absent());
//! assert_eq!(payload.time.instant().year(), 2019);
//!
//! // The same bytes, with the contract detected from their shape.
//! let detected = fingerprint_webhook::parse_detected(delivery, Options::DEFAULT).map_err(|(_, violations)| violations)?;
//! assert_eq!(detected.contract().name(), "identification-webhook");
//! assert!(matches!(detected, Payload::IdentificationWebhook(_)));
//! # Ok::<(), fingerprint_webhook::Violations>(())
//! ```

#[rustfmt::skip]
mod generated;
mod runtime;

#[cfg(test)]
mod fixture_types;

pub use generated::*;
/// The ordered map of the entries an object's `additionalProperties` describes.
pub use indexmap::IndexMap;
pub use runtime::contract::Contract;
pub use runtime::date_time::{DateTime, DateTimeError};
pub use runtime::json_value::{JsonObject, JsonValue};
pub use runtime::nullable::Nullable;
pub use runtime::validate::Options;
pub use runtime::validate::violation::{
    Keyword, MAX_VIOLATIONS, Positions, Violation, Violations, line_column,
};

/// The generator's validators for its own test schemas, for the workspace's differential tests;
/// not part of the public API.
#[cfg(feature = "codegen-fixtures")]
#[doc(hidden)]
pub mod __codegen_fixtures {
    pub use crate::generated::fixtures::{FIXTURES, Fixture};
}

/// Support for the generated code; not part of the public API.
#[doc(hidden)]
pub mod __private {
    #[cfg(feature = "schemars")]
    pub use crate::runtime::serde_support::schema::{AnyInteger, NullOr};
    pub use crate::runtime::serde_support::{deserialize_present, deserialize_required_nullable, integer};
}

/// The crate's README, whose example runs as a doctest.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
