//! Every idempotency store against the same state machine: claim → complete / release, leases
//! that lapse, endpoints kept apart, and receivers racing on one id (exactly one wins).
//!
//! The memory store always runs. Redis and PostgreSQL run against real servers named by
//! `FPWEBHOOK_TEST_REDIS_URL` and `FPWEBHOOK_TEST_POSTGRES_URL` (`.ci/run` starts both); without
//! them these tests say so and pass, unless `FPWEBHOOK_REQUIRE_STORES` is set, as in CI, where a
//! missing server fails the run.

use std::sync::Arc;
use std::time::Duration;

use fingerprint_webhook_receiver::idempotency::memory::MemoryStore;
use fingerprint_webhook_receiver::idempotency::{
    Claim, DeliveryKey, IdempotencyStore, Retention, StoreError,
};

/// A key no earlier run used (the servers outlive a test run).
fn fresh_key(endpoint: &str) -> DeliveryKey {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    DeliveryKey {
        endpoint: endpoint.to_owned(),
        id: format!("test-{nanos}-{}-{}", std::process::id(), COUNT.fetch_add(1, Ordering::Relaxed)),
    }
}

fn short() -> Retention {
    Retention { lease: Duration::from_millis(300), completed: Duration::from_secs(30) }
}

/// The state machine, on a store built with [`short`] retention.
async fn conforms<S: IdempotencyStore + Clone + 'static>(store: S) {
    // Claim, then a duplicate while in progress, then complete: duplicates are completed.
    let key = fresh_key("endpoint-a");
    let Claim::New(token) = store.claim(&key).await.unwrap() else { panic!("an unseen key is new") };
    assert_eq!(store.claim(&key).await.unwrap(), Claim::InProgress);
    store.complete(&key, &token).await.unwrap();
    assert_eq!(store.claim(&key).await.unwrap(), Claim::Completed);
    assert_eq!(store.claim(&key).await.unwrap(), Claim::Completed, "and stays so");

    // The same id at another endpoint is another delivery.
    let other_endpoint = DeliveryKey { endpoint: "endpoint-b".to_owned(), id: key.id.clone() };
    assert!(matches!(store.claim(&other_endpoint).await.unwrap(), Claim::New(_)));

    // A failed attempt releases: the retry is new.
    let key = fresh_key("endpoint-a");
    let Claim::New(first) = store.claim(&key).await.unwrap() else { panic!() };
    store.release(&key, &first).await.unwrap();
    let Claim::New(retry) = store.claim(&key).await.unwrap() else { panic!("a released key is new again") };
    // A stale token neither releases nor completes someone else's claim.
    store.release(&key, &first).await.unwrap();
    assert_eq!(store.claim(&key).await.unwrap(), Claim::InProgress);
    assert!(matches!(store.complete(&key, &first).await, Err(StoreError::LostClaim)));
    store.complete(&key, &retry).await.unwrap();
    assert_eq!(store.claim(&key).await.unwrap(), Claim::Completed);

    // A handler that never finishes: its lease lapses and the next attempt is new.
    let key = fresh_key("endpoint-a");
    let Claim::New(_) = store.claim(&key).await.unwrap() else { panic!() };
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(matches!(store.claim(&key).await.unwrap(), Claim::New(_)), "a lapsed lease");

    // Receivers racing on one id: exactly one claim wins.
    let key = fresh_key("endpoint-a");
    let mut racers = Vec::new();
    for _ in 0..16 {
        let (store, key) = (store.clone(), key.clone());
        racers.push(tokio::spawn(async move { store.claim(&key).await.unwrap() }));
    }
    let mut won = 0;
    for racer in racers {
        won += usize::from(matches!(racer.await.unwrap(), Claim::New(_)));
    }
    assert_eq!(won, 1, "exactly one of 16 racing claims wins");
}

