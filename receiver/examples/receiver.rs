//! The README's receiver: Fingerprint's webhook in about 20 lines of axum (a test keeps the
//! README's copy identical to this file's code).

use axum::{Router, extract::State, http::StatusCode, routing::post};
use fingerprint_webhook_receiver::idempotency::memory::MemoryStore;
use fingerprint_webhook_receiver::{BasicAuth, Claimed, Delivery, Endpoint, Receiver, Secret};

async fn webhook(State(endpoint): State<Endpoint<MemoryStore>>, delivery: Delivery) -> StatusCode {
    match delivery.claim(endpoint.store()).await {
        Ok(Claimed::New(claim)) => {
            println!("{:?}", delivery.payload()); // hand it off durably here, then:
            if claim.complete().await.is_ok() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE }
        }
        Ok(Claimed::Completed) => StatusCode::OK, // a duplicate: 200, never 409
        Ok(Claimed::InProgress) | Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let auth = BasicAuth::new("fingerprint", Secret::from_env("WEBHOOK_PASSWORD")?);
    let endpoint = Endpoint::new(Receiver::new("webhook").basic_auth(auth), MemoryStore::default());
    let router = Router::new().route("/webhook", post(webhook)).with_state(endpoint);
    axum::serve(tokio::net::TcpListener::bind("0.0.0.0:8080").await?, router).await?;
    Ok(())
}
