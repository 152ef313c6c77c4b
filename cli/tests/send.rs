//! `fpwebhook send` over real HTTP on the loopback, against a receiver written here whose
//! answers, delays and failures are scripted, and against `fpwebhook serve`: bodies byte for
//! byte with their headers, one retry and only for the failing endpoint, the deadline, no
//! redirects, connection errors, the URL rule, the JSON lines, exit codes, Ctrl-C, and the
//! conformance scenarios of `--check`.

mod common;

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};

use common::Server;
use fingerprint_webhook::{CONTRACTS, Contract};
use fingerprint_webhook_receiver::signature::{self, sign};
use fingerprint_webhook_receiver::{BasicAuth, Secret};
use serde_json::Value;

/// The longest any run of the command may take here: it must never hang.
const RUN_LIMIT: Duration = Duration::from_secs(30);

/// A request the scripted receiver got.
#[derive(Clone, Debug)]
struct Received {
    at: Instant,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }
}

/// What the scripted receiver does with a request.
#[derive(Clone, Debug)]
enum Act {
    /// Answers with this status, after this delay, with these extra headers and this body.
    Answer { status: u16, delay: Duration, headers: Vec<(String, String)>, body: String },
    /// Closes the connection without answering.
    Close,
}

fn answer(status: u16) -> Act {
    Act::Answer { status, delay: Duration::ZERO, headers: Vec::new(), body: String::new() }
}

type Script = dyn Fn(&Received, &[Received]) -> Act + Send + Sync;

/// A receiver on the loopback that records every request and answers as its script says,
/// given the request and every one before it.
struct Scripted {
    address: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Scripted {
    fn start(script: impl Fn(&Received, &[Received]) -> Act + Send + Sync + 'static) -> Scripted {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let received = Arc::new(Mutex::new(Vec::new()));
        let script: Arc<Script> = Arc::new(script);
        let shared = Arc::clone(&received);
        std::thread::spawn(move || {
            for stream in listener.incoming().map_while(Result::ok) {
                let (received, script) = (Arc::clone(&shared), Arc::clone(&script));
                std::thread::spawn(move || serve_one(stream, &received, &*script));
            }
        });
        Scripted { address, received }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Waits until `count` requests have arrived (at most 20 seconds), and a little more.
    fn wait_for(&self, count: usize) {
        let waited = Instant::now();
        while self.received().len() < count {
            assert!(waited.elapsed() < Duration::from_secs(20), "{count} requests did not arrive");
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Sends SIGINT (Ctrl-C) to a running `fpwebhook send` and waits for it to stop: within 5
/// seconds, or the test fails.
#[cfg(unix)]
fn interrupt(child: &mut std::process::Child) -> std::process::ExitStatus {
    let interrupted = Instant::now();
    assert!(Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap().success());
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(interrupted.elapsed() < Duration::from_secs(5), "send did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn serve_one(stream: TcpStream, received: &Mutex<Vec<Received>>, script: &Script) {
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
        return;
    }
    let path = request_line.split(' ').nth(1).unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    let length = headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let request = Received { at: Instant::now(), path, headers, body };
    let act = {
        let mut received = received.lock().unwrap_or_else(PoisonError::into_inner);
        let act = script(&request, &received);
        received.push(request);
        act
    };
    let mut stream = reader.into_inner();
    match act {
        Act::Close => {}
        Act::Answer { status, delay, headers, body } => {
            std::thread::sleep(delay);
            let mut head = format!(
                "HTTP/1.1 {status} Scripted\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (name, value) in headers {
                let _ = write!(head, "{name}: {value}\r\n");
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
    }
}

/// A finished run of `fpwebhook send`.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
}

impl Run {
    /// The JSON lines of standard output.
    fn lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
            .collect()
    }
}

fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fpwebhook"));
    command.arg("send").args(args).envs(env.iter().copied());
    command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    command
}

/// Runs `fpwebhook send` with `stdin`, killing it (and failing) past [`RUN_LIMIT`].
fn send(args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Run {
    let started = Instant::now();
    let mut child = command(args, env).spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let pid = child.id();
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    let output: Output = match finished.recv_timeout(RUN_LIMIT) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
            panic!("fpwebhook send {args:?} did not end within {RUN_LIMIT:?}");
        }
    };
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
        took: started.elapsed(),
    }
}

/// The JSON line of one synthetic payload's one attempt at `url`, which fails (exit 1).
fn one_failed_attempt(url: &str) -> Value {
    let args =
        ["--to", url, "--allow-insecure-localhost", "--no-retry", "--format", "json", "--generate", "1"];
    let run = send(&args, &[], b"");
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    let mut lines = run.lines();
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    lines.remove(0)
}

/// Asserts that `text` contains `wanted`, showing `text` when it does not.
fn assert_contains(text: &str, wanted: &str) {
    assert!(text.contains(wanted), "expected {wanted:?} in:\n{text}");
}

fn contract(name: &str) -> &'static Contract {
    Contract::named(name).unwrap()
}

#[test]
fn a_payload_is_sent_byte_for_byte_with_credentials_signature_and_content_type() {
    let receiver = Scripted::start(|_, _| answer(200));
    let file = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
    // Spelled as no serializer would: the bytes must arrive as they are.
    let body = contract("identification-webhook").example().replace('\n', "\r\n  ") + "\n\n";
    std::fs::write(file.path(), &body).unwrap();
    let url = receiver.url("/hook?tenant=1");
    let args = [
        "--to",
        &url,
        "--allow-insecure-localhost",
        "--user",
        "fingerprint",
        "--password-env",
        "PASSWORD",
        "--signature-secret-env",
        "SIGNING",
        "--format",
        "json",
        file.path().to_str().unwrap(),
    ];
    let run = send(&args, &[("PASSWORD", "pa:ss wörd"), ("SIGNING", "secret")], b"");
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let requests = receiver.received();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.body, body.as_bytes());
    assert_eq!(request.path, "/hook?tenant=1");
    assert_eq!(request.header("content-type"), Some("application/json"));
    let credentials = BasicAuth::new("fingerprint", Secret::new("pa:ss wörd")).header_value();
    assert_eq!(request.header("authorization"), Some(credentials.as_str()));
    let signed = sign(&Secret::new("secret"), body.as_bytes());
    assert_eq!(request.header(signature::HEADER), Some(signed.as_str()));

