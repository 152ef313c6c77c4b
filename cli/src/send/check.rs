//! `fpwebhook send --check`: receiver conformance scenarios against one endpoint, each with a
//! verdict that says what was sent, what came back, and why it passed or failed: a valid
//! delivery of each contract answered 2XX within the budget; the same delivery again answered
//! 2XX (a duplicate, never 409); missing and wrong credentials and signatures answered 401
//! where they are configured; the edges of each contract answered 2XX; and a delivery whose
//! first attempt Fingerprint gave up on retried with the same id and answered 2XX.

use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::time::Duration;

use bytes::Bytes;
use fingerprint_webhook_receiver::{BasicAuth, Secret, signature};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue, WWW_AUTHENTICATE};
use serde_json::json;

use super::attempt::{Attempt, HangUp, Outcome, attempt, hang_up_after_sending};
use super::report::{milliseconds, status_text};
use super::synthesize::{Shape, Synthesizer};
use super::{Plan, SendFormat};
use crate::report::printable;

/// How long the retry scenario keeps the first attempt's connection after the body is handed
/// over, so that it leaves this machine before the hang-up.
const HANG_UP_GRACE: Duration = Duration::from_millis(100);
/// The refusal scenarios.
const NO_CREDENTIALS: &str = "a delivery without credentials is answered 401";
const WRONG_PASSWORD: &str = "a delivery with a wrong password is answered 401";
const NO_SIGNATURE: &str = "a delivery without a signature is answered 401";
const WRONG_SIGNATURE: &str = "a delivery signed with another secret is answered 401";
/// The wrong password and signing secret that the refusal scenarios present.
const WRONG_SECRET: &str = "fpwebhook-check-wrong-secret";

/// How a scenario ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Pass,
    Fail,
    Skip,
}

impl Verdict {
    fn name(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Skip => "skip",
        }
    }
}

/// One scenario's result.
struct Scenario {
    name: String,
    verdict: Verdict,
    sent: String,
    received: String,
    why: String,
}

/// A payload made for a scenario.
struct Made {
    body: Bytes,
    description: String,
}

/// The scenarios' shared state: where they go, how, and what they found so far.
struct Checker<'p> {
    plan: &'p Plan,
    client: &'p reqwest::Client,
    rng: fastrand::Rng,
    counts: [usize; 3],
    output_open: bool,
}

