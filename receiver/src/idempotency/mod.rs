//! Idempotency: each delivery is handled once per endpoint, even though Fingerprint sends it
//! again when the first attempt fails or times out (one retry, five minutes later, with the same
//! `requestId` or `event_id`).
//!
//! A store keeps one record per [`DeliveryKey`] and moves it through a small state machine:
//! [`claim`](IdempotencyStore::claim) takes an unseen key for one handler (for a lease, after
//! which a crashed handler's claim lapses); the handler then either
//! [`complete`](IdempotencyStore::complete)s it (the key is remembered as done, longer than the
//! retry gap) or [`release`](IdempotencyStore::release)s it after a failure, so that the retry
//! is processed. A duplicate of a completed delivery is answered 2XX (any other status is a
//! failure on the vendor's side); a duplicate that arrives while the first attempt is still
//! being handled is answered 503, since the work is not done yet.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub mod memory;
#[cfg(feature = "postgres")]
pub mod postgres;
#[cfg(feature = "redis")]
pub mod redis;

/// What identifies a delivery: the receiving endpoint's name and the payload's id (`requestId`
/// of the legacy webhook, `event_id` of the event webhook).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeliveryKey {
    /// The endpoint's name and the delivery's contract (`webhook#event`, as
    /// [`Receiver::delivery_key`](crate::Receiver::delivery_key) writes it): the same id sent to
    /// two endpoints, or in two contracts, is two deliveries.
    pub endpoint: String,
    /// The delivery's id in its payload (its SHA-256, past
    /// [`MAX_KEPT_ID_BYTES`](crate::MAX_KEPT_ID_BYTES)).
    pub id: String,
}

impl fmt::Display for DeliveryKey {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{} at {}", self.id, self.endpoint)
    }
}

/// Proof of a claim: completing or releasing a key takes the token its claim returned, so that
/// a handler whose lease lapsed cannot complete or release someone else's claim.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClaimToken(pub(crate) String);

impl ClaimToken {
    /// A token unique across processes and machines: time, process, a counter and the
    /// standard library's random hash keys.
    pub(crate) fn new() -> Self {
        use std::hash::{BuildHasher, RandomState};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos());
        let random = RandomState::new().hash_one((count, nanos, std::process::id()));
        ClaimToken(format!("{nanos:x}-{:x}-{count:x}-{random:016x}", std::process::id()))
    }

    /// The token's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a claim found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key was unseen (or its record had lapsed): this handler has it, until it completes
    /// or releases it, or the lease runs out.
    New(ClaimToken),
    /// A delivery with this key was handled: answer 2XX, do nothing.
    Completed,
    /// Another handler holds this key and has not finished: answer 503.
    InProgress,
}

/// A store's failure: the store could not be reached, or answered something unexpected.
#[derive(Debug)]
pub enum StoreError {
    /// The store's own error, as text.
    Backend(String),
    /// The claim being completed is no longer this handler's: its lease lapsed and another
    /// handler claimed the key.
    LostClaim,
}

impl fmt::Display for StoreError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Backend(message) => write!(formatter, "the idempotency store failed: {message}"),
            StoreError::LostClaim => {
                formatter.write_str("the claim lapsed and another handler took the delivery")
            }
        }
    }
}

impl std::error::Error for StoreError {}

/// How long a store keeps what.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// How long a claim holds before it lapses (a handler that crashed never releases).
    pub lease: Duration,
    /// How long a completed delivery is remembered: longer than the vendor's retry gap (five
    /// minutes), with room for clock skew and slow first attempts.
    pub completed: Duration,
}

impl Default for Retention {
    /// A lease of a minute (the vendor waits 3 seconds for an answer); completed deliveries
    /// remembered for a day.
    fn default() -> Self {
        Retention { lease: Duration::from_mins(1), completed: Duration::from_hours(24) }
    }
}

/// A place that records which deliveries were handled: [`memory::MemoryStore`] in one process,
/// [`redis::RedisStore`] or [`postgres::PostgresStore`] shared by several (features `redis`
/// and `postgres`). Every operation is atomic in the store: two receivers that claim the same
/// key at the same moment get one [`Claim::New`] between them.
pub trait IdempotencyStore: Send + Sync {
    /// Claims `key` for this handler, or says why not.
    fn claim(&self, key: &DeliveryKey) -> impl Future<Output = Result<Claim, StoreError>> + Send;

    /// Records the delivery as handled: later claims get [`Claim::Completed`].
    fn complete(
        &self,
        key: &DeliveryKey,
        token: &ClaimToken,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Gives the key up after a failed attempt: the vendor's retry is then processed.
    fn release(
        &self,
        key: &DeliveryKey,
        token: &ClaimToken,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}
