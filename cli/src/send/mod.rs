//! `fpwebhook send`: delivers payloads to endpoints as Fingerprint does, so that a team can
//! test its receiver before going live: every payload to every endpoint concurrently, each
//! endpoint on its own; a deadline from connecting to the last byte of the answer; exactly one
//! retry of the identical body after a timeout, an error or a non-2XX answer; redirects not
//! followed; HTTPS and a domain name only (loopback by a flag). `--check` runs the receiver
//! conformance scenarios ([`check`]) instead.

mod attempt;
mod check;
mod endpoint;
mod report;
mod synthesize;

use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use fingerprint_webhook::{CONTRACTS, Contract};
use fingerprint_webhook_receiver::{BasicAuth, Secret, signature};
use reqwest::Url;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

use crate::input::{self, Chunk, InputError, OwnedPayload, Reading, Sink, read_inputs};
use attempt::{Attempt, Outcome, attempt};
use report::{AttemptReport, Output, Tally};
use synthesize::{Shape, Synthesizer};

/// The longest `--timeout`: an attempt is a wait that must end.
const LONGEST_TIMEOUT: Duration = Duration::from_hours(1);
/// The longest `--retry-delay`.
const LONGEST_RETRY_DELAY: Duration = Duration::from_hours(24);
/// The delay Fingerprint documents before its one retry.
const DOCUMENTED_RETRY_DELAY: Duration = Duration::from_mins(5);
/// At most how many attempts are in flight at once (each a connection): more wait their turn,
/// so that many endpoints or payloads never run out of file descriptors. A delivery waiting
/// for its retry holds none.
const MAX_CONCURRENT_ATTEMPTS: usize = 256;
/// At most how many deliveries (a payload to an endpoint, until its retry ends) are open at
/// once, and how many bytes of payloads they hold: reading waits beyond either, so that memory
/// stays bounded whatever the input (one payload larger than the budget still goes, alone).
const MAX_OPEN_DELIVERIES: usize = 65_536;
const HELD_PAYLOAD_BYTES: usize = 256 * 1024 * 1024;
/// The largest `--max-payload-bytes`.
const LARGEST_PAYLOAD_LIMIT: u64 = 1024 * 1024 * 1024;
/// The most payloads `--generate` makes.
const MAX_GENERATED: u64 = 1_000_000;

/// What `fpwebhook send` was asked for.
#[derive(clap::Args, Debug)]
#[allow(clippy::struct_excessive_bools, reason = "each is a flag of the command line")]
pub(crate) struct SendArgs {
    /// An endpoint to deliver to (repeatable): an https:// URL with a domain name, as the
    /// dashboard requires.
    #[arg(long = "to", value_name = "URL", required = true)]
    to: Vec<String>,
    /// The Basic authentication user name to present.
    #[arg(long, value_name = "U", requires = "password_env")]
    user: Option<String>,
    /// The environment variable that holds the Basic authentication password.
    #[arg(long, value_name = "VAR", requires = "user")]
    password_env: Option<String>,
    /// The environment variable that holds the secret to sign deliveries with
    /// (FPJS-Event-Signature).
    #[arg(long, value_name = "VAR")]
    signature_secret_env: Option<String>,
    /// How long an attempt may take, from connecting to the last byte of the answer (such as 3s
    /// or 500ms).
    #[arg(long, value_name = "DURATION", default_value = "3s", value_parser = humantime::parse_duration)]
    timeout: Duration,
    /// How long to wait before the one retry of a failed attempt [default: 5m, as documented;
    /// with --check: the --timeout].
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration, conflicts_with = "no_retry")]
    retry_delay: Option<Duration>,
    /// Do not retry a failed attempt.
    #[arg(long)]
    no_retry: bool,
    /// Let http:// URLs and IP addresses through for loopback hosts (localhost, 127.0.0.0/8,
    /// `::1`), to test a receiver on this machine.
    #[arg(long)]
    allow_insecure_localhost: bool,
    /// The contract of the payloads: `auto` reads each payload's id under the contract its
    /// shape names; with --generate or --check, `auto` means every contract in turn.
    #[arg(long, value_name = "NAME", default_value = "auto", value_parser = crate::contract_choices(true))]
    contract: String,
    /// The output format: `human`, or `json` (one line per attempt, or per scenario).
    #[arg(long, value_enum, default_value_t = SendFormat::Human)]
    format: SendFormat,
    /// Send N valid synthetic payloads (fresh ids, the current time) instead of reading any.
    #[arg(long, value_name = "N", conflicts_with = "paths", value_parser = clap::value_parser!(u64).range(1..=MAX_GENERATED))]
    generate: Option<u64>,
    /// Run the receiver conformance scenarios against the one --to endpoint.
    #[arg(long, conflicts_with_all = ["generate", "paths"])]
    check: bool,
    /// Read standard input, and the files named on the command line, as NDJSON: one payload
    /// per line.
    #[arg(long)]
    ndjson: bool,
    /// The largest payload read: a larger one is an input error, and is not sent.
    #[arg(long, value_name = "SIZE", default_value = "16MiB")]
    max_payload_bytes: bytesize::ByteSize,
    /// Files, directories, or `-` for standard input (the default), as `validate` reads them;
    /// each payload is sent byte for byte as read.
    paths: Vec<PathBuf>,
}

