//! One attempt at a delivery, as Fingerprint makes it: a POST of the exact body, no redirect
//! followed, and one deadline from connecting to the last byte of the answer. What came back
//! is kept for the report, up to [`SHOWN_RESPONSE_BYTES`] of headers and body.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use reqwest::header::HeaderMap;
use reqwest::{StatusCode, Url};
use time::OffsetDateTime;

/// At most how many bytes of an answer's headers and body an attempt keeps.
pub(crate) const SHOWN_RESPONSE_BYTES: usize = 4096;

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A 2XX answer, in full, within the deadline.
    Ok,
    /// Any other status (a redirect included: it is not followed).
    HttpError,
    /// No complete answer within the deadline.
    Timeout,
    /// No connection, or the connection failed (refused, DNS, TLS, reset), an answer cut off
    /// or malformed included, whatever status came before.
    ConnectError,
}

impl Outcome {
    /// The name reports use.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::HttpError => "http_error",
            Outcome::Timeout => "timeout",
            Outcome::ConnectError => "connect_error",
        }
    }
}

/// The part of an answer an attempt keeps.
#[derive(Debug, Default)]
pub(crate) struct Answer {
    /// Its headers, in order, as text (bytes that are not UTF-8 replaced).
    pub(crate) headers: Vec<(String, String)>,
    /// The start of its body, as text.
    pub(crate) body: String,
    /// Whether headers or body were cut at [`SHOWN_RESPONSE_BYTES`].
    pub(crate) truncated: bool,
    /// How many bytes are left to keep.
    room: usize,
    kept_body: Vec<u8>,
}

impl Answer {
    fn new() -> Self {
        Answer { room: SHOWN_RESPONSE_BYTES, ..Answer::default() }
    }

    fn keep_headers(&mut self, headers: &HeaderMap) {
        for (name, value) in headers {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            // `name: value` and a line break.
            let cost = name.as_str().len() + value.len() + 4;
            if cost > self.room {
                self.truncated = true;
                break;
            }
            self.room -= cost;
            self.headers.push((name.as_str().to_owned(), value));
        }
    }

    fn keep_body(&mut self, chunk: &[u8]) {
        let kept = chunk.len().min(self.room);
        self.kept_body.extend_from_slice(&chunk[..kept]);
        self.room -= kept;
        self.truncated |= kept < chunk.len();
    }

    fn finish(&mut self) {
        self.body = String::from_utf8_lossy(&self.kept_body).into_owned();
        self.kept_body = Vec::new();
    }
}

/// One attempt and what came of it.
#[derive(Debug)]
pub(crate) struct Attempt {
    /// When the request started.
    pub(crate) sent_at: OffsetDateTime,
    pub(crate) outcome: Outcome,
    /// The answer's status, when one came.
    pub(crate) status: Option<StatusCode>,
    /// From the start of the request to the last byte of the answer, or to the failure.
    pub(crate) latency: Duration,
    pub(crate) answer: Answer,
    /// Why the attempt failed, for timeouts and connection errors.
    pub(crate) error: Option<String>,
}