    let lines = run.lines();
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    let line = &lines[0];
    let id = contract("identification-webhook").delivery_id(body.as_bytes()).unwrap();
    assert_eq!(line["endpoint"], url.as_str());
    assert_eq!(line["source"], file.path().to_str().unwrap());
    assert_eq!(line["contract"], "identification-webhook");
    assert_eq!(line["id"], id.as_str());
    assert_eq!((line["attempt"].as_u64(), line["outcome"].as_str()), (Some(1), Some("ok")));
    assert_eq!(
        (line["status"].as_u64(), &line["retry_in_ms"], &line["error"]),
        (Some(200), &Value::Null, &Value::Null)
    );
    assert!(line["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{line}");
    assert!(line["sent_at"].as_str().is_some_and(|at| at.ends_with('Z')), "{line}");
    let headers = line["response"]["headers"].as_array().unwrap();
    assert!(headers.iter().any(|header| header[0] == "content-length" && header[1] == "0"), "{line}");
    assert_contains(&run.stderr, "1 payload to 1 endpoint: 1 delivered (0 on the retry), 0 failed");
}

#[test]
fn only_the_failing_endpoint_gets_its_one_retry_of_the_identical_body_after_the_delay() {
    let failing = Scripted::start(|_, _| answer(500));
    let working = Scripted::start(|_, _| answer(204));
    let ndjson: String =
        CONTRACTS.iter().map(|contract| contract.example().replace('\n', "") + "\n").collect();
    let (failing_url, working_url) = (failing.url("/a"), working.url("/b"));
    let args = [
        "--to",
        &failing_url,
        "--to",
        &working_url,
        "--allow-insecure-localhost",
        "--retry-delay",
        "300ms",
        "--ndjson",
        "--format",
        "json",
    ];
    let run = send(&args, &[], ndjson.as_bytes());
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert_eq!(working.received().len(), CONTRACTS.len());
    let retried = failing.received();
    assert_eq!(retried.len(), 2 * CONTRACTS.len());
    for contract in CONTRACTS {
        let body = contract.example().replace('\n', "");
        let attempts: Vec<&Received> =
            retried.iter().filter(|request| request.body == body.as_bytes()).collect();
        assert_eq!(attempts.len(), 2, "{contract}: one attempt and exactly one retry");
        let gap = attempts[1].at.duration_since(attempts[0].at);
        assert!(gap >= Duration::from_millis(300), "the retry came {gap:?} after the first attempt");
    }

    let lines = run.lines();
    assert_eq!(lines.len(), 3 * CONTRACTS.len(), "{}", run.stdout);
    for line in &lines {
        let at_failing = line["endpoint"] == failing_url.as_str();
        let expected = match (at_failing, line["attempt"].as_u64()) {
            (true, Some(1)) => ("http_error", Some(500), Value::from(300)),
            (true, Some(2)) => ("http_error", Some(500), Value::Null),
            (false, Some(1)) => ("ok", Some(204), Value::Null),
            other => panic!("an unexpected attempt {other:?}: {line}"),
        };
        assert_eq!(
            (line["outcome"].as_str().unwrap(), line["status"].as_u64(), line["retry_in_ms"].clone()),
            expected
        );
        assert!(line["id"].is_string(), "{line}");
        assert!(line["source"].as_str().unwrap().starts_with("-:"), "{line}");
    }
    assert_contains(&run.stderr, "2 payloads to 2 endpoints: 2 delivered (0 on the retry), 2 failed");
}

#[test]
fn a_retry_answered_2xx_makes_the_delivery() {
    let receiver = Scripted::start(|_, before| if before.is_empty() { Act::Close } else { answer(200) });
    let url = receiver.url("/");
    let run = send(
        &[
            "--to",
            &url,
            "--allow-insecure-localhost",
            "--retry-delay",
            "50ms",
            "--contract",
            "event",
            "--generate",
            "1",
        ],
        &[],
        b"",
    );
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let requests = receiver.received();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body);
    // Human output: the failed attempt says what happened and when the retry comes.
    assert_contains(&run.stdout, "attempt 1: connect_error (");
    assert_contains(&run.stdout, "retrying in 50ms");
    assert_contains(&run.stdout, "attempt 2: ok 200");
    assert_contains(&run.stdout, "1 payload to 1 endpoint: 1 delivered (1 on the retry), 0 failed");
}

