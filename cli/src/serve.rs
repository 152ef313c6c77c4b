//! `fpwebhook serve`: a ready receiver, by the delivery rules, for people debugging deliveries
//! and for pipelines that need a real endpoint. Built on the receiver kit
//! (`fingerprint-webhook-receiver`): every request goes through its body limit and deadline,
//! its credential and signature checks and its one-pass validation, and every valid delivery
//! through an idempotency store; one JSON line per delivery goes to standard output.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use fingerprint_webhook::{Contract, Options};
use fingerprint_webhook_receiver::budget::Budget;
use fingerprint_webhook_receiver::idempotency::memory::MemoryStore;
use fingerprint_webhook_receiver::idempotency::postgres::PostgresStore;
use fingerprint_webhook_receiver::idempotency::redis::RedisStore;
use fingerprint_webhook_receiver::idempotency::{
    Claim, ClaimToken, DeliveryKey, IdempotencyStore, Retention, StoreError,
};
use fingerprint_webhook_receiver::{BasicAuth, Receiver, Rejection, Secret};
use serde_json::json;

/// What `fpwebhook serve` was asked for.
#[derive(clap::Args, Debug)]
pub(crate) struct ServeArgs {
    /// The address to listen on (port 0: any free port, which the first line on standard error
    /// names).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: String,
    /// A path that receives deliveries (repeatable); each is an endpoint of its own.
    #[arg(long = "path", value_name = "PATH", default_value = "/webhook")]
    paths: Vec<String>,
    /// The Basic authentication user name deliveries must present.
    #[arg(long, value_name = "U", requires = "password_env")]
    user: Option<String>,
    /// The environment variable that holds the Basic authentication password.
    #[arg(long, value_name = "VAR", requires = "user")]
    password_env: Option<String>,
    /// The environment variable that holds the FPJS-Event-Signature secret (repeatable, for a
    /// secret being rotated).
    #[arg(long = "signature-secret-env", value_name = "VAR")]
    signature_secret_envs: Vec<String>,
    /// Where deliveries are remembered: memory, redis://..., or postgres://... (a URL with a
    /// password belongs in --store-env).
    #[arg(long, value_name = "STORE", default_value = "memory", conflicts_with = "store_env")]
    store: String,
    /// The environment variable that holds the store's URL, when it carries a password.
    #[arg(long, value_name = "VAR")]
    store_env: Option<String>,
    /// The contract deliveries are judged under: `auto` judges each one under the contract its
    /// shape names.
    #[arg(long, value_name = "NAME", default_value = "auto", value_parser = crate::contract_choices(true))]
    contract: String,
    /// Reject fields the documentation does not list.
    #[arg(long)]
    strict: bool,
    /// Answer 200 to an invalid payload too (its violations are still logged).
    #[arg(long)]
    accept_invalid: bool,
    /// The largest body read: a larger one is answered 413.
    #[arg(long, value_name = "SIZE", default_value = "16MiB")]
    max_payload_bytes: bytesize::ByteSize,
    /// How long reading a body may take (such as 10s or 500ms): a slower one is answered 408.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = humantime::parse_duration)]
    read_timeout: Duration,
}

impl ServeArgs {
    /// The contract `--contract` forces, if any.
    fn forced_contract(&self) -> Option<&'static Contract> {
        (self.contract != "auto").then(|| crate::contract_named(&self.contract))
    }

    fn max_body_bytes(&self) -> usize {
        usize::try_from(self.max_payload_bytes.as_u64()).unwrap_or(usize::MAX)
    }
}

/// The store behind every endpoint, as chosen by `--store`.
#[derive(Clone, Debug)]
enum AnyStore {
    Memory(MemoryStore),
    Redis(RedisStore),
    Postgres(PostgresStore),
}

impl IdempotencyStore for AnyStore {
    async fn claim(&self, key: &DeliveryKey) -> Result<Claim, StoreError> {
        match self {
            AnyStore::Memory(store) => store.claim(key).await,
            AnyStore::Redis(store) => store.claim(key).await,
            AnyStore::Postgres(store) => store.claim(key).await,
        }
    }