/// The HTTP client deliveries go through: HTTP/1.1 over rustls with the platform's trust
/// store, no redirects, no proxy (deliveries go straight to the endpoint, as Fingerprint's do),
/// no idle connections kept.
pub(crate) fn client() -> Result<reqwest::Client, String> {
    // Another provider already installed is as good.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        // No connection is kept for later: each attempt connects afresh, as an independent
        // delivery does, and open connections never outnumber the attempts in flight.
        .pool_max_idle_per_host(0)
        .user_agent(concat!("fpwebhook/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|error| format!("the HTTP client could not be set up: {}", reason(&error)))
}

/// POSTs `body` to `url` with `headers`, and reads the answer to its end, all within `deadline`.
pub(crate) async fn attempt(
    client: &reqwest::Client,
    url: &Url,
    body: Bytes,
    headers: HeaderMap,
    deadline: Duration,
) -> Attempt {
    let sent_at = OffsetDateTime::now_utc();
    let started = Instant::now();
    let mut status = None;
    let mut answer = Answer::new();
    let exchange = async {
        let mut response = client.post(url.clone()).headers(headers).body(body).send().await?;
        status = Some(response.status());
        answer.keep_headers(response.headers());
        while let Some(chunk) = response.chunk().await? {
            answer.keep_body(&chunk);
        }
        Ok::<(), reqwest::Error>(())
    };
    let ended = tokio::time::timeout(deadline, exchange).await;
    answer.finish();
    let (outcome, error) = match ended {
        Err(_) => {
            let what = if status.is_some() { "the answer's body did not end" } else { "no answer" };
            (Outcome::Timeout, Some(format!("{what} within {}", humantime::format_duration(deadline))))
        }
        Ok(Err(error)) => (Outcome::ConnectError, Some(reason(&error))),
        Ok(Ok(())) if status.is_some_and(|status| status.is_success()) => (Outcome::Ok, None),
        Ok(Ok(())) => (Outcome::HttpError, None),
    };
    Attempt { sent_at, outcome, status, latency: started.elapsed(), answer, error }
}

/// What [`hang_up_after_sending`] saw before it hung up.
#[derive(Debug)]
pub(crate) enum HangUp {
    /// The body was sent, and the connection left without reading any answer.
    AfterSending,
    /// The exchange ended before the body was sent (a connection error, or an early answer).
    Early(Attempt),
}

/// POSTs `body` as [`attempt`] does, but hangs up `grace` after the connection takes the body
/// (time for it to leave this machine), reading no answer: what Fingerprint does when an answer
/// takes too long. Sending has `deadline`, as an attempt has.
pub(crate) async fn hang_up_after_sending(
    client: &reqwest::Client,
    url: &Url,
    body: Bytes,
    headers: HeaderMap,
    deadline: Duration,
    grace: Duration,
) -> HangUp {
    let sent_at = OffsetDateTime::now_utc();
    let started = Instant::now();
    let (sent, body_sent) = tokio::sync::oneshot::channel();
    let length = body.len() as u64;
    let taken = Arc::new(AtomicBool::new(false));
    let signalling = SignallingBody { data: Some(body), length, sent: Some(sent), taken: Arc::clone(&taken) };
    let body = reqwest::Body::wrap(signalling);
    let request = client.post(url.clone()).headers(headers).body(body).send();
    tokio::pin!(request);
    let sending = tokio::time::sleep(deadline);
    tokio::pin!(sending);
    let early = |outcome, status, error| {
        let latency = started.elapsed();
        HangUp::Early(Attempt { sent_at, outcome, status, latency, answer: Answer::default(), error })
    };
    // The body's signal first: an answer that comes once the body is sent is ignored, as one
    // that comes after the hang-up would be.
    tokio::select! {
        biased;
        Ok(()) = body_sent => {
            // The connection runs on its own task: the bytes leave while this waits.
            tokio::time::sleep(grace).await;
            HangUp::AfterSending
        }
        ended = &mut request => match ended {
            // An answer to a body already taken is ignored all the same: the hang-up is now.
            Ok(_) if taken.load(Ordering::SeqCst) => HangUp::AfterSending,
            Ok(response) if response.status().is_success() => early(Outcome::Ok, Some(response.status()), None),
            Ok(response) => early(Outcome::HttpError, Some(response.status()), None),
            Err(error) => early(Outcome::ConnectError, None, Some(reason(&error))),
        },
        () = &mut sending => {
            let error = format!("the body was not sent within {}", humantime::format_duration(deadline));
            early(Outcome::Timeout, None, Some(error))
        }
    }
}

/// A request body of one chunk that says when the connection has taken it (dropped untaken, it
/// says nothing: the body was never sent).
struct SignallingBody {
    data: Option<Bytes>,
    length: u64,
    sent: Option<tokio::sync::oneshot::Sender<()>>,
    /// Set once the connection has taken the data.
    taken: Arc<AtomicBool>,
}

impl SignallingBody {
    fn signal(&mut self) {
        if let Some(sent) = self.sent.take() {
            let _ = sent.send(());
        }
    }
}

impl http_body::Body for SignallingBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        // The connection asks for the body once it is connected and has written the request's
        // head; what it takes now, it writes at once.
        let data = self.data.take();
        self.taken.store(true, Ordering::SeqCst);
        self.signal();
        Poll::Ready(data.map(|data| Ok(Frame::data(data))))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.length)
    }
}

/// An error as one line: its message and every cause, without the URL (reports name it).
pub(crate) fn reason(error: &reqwest::Error) -> String {
    let mut text = String::new();
    let mut cause: Option<&dyn std::error::Error> = Some(error);
    while let Some(error) = cause {
        let line = error.to_string();
        // reqwest's own message names the URL; the report already does.
        let line = match line.split_once(" for url (") {
            Some((message, _)) => message.to_owned(),
            None => line,
        };
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&line);
        cause = error.source();
    }
    text
}