#[test]
fn the_deadline_covers_the_whole_answer_and_fires_on_time() {
    let slow = Scripted::start(|_, _| Act::Answer {
        status: 200,
        delay: Duration::from_secs(5),
        headers: Vec::new(),
        body: String::new(),
    });
    let url = slow.url("/");
    let args = [
        "--to",
        &url,
        "--allow-insecure-localhost",
        "--timeout",
        "300ms",
        "--no-retry",
        "--format",
        "json",
        "--generate",
        "1",
    ];
    let run = send(&args, &[], b"");
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    let line = &run.lines()[0];
    assert_eq!((line["outcome"].as_str(), &line["status"]), (Some("timeout"), &Value::Null), "{line}");
    assert_eq!(line["error"], "no answer within 300ms");
    let latency = line["latency_ms"].as_f64().unwrap();
    assert!((300.0..2000.0).contains(&latency), "the deadline fired after {latency} ms");
    assert!(run.took < Duration::from_secs(4), "{:?}", run.took);
    assert_eq!(slow.received().len(), 1);
}

#[test]
fn redirects_are_failures_and_are_not_followed() {
    let target = Scripted::start(|_, _| answer(200));
    let location = target.url("/elsewhere");
    let redirecting = Scripted::start(move |_, _| Act::Answer {
        status: 307,
        delay: Duration::ZERO,
        headers: vec![("Location".to_owned(), location.clone())],
        body: "moved".to_owned(),
    });
    let url = redirecting.url("/");
    let line = &one_failed_attempt(&url);
    assert_eq!(
        (line["outcome"].as_str(), line["status"].as_u64()),
        (Some("http_error"), Some(307)),
        "{line}"
    );
    assert_eq!(line["response"]["body"], "moved");
    assert_eq!(target.received().len(), 0, "the redirect was followed");
}