    async fn complete(&self, key: &DeliveryKey, token: &ClaimToken) -> Result<(), StoreError> {
        match self {
            AnyStore::Memory(store) => store.complete(key, token).await,
            AnyStore::Redis(store) => store.complete(key, token).await,
            AnyStore::Postgres(store) => store.complete(key, token).await,
        }
    }

    async fn release(&self, key: &DeliveryKey, token: &ClaimToken) -> Result<(), StoreError> {
        match self {
            AnyStore::Memory(store) => store.release(key, token).await,
            AnyStore::Redis(store) => store.release(key, token).await,
            AnyStore::Postgres(store) => store.release(key, token).await,
        }
    }
}

/// One endpoint: its receiver (named after its path), the shared store, and what to do with an
/// invalid payload.
struct Endpoint {
    receiver: Receiver,
    log: LogWriter,
    store: AnyStore,
    accept_invalid: bool,
    budget: Budget,
}

/// The outcome of one request, as the log line tells it.
struct Outcome {
    status: StatusCode,
    contract: Option<&'static Contract>,
    id: Option<String>,
    duplicate: bool,
    valid: Option<bool>,
    errors: Vec<serde_json::Value>,
    reason: Option<String>,
}

impl Outcome {
    fn new(status: StatusCode) -> Self {
        Outcome {
            status,
            contract: None,
            id: None,
            duplicate: false,
            valid: None,
            errors: Vec::new(),
            reason: None,
        }
    }
}

/// Runs the server until SIGINT or SIGTERM; the exit status.
pub(crate) fn run(args: ServeArgs) -> io::Result<u8> {
    // The receiver kit's warnings (a store's lost connection, a release that failed, a handler
    // past its budget) go to standard error.
    let _ = tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_max_level(tracing_subscriber::filter::LevelFilter::WARN)
        .try_init();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(serve(args))
}