/// The output formats of `send`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum SendFormat {
    /// For people: each attempt as the dashboard's webhook events page shows it.
    Human,
    /// One JSON object per line.
    Json,
}

/// The credentials every delivery presents.
#[derive(Debug, Default, Clone)]
pub(crate) struct Credentials {
    basic: Option<BasicAuth>,
    secret: Option<Secret>,
}

impl Credentials {
    /// The headers of a delivery of `body`: its content type, Basic authentication and
    /// signature where configured.
    fn headers(&self, body: &[u8]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(basic) = &self.basic
            && let Ok(value) = HeaderValue::from_str(&basic.header_value())
        {
            headers.insert(AUTHORIZATION, value);
        }
        if let Some(secret) = &self.secret
            && let Ok(value) = HeaderValue::from_str(&signature::sign(secret, body))
        {
            headers.insert(signature::HEADER, value);
        }
        headers
    }
}

/// What the command line asks for, checked.
pub(crate) struct Plan {
    endpoints: Vec<Url>,
    credentials: Credentials,
    timeout: Duration,
    /// `None` with --no-retry.
    retry_delay: Option<Duration>,
    /// The contract forced by --contract.
    contract: Option<&'static Contract>,
    format: SendFormat,
    generate: Option<u64>,
    check: bool,
    reading: Reading,
    paths: Vec<PathBuf>,
}

fn usage(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

impl Plan {
    fn new(args: SendArgs) -> io::Result<Plan> {
        let endpoints = args
            .to
            .iter()
            .map(|url| endpoint::endpoint(url, args.allow_insecure_localhost))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|reason| usage(format!("--to {reason}")))?;
        if args.check && endpoints.len() != 1 {
            return Err(usage("--check runs against one endpoint: give --to once".to_owned()));
        }
        if args.timeout.is_zero() || args.timeout > LONGEST_TIMEOUT {
            return Err(usage(format!(
                "--timeout {}: give a duration of more than 0 and at most 1h",
                humantime::format_duration(args.timeout)
            )));
        }
        if args.retry_delay.is_some_and(|delay| delay > LONGEST_RETRY_DELAY) {
            return Err(usage("--retry-delay: give a duration of at most 24h".to_owned()));
        }
        if args.max_payload_bytes.as_u64() > LARGEST_PAYLOAD_LIMIT {
            return Err(usage("--max-payload-bytes: give a size of at most 1GiB".to_owned()));
        }
        if args.user.as_deref().is_some_and(|user| user.contains(':')) {
            return Err(usage("--user: a Basic authentication user name cannot contain ':'".to_owned()));
        }
        let secret_from = |flag: &str, variable: &str| {
            Secret::from_env(variable)
                .map_err(|reason| usage(format!("{flag}: {}", crate::report::printable(&reason))))
        };
        let basic = match (&args.user, &args.password_env) {
            (Some(user), Some(variable)) => {
                Some(BasicAuth::new(user.clone(), secret_from("--password-env", variable)?))
            }
            _ => None,
        };
        let secret = args
            .signature_secret_env
            .as_deref()
            .map(|variable| secret_from("--signature-secret-env", variable))
            .transpose()?;
        let default_delay = if args.check { args.timeout } else { DOCUMENTED_RETRY_DELAY };
        Ok(Plan {
            endpoints,
            credentials: Credentials { basic, secret },
            timeout: args.timeout,
            retry_delay: (!args.no_retry).then(|| args.retry_delay.unwrap_or(default_delay)),
            contract: (args.contract != "auto").then(|| crate::contract_named(&args.contract)),
            format: args.format,
            generate: args.generate,
            check: args.check,
            reading: Reading { ndjson: args.ndjson, max_payload_bytes: args.max_payload_bytes.as_u64() },
            paths: args.paths,
        })
    }

    /// What makes synthetic payloads of the forced contract, or of every one.
    fn synthesizers(&self) -> io::Result<Vec<Synthesizer>> {
        let contracts = match self.contract {
            Some(contract) => vec![contract],
            None => CONTRACTS.iter().collect(),
        };
        contracts.into_iter().map(Synthesizer::new).collect::<Result<Vec<_>, _>>().map_err(io::Error::other)
    }
}