impl Checker<'_> {
    /// A payload of `shape` of `synthesizer`'s contract, with a fresh id.
    fn make(&mut self, synthesizer: &Synthesizer, shape: Shape) -> Result<(Made, bool), String> {
        let (bytes, nulled) = synthesizer.payload(shape, &mut self.rng, time::OffsetDateTime::now_utc())?;
        let contract = synthesizer.contract();
        let id = match (contract.idempotency_key(), contract.delivery_id(&bytes)) {
            (Some(key), Some(id)) => format!(", {key} {}", printable(&id)),
            _ => String::new(),
        };
        let description =
            format!("a payload of the {} contract ({shape}{id}, {} bytes)", contract.name(), bytes.len());
        Ok((Made { body: Bytes::from(bytes), description }, nulled))
    }

    async fn post(&self, body: &Bytes, headers: HeaderMap) -> Attempt {
        attempt(self.client, &self.plan.endpoints[0], body.clone(), headers, self.plan.timeout).await
    }

    fn budget(&self) -> String {
        humantime::format_duration(self.plan.timeout).to_string()
    }

    /// A scenario that passes on a 2XX within the deadline.
    async fn expect_delivered(&mut self, name: String, made: &Made, failure: &str) {
        let headers = self.plan.credentials.headers(&made.body);
        let attempt = self.post(&made.body, headers).await;
        let (verdict, why) = if attempt.outcome == Outcome::Ok {
            (Verdict::Pass, format!("a 2XX within the {} budget", self.budget()))
        } else {
            (Verdict::Fail, failure.to_owned())
        };
        self.report(&Scenario {
            name,
            verdict,
            sent: made.description.clone(),
            received: received(&attempt),
            why,
        });
    }

    /// A scenario that passes on a 401.
    async fn expect_refused(&mut self, name: &str, made: &Made, headers: HeaderMap, sent: &str) {
        let attempt = self.post(&made.body, headers).await;
        let challenge = attempt.answer.headers.iter().any(|(header, _)| header == WWW_AUTHENTICATE.as_str());
        let (verdict, why) = match attempt.status {
            Some(StatusCode::UNAUTHORIZED) if challenge => (Verdict::Pass, "refused with 401 and WWW-Authenticate".to_owned()),
            Some(StatusCode::UNAUTHORIZED) => (Verdict::Pass, "refused with 401 (no WWW-Authenticate header)".to_owned()),
            Some(status) if status.is_success() => (
                Verdict::Fail,
                "accepted: a delivery without valid credentials must be refused with 401, or anyone can post deliveries"
                    .to_owned(),
            ),
            Some(status) => (Verdict::Fail, format!("refused, but with {}: the refusal for missing or wrong credentials is 401", status.as_u16())),
            None => (Verdict::Fail, "no answer: a refusal is a 401 within the budget".to_owned()),
        };
        let sent = format!("{}, {sent}", made.description);
        self.report(&Scenario { name: name.to_owned(), verdict, sent, received: received(&attempt), why });
    }

    fn skip(&mut self, name: &str, why: &str) {
        let scenario = Scenario {
            name: name.to_owned(),
            verdict: Verdict::Skip,
            sent: "nothing".to_owned(),
            received: "nothing".to_owned(),
            why: why.to_owned(),
        };
        self.report(&scenario);
    }

    fn report(&mut self, scenario: &Scenario) {
        self.counts[scenario.verdict as usize] += 1;
        let text = match self.plan.format {
            SendFormat::Json => {
                let line = json!({
                    "scenario": scenario.name,
                    "verdict": scenario.verdict.name(),
                    "sent": scenario.sent,
                    "received": scenario.received,
                    "why": scenario.why,
                });
                format!("{line}\n")
            }
            SendFormat::Human => format!(
                "{}  {}\n      sent:     {}\n      received: {}\n      why:      {}\n",
                scenario.verdict.name().to_uppercase(),
                scenario.name,
                scenario.sent,
                scenario.received,
                scenario.why
            ),
        };
        self.write(&text);
    }

    /// Writes to standard output until it is closed (`| head`); the scenarios go on, and the
    /// exit status still tells.
    fn write(&mut self, text: &str) {
        if self.output_open {
            let mut out = io::stdout().lock();
            self.output_open = out.write_all(text.as_bytes()).and_then(|()| out.flush()).is_ok();
        }
    }
}

/// What came back, in a line: the status and time, or the failure; and the start of the body.
fn received(attempt: &Attempt) -> String {
    let mut text = match (attempt.status, &attempt.error) {
        (_, Some(error)) => format!("{} ({})", attempt.outcome.name(), printable(error)),
        (Some(status), None) => status_text(status),
        (None, None) => attempt.outcome.name().to_owned(),
    };
    let _ = write!(text, " after {} ms", milliseconds(attempt.latency));
    let body = attempt.answer.body.trim();
    if !body.is_empty() && attempt.outcome != Outcome::Ok {
        let excerpt: String = body.chars().take(200).collect();
        let _ = write!(text, ": {}", printable(&excerpt));
    }
    text
}

