//! [`PostgresStore`]: idempotency records in a PostgreSQL table, shared by every receiver that
//! uses the same database: a claim is one `INSERT ... ON CONFLICT`, atomic in PostgreSQL, and a
//! completion can be written in the handler's own transaction.

use std::sync::Arc;

use tokio_postgres::{Client, GenericClient, NoTls};

use super::{Claim, ClaimToken, DeliveryKey, IdempotencyStore, Retention, StoreError};

/// The table: one row per delivery key, created by [`PostgresStore::connect`] if missing.
pub const TABLE: &str = "fingerprint_webhook_deliveries";

const CREATE: &str = "CREATE TABLE IF NOT EXISTS fingerprint_webhook_deliveries (
    endpoint text NOT NULL,
    delivery_id text NOT NULL,
    state text NOT NULL CHECK (state IN ('claimed', 'completed')),
    token text NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (endpoint, delivery_id)
)";

/// Inserts a claim, or takes over a row whose lease or retention lapsed; returns a row only
/// when this claim took the key.
const CLAIM: &str =
    "INSERT INTO fingerprint_webhook_deliveries AS row (endpoint, delivery_id, state, token, expires_at)
    VALUES ($1, $2, 'claimed', $3, now() + make_interval(secs => $4))
    ON CONFLICT (endpoint, delivery_id) DO UPDATE
        SET state = 'claimed', token = EXCLUDED.token, expires_at = EXCLUDED.expires_at
        WHERE row.expires_at <= now()
    RETURNING token";

const STATE: &str = "SELECT state FROM fingerprint_webhook_deliveries
    WHERE endpoint = $1 AND delivery_id = $2 AND expires_at > now()";

const COMPLETE: &str = "UPDATE fingerprint_webhook_deliveries
    SET state = 'completed', expires_at = now() + make_interval(secs => $4)
    WHERE endpoint = $1 AND delivery_id = $2 AND (token = $3 OR expires_at <= now())";

const RELEASE: &str = "DELETE FROM fingerprint_webhook_deliveries
    WHERE endpoint = $1 AND delivery_id = $2 AND token = $3 AND state = 'claimed'";

const PURGE: &str = "DELETE FROM fingerprint_webhook_deliveries WHERE expires_at <= now()";

/// Records in PostgreSQL (table [`TABLE`]).
#[derive(Clone)]
pub struct PostgresStore {
    client: Arc<Client>,
    retention: Retention,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("PostgresStore").field("retention", &self.retention).finish_non_exhaustive()
    }
}

fn backend(error: &tokio_postgres::Error) -> StoreError {
    StoreError::Backend(error.to_string())
}

fn seconds(duration: std::time::Duration) -> f64 {
    duration.as_secs_f64()
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user:password@host:port/database`, without TLS: for a
    /// database on the same host or network) and creates the table if it is missing.
    ///
    /// # Errors
    ///
    /// When the URL is not a PostgreSQL URL, the server cannot be reached, or the table cannot
    /// be created.
    pub async fn connect(url: &str, retention: Retention) -> Result<Self, StoreError> {
        let (client, connection) =
            tokio_postgres::connect(url, NoTls).await.map_err(|error| backend(&error))?;
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::error!("the idempotency store's PostgreSQL connection ended: {error}");
            }
        });
        client.batch_execute(CREATE).await.map_err(|error| backend(&error))?;
        Ok(PostgresStore { client: Arc::new(client), retention })
    }

    /// Records the delivery as handled through `client`: pass the handler's transaction, so
    /// that the record commits with the handler's work or not at all.
    ///
    /// # Errors
    ///
    /// As [`IdempotencyStore::complete`].
    pub async fn complete_in(
        &self,
        client: &impl GenericClient,
        key: &DeliveryKey,
        token: &ClaimToken,
    ) -> Result<(), StoreError> {
        let completed = seconds(self.retention.completed);
        let rows = client
            .execute(COMPLETE, &[&key.endpoint, &key.id, &token.as_str(), &completed])
            .await
            .map_err(|error| backend(&error))?;
        if rows == 1 { Ok(()) } else { Err(StoreError::LostClaim) }
    }

    /// Deletes the rows whose lease or retention lapsed (they are taken over anyway when their
    /// key comes again): for a periodic job. Returns how many were deleted.
    ///
    /// # Errors
    ///
    /// When the database fails.
    pub async fn purge_lapsed(&self) -> Result<u64, StoreError> {
        self.client.execute(PURGE, &[]).await.map_err(|error| backend(&error))
    }
}

impl IdempotencyStore for PostgresStore {
    async fn claim(&self, key: &DeliveryKey) -> Result<Claim, StoreError> {
        let lease = seconds(self.retention.lease);
        for _ in 0..3 {
            let token = ClaimToken::new();
            let claimed = self
                .client
                .query_opt(CLAIM, &[&key.endpoint, &key.id, &token.as_str(), &lease])
                .await
                .map_err(|error| backend(&error))?;
            if claimed.is_some() {
                return Ok(Claim::New(token));
            }
            let state = self
                .client
                .query_opt(STATE, &[&key.endpoint, &key.id])
                .await
                .map_err(|error| backend(&error))?;
            match state.map(|row| row.get::<_, String>(0)).as_deref() {
                Some("completed") => return Ok(Claim::Completed),
                Some(_) => return Ok(Claim::InProgress),
                // It lapsed between the two statements: claim again.
                None => {}
            }
        }
        Ok(Claim::InProgress)
    }

    async fn complete(&self, key: &DeliveryKey, token: &ClaimToken) -> Result<(), StoreError> {
        self.complete_in(&*self.client, key, token).await
    }

    async fn release(&self, key: &DeliveryKey, token: &ClaimToken) -> Result<(), StoreError> {
        self.client
            .execute(RELEASE, &[&key.endpoint, &key.id, &token.as_str()])
            .await
            .map_err(|error| backend(&error))?;
        Ok(())
    }
}
