//! The pattern that keeps a receiver within Fingerprint's 3-second budget: acknowledge a
//! delivery once it is handed off durably, and do the slow work after the answer.
//!
//! Here the hand-off is a bounded channel to a worker task; in a service it is a queue or a
//! table that survives a restart. The claim is completed by the worker once the work succeeded;
//! if the work fails, the claim is released, so that the vendor's retry (same id, five minutes
//! later) is processed. Run it with `cargo run -p fingerprint-webhook-receiver --example
//! acknowledge_then_work` and POST a payload to `http://127.0.0.1:8080/webhook`.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Router, middleware};
use fingerprint_webhook::Payload;
use fingerprint_webhook_receiver::budget::{self, Budget};
use fingerprint_webhook_receiver::idempotency::memory::MemoryStore;
use fingerprint_webhook_receiver::{ClaimGuard, Claimed, Delivery, Receiver};
use tokio::sync::mpsc;

/// What the worker gets: the payload, and the claim it completes once the work is done.
type Job = (Payload, ClaimGuard<MemoryStore>);

#[derive(Clone)]
struct App {
    receiver: Arc<Receiver>,
    store: MemoryStore,
    jobs: mpsc::Sender<Job>,
}

impl FromRef<App> for Arc<Receiver> {
    fn from_ref(app: &App) -> Self {
        app.receiver.clone()
    }
}

async fn webhook(State(app): State<App>, delivery: Delivery) -> StatusCode {
    match delivery.claim(&app.store).await {
        Ok(Claimed::New(claim)) => match app.jobs.try_send((delivery.into_payload(), claim)) {
            // Handed off: answer now. (A full queue drops the job, whose claim is released.)
            Ok(()) => StatusCode::OK,
            Err(_) => StatusCode::SERVICE_UNAVAILABLE,
        },
        Ok(Claimed::Completed) => StatusCode::OK,
        Ok(Claimed::InProgress) | Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

async fn work(mut jobs: mpsc::Receiver<Job>) {
    while let Some((payload, claim)) = jobs.recv().await {
        // The slow part: enrich, store, notify. Seconds are fine here.
        tokio::time::sleep(Duration::from_millis(200)).await;
        println!("handled a {} delivery ({})", payload.contract(), claim.key());
        if let Err(error) = claim.complete().await {
            eprintln!("could not record the delivery as handled: {error}");
        }
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let (jobs, queue) = mpsc::channel(1024);
    tokio::spawn(work(queue));
    let app = App { receiver: Arc::new(Receiver::new("webhook")), store: MemoryStore::default(), jobs };
    let router = Router::new()
        .route("/webhook", post(webhook))
        .layer(middleware::from_fn_with_state(Budget::default(), budget::measure))
        .with_state(app);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
    println!("listening on http://127.0.0.1:8080/webhook");
    axum::serve(listener, router).await
}