/// Runs every scenario; `0` when none failed, `1` otherwise.
pub(crate) async fn run(plan: &Plan, client: &reqwest::Client) -> io::Result<u8> {
    let synthesizers = plan.synthesizers()?;
    let mut checker = Checker { plan, client, rng: fastrand::Rng::new(), counts: [0; 3], output_open: true };
    let scenarios = async {
        checker.first_deliveries(&synthesizers).await?;
        checker.refusals(&synthesizers[0]).await?;
        checker.edges(&synthesizers).await?;
        checker.retry_after_hang_up(&synthesizers[0]).await
    };
    let interrupted = tokio::select! {
        done = scenarios => {
            done?;
            false
        }
        () = super::interrupted() => true,
    };
    let [passed, failed, skipped] = checker.counts;
    let mut line = format!(
        "{} scenarios: {passed} passed, {failed} failed, {skipped} skipped",
        passed + failed + skipped
    );
    if interrupted {
        line.push_str("; interrupted before the rest");
    }
    match plan.format {
        SendFormat::Human => {
            checker.write(&format!("{line}\n"));
            if interrupted {
                crate::warn(format_args!("fpwebhook: {line}"));
            }
        }
        SendFormat::Json => crate::warn(format_args!("fpwebhook: {line}")),
    }
    Ok(if failed > 0 || interrupted { crate::INVALID } else { crate::VALID })
}