#[test]
fn connection_errors_are_failures_with_their_reason() {
    // A port nothing listens on.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}/");
    let line = &one_failed_attempt(&url);
    assert_eq!(line["outcome"], "connect_error", "{line}");
    assert!(line["error"].as_str().is_some_and(|error| error.contains("refused")), "{line}");
    assert!(!line["error"].as_str().unwrap().contains(&url), "the URL is in its own member: {line}");
}

#[test]
fn answers_are_kept_up_to_4_kb() {
    let receiver = Scripted::start(|_, _| Act::Answer {
        status: 500,
        delay: Duration::ZERO,
        headers: vec![("X-Reason".to_owned(), "overloaded".to_owned())],
        body: "é".repeat(10_000),
    });
    let url = receiver.url("/");
    let line = &one_failed_attempt(&url);
    let response = &line["response"];
    assert_eq!(response["truncated"], true);
    let headers = response["headers"].as_array().unwrap();
    assert!(headers.iter().any(|header| header[0] == "x-reason" && header[1] == "overloaded"), "{line}");
    let header_bytes: usize = headers
        .iter()
        .map(|header| header[0].as_str().unwrap().len() + header[1].as_str().unwrap().len() + 4)
        .sum();
    let body = response["body"].as_str().unwrap();
    assert!(header_bytes + body.len() <= 4096 + 3, "{} bytes kept", header_bytes + body.len());
    assert!(body.len() > 3000, "{}", body.len());
}

