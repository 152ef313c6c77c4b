//! [`Receiver`]: what an endpoint accepts, and [`Delivery`], the axum extractor that applies it
//! to a request: the raw body under a size limit and a deadline, the credentials, the
//! signature, then validation and parsing in one pass under the right contract.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{FromRef, FromRequest, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use fingerprint_webhook::{Contract, Options, Payload, Violation, Violations};
use http_body_util::{BodyExt, Limited};

use crate::Secret;
use crate::basic_auth::{AuthFailure, BasicAuth};
use crate::idempotency::{Claim, ClaimToken, DeliveryKey, IdempotencyStore, StoreError};
use crate::signature::{self, SignatureFailure};

/// At most this many bytes of a 422 answer's body: Fingerprint's dashboard shows no more of a
/// response than 4 KB.
pub const MAX_ANSWER_BYTES: usize = 4096;

/// What one endpoint accepts. Share it as `Arc<Receiver>` in the router's state; [`Delivery`]
/// finds it there with `FromRef`.
#[derive(Debug, Clone)]
pub struct Receiver {
    endpoint: String,
    contract: Option<&'static Contract>,
    options: Options,
    body_limit: usize,
    body_deadline: Duration,
    basic_auth: Option<BasicAuth>,
    signature_secrets: Vec<Secret>,
}

impl Receiver {
    /// An endpoint named `endpoint` (its name in idempotency keys), accepting every contract
    /// (each payload judged under the one its shape names), bodies up to 1 MiB read within
    /// 10 seconds, with no credentials and no signature required.
    pub fn new(endpoint: impl Into<String>) -> Self {
        Receiver {
            endpoint: endpoint.into(),
            contract: None,
            options: Options::DEFAULT,
            body_limit: 1024 * 1024,
            body_deadline: Duration::from_secs(10),
            basic_auth: None,
            signature_secrets: Vec::new(),
        }
    }

    /// Judges every payload under `contract` rather than the one its shape names.
    #[must_use]
    pub fn contract(mut self, contract: &'static Contract) -> Self {
        self.contract = Some(contract);
        self
    }

    /// The validation options (for example [`Options::STRICT`]).
    #[must_use]
    pub fn options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    /// The largest body read: a larger one is answered 413 without being read whole.
    #[must_use]
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// How long reading the body may take: a sender that trickles it (a slow-loris) is answered
    /// 408 when the deadline passes.
    #[must_use]
    pub fn body_deadline(mut self, deadline: Duration) -> Self {
        self.body_deadline = deadline;
        self
    }

    /// Requires these Basic credentials (answering 401 with `WWW-Authenticate: Basic` without them).
    #[must_use]
    pub fn basic_auth(mut self, auth: BasicAuth) -> Self {
        self.basic_auth = Some(auth);
        self
    }

    /// Requires an `FPJS-Event-Signature` that matches the body under one of `secrets` (several
    /// while a secret is rotated).
    #[must_use]
    pub fn signature_secrets(mut self, secrets: Vec<Secret>) -> Self {
        self.signature_secrets = secrets;
        self
    }

    /// The endpoint's name.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The largest body read.
    pub fn max_body_bytes(&self) -> usize {
        self.body_limit
    }

    /// Reads a request's body under the limit and the deadline.
    ///
    /// # Errors
    ///
    /// [`Rejection::TooLarge`], [`Rejection::BodyDeadline`], or [`Rejection::BodyUnreadable`]
    /// when the connection failed.
    pub async fn read_body(&self, body: axum::body::Body) -> Result<Bytes, Rejection> {
        let limited = Limited::new(body, self.body_limit);
        match tokio::time::timeout(self.body_deadline, limited.collect()).await {
            Err(_) => Err(Rejection::BodyDeadline(self.body_deadline)),
            Ok(Ok(collected)) => Ok(collected.to_bytes()),
            Ok(Err(error)) if error.is::<http_body_util::LengthLimitError>() => {
                Err(Rejection::TooLarge(self.body_limit))
            }
            Ok(Err(error)) => Err(Rejection::BodyUnreadable(error.to_string())),
        }
    }