impl Checker<'_> {
    /// Why an answer other than a 2XX fails a delivery.
    fn not_delivered(&self) -> String {
        format!(
            "Fingerprint counts only a 2XX within {} as delivered; anything else is retried once, then given up",
            self.budget()
        )
    }

    /// A valid delivery of each contract, then the first one again.
    async fn first_deliveries(&mut self, synthesizers: &[Synthesizer]) -> io::Result<()> {
        let not_delivered = self.not_delivered();
        let mut first = None;
        for synthesizer in synthesizers {
            let (made, _) = self.make(synthesizer, Shape::Typical).map_err(io::Error::other)?;
            let name = format!(
                "a valid delivery of the {} contract is answered 2XX within the budget",
                synthesizer.contract().name()
            );
            self.expect_delivered(name, &made, &not_delivered).await;
            first.get_or_insert(made);
        }
        let made = first.ok_or_else(|| io::Error::other("no contract to check"))?;
        let duplicate = Made {
            body: made.body.clone(),
            description: format!("{} again, byte for byte", made.description),
        };
        self.expect_delivered(
            "the same delivery again is answered 2XX (a duplicate, never 409)".to_owned(),
            &duplicate,
            "a duplicate must be answered 2XX: Fingerprint retries with the same id, and any other status (409 included) is a failure to it",
        )
        .await;
        Ok(())
    }

    /// Missing and wrong credentials and signatures, where they are configured; each with a
    /// payload of its own, so that a receiver's memory of earlier deliveries plays no part.
    async fn refusals(&mut self, synthesizer: &Synthesizer) -> io::Result<()> {
        let credentials = self.plan.credentials.clone();
        if let Some(basic) = &credentials.basic {
            let (made, _) = self.make(synthesizer, Shape::Typical).map_err(io::Error::other)?;
            let mut missing = credentials.headers(&made.body);
            missing.remove(AUTHORIZATION);
            self.expect_refused(NO_CREDENTIALS, &made, missing, "without an Authorization header").await;
            let (made, _) = self.make(synthesizer, Shape::Typical).map_err(io::Error::other)?;
            let mut wrong = credentials.headers(&made.body);
            let wrong_password = BasicAuth::new(basic.user(), Secret::new(WRONG_SECRET));
            if let Ok(value) = HeaderValue::from_str(&wrong_password.header_value()) {
                wrong.insert(AUTHORIZATION, value);
            }
            self.expect_refused(WRONG_PASSWORD, &made, wrong, "with the right user and a wrong password")
                .await;
        } else {
            let why = "no --user given: the endpoint is not expected to ask for credentials";
            self.skip(NO_CREDENTIALS, why);
            self.skip(WRONG_PASSWORD, why);
        }
        if credentials.secret.is_some() {
            let (made, _) = self.make(synthesizer, Shape::Typical).map_err(io::Error::other)?;
            let mut missing = credentials.headers(&made.body);
            missing.remove(signature::HEADER);
            self.expect_refused(NO_SIGNATURE, &made, missing, "without an FPJS-Event-Signature header").await;
            let (made, _) = self.make(synthesizer, Shape::Typical).map_err(io::Error::other)?;
            let mut wrong = credentials.headers(&made.body);
            if let Ok(value) = HeaderValue::from_str(&signature::sign(&Secret::new(WRONG_SECRET), &made.body))
            {
                wrong.insert(signature::HEADER, value);
            }
            self.expect_refused(WRONG_SIGNATURE, &made, wrong, "signed with another secret").await;
        } else {
            let why = "no --signature-secret-env given: the endpoint is not expected to check signatures";
            self.skip(NO_SIGNATURE, why);
            self.skip(WRONG_SIGNATURE, why);
        }
        Ok(())
    }

    /// The edges of each contract: optional fields absent, nullable fields null, strings at
    /// their limits, undocumented fields.
    async fn edges(&mut self, synthesizers: &[Synthesizer]) -> io::Result<()> {
        let why = format!("the contract allows it, so Fingerprint may send it: {}", self.not_delivered());
        for synthesizer in synthesizers {
            for shape in [Shape::Minimal, Shape::Nulls, Shape::AtLimits, Shape::Undocumented] {
                let name = format!(
                    "a delivery of the {} contract with {shape} is answered 2XX",
                    synthesizer.contract().name()
                );
                let (made, nulled) = self.make(synthesizer, shape).map_err(io::Error::other)?;
                if shape == Shape::Nulls && !nulled {
                    self.skip(&name, "the contract has no field that may be null");
                    continue;
                }
                self.expect_delivered(name, &made, &why).await;
            }
        }
        Ok(())
    }

    /// A first attempt that Fingerprint gave up on (it hangs up once the body is sent), then
    /// the identical body again after the retry delay, which must be answered 2XX.
    async fn retry_after_hang_up(&mut self, synthesizer: &Synthesizer) -> io::Result<()> {
        let name = "a delivery whose first attempt Fingerprint gave up on is retried with the same id and answered 2XX";
        let Some(delay) = self.plan.retry_delay else {
            self.skip(name, "--no-retry given");
            return Ok(());
        };
        let (made, _) = self.make(synthesizer, Shape::Typical).map_err(io::Error::other)?;
        let headers = self.plan.credentials.headers(&made.body);
        let url = &self.plan.endpoints[0];
        let hung_up = hang_up_after_sending(
            self.client,
            url,
            made.body.clone(),
            headers.clone(),
            self.plan.timeout,
            HANG_UP_GRACE,
        )
        .await;
        let sent = format!(
            "{}; hung up {} ms after sending it, reading no answer (as Fingerprint does past its deadline); the identical body again after {}",
            made.description,
            HANG_UP_GRACE.as_millis(),
            humantime::format_duration(delay)
        );
        let scenario = match hung_up {
            HangUp::Early(attempt) => Scenario {
                name: name.to_owned(),
                verdict: Verdict::Fail,
                sent,
                received: format!("before the body was sent: {}", received(&attempt)),
                why: "the first attempt ended before its body was sent, so no retry was tried".to_owned(),
            },
            HangUp::AfterSending => {
                tokio::time::sleep(delay).await;
                let retry = self.post(&made.body, headers).await;
                let (verdict, why) = if retry.outcome == Outcome::Ok {
                    (Verdict::Pass, "the retry was answered 2XX".to_owned())
                } else {
                    (
                        Verdict::Fail,
                        "the retry must be answered 2XX whether or not the first attempt was handled: Fingerprint gives up after it".to_owned(),
                    )
                };
                Scenario {
                    name: name.to_owned(),
                    verdict,
                    sent,
                    received: format!("the retry: {}", received(&retry)),
                    why,
                }
            }
        };
        self.report(&scenario);
        Ok(())
    }
}
