//! `Delivery` as axum runs it, in process: what each request is answered, and the claim's
//! life (completed, or released when the handler fails, so that the retry is handled).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRef, State};
use axum::http::{Request, StatusCode, header};
use axum::routing::post;
use fingerprint_webhook::CONTRACTS;
use fingerprint_webhook_receiver::idempotency::memory::MemoryStore;
use fingerprint_webhook_receiver::{BasicAuth, Claimed, Delivery, Endpoint, Receiver, Secret};
use tower::ServiceExt;

#[derive(Clone)]
struct App {
    endpoint: Endpoint<MemoryStore>,
    /// How many attempts the handler makes fail before succeeding.
    failures_left: Arc<AtomicUsize>,
    handled: Arc<AtomicUsize>,
}

impl FromRef<App> for Arc<Receiver> {
    fn from_ref(app: &App) -> Self {
        Arc::<Receiver>::from_ref(&app.endpoint)
    }
}

async fn webhook(State(app): State<App>, delivery: Delivery) -> StatusCode {
    match delivery.claim(app.endpoint.store()).await {
        Ok(Claimed::New(claim)) => {
            let failing = app
                .failures_left
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| left.checked_sub(1));
            if failing.is_ok() {
                // The work failed: the claim is dropped, not completed.
                drop(claim);
                return StatusCode::INTERNAL_SERVER_ERROR;
            }
            app.handled.fetch_add(1, Ordering::SeqCst);
            claim.complete().await.map_or(StatusCode::SERVICE_UNAVAILABLE, |()| StatusCode::OK)
        }
        Ok(Claimed::Completed) => StatusCode::OK,
        Ok(Claimed::InProgress) | Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

fn app(failures: usize) -> (Router, App) {
    let receiver = Receiver::new("webhook")
        .basic_auth(BasicAuth::new("fingerprint", Secret::new("s3cret")))
        .body_limit(64 * 1024);
    let app = App {
        endpoint: Endpoint::new(receiver, MemoryStore::default()),
        failures_left: Arc::new(AtomicUsize::new(failures)),
        handled: Arc::new(AtomicUsize::new(0)),
    };
    (Router::new().route("/webhook", post(webhook)).with_state(app.clone()), app)
}

fn post_with(body: impl Into<Body>, authorization: Option<&str>) -> Request<Body> {
    let mut request = Request::post("/webhook").header(header::CONTENT_TYPE, "application/json");
    if let Some(value) = authorization {
        request = request.header(header::AUTHORIZATION, value);
    }
    request.body(body.into()).unwrap()
}

fn credentials() -> String {
    BasicAuth::new("fingerprint", Secret::new("s3cret")).header_value()
}

async fn status(router: &Router, request: Request<Body>) -> (StatusCode, String) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let challenge =
        response.headers().get(header::WWW_AUTHENTICATE).map(|value| value.to_str().unwrap().to_owned());
    (status, challenge.unwrap_or_default())
}

#[tokio::test]
async fn every_contract_is_received_once_and_duplicates_answered_200() {
    let (router, app) = app(0);
    for contract in CONTRACTS {
        let body = contract.example().to_owned();
        assert_eq!(status(&router, post_with(body.clone(), Some(&credentials()))).await.0, StatusCode::OK);
        assert_eq!(
            status(&router, post_with(body, Some(&credentials()))).await.0,
            StatusCode::OK,
            "the retry"
        );
    }
    assert_eq!(app.handled.load(Ordering::SeqCst), CONTRACTS.len(), "each handled once");
}

#[tokio::test]
async fn a_failed_attempt_is_released_and_the_retry_handled() {
    let (router, app) = app(1);
    let body = CONTRACTS[0].example().to_owned();
    let first = status(&router, post_with(body.clone(), Some(&credentials()))).await.0;
    assert_eq!(first, StatusCode::INTERNAL_SERVER_ERROR);
    // The guard releases in the background: give that task its turn.
    for _ in 0..100 {
        if app.endpoint.store().is_empty() {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(status(&router, post_with(body, Some(&credentials()))).await.0, StatusCode::OK);
    assert_eq!(app.handled.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn failures_are_answered_by_the_extractor() {
    let (router, _) = app(0);
    let body = CONTRACTS[0].example().to_owned();
    let (missing, challenge) = status(&router, post_with(body.clone(), None)).await;
    assert_eq!(missing, StatusCode::UNAUTHORIZED);
    assert!(challenge.starts_with("Basic "), "{challenge}");
    let wrong = BasicAuth::new("fingerprint", Secret::new("nope")).header_value();
    assert_eq!(status(&router, post_with(body, Some(&wrong))).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        status(&router, post_with(vec![b' '; 64 * 1024 + 1], Some(&credentials()))).await.0,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(
        status(&router, post_with("{}", Some(&credentials()))).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        status(&router, post_with("not json", Some(&credentials()))).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}