/// Runs `fpwebhook send`; the exit status: `0` every payload reached every endpoint with a 2XX
/// (or every scenario passed), `1` a delivery failed after its retry (or a scenario failed, or
/// Ctrl-C came first), `2` a usage or input error.
pub(crate) fn run(args: SendArgs) -> io::Result<u8> {
    let plan = Plan::new(args)?;
    let client = attempt::client().map_err(io::Error::other)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    if plan.check {
        runtime.block_on(check::run(&plan, &client))
    } else {
        runtime.block_on(send(plan, client))
    }
}

/// A payload ready to go: its bytes and headers, shared by its deliveries.
#[derive(Debug)]
pub(crate) struct Prepared {
    /// Where it came from: a path, `path:line`, `-` or `generated:N`.
    pub(crate) source: String,
    pub(crate) contract: &'static Contract,
    /// Its delivery id (the contract's idempotency key), when it has one.
    pub(crate) id: Option<String>,
    body: Bytes,
    headers: HeaderMap,
    /// Counts its bytes among those held until its last delivery ends.
    _held: Held,
}

/// Bytes of payloads held by open deliveries: added when a payload is prepared, taken off when
/// the last of its deliveries drops it.
#[derive(Debug)]
struct Held {
    bytes: usize,
    total: Arc<AtomicUsize>,
}

impl Held {
    fn new(bytes: usize, total: &Arc<AtomicUsize>) -> Self {
        total.fetch_add(bytes, Ordering::Relaxed);
        Held { bytes, total: Arc::clone(total) }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.total.fetch_sub(self.bytes, Ordering::Relaxed);
    }
}

/// What the reading side hands over.
enum Item {
    Payload(OwnedPayload),
    Error(InputError),
}

/// The reading thread's sink: hands each payload over on its own, waiting while the channel is
/// full.
struct ChannelSink(mpsc::Sender<Item>);

impl ChannelSink {
    fn payload(&mut self, payload: OwnedPayload) -> io::Result<()> {
        self.0
            .blocking_send(Item::Payload(payload))
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "sending stopped"))
    }
}

impl Sink for ChannelSink {
    fn chunk(&mut self, chunk: Chunk) -> io::Result<()> {
        chunk.into_owned_payloads().try_for_each(|payload| self.payload(payload))
    }

    fn error(&mut self, error: InputError) {
        let _ = self.0.blocking_send(Item::Error(error));
    }
}

/// Starts the thread that reads the inputs (or makes the synthetic payloads).
fn start_reading(plan: &Plan) -> io::Result<mpsc::Receiver<Item>> {
    // Two payloads ahead at most: the bytes held are counted once a payload is prepared.
    let (sender, items) = mpsc::channel(2);
    let mut sink = ChannelSink(sender);
    if let Some(count) = plan.generate {
        let synthesizers = plan.synthesizers()?;
        std::thread::spawn(move || generate(&synthesizers, count, &mut sink));
    } else {
        let paths = plan.paths.clone();
        input::claim_stdin(&paths, "send").map_err(usage)?;
        let reading = plan.reading;
        std::thread::spawn(move || {
            if let Err(error) = read_inputs(&paths, reading, &mut sink)
                && error.kind() != io::ErrorKind::BrokenPipe
            {
                sink.error(InputError { path: "-".to_owned(), error });
            }
        });
    }
    Ok(items)
}

/// Makes `count` synthetic payloads, of each contract in turn.
fn generate(synthesizers: &[Synthesizer], count: u64, sink: &mut ChannelSink) {
    let mut rng = fastrand::Rng::new();
    for (number, synthesizer) in (1..=count).zip(synthesizers.iter().cycle()) {
        let source = format!("generated:{number}");
        match synthesizer.payload(Shape::Typical, &mut rng, time::OffsetDateTime::now_utc()) {
            Ok((bytes, _)) => {
                let payload = OwnedPayload { source, content: Ok(bytes) };
                if sink.payload(payload).is_err() {
                    return;
                }
            }
            Err(reason) => {
                sink.error(InputError { path: source, error: io::Error::other(reason) });
                return;
            }
        }
    }
}

/// A payload's bytes made ready to send, or why not.
fn prepare(payload: OwnedPayload, plan: &Plan, held: &Arc<AtomicUsize>) -> Result<Prepared, InputError> {
    let bytes = match payload.content {
        Ok(bytes) => bytes,
        Err(limit) => {
            return Err(InputError {
                path: payload.source,
                error: io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("larger than --max-payload-bytes ({limit} bytes): not sent"),
                ),
            });
        }
    };
    if bytes.trim_ascii().is_empty() {
        return Err(InputError {
            path: payload.source,
            error: io::Error::new(io::ErrorKind::InvalidData, "empty: there is no payload to send"),
        });
    }
    let contract = plan.contract.unwrap_or_else(|| Contract::detect(&bytes));
    Ok(Prepared {
        source: payload.source,
        contract,
        id: contract.delivery_id(&bytes),
        headers: plan.credentials.headers(&bytes),
        _held: Held::new(bytes.len(), held),
        body: Bytes::from(bytes),
    })
}

