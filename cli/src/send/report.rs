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
fn answer_json(answer: &Answer) -> Value {
    let headers: Vec<Value> = answer.headers.iter().map(|(name, value)| json!([name, value])).collect();
    json!({ "headers": headers, "body": answer.body, "truncated": answer.truncated })
}

/// An answer's kept headers and body as indented lines, `< ` before each.
fn answer_lines(answer: &Answer, indent: &str) -> String {
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

/// How many rendered reports may wait for standard output; past it, no more are taken (and so
/// no more deliveries start) until it drains.
const WAITING_REPORTS: usize = 256;

/// Where reports go: standard output, in the chosen format, written by a thread of its own, so
/// that a reader that does not keep up never blocks Ctrl-C or the deliveries in flight. When
/// standard output is closed, reports are dropped and deliveries go on.
pub(crate) struct Output {
    format: SendFormat,
    texts: tokio::sync::mpsc::Sender<String>,
    writer: std::thread::JoinHandle<()>,
}

impl Output {
    pub(crate) fn new(format: SendFormat) -> Self {
        let (texts, mut waiting) = tokio::sync::mpsc::channel::<String>(WAITING_REPORTS);
        let writer = std::thread::spawn(move || {
            let mut out = io::stdout();
            let mut open = true;
            while let Some(text) = waiting.blocking_recv() {
                // Once writing fails (`| head`), the rest is dropped: the run goes on.
                open = open && out.write_all(text.as_bytes()).and_then(|()| out.flush()).is_ok();
            }
        });
        Output { format, texts, writer }
    }

    /// Whether a report can be taken now without waiting for standard output.
    pub(crate) fn has_room(&self) -> bool {
        self.texts.capacity() > 0
    }

    fn write(&self, text: String) {
        // Taken only when there is room; a full queue here drops the text rather than wait.
        let _ = self.texts.try_send(text);
    }

    /// Reports an attempt: taken only when [`Output::has_room`] says so, or after Ctrl-C, when
    /// a report that does not fit is dropped.
    pub(crate) fn attempt(&self, report: &AttemptReport) {
        self.write(self.render(report));
    }

    /// Reports an attempt, waiting for room.
    pub(crate) async fn attempt_when_room(&self, report: &AttemptReport) {
        let _ = self.texts.send(self.render(report)).await;
    }

    fn render(&self, report: &AttemptReport) -> String {
        let AttemptReport { payload, endpoint, number, attempt, retry_in } = report;
        match self.format {
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
                let next = match retry_in {
                    Some(delay) => format!("; retrying in {}", humantime::format_duration(*delay)),
                    None => String::new(),
                };
                format!(
                    "{}  POST {endpoint}  {id}  ({})\n  attempt {number}: {} after {} ms{next}\n{}",
                    moment(attempt.sent_at),
                    printable(&payload.source),
                    outcome_text(attempt),
                    milliseconds(attempt.latency),
                    answer_lines(&attempt.answer, "  "),
                )
            }
        }
    }

    pub(crate) fn input_error(error: &InputError) {
        crate::warn(format_args!(
            "fpwebhook: {}: {}",
            printable(&error.path),
            printable(&error.error.to_string())
        ));
    }

    /// Writes the closing count (on standard output for people, on standard error beside JSON
    /// lines) and waits for every report to be written: as long as standard output takes, or,
    /// after Ctrl-C, at most a second (the count also goes to standard error then).
    pub(crate) async fn finish(self, tally: &Tally, endpoints: usize) {
        let line = summary_line(tally, endpoints);
        match self.format {
            SendFormat::Human if !tally.interrupted => {
                let _ = self.texts.send(format!("{line}\n")).await;
            }
            SendFormat::Human => {
                self.write(format!("{line}\n"));
                crate::warn(format_args!("fpwebhook: {line}"));
            }
            SendFormat::Json => crate::warn(format_args!("fpwebhook: {line}")),
        }
        let Output { texts, writer, .. } = self;
        drop(texts);
        let patience = if tally.interrupted { Duration::from_secs(1) } else { Duration::MAX };
        let started = std::time::Instant::now();
        while !writer.is_finished() && started.elapsed() < patience {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

/// An attempt's outcome in words: its name, the status when one came, and why it failed.
fn outcome_text(attempt: &Attempt) -> String {
    let mut text = attempt.outcome.name().to_owned();
    if let Some(status) = attempt.status {
        let _ = write!(text, " {}", status_text(status));
    }
    if let Some(error) = &attempt.error {
        let _ = write!(text, " ({})", printable(error));
    }
    text
}

/// `1 thing` or `n things`.
fn counted(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// The closing count.
fn summary_line(tally: &Tally, endpoints: usize) -> String {
    if tally.payloads == 0 && tally.input_errors == 0 && !tally.interrupted {
        return "no payload to send".to_owned();
    }
    let mut line = format!(
        "{} to {}: {} delivered ({} on the retry), {} failed",
        counted(tally.payloads, "payload", "payloads"),
        counted(endpoints, "endpoint", "endpoints"),
        tally.first_try + tally.on_retry,
        tally.on_retry,
        tally.failed,
    );
    if tally.interrupted {
        let _ = write!(
            line,
            "; interrupted with {} unfinished",
            counted(tally.unfinished, "delivery", "deliveries")
        );
    }
    if tally.input_errors > 0 {
        let _ = write!(line, "; {}", counted(tally.input_errors, "input error", "input errors"));
    }
    line
}