fn usage(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// A store URL as it may be shown: without the password of its user information.
fn shown_url(url: &str) -> String {
    match (url.split_once("://"), url.find('@')) {
        (Some((scheme, rest)), Some(_)) => match rest.split_once('@') {
            Some((user_info, host)) => {
                let user = user_info.split(':').next().unwrap_or_default();
                format!("{scheme}://{user}:***@{host}")
            }
            None => url.to_owned(),
        },
        _ => url.to_owned(),
    }
}

/// An id as the log shows it: at most 128 characters (a contract may leave an id unbounded).
fn shortened(id: String) -> String {
    if id.chars().count() <= 128 { id } else { id.chars().take(128).chain(['…']).collect() }
}

async fn open_store(store: &str) -> io::Result<AnyStore> {
    let shown = shown_url(store);
    let failed = |error: StoreError| io::Error::other(format!("--store {shown}: {error}"));
    if store == "memory" {
        Ok(AnyStore::Memory(MemoryStore::default()))
    } else if store.starts_with("redis://") || store.starts_with("rediss://") {
        Ok(AnyStore::Redis(RedisStore::connect(store, Retention::default()).await.map_err(failed)?))
    } else if store.starts_with("postgres://") || store.starts_with("postgresql://") {
        Ok(AnyStore::Postgres(PostgresStore::connect(store, Retention::default()).await.map_err(failed)?))
    } else {
        Err(usage(format!("--store {shown}: expected memory, redis://... or postgres://...")))
    }
}

fn receiver_for(path: &str, args: &ServeArgs, auth: Option<&BasicAuth>, secrets: &[Secret]) -> Receiver {
    let mut receiver = Receiver::new(path)
        .options(if args.strict { Options::STRICT } else { Options::DEFAULT })
        .body_limit(args.max_body_bytes())
        .body_deadline(args.read_timeout)
        .signature_secrets(secrets.to_vec());
    if let Some(contract) = args.forced_contract() {
        receiver = receiver.contract(contract);
    }
    if let Some(auth) = auth {
        receiver = receiver.basic_auth(auth.clone());
    }
    receiver
}

async fn serve(args: ServeArgs) -> io::Result<u8> {
    let auth = match (&args.user, &args.password_env) {
        (Some(user), Some(variable)) => {
            Some(BasicAuth::new(user, Secret::from_env(variable).map_err(usage)?))
        }
        (None, None) => None,
        _ => return Err(usage("--user and --password-env go together".to_owned())),
    };
    let secrets = args
        .signature_secret_envs
        .iter()
        .map(|variable| Secret::from_env(variable).map_err(usage))
        .collect::<io::Result<Vec<Secret>>>()?;
    let store = match &args.store_env {
        Some(variable) => open_store(Secret::from_env(variable).map_err(usage)?.expose()).await?,
        None => open_store(&args.store).await?,
    };
    let log = LogWriter::start();
    let mut router = Router::new().route("/healthz", get(|| async { "ok\n" }));
    for (index, path) in args.paths.iter().enumerate() {
        let plain = path.starts_with('/') && !path.contains(['{', '}', '*', '?', '#', ' ']);
        if !plain || path == "/healthz" {
            return Err(usage(format!(
                "--path {path}: a path starts with /, has no {{, }}, *, ?, # or space, and is not /healthz"
            )));
        }
        if args.paths[..index].contains(path) {
            return Err(usage(format!("--path {path}: given twice")));
        }
        let endpoint = Arc::new(Endpoint {
            receiver: receiver_for(path, &args, auth.as_ref(), &secrets),
            log: log.clone(),
            store: store.clone(),
            accept_invalid: args.accept_invalid,
            budget: Budget::default(),
        });
        router = router.route(path, post(deliver).with_state(endpoint));
    }
    let address: SocketAddr = args.listen.parse().map_err(|_| {
        usage(format!("--listen {}: expected an address such as 127.0.0.1:8080", args.listen))
    })?;
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|error| io::Error::new(error.kind(), format!("--listen {address}: {error}")))?;
    let bound = listener.local_addr()?;
    eprintln!("fpwebhook serve: listening on http://{bound} (POST {}; GET /healthz)", args.paths.join(", "));
    axum::serve(listener, router).with_graceful_shutdown(shutdown()).await?;
    log.drain();
    if log.dropped() > 0 {
        eprintln!("fpwebhook serve: {} log lines dropped (standard output did not keep up)", log.dropped());
    }
    eprintln!("fpwebhook serve: stopped");
    Ok(0)
}

/// SIGINT or SIGTERM: the server stops accepting, finishes what it is handling, and returns.
async fn shutdown() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    eprintln!("fpwebhook serve: stopping; finishing the requests in flight");
}

async fn deliver(State(endpoint): State<Arc<Endpoint>>, request: Request) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    // Credentials and an announced length first: nothing is read for a request that fails them.
    let read = match endpoint.receiver.check_headers(&parts.headers) {
        Ok(()) => endpoint.receiver.read_body(body).await,
        Err(rejection) => Err(rejection),
    };
    let (outcome, response) = match read {
        Err(rejection) => rejected(rejection),
        Ok(body) => judge(&endpoint, &parts.headers, body).await,
    };
    log(&endpoint, &outcome, started);
    response
}

fn rejected(rejection: Rejection) -> (Outcome, Response) {
    let mut outcome = Outcome::new(rejection.status());
    outcome.reason = Some(rejection.reason());
    (outcome, rejection.into_response())
}