fn server(variable: &str) -> Option<String> {
    match std::env::var(variable) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("FPWEBHOOK_REQUIRE_STORES").is_some() => {
            panic!("{variable} is not set, and FPWEBHOOK_REQUIRE_STORES says the server must be there")
        }
        _ => {
            eprintln!("skipped: {variable} is not set (no server to test against)");
            None
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_memory_store_conforms() {
    conforms(MemoryStore::new(1000, short())).await;
}

#[tokio::test]
async fn the_memory_store_stays_within_its_capacity() {
    let store = MemoryStore::new(3, Retention::default());
    let keys: Vec<DeliveryKey> = (0..10).map(|_| fresh_key("bounded")).collect();
    for key in &keys {
        let Claim::New(token) = store.claim(key).await.unwrap() else { panic!() };
        store.complete(key, &token).await.unwrap();
        assert!(store.len() <= 3, "{}", store.len());
    }
    // The newest are remembered; the oldest were forgotten first.
    assert_eq!(store.claim(&keys[9]).await.unwrap(), Claim::Completed);
    assert!(matches!(store.claim(&keys[0]).await.unwrap(), Claim::New(_)));
}

#[cfg(feature = "redis")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_redis_store_conforms_and_two_receivers_share_it() {
    use fingerprint_webhook_receiver::idempotency::redis::RedisStore;
    let Some(url) = server("FPWEBHOOK_TEST_REDIS_URL") else { return };
    conforms(RedisStore::connect(&url, short()).await.unwrap()).await;
    two_receivers_share_one_store(
        RedisStore::connect(&url, short()).await.unwrap(),
        RedisStore::connect(&url, short()).await.unwrap(),
    )
    .await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_postgres_store_conforms_and_two_receivers_share_it() {
    use fingerprint_webhook_receiver::idempotency::postgres::PostgresStore;
    let Some(url) = server("FPWEBHOOK_TEST_POSTGRES_URL") else { return };
    conforms(PostgresStore::connect(&url, short()).await.unwrap()).await;
    two_receivers_share_one_store(
        PostgresStore::connect(&url, short()).await.unwrap(),
        PostgresStore::connect(&url, short()).await.unwrap(),
    )
    .await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn a_postgres_completion_commits_with_the_handler_s_transaction() {
    use fingerprint_webhook_receiver::idempotency::postgres::PostgresStore;
    let Some(url) = server("FPWEBHOOK_TEST_POSTGRES_URL") else { return };
    let store = PostgresStore::connect(&url, Retention::default()).await.unwrap();
    let (mut client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    // Rolled back: the delivery is not completed (the claim still holds).
    let key = fresh_key("transactions");
    let Claim::New(token) = store.claim(&key).await.unwrap() else { panic!() };
    let transaction = client.transaction().await.unwrap();
    store.complete_in(&transaction, &key, &token).await.unwrap();
    transaction.rollback().await.unwrap();
    assert_eq!(store.claim(&key).await.unwrap(), Claim::InProgress);
    // Committed: it is.
    let transaction = client.transaction().await.unwrap();
    store.complete_in(&transaction, &key, &token).await.unwrap();
    transaction.commit().await.unwrap();
    assert_eq!(store.claim(&key).await.unwrap(), Claim::Completed);
}

/// Two receivers (two connections, as two processes have) race on the same ids: each id is
/// claimed once between them, and a completion by one is seen by the other.
#[cfg(any(feature = "redis", feature = "postgres"))]
async fn two_receivers_share_one_store<S: IdempotencyStore + Clone + 'static>(first: S, second: S) {
    let (first, second) = (Arc::new(first), Arc::new(second));
    for _ in 0..20 {
        let key = fresh_key("shared");
        let (a, b) = tokio::join!(first.claim(&key), second.claim(&key));
        let claims = [a.unwrap(), b.unwrap()];
        let winners: Vec<_> = claims.iter().filter(|claim| matches!(claim, Claim::New(_))).collect();
        assert_eq!(winners.len(), 1, "{claims:?}");
        let Claim::New(token) = winners[0] else { unreachable!() };
        first.complete(&key, token).await.unwrap();
        assert_eq!(second.claim(&key).await.unwrap(), Claim::Completed);
    }
}