    /// What can be checked before the body is read: the credentials, and a `Content-Length`
    /// over the limit. Checking them first means a sender without credentials, or announcing
    /// too large a body, never gets a body read (nor a `100 Continue`).
    ///
    /// # Errors
    ///
    /// [`Rejection::Credentials`] or [`Rejection::TooLarge`].
    pub fn check_headers(&self, headers: &HeaderMap) -> Result<(), Rejection> {
        if let Some(auth) = &self.basic_auth {
            let presented = headers.get(header::AUTHORIZATION).map(HeaderValue::as_bytes);
            auth.check(presented).map_err(Rejection::Credentials)?;
        }
        let announced = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<u64>().ok());
        match announced {
            Some(length) if length > self.body_limit as u64 => Err(Rejection::TooLarge(self.body_limit)),
            _ => Ok(()),
        }
    }

    /// Checks the credentials and the signature a request carries for `body`.
    ///
    /// # Errors
    ///
    /// [`Rejection::Credentials`] or [`Rejection::Signature`].
    pub fn authenticate(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), Rejection> {
        // The credentials are [`check_headers`](Receiver::check_headers)'s: one check, wherever
        // it runs first (a second run costs two SHA-256 of a few bytes).
        self.check_headers(headers)?;
        if !self.signature_secrets.is_empty() {
            let presented = headers.get(signature::HEADER).map(HeaderValue::as_bytes);
            signature::verify(presented, body, &self.signature_secrets).map_err(Rejection::Signature)?;
        }
        Ok(())
    }

    /// The contract a body is judged under: the configured one, or the one its shape names.
    pub fn contract_of(&self, body: &[u8]) -> &'static Contract {
        self.contract.unwrap_or_else(|| Contract::detect(body))
    }

    /// Authenticates, then validates and parses `body` in one pass.
    ///
    /// # Errors
    ///
    /// A [`Rejection`] that answers the request as the delivery rules say.
    pub fn receive(&self, headers: &HeaderMap, body: Bytes) -> Result<Delivery, Rejection> {
        let received = Instant::now();
        self.authenticate(headers, &body)?;
        let contract = self.contract_of(&body);
        let payload = Payload::parse_as(contract, &body, self.options)
            .map_err(|violations| Rejection::Invalid { contract, violations })?;
        let key = contract.delivery_id(&body).map(|id| self.delivery_key(contract, id));
        Ok(Delivery { payload, contract, key, body, received })
    }

    /// The idempotency key of a delivery with `id` under `contract`: the endpoint and the
    /// contract (the same id in two contracts is two deliveries), and the id itself, or its
    /// SHA-256 when it is long or holds a NUL (a contract may leave its id's length unbounded:
    /// the stores keep keys of a bounded size, and PostgreSQL's text holds no NUL).
    pub fn delivery_key(&self, contract: &Contract, id: String) -> DeliveryKey {
        use sha2::{Digest, Sha256};
        let id = if id.len() > MAX_KEPT_ID_BYTES || id.contains('\0') {
            format!("sha256:{}", hex::encode(Sha256::digest(id.as_bytes())))
        } else {
            id
        };
        DeliveryKey { endpoint: format!("{}#{}", self.endpoint, contract.name()), id }
    }
}

/// The longest delivery id a store keeps as it is; a longer one is kept as its SHA-256.
pub const MAX_KEPT_ID_BYTES: usize = 128;

/// A router state for the common case: one endpoint's [`Receiver`] and its idempotency store,
/// with which [`Delivery`] and the handler find what they need (`State<Endpoint<S>>`).
#[derive(Debug)]
pub struct Endpoint<S> {
    receiver: Arc<Receiver>,
    store: S,
}

impl<S: Clone> Clone for Endpoint<S> {
    fn clone(&self) -> Self {
        Endpoint { receiver: self.receiver.clone(), store: self.store.clone() }
    }
}

impl<S> Endpoint<S> {
    /// An endpoint of `receiver` that remembers deliveries in `store`.
    pub fn new(receiver: Receiver, store: S) -> Self {
        Endpoint { receiver: Arc::new(receiver), store }
    }

    /// The receiver.
    pub fn receiver(&self) -> &Receiver {
        &self.receiver
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }
}

impl<S> FromRef<Endpoint<S>> for Arc<Receiver> {
    fn from_ref(endpoint: &Endpoint<S>) -> Self {
        endpoint.receiver.clone()
    }
}

/// A delivery that passed every check: its typed payload, its contract, its idempotency key and
/// its raw body. As an axum extractor it finds the [`Receiver`] in the router's state (an
/// [`Endpoint`], or any state that gives an `Arc<Receiver>` with `FromRef`) and answers the
/// request itself when a check fails.
#[derive(Debug)]
pub struct Delivery {
    payload: Payload,
    contract: &'static Contract,
    key: Option<DeliveryKey>,
    body: Bytes,
    received: Instant,
}

impl Delivery {
    /// The typed payload.
    pub fn payload(&self) -> &Payload {
        &self.payload
    }

    /// The typed payload, owned.
    pub fn into_payload(self) -> Payload {
        self.payload
    }