/// What every delivery shares.
struct Shared {
    client: reqwest::Client,
    endpoints: Vec<Url>,
    timeout: Duration,
    retry_delay: Option<Duration>,
    /// One permit per attempt in flight.
    connections: Semaphore,
}

/// How one delivery (a payload to an endpoint) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivered {
    FirstTry,
    OnRetry,
    Failed,
}

/// Delivers `payload` to one endpoint: an attempt, and one retry of the identical body after
/// the retry delay if it failed. Each attempt is reported as it ends.
async fn deliver(
    shared: Arc<Shared>,
    payload: Arc<Prepared>,
    endpoint: usize,
    reports: mpsc::UnboundedSender<AttemptReport>,
) -> Delivered {
    let url = &shared.endpoints[endpoint];
    let mut number = 1;
    loop {
        let attempt: Attempt = {
            // The semaphore is never closed; its deadline starts once the attempt may connect.
            let _connection = shared.connections.acquire().await;
            attempt(&shared.client, url, payload.body.clone(), payload.headers.clone(), shared.timeout).await
        };
        let ok = attempt.outcome == Outcome::Ok;
        let retry_in = if !ok && number == 1 { shared.retry_delay } else { None };
        let _ = reports.send(AttemptReport {
            payload: Arc::clone(&payload),
            endpoint: url.clone(),
            number,
            attempt,
            retry_in,
        });
        match (ok, retry_in) {
            (true, _) if number == 1 => return Delivered::FirstTry,
            (true, _) => return Delivered::OnRetry,
            (false, Some(delay)) => {
                tokio::time::sleep(delay).await;
                number += 1;
            }
            (false, None) => return Delivered::Failed,
        }
    }
}

/// Resolves when Ctrl-C is pressed; never, where it cannot be listened for.
async fn interrupted() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

async fn send(plan: Plan, client: reqwest::Client) -> io::Result<u8> {
    let mut items = start_reading(&plan)?;
    let shared = Arc::new(Shared {
        client,
        endpoints: plan.endpoints.clone(),
        timeout: plan.timeout,
        retry_delay: plan.retry_delay,
        connections: Semaphore::new(MAX_CONCURRENT_ATTEMPTS),
    });
    let output = Output::new(plan.format);
    let mut tally = Tally::default();
    let held = Arc::new(AtomicUsize::new(0));
    let (reports, mut reported) = mpsc::unbounded_channel();
    let mut open = JoinSet::new();
    let mut reading = true;
    let interrupt = interrupted();
    tokio::pin!(interrupt);
    loop {
        if !reading && open.is_empty() {
            break;
        }
        // Another payload is taken only while the deliveries, the bytes they hold and the
        // reports waiting for standard output are within their bounds.
        let room = open.len() < MAX_OPEN_DELIVERIES
            && held.load(Ordering::Relaxed) < HELD_PAYLOAD_BYTES
            && output.has_room();
        tokio::select! {
            biased;
            () = &mut interrupt => {
                tally.unfinished = open.len();
                open.abort_all();
                tally.interrupted = true;
                break;
            }
            Some(report) = reported.recv(), if output.has_room() => output.attempt(&report),
            Some(joined) = open.join_next(), if !open.is_empty() => {
                tally.count(joined.unwrap_or(Delivered::Failed));
            }
            item = items.recv(), if reading && room => match item {
                None => reading = false,
                Some(Item::Error(error)) => {
                    Output::input_error(&error);
                    tally.input_errors += 1;
                }
                Some(Item::Payload(payload)) => match prepare(payload, &plan, &held) {
                    Ok(prepared) => {
                        tally.payloads += 1;
                        let prepared = Arc::new(prepared);
                        for endpoint in 0..shared.endpoints.len() {
                            open.spawn(deliver(Arc::clone(&shared), Arc::clone(&prepared), endpoint, reports.clone()));
                        }
                    }
                    Err(error) => {
                        Output::input_error(&error);
                        tally.input_errors += 1;
                    }
                },
            },
        }
    }
    // Every attempt that ended has been reported by now, or is waiting here.
    while let Ok(report) = reported.try_recv() {
        if tally.interrupted {
            output.attempt(&report);
        } else {
            output.attempt_when_room(&report).await;
        }
    }
    output.finish(&tally, shared.endpoints.len()).await;
    Ok(tally.exit_status())
}
