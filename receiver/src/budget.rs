//! The vendor's 3-second budget: Fingerprint counts a delivery as failed when no 2XX answer
//! arrives within 3 seconds. [`Budget`] measures how long handling took and warns (through
//! `tracing`) when a handler uses more than a configurable share of it; [`measure`] does that
//! for every request as an axum middleware.
//!
//! The pattern that stays within the budget: acknowledge once the delivery is handed off
//! durably (a queue, a table, a file), and do the work after the answer (see the crate's
//! `acknowledge_then_work` example).

use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// The time an answer may take, and the share of it past which a warning is logged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    /// The sender's deadline: 3 seconds for Fingerprint.
    pub total: Duration,
    /// The share of `total` (between 0 and 1) past which handling earns a warning.
    pub warn_share: f64,
}

impl Default for Budget {
    /// Fingerprint's 3 seconds, warning past half of them.
    fn default() -> Self {
        Budget { total: Duration::from_secs(3), warn_share: 0.5 }
    }
}

impl Budget {
    /// The warning that handling for `elapsed` earns, if any.
    pub fn warning(&self, elapsed: Duration) -> Option<String> {
        let threshold = self.total.mul_f64(self.warn_share.clamp(0.0, 1.0));
        (elapsed > threshold).then(|| {
            format!(
                "handling took {} ms, {:.0}% of the sender's {} ms budget (the warning starts at {:.0}%)",
                elapsed.as_millis(),
                100.0 * elapsed.as_secs_f64() / self.total.as_secs_f64(),
                self.total.as_millis(),
                100.0 * self.warn_share,
            )
        })
    }

    /// Logs the warning that handling `what` since `started` earns, if any; returns the time it
    /// took.
    pub fn record(&self, started: Instant, what: &str) -> Duration {
        let elapsed = started.elapsed();
        if let Some(warning) = self.warning(elapsed) {
            tracing::warn!("{what}: {warning}");
        }
        elapsed
    }
}

/// An axum middleware that measures every request against the budget in the router's state:
/// `.layer(axum::middleware::from_fn_with_state(Budget::default(), measure))`.
pub async fn measure(State(budget): State<Budget>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let what = format!("{} {}", request.method(), request.uri().path());
    let response = next.run(request).await;
    budget.record(started, &what);
    response
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::Budget;

    #[test]
    fn a_warning_only_past_the_share() {
        let budget = Budget { total: Duration::from_secs(3), warn_share: 0.5 };
        assert_eq!(budget.warning(Duration::from_millis(1500)), None);
        let warning = budget.warning(Duration::from_millis(2400)).unwrap();
        assert_eq!(
            warning,
            "handling took 2400 ms, 80% of the sender's 3000 ms budget (the warning starts at 50%)"
        );
    }
}
