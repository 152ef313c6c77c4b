//! What `fpwebhook send` prints: each attempt as it ends (for people, as the dashboard's webhook
//! events page shows a delivery; or one JSON line), input errors, and a closing count.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;

use super::attempt::{Answer, Attempt};
use super::{Delivered, Prepared, SendFormat};
use crate::input::InputError;
use crate::report::printable;

/// One attempt that ended, with what it was an attempt at.
pub(crate) struct AttemptReport {
    pub(crate) payload: Arc<Prepared>,
    pub(crate) endpoint: Url,
    /// 1 for the first attempt, 2 for the retry.
    pub(crate) number: u32,
    pub(crate) attempt: Attempt,
    /// When the retry follows this failed attempt.
    pub(crate) retry_in: Option<Duration>,
}

/// How the deliveries went, for the closing line and the exit status.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) payloads: usize,
    pub(crate) first_try: usize,
    pub(crate) on_retry: usize,
    pub(crate) failed: usize,
    pub(crate) input_errors: usize,
    /// Deliveries still open when Ctrl-C came.
    pub(crate) unfinished: usize,
    pub(crate) interrupted: bool,
}

impl Tally {
    pub(crate) fn count(&mut self, delivered: Delivered) {
        match delivered {
            Delivered::FirstTry => self.first_try += 1,
            Delivered::OnRetry => self.on_retry += 1,
            Delivered::Failed => self.failed += 1,
        }
    }

    /// `2` for an input error or nothing to send, `1` for a failed or unfinished delivery, `0`
    /// when every payload reached every endpoint.
    pub(crate) fn exit_status(&self) -> u8 {
        if self.input_errors > 0 || (self.payloads == 0 && !self.interrupted) {
            crate::TOOL_ERROR
        } else if self.failed > 0 || self.interrupted {
            crate::INVALID
        } else {
            crate::VALID
        }
    }
}

/// A moment as reports show it: RFC 3339 in UTC, to the millisecond.
pub(crate) fn moment(at: time::OffsetDateTime) -> String {
    let at = at.replace_nanosecond(at.nanosecond() / 1_000_000 * 1_000_000).unwrap_or(at);
    at.format(&Rfc3339).unwrap_or_default()
}

/// A duration as reports show it: milliseconds with one decimal.
pub(crate) fn milliseconds(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 10_000.0).round() / 10.0
}

/// The status line of an answer: `500 Internal Server Error`.
pub(crate) fn status_text(status: reqwest::StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

/// An answer's kept headers and body as JSON.
pub(crate) fn answer_json(answer: &Answer) -> Value {
    let headers: Vec<Value> = answer.headers.iter().map(|(name, value)| json!([name, value])).collect();
    json!({ "headers": headers, "body": answer.body, "truncated": answer.truncated })
}

/// An answer's kept headers and body as indented lines, `< ` before each.
pub(crate) fn answer_lines(answer: &Answer, indent: &str) -> String {
    let mut lines = String::new();
    for (name, value) in &answer.headers {
        let _ = writeln!(lines, "{indent}< {}: {}", printable(name), printable(value));
    }
    if !answer.body.is_empty() {
        let _ = writeln!(lines, "{indent}<");
        for line in answer.body.lines() {
            let _ = writeln!(lines, "{indent}< {}", printable(line));
        }
    }
    if answer.truncated {
        let _ = writeln!(lines, "{indent}< (cut at {} bytes)", super::attempt::SHOWN_RESPONSE_BYTES);
    }
    lines
}

/// Where reports go: standard output, in the chosen format.
pub(crate) struct Output {
    format: SendFormat,
    out: io::Stdout,
}

impl Output {
    pub(crate) fn new(format: SendFormat) -> Self {
        Output { format, out: io::stdout() }
    }

    pub(crate) fn attempt(&mut self, report: &AttemptReport) -> io::Result<()> {
        let AttemptReport { payload, endpoint, number, attempt, retry_in } = report;
        let text = match self.format {
            SendFormat::Json => {
                let line = json!({
                    "endpoint": endpoint.as_str(),
                    "source": payload.source,
                    "contract": payload.contract.name(),
                    "id": payload.id,
                    "attempt": number,
                    "outcome": attempt.outcome.name(),
                    "status": attempt.status.map(|status| status.as_u16()),
                    "latency_ms": milliseconds(attempt.latency),
                    "sent_at": moment(attempt.sent_at),
                    "retry_in_ms": retry_in.map(|delay| delay.as_millis()),
                    "error": attempt.error,
                    "response": answer_json(&attempt.answer),
                });
                format!("{line}\n")
            }
            SendFormat::Human => {
                let id = match (&payload.id, payload.contract.idempotency_key()) {
                    (Some(id), Some(key)) => format!("{key} {}", printable(id)),
                    _ => "no delivery id".to_owned(),
                };
                let status = attempt.status.map(status_text);
                let result = match (&attempt.error, status) {
                    (Some(error), _) => format!("{} ({})", attempt.outcome.name(), printable(error)),
                    (None, Some(status)) => format!("{} {status}", attempt.outcome.name()),
                    (None, None) => attempt.outcome.name().to_owned(),
                };
                let next = match retry_in {
                    Some(delay) => format!("; retrying in {}", humantime::format_duration(*delay)),
                    None => String::new(),
                };
                format!(
                    "{}  POST {endpoint}  {id}  ({})\n  attempt {number}: {result} after {} ms{next}\n{}",
                    moment(attempt.sent_at),
                    printable(&payload.source),
                    milliseconds(attempt.latency),
                    answer_lines(&attempt.answer, "  "),
                )
            }
        };
        let mut out = self.out.lock();
        out.write_all(text.as_bytes())?;
        out.flush()
    }

    pub(crate) fn input_error(error: &InputError) {
        crate::warn(format_args!(
            "fpwebhook: {}: {}",
            printable(&error.path),
            printable(&error.error.to_string())
        ));
    }

    /// The closing count: on standard output for people, on standard error beside JSON lines.
    pub(crate) fn summary(&mut self, tally: &Tally, endpoints: usize) -> io::Result<()> {
        let deliveries = tally.first_try + tally.on_retry + tally.failed;
        let mut line = format!(
            "{} payload{} to {endpoints} endpoint{}: {} delivered ({} on the retry), {} failed",
            tally.payloads,
            if tally.payloads == 1 { "" } else { "s" },
            if endpoints == 1 { "" } else { "s" },
            tally.first_try + tally.on_retry,
            tally.on_retry,
            tally.failed,
        );
        if tally.interrupted {
            let _ = write!(line, "; interrupted with {} deliveries unfinished", tally.unfinished);
        }
        if tally.input_errors > 0 {
            let _ = write!(line, "; {} input errors", tally.input_errors);
        }
        if deliveries == 0 && tally.payloads == 0 && tally.input_errors == 0 && !tally.interrupted {
            "no payload to send".clone_into(&mut line);
        }
        match self.format {
            SendFormat::Human => {
                let mut out = self.out.lock();
                writeln!(out, "{line}")?;
                out.flush()
            }
            SendFormat::Json => {
                crate::warn(format_args!("fpwebhook: {line}"));
                Ok(())
            }
        }
    }
}
