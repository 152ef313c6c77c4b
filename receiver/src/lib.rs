//! Receiving Fingerprint's webhooks by the delivery rules of its documentation: an HTTPS POST,
//! optionally with Basic authentication and an `FPJS-Event-Signature`; a 2XX answer expected
//! within 3 seconds; one retry five minutes later with the same `requestId` (or `event_id`),
//! "so it's possible to use it as an idempotency key"; several webhooks delivered at once.
//!
//! - [`Delivery`], an axum extractor: the raw body (never a re-serialized value) under a size
//!   limit and a deadline, credentials and signature checked in constant time, then validation
//!   and parsing in one pass under the right contract ([`fingerprint_webhook`]); the handler
//!   gets the typed payload, its contract and its idempotency key, and every failure is answered
//!   with the right status ([`Rejection`]).
//! - [`BasicAuth`], [`signature::verify`] and [`signature::sign`], usable on their own.
//! - [`idempotency`]: a claim → complete / release state machine over a store: in memory,
//!   Redis (feature `redis`) or PostgreSQL (feature `postgres`). A duplicate of a handled
//!   delivery is answered 200, never 409 (any other status is a failure to the sender).
//! - [`budget`]: how long handling took against the 3-second budget, with a warning.
//!
//! ```
//! use axum::{Router, extract::State, http::StatusCode, routing::post};
//! use fingerprint_webhook_receiver::idempotency::memory::MemoryStore;
//! use fingerprint_webhook_receiver::{BasicAuth, Claimed, Delivery, Endpoint, Receiver, Secret};
//!
//! async fn webhook(State(endpoint): State<Endpoint<MemoryStore>>, delivery: Delivery) -> StatusCode {
//!     match delivery.claim(endpoint.store()).await {
//!         Ok(Claimed::New(claim)) => {
//!             // Hand the payload off durably (a queue, a table), then complete the claim;
//!             // on an error, dropping the claim releases it for the vendor's retry.
//!             let _payload = delivery.payload();
//!             match claim.complete().await {
//!                 Ok(()) => StatusCode::OK,
//!                 Err(_) => StatusCode::SERVICE_UNAVAILABLE,
//!             }
//!         }
//!         Ok(Claimed::Completed) => StatusCode::OK, // a duplicate: never 409
//!         Ok(Claimed::InProgress) | Err(_) => StatusCode::SERVICE_UNAVAILABLE,
//!     }
//! }
//!
//! let password = Secret::new("s3cret"); // Secret::from_env("WEBHOOK_PASSWORD") in a service
//! let receiver = Receiver::new("fingerprint").basic_auth(BasicAuth::new("fingerprint", password));
//! let router: Router = Router::new()
//!     .route("/webhook", post(webhook))
//!     .with_state(Endpoint::new(receiver, MemoryStore::default()));
//! # drop(router);
//! ```

pub mod basic_auth;
pub mod budget;
pub mod idempotency;
mod receive;
mod secret;
pub mod signature;

pub use basic_auth::{AuthFailure, BasicAuth};
pub use receive::{
    ClaimGuard, Claimed, Delivery, Endpoint, MAX_ANSWER_BYTES, MAX_KEPT_ID_BYTES, Receiver, Rejection,
};
pub use secret::Secret;
pub use signature::SignatureFailure;