#[test]
fn the_url_rule_refuses_before_anything_is_sent() {
    let receiver = Scripted::start(|_, _| answer(200));
    let loopback = receiver.url("/");
    let run = send(&["--to", &loopback, "--generate", "1"], &[], b"");
    assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    assert_contains(&run.stderr, "add --allow-insecure-localhost");
    let cases = [
        ("http://hooks.example.com/fp", "delivers only to https:// URLs"),
        ("https://203.0.113.9/fp", "a domain name, not an IP address"),
        ("https://user:hunter2@hooks.example.com/fp", "--password-env"),
    ];
    for (url, reason) in cases {
        // The first endpoint is fine: one refused URL stops the run before any delivery.
        let run = send(
            &["--to", &loopback, "--to", url, "--allow-insecure-localhost", "--generate", "1"],
            &[],
            b"",
        );
        assert_eq!(run.code, Some(2), "{url}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(reason), "{url}: {}", run.stderr);
        assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
    }
    assert_eq!(receiver.received().len(), 0);
}

#[test]
fn usage_and_input_errors_exit_2() {
    let receiver = Scripted::start(|_, _| answer(200));
    let url = receiver.url("/");
    let insecure = "--allow-insecure-localhost";
    let example = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
    std::fs::write(example.path(), contract("event").example()).unwrap();
    let example = example.path().to_str().unwrap();
    let cases: [(&[&str], &str); 10] = [
        (&["--to", &url, insecure, "-", "-"], "standard input can be read only once"),
        (
            &["--to", &url, insecure, "--user", "a:b", "--password-env", "HOME", "--generate", "1"],
            "cannot contain ':'",
        ),
        (&["--to", &url, insecure, "--max-payload-bytes", "2GiB", "--generate", "1"], "at most 1GiB"),
        (&["--to", &url, insecure, "--check", "--to", &url], "--check runs against one endpoint"),
        (&["--to", &url, insecure, "--timeout", "0s", "--generate", "1"], "--timeout 0s"),
        (
            &[
                "--to",
                &url,
                insecure,
                "--user",
                "u",
                "--password-env",
                "FPWEBHOOK_TEST_UNSET",
                "--generate",
                "1",
            ],
            "FPWEBHOOK_TEST_UNSET is not set",
        ),
        (&["--to", &url, insecure, "--generate", "1", example], "cannot be used with"),
        (&["--to", &url, insecure, "--generate", "0"], "0 is not in 1..=1000000"),
        (&["--to", &url, insecure, "--max-payload-bytes", "100", example], "larger than --max-payload-bytes"),
        (&["--to", &url, insecure, "/no/such/payload.json"], "/no/such/payload.json"),
    ];
    for (args, reason) in cases {
        let run = send(args, &[], b"");
        assert_eq!(run.code, Some(2), "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(reason), "{args:?}: {}", run.stderr);
    }
    assert_eq!(receiver.received().len(), 0);
    // Standard input with nothing in it: no payload to send.
    let run = send(&["--to", &url, insecure], &[], b" \n");
    assert_eq!(run.code, Some(2), "{}{}", run.stdout, run.stderr);
    assert_contains(&run.stderr, "-: empty: there is no payload to send");
}

#[test]
fn generated_payloads_of_every_contract_reach_serve_valid_with_fresh_ids() {
    let server = Server::start(&[], &[]);
    let url = format!("http://{}/webhook", server.address);
    let count = 2 * CONTRACTS.len();
    let run = send(&["--to", &url, "--allow-insecure-localhost", "--generate", &count.to_string()], &[], b"");
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let mut ids = std::collections::HashSet::new();
    let mut contracts = std::collections::HashSet::new();
    for _ in 0..count {
        let log = server.next_log();
        assert_eq!((log["valid"].as_bool(), log["duplicate"].as_bool()), (Some(true), Some(false)), "{log}");
        ids.insert(log["id"].as_str().unwrap().to_owned());
        contracts.insert(log["contract"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), count);
    assert_eq!(contracts.len(), CONTRACTS.len());
}

#[test]
fn check_passes_against_serve_with_credentials_and_a_signature() {
    let env = [("PASSWORD", "hunter2"), ("SIGNING", "rotating")];
    let server = Server::start(
        &["--user", "fp", "--password-env", "PASSWORD", "--signature-secret-env", "SIGNING"],
        &env,
    );
    let url = format!("http://{}/webhook", server.address);
    let args = [
        "--to",
        &url,
        "--allow-insecure-localhost",
        "--user",
        "fp",
        "--password-env",
        "PASSWORD",
        "--signature-secret-env",
        "SIGNING",
        "--retry-delay",
        "200ms",
        "--check",
        "--format",
        "json",
    ];
    let run = send(&args, &env, b"");
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let scenarios = run.lines();
    for scenario in &scenarios {
        let verdict = scenario["verdict"].as_str().unwrap();
        assert!(verdict == "pass" || verdict == "skip", "{scenario}");
        assert!(["sent", "received", "why"].iter().all(|key| scenario[key].is_string()), "{scenario}");
    }
    let named = |words: &str| {
        scenarios.iter().filter(|scenario| scenario["scenario"].as_str().unwrap().contains(words)).count()
    };
    assert_eq!(named("answered 401"), 4);
    assert_eq!(named("a duplicate, never 409"), 1);
    assert_eq!(named("retried with the same id"), 1);
    assert_eq!(named("every string at its limit in 4-byte characters"), CONTRACTS.len());
    assert_eq!(named("undocumented fields"), CONTRACTS.len());
    // The only skip: a contract without a field that may be null.
    for scenario in scenarios.iter().filter(|scenario| scenario["verdict"] == "skip") {
        assert!(scenario["why"].as_str().unwrap().contains("no field that may be null"), "{scenario}");
    }
}

#[test]
fn check_fails_a_receiver_that_refuses_duplicates_or_accepts_anyone() {
    // Answers 200 to any first delivery, 409 to a body it has seen, and asks for no credentials.
    let receiver = Scripted::start(|request, before| {
        if before.iter().any(|seen| seen.body == request.body) { answer(409) } else { answer(200) }
    });
    let url = receiver.url("/");
    let args = [
        "--to",
        &url,
        "--allow-insecure-localhost",
        "--user",
        "fp",
        "--password-env",
        "PASSWORD",
        "--retry-delay",
        "100ms",
        "--check",
        "--contract",
        "identification-webhook",
    ];
    let run = send(&args, &[("PASSWORD", "hunter2")], b"");
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    let verdict_of = |scenario: &str| {
        run.stdout
            .lines()
            .find(|line| line.contains(scenario))
            .unwrap_or_else(|| panic!("no scenario {scenario:?}: {}", run.stdout))
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(verdict_of("a duplicate, never 409"), "FAIL");
    assert_eq!(verdict_of("without credentials is answered 401"), "FAIL");
    assert_eq!(verdict_of("wrong password is answered 401"), "FAIL");
    assert_eq!(verdict_of("without a signature"), "SKIP");
    assert_eq!(verdict_of("a valid delivery of the identification-webhook contract"), "PASS");
    // The retry of a hung-up first attempt is a duplicate to this receiver: 409, a failure.
    assert_eq!(verdict_of("retried with the same id"), "FAIL");
    assert_contains(&run.stdout, "received: 409 Conflict");
    assert_contains(&run.stdout, "anyone can post deliveries");
    assert!(run.stdout.contains("scenarios:") && run.stdout.contains("failed"), "{}", run.stdout);
}

#[cfg(unix)]
#[test]
fn ctrl_c_prints_what_was_delivered_so_far() {
    // The first delivery is answered at once, the second never within the run.
    let receiver = Scripted::start(|_, before| {
        if before.is_empty() {
            answer(200)
        } else {
            Act::Answer {
                status: 200,
                delay: Duration::from_secs(20),
                headers: Vec::new(),
                body: String::new(),
            }
        }
    });
    let url = receiver.url("/");
    let mut child =
        command(&["--to", &url, "--allow-insecure-localhost", "--timeout", "25s", "--generate", "2"], &[])
            .spawn()
            .unwrap();
    receiver.wait_for(2);
    interrupt(&mut child);
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert_contains(&stdout, "attempt 1: ok 200");
    assert_contains(
        &stdout,
        "2 payloads to 1 endpoint: 1 delivered (0 on the retry), 0 failed; interrupted with 1 delivery unfinished",
    );
}

#[test]
fn a_closed_output_neither_stops_the_deliveries_nor_hides_their_failure() {
    let receiver = Scripted::start(|_, _| answer(500));
    let url = receiver.url("/");
    let args = [
        "--to",
        &url,
        "--allow-insecure-localhost",
        "--retry-delay",
        "100ms",
        "--format",
        "json",
        "--generate",
        "3",
    ];
    let mut child = command(&args, &[]).spawn().unwrap();
    // The reader leaves before the first line (`| head -0`).
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
    // Every first attempt and every retry still went out.
    assert_eq!(receiver.received().len(), 6);
}

#[test]
fn an_endpoint_waiting_for_its_retries_does_not_hold_back_the_others() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dead = format!("http://127.0.0.1:{port}/");
    let healthy = Scripted::start(|_, _| answer(200));
    let healthy_url = healthy.url("/");
    let started = Instant::now();
    let args = [
        "--to",
        &dead,
        "--to",
        &healthy_url,
        "--allow-insecure-localhost",
        "--retry-delay",
        "6s",
        "--generate",
        "400",
    ];
    let run = send(&args, &[], b"");
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let arrivals = healthy.received();
    assert_eq!(arrivals.len(), 400);
    // All of them before the first retry to the dead endpoint was even due. The delay leaves
    // room for a machine busy with other work: 400 deliveries take a fraction of a second.
    let last = arrivals.iter().map(|request| request.at.duration_since(started)).max().unwrap();
    assert!(last < Duration::from_secs(6), "the last payload reached the healthy endpoint after {last:?}");
    assert_contains(&run.stdout, "400 payloads to 2 endpoints: 400 delivered (0 on the retry), 400 failed");
}

#[test]
fn check_bounds_every_wait_by_the_timeout_even_when_the_endpoint_never_answers() {
    // Accepts connections and never says a word: not even a TLS handshake.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        for stream in silent.incoming().map_while(Result::ok) {
            kept.push(stream);
        }
    });
    let url = format!("https://localhost:{port}/");
    let args = [
        "--to",
        &url,
        "--allow-insecure-localhost",
        "--timeout",
        "200ms",
        "--contract",
        "event",
        "--check",
        "--format",
        "json",
    ];
    let run = send(&args, &[], b"");
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(run.took < Duration::from_secs(10), "{:?}", run.took);
    let scenarios = run.lines();
    let hang_up = scenarios
        .iter()
        .find(|scenario| scenario["scenario"].as_str().unwrap().contains("gave up on"))
        .unwrap();
    assert_eq!(hang_up["verdict"], "fail");
    assert!(hang_up["received"].as_str().unwrap().contains("not sent within 200ms"), "{hang_up}");
    assert!(scenarios.iter().filter(|scenario| scenario["verdict"] == "fail").count() >= 5);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_a_run_whose_output_is_not_read() {
    let receiver = Scripted::start(|_, _| answer(200));
    let url = receiver.url("/");
    let mut child =
        command(&["--to", &url, "--allow-insecure-localhost", "--generate", "100000"], &[]).spawn().unwrap();
    // Standard output is a pipe nobody reads: it fills, and stays full.
    receiver.wait_for(500);
    assert_eq!(interrupt(&mut child).code(), Some(1));
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert_contains(&stderr, "interrupted with");
}

#[test]
fn an_endpoint_that_does_not_speak_tls_is_a_connection_error() {
    // A plain-HTTP receiver behind an https:// URL: the TLS handshake fails, nothing is posted.
    let receiver = Scripted::start(|_, _| answer(200));
    let port = receiver.address.rsplit(':').next().unwrap().to_owned();
    let line = one_failed_attempt(&format!("https://localhost:{port}/"));
    assert_eq!(line["outcome"], "connect_error", "{line}");
    assert!(line["error"].as_str().is_some_and(|error| !error.is_empty()), "{line}");
    assert_eq!(receiver.received().len(), 0);
}

#[cfg(unix)]
#[test]
fn at_most_256_attempts_are_in_flight_at_once() {
    // Accepts every connection and never answers: each attempt holds its connection open.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let accepted = Arc::new(Mutex::new(Vec::new()));
    let kept = Arc::clone(&accepted);
    std::thread::spawn(move || {
        for stream in silent.incoming().map_while(Result::ok) {
            kept.lock().unwrap_or_else(PoisonError::into_inner).push(stream);
        }
    });
    let url = format!("http://127.0.0.1:{port}/");
    let args = ["--to", &url, "--allow-insecure-localhost", "--timeout", "30s", "--generate", "400"];
    let mut child = command(&args, &[]).spawn().unwrap();
    let connections = || accepted.lock().unwrap_or_else(PoisonError::into_inner).len();
    let waited = Instant::now();
    while connections() < 256 {
        assert!(waited.elapsed() < Duration::from_secs(20), "only {} connections", connections());
        std::thread::sleep(Duration::from_millis(20));
    }
    // The other 144 payloads wait for a turn, however long it takes.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(connections(), 256);
    assert_eq!(interrupt(&mut child).code(), Some(1));
}
