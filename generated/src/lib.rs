//! Typed payloads and validators of the Fingerprint identification webhook, generated from its canonical JSON Schema.
//!
//! [`IdentificationWebhook`], its nested types, and the validators behind [`validate`] and
//! [`parse`] are written by `cargo xtask generate` from
//! `schema/identification-webhook.schema.json`; the runtime they rely on ([`Nullable`],
//! [`DateTime`], the serde helpers and the JSON scanner) is written by hand in `runtime/`.
//!
//! [`validate`] checks the raw bytes of a delivery against every documented constraint without
//! building anything; [`parse`] does the same and builds the typed payload in the same pass.
//! Both return every [`Violation`], in document order, as [`Violations`].
//!
//! The types follow the documented contract:
//! - a field documented `nullable: false` is a plain value; a field documented `nullable: true`
//!   is a [`Nullable`], which keeps *absent* and `null` apart through a round trip;
//! - date-times keep their exact text and give typed access to the instant;
//! - `tag` is any JSON value;
//! - fields the documentation does not list are kept in `unknown_fields` at every level.
//!
//! ```
//! let payload: fingerprint_webhook::IdentificationWebhook = serde_json::from_str(
//!     r#"{"requestId": "Px6VxbRC6WBkA39yeNH3", "visitorId": "3HNey93AkBW6CRbxV6xP",
//!         "timestamp": 1554910997788, "time": "2019-10-12T07:20:50.52Z", "incognito": false,
//!         "url": "https://banking.example.com/signup", "ip": "216.3.128.12",
//!         "ipLocation": {}, "browserDetails": {}, "firstSeenAt": {"global": null},
//!         "lastSeenAt": {}, "linkedId": null}"#,
//! )?;
//! assert_eq!(payload.visitor_id, "3HNey93AkBW6CRbxV6xP");
//! assert!(payload.linked_id.is_null());
//! assert!(payload.tag.is_absent());
//! assert_eq!(payload.time.instant().year(), 2019);
//! # Ok::<(), serde_json::Error>(())
//! ```

#[rustfmt::skip]
mod generated;
mod runtime;

#[cfg(test)]
mod fixture_types;

pub use generated::types::*;
pub use generated::validators::{parse, validate};
/// The ordered map of the entries an object's `additionalProperties` describes.
pub use indexmap::IndexMap;
pub use runtime::date_time::{DateTime, DateTimeError};
pub use runtime::nullable::Nullable;
pub use runtime::validate::violation::{
    Keyword, MAX_VIOLATIONS, Positions, Violation, Violations, line_column,
};
pub use runtime::validate::{EVENT_FORMAT_HINT, Options};

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
    pub use crate::runtime::serde_support::{deserialize_present, deserialize_required_nullable, integer};
}