    /// The contract it was judged under.
    pub fn contract(&self) -> &'static Contract {
        self.contract
    }

    /// Its idempotency key: the endpoint and the payload's id, when the contract names one.
    pub fn key(&self) -> Option<&DeliveryKey> {
        self.key.as_ref()
    }

    /// The raw body, byte for byte as it came.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// When its body had been read: what the vendor's 3-second budget counts from, near enough.
    pub fn received(&self) -> Instant {
        self.received
    }

    /// Claims the delivery in `store`: [`Claimed::New`] hands the handler a [`ClaimGuard`] to
    /// complete once the work succeeded (or that releases the delivery, if dropped without,
    /// so that the vendor's retry is processed).
    ///
    /// # Errors
    ///
    /// When the store fails; or [`StoreError::Backend`] when the contract names no delivery id.
    pub async fn claim<S: IdempotencyStore + Clone + 'static>(
        &self,
        store: &S,
    ) -> Result<Claimed<S>, StoreError> {
        let key = self.key.clone().ok_or_else(|| {
            StoreError::Backend(format!("the {} contract names no delivery id", self.contract))
        })?;
        Ok(match store.claim(&key).await? {
            Claim::New(token) => Claimed::New(ClaimGuard { store: store.clone(), key, token: Some(token) }),
            Claim::Completed => Claimed::Completed,
            Claim::InProgress => Claimed::InProgress,
        })
    }
}

/// What [`Delivery::claim`] found.
#[derive(Debug)]
pub enum Claimed<S: IdempotencyStore + Clone + 'static> {
    /// First time: do the work, then [`ClaimGuard::complete`].
    New(ClaimGuard<S>),
    /// Handled before: answer 2XX (200), never 409: any other status is a failure to the
    /// vendor.
    Completed,
    /// Another handler has it and has not finished: answer 503.
    InProgress,
}

/// A claimed delivery. Complete it once the work succeeded; dropped without completing (an
/// error, a panic), it releases the delivery in the background, so that the retry is handled.
#[derive(Debug)]
pub struct ClaimGuard<S: IdempotencyStore + Clone + 'static> {
    store: S,
    key: DeliveryKey,
    token: Option<ClaimToken>,
}

impl<S: IdempotencyStore + Clone + 'static> ClaimGuard<S> {
    /// The claimed key.
    pub fn key(&self) -> &DeliveryKey {
        &self.key
    }

    /// The claim's token (for [`PostgresStore::complete_in`](crate::idempotency::postgres)).
    pub fn token(&self) -> Option<&ClaimToken> {
        self.token.as_ref()
    }

    /// Records the delivery as handled.
    ///
    /// # Errors
    ///
    /// When the store fails, or the claim lapsed and another handler took the delivery.
    pub async fn complete(mut self) -> Result<(), StoreError> {
        // A guard holds its token until one of these consumes it.
        let Some(token) = self.token.take() else { return Ok(()) };
        self.store.complete(&self.key, &token).await
    }

    /// Gives the delivery up now, so that the retry is handled.
    ///
    /// # Errors
    ///
    /// When the store fails.
    pub async fn release(mut self) -> Result<(), StoreError> {
        let Some(token) = self.token.take() else { return Ok(()) };
        self.store.release(&self.key, &token).await
    }

    /// Forgets the claim without completing or releasing it: the lease lapses by itself (for a
    /// completion written elsewhere, such as in the handler's own transaction).
    pub fn disarm(mut self) {
        self.token = None;
    }
}

impl<S: IdempotencyStore + Clone + 'static> Drop for ClaimGuard<S> {
    fn drop(&mut self) {
        let Some(token) = self.token.take() else { return };
        let (store, key) = (self.store.clone(), self.key.clone());
        // Without a runtime, the lease lapses by itself.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(error) = store.release(&key, &token).await {
                    tracing::warn!("releasing {key} after a failed attempt: {error}");
                }
            });
        }
    }
}

/// Why a request was not a delivery to handle, and how to answer it.
#[derive(Debug)]
pub enum Rejection {
    /// Missing or wrong Basic credentials: 401 with `WWW-Authenticate: Basic`.
    Credentials(AuthFailure),
    /// Missing or wrong `FPJS-Event-Signature`: 401.
    Signature(SignatureFailure),
    /// A body over the limit (in bytes): 413.
    TooLarge(usize),
    /// A body not read within the deadline: 408.
    BodyDeadline(Duration),
    /// The connection failed while the body was read: 400.
    BodyUnreadable(String),
    /// The payload breaks its contract: 422, with the violations as JSON (at most 4 KB).
    Invalid {
        /// The contract it was judged under.
        contract: &'static Contract,
        /// Every violation.
        violations: Violations,
    },
}

