//! [`RedisStore`]: idempotency records in Redis, shared by every receiver that uses the same
//! server: a claim is one `SET key value NX PX lease`, atomic in Redis.

use redis::AsyncCommands;
use redis::aio::ConnectionManager;

use super::{Claim, ClaimToken, DeliveryKey, IdempotencyStore, Retention, StoreError};

/// Records in Redis, under keys `fpwebhook:<length of endpoint>:<endpoint>:<id>` (the length
/// keeps an endpoint ending in `:` apart from an id starting with one). A claimed key holds
/// `claimed:<token>` for the lease; a completed one holds `completed` for the retention.
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    retention: Retention,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("RedisStore").field("retention", &self.retention).finish_non_exhaustive()
    }
}

const COMPLETED: &str = "completed";

/// Sets `completed` only if the key still holds this claim (or holds nothing: a lapsed lease
/// nobody took); 0 when another claim holds it.
const COMPLETE: &str = r"
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] or current == false or current == 'completed' then
  redis.call('SET', KEYS[1], 'completed', 'PX', ARGV[2])
  return 1
end
return 0";

/// Deletes the key only if it still holds this claim.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0";

fn backend(error: &redis::RedisError) -> StoreError {
    StoreError::Backend(error.to_string())
}

fn millis(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX).max(1)
}

impl RedisStore {
    /// Connects to `url` (`redis://host:port/db`); the connection reconnects by itself.
    ///
    /// # Errors
    ///
    /// When the URL is not a Redis URL or the server cannot be reached.
    pub async fn connect(url: &str, retention: Retention) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(|error| backend(&error))?;
        let connection = ConnectionManager::new(client).await.map_err(|error| backend(&error))?;
        Ok(RedisStore { connection, retention })
    }

    fn key(key: &DeliveryKey) -> String {
        format!("fpwebhook:{}:{}:{}", key.endpoint.len(), key.endpoint, key.id)
    }
}

impl IdempotencyStore for RedisStore {
    async fn claim(&self, key: &DeliveryKey) -> Result<Claim, StoreError> {
        let mut connection = self.connection.clone();
        let name = Self::key(key);
        // A key that lapses between the SET and the GET is claimed again on the next round.
        for _ in 0..3 {
            let token = ClaimToken::new();
            let set: Option<String> = redis::cmd("SET")
                .arg(&name)
                .arg(format!("claimed:{}", token.as_str()))
                .arg("NX")
                .arg("PX")
                .arg(millis(self.retention.lease))
                .query_async(&mut connection)
                .await
                .map_err(|error| backend(&error))?;
            if set.is_some() {
                return Ok(Claim::New(token));
            }
            let current: Option<String> = connection.get(&name).await.map_err(|error| backend(&error))?;
            match current.as_deref() {
                Some(COMPLETED) => return Ok(Claim::Completed),
                Some(_) => return Ok(Claim::InProgress),
                None => {}
            }
        }
        Ok(Claim::InProgress)
    }

    async fn complete(&self, key: &DeliveryKey, token: &ClaimToken) -> Result<(), StoreError> {
        let mut connection = self.connection.clone();
        let done: i64 = redis::Script::new(COMPLETE)
            .key(Self::key(key))
            .arg(format!("claimed:{}", token.as_str()))
            .arg(millis(self.retention.completed))
            .invoke_async(&mut connection)
            .await
            .map_err(|error| backend(&error))?;
        if done == 1 { Ok(()) } else { Err(StoreError::LostClaim) }
    }

    async fn release(&self, key: &DeliveryKey, token: &ClaimToken) -> Result<(), StoreError> {
        let mut connection = self.connection.clone();
        let _: i64 = redis::Script::new(RELEASE)
            .key(Self::key(key))
            .arg(format!("claimed:{}", token.as_str()))
            .invoke_async(&mut connection)
            .await
            .map_err(|error| backend(&error))?;
        Ok(())
    }
}