async fn judge(
    endpoint: &Endpoint,
    headers: &axum::http::HeaderMap,
    body: bytes::Bytes,
) -> (Outcome, Response) {
    let receiver = &endpoint.receiver;
    let delivery = match receiver.receive(headers, body.clone()) {
        Ok(delivery) => delivery,
        Err(Rejection::Invalid { contract, violations }) => {
            let mut outcome = Outcome::new(StatusCode::UNPROCESSABLE_ENTITY);
            outcome.contract = Some(contract);
            outcome.id = contract.delivery_id(&body).map(shortened);
            outcome.valid = Some(false);
            outcome.errors = violations.iter().map(Rejection::violation_json).collect();
            if endpoint.accept_invalid {
                outcome.status = StatusCode::OK;
                return (outcome, (StatusCode::OK, "accepted (invalid)\n").into_response());
            }
            return (outcome, Rejection::Invalid { contract, violations }.into_response());
        }
        Err(rejection) => return rejected(rejection),
    };
    let mut outcome = Outcome::new(StatusCode::OK);
    outcome.contract = Some(delivery.contract());
    outcome.valid = Some(true);
    let Some(key) = delivery.key() else { return (outcome, (StatusCode::OK, "ok\n").into_response()) };
    outcome.id = Some(key.id.clone());
    let answer = match endpoint.store.claim(key).await {
        // Nothing to do but record it: serve handles a delivery by logging it.
        Ok(Claim::New(token)) => {
            endpoint.store.complete(key, &token).await.map(|()| (StatusCode::OK, "ok\n"))
        }
        Ok(Claim::Completed) => {
            outcome.duplicate = true;
            Ok((StatusCode::OK, "ok (duplicate)\n"))
        }
        Ok(Claim::InProgress) => {
            outcome.duplicate = true;
            Ok((StatusCode::SERVICE_UNAVAILABLE, "the first attempt is still being handled\n"))
        }
        Err(error) => Err(error),
    };
    match answer {
        Ok((status, text)) => {
            outcome.status = status;
            (outcome, (status, text).into_response())
        }
        Err(error) => {
            outcome.status = StatusCode::SERVICE_UNAVAILABLE;
            outcome.reason = Some(error.to_string());
            (outcome, (StatusCode::SERVICE_UNAVAILABLE, format!("{error}\n")).into_response())
        }
    }
}

fn log(endpoint: &Endpoint, outcome: &Outcome, started: Instant) {
    let elapsed = started.elapsed();
    let time = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let mut line = json!({
        "time": time,
        "endpoint": endpoint.receiver.endpoint(),
        "contract": outcome.contract.map(Contract::name),
        "id": outcome.id,
        "duplicate": outcome.duplicate,
        "valid": outcome.valid,
        "status": outcome.status.as_u16(),
        "errors": outcome.errors,
        "handling_ms": (elapsed.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
    });
    if let Some(reason) = &outcome.reason {
        line["reason"] = json!(reason);
    }
    if let Some(warning) = endpoint.budget.warning(elapsed) {
        line["warning"] = json!(warning);
    }
    endpoint.log.write(line.to_string());
}

/// The log's writer: lines go to standard output from a thread of their own, through a bounded
/// queue, so that a reader that does not keep up never stalls the server; a line that finds the
/// queue full is dropped and counted, and the count is said on standard error at shutdown.
#[derive(Clone)]
struct LogWriter {
    lines: std::sync::mpsc::SyncSender<String>,
    counts: Arc<LogCounts>,
}

/// How many lines the log dropped (its queue was full), queued, and wrote.
#[derive(Default)]
struct LogCounts {
    dropped: AtomicU64,
    queued: AtomicU64,
    written: AtomicU64,
}

impl LogWriter {
    fn start() -> Self {
        let (lines, queue) = std::sync::mpsc::sync_channel::<String>(4096);
        let counts: Arc<LogCounts> = Arc::default();
        let written = counts.clone();
        std::thread::spawn(move || {
            let mut out = io::stdout();
            for line in queue {
                // A closed standard output must not take the server down.
                let _ = writeln!(out, "{line}").and_then(|()| out.flush());
                written.written.fetch_add(1, Ordering::Release);
            }
        });
        LogWriter { lines, counts }
    }

    fn write(&self, line: String) {
        let count =
            if self.lines.try_send(line).is_ok() { &self.counts.queued } else { &self.counts.dropped };
        count.fetch_add(1, Ordering::Relaxed);
    }

    fn dropped(&self) -> u64 {
        self.counts.dropped.load(Ordering::Relaxed)
    }

    /// Waits, two seconds at most, for the queued lines to be written.
    fn drain(&self) {
        let started = Instant::now();
        while self.counts.written.load(Ordering::Acquire) < self.counts.queued.load(Ordering::Relaxed)
            && started.elapsed() < Duration::from_secs(2)
        {
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}
