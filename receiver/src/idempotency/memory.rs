//! [`MemoryStore`]: the idempotency records of one process, bounded in number and in time.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use super::{Claim, ClaimToken, DeliveryKey, IdempotencyStore, Retention, StoreError};

/// Records in memory: for one receiver process. At most `capacity` records are kept; past it,
/// the oldest is forgotten first, and every record lapses after its [`Retention`].
#[derive(Clone, Debug)]
pub struct MemoryStore {
    inner: Arc<Mutex<Records>>,
}

#[derive(Debug)]
struct Records {
    capacity: usize,
    retention: Retention,
    by_key: HashMap<DeliveryKey, Record>,
    /// Keys in the order their records were written, with the write's sequence number: a key
    /// whose record was written again since is skipped when its old place comes up.
    order: VecDeque<(u64, DeliveryKey)>,
    next: u64,
}

#[derive(Debug)]
struct Record {
    state: State,
    expires: Instant,
    written: u64,
}

#[derive(Debug, PartialEq, Eq)]
enum State {
    Claimed(ClaimToken),
    Completed,
}

impl Default for MemoryStore {
    /// 100,000 records, the default [`Retention`].
    fn default() -> Self {
        MemoryStore::new(100_000, Retention::default())
    }
}

impl MemoryStore {
    /// A store of at most `capacity` records (at least one).
    pub fn new(capacity: usize, retention: Retention) -> Self {
        let records = Records {
            capacity: capacity.max(1),
            retention,
            by_key: HashMap::new(),
            order: VecDeque::new(),
            next: 0,
        };
        MemoryStore { inner: Arc::new(Mutex::new(records)) }
    }

    /// How many records are kept now.
    pub fn len(&self) -> usize {
        self.records().by_key.len()
    }

    /// Whether no record is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn records(&self) -> std::sync::MutexGuard<'_, Records> {
        // A panic while holding the lock leaves consistent records (each change is one step).
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Records {
    fn write(&mut self, key: &DeliveryKey, state: State, now: Instant) {
        let lifetime = match state {
            State::Claimed(_) => self.retention.lease,
            State::Completed => self.retention.completed,
        };
        let written = self.next;
        self.next += 1;
        self.by_key.insert(key.clone(), Record { state, expires: now + lifetime, written });
        self.order.push_back((written, key.clone()));
        while self.by_key.len() > self.capacity || self.order.len() > 2 * self.capacity {
            self.forget_oldest();
        }
    }

    /// Drops the oldest place in the order, and its record if the place is still the record's.
    fn forget_oldest(&mut self) {
        if let Some((written, key)) = self.order.pop_front()
            && self.by_key.get(&key).is_some_and(|record| record.written == written)
        {
            self.by_key.remove(&key);
        }
    }

    /// Forgets the records that lapsed, oldest first, as far as the order says they did.
    fn forget_lapsed(&mut self, now: Instant) {
        while let Some((written, key)) = self.order.front() {
            match self.by_key.get(key) {
                Some(record) if record.written == *written && record.expires > now => break,
                _ => self.forget_oldest(),
            }
        }
    }
}

impl IdempotencyStore for MemoryStore {
    async fn claim(&self, key: &DeliveryKey) -> Result<Claim, StoreError> {
        let now = Instant::now();
        let mut records = self.records();
        records.forget_lapsed(now);
        match records.by_key.get(key) {
            Some(record) if record.expires > now => Ok(match record.state {
                State::Completed => Claim::Completed,
                State::Claimed(_) => Claim::InProgress,
            }),
            _ => {
                let token = ClaimToken::new();
                records.write(key, State::Claimed(token.clone()), now);
                Ok(Claim::New(token))
            }
        }
    }

    async fn complete(&self, key: &DeliveryKey, token: &ClaimToken) -> Result<(), StoreError> {
        let now = Instant::now();
        let mut records = self.records();
        match records.by_key.get(key) {
            Some(record) if record.state != State::Claimed(token.clone()) && record.expires > now => {
                Err(StoreError::LostClaim)
            }
            _ => {
                records.write(key, State::Completed, now);
                Ok(())
            }
        }
    }

    async fn release(&self, key: &DeliveryKey, token: &ClaimToken) -> Result<(), StoreError> {
        let mut records = self.records();
        if records.by_key.get(key).is_some_and(|record| record.state == State::Claimed(token.clone())) {
            records.by_key.remove(key);
        }
        Ok(())
    }
}