impl Rejection {
    /// The status the rejection is answered with.
    pub fn status(&self) -> StatusCode {
        match self {
            Rejection::Credentials(_) | Rejection::Signature(_) => StatusCode::UNAUTHORIZED,
            Rejection::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Rejection::BodyDeadline(_) => StatusCode::REQUEST_TIMEOUT,
            Rejection::BodyUnreadable(_) => StatusCode::BAD_REQUEST,
            Rejection::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    /// What went wrong, in a sentence.
    pub fn reason(&self) -> String {
        match self {
            Rejection::Credentials(failure) => failure.to_string(),
            Rejection::Signature(failure) => failure.to_string(),
            Rejection::TooLarge(limit) => format!("the body is larger than the limit of {limit} bytes"),
            Rejection::BodyDeadline(deadline) => format!("the body was not received within {deadline:?}"),
            Rejection::BodyUnreadable(error) => format!("the body could not be read: {error}"),
            Rejection::Invalid { contract, violations } => {
                format!("the payload breaks the {contract} contract: {} violation(s)", violations.len())
            }
        }
    }

    /// One violation as the answers and logs show it: `{"pointer", "keyword", "message"}`.
    pub fn violation_json(violation: &Violation) -> serde_json::Value {
        serde_json::json!({
            "pointer": violation.pointer(),
            "keyword": violation.keyword().as_str(),
            "message": violation.message(),
        })
    }

    /// The JSON body of a 422: the contract and as many violations (pointer, keyword, message)
    /// as fit in [`MAX_ANSWER_BYTES`], with how many were left out.
    pub fn violations_json(contract: &Contract, violations: &Violations) -> String {
        let mut errors = Vec::new();
        let mut size = 0;
        let mut omitted = 0;
        for violation in violations {
            let error = Rejection::violation_json(violation).to_string();
            // Room for the envelope (contract, counts) and separators.
            if omitted == 0 && size + error.len() < MAX_ANSWER_BYTES - 160 {
                size += error.len() + 1;
                errors.push(error);
            } else {
                omitted += 1;
            }
        }
        format!(
            r#"{{"valid":false,"contract":{},"errors":[{}],"omitted":{omitted}}}"#,
            serde_json::Value::from(contract.name()),
            errors.join(",")
        )
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            Rejection::Invalid { contract, violations } => {
                let body = Rejection::violations_json(contract, violations);
                (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
            }
            Rejection::Credentials(_) => {
                let challenge = r#"Basic realm="fingerprint-webhook", charset="UTF-8""#;
                (status, [(header::WWW_AUTHENTICATE, challenge)], self.reason()).into_response()
            }
            Rejection::Signature(_) => {
                (status, [(header::WWW_AUTHENTICATE, signature::HEADER)], self.reason()).into_response()
            }
            _ => (status, self.reason()).into_response(),
        }
    }
}

impl<S> FromRequest<S> for Delivery
where
    S: Send + Sync,
    Arc<Receiver>: FromRef<S>,
{
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Rejection> {
        let receiver = Arc::<Receiver>::from_ref(state);
        let (parts, body) = request.into_parts();
        receiver.check_headers(&parts.headers)?;
        let body = receiver.read_body(body).await?;
        receiver.receive(&parts.headers, body)
    }
}

#[cfg(test)]
mod tests {
    use fingerprint_webhook::CONTRACTS;

    use super::{MAX_KEPT_ID_BYTES, Receiver};

    #[test]
    fn a_delivery_key_names_the_contract_and_stays_bounded() {
        let receiver = Receiver::new("hook");
        let [first, second, ..] = CONTRACTS else { panic!("two contracts") };
        let (a, b) = (
            receiver.delivery_key(first, "same".to_owned()),
            receiver.delivery_key(second, "same".to_owned()),
        );
        assert_ne!(a, b, "the same id in two contracts");
        assert_eq!((a.endpoint.as_str(), a.id.as_str()), (format!("hook#{first}").as_str(), "same"));
        let at_limit = "x".repeat(MAX_KEPT_ID_BYTES);
        assert_eq!(receiver.delivery_key(first, at_limit.clone()).id, at_limit);
        for long_or_nul in ["x".repeat(MAX_KEPT_ID_BYTES + 1), "a\0b".to_owned()] {
            let key = receiver.delivery_key(first, long_or_nul.clone());
            assert!(key.id.starts_with("sha256:") && key.id.len() == 7 + 64, "{}", key.id);
            assert_eq!(key, receiver.delivery_key(first, long_or_nul), "the same id, the same key");
        }
        assert_ne!(
            receiver.delivery_key(first, "y".repeat(200)),
            receiver.delivery_key(first, "z".repeat(200))
        );
    }
}
