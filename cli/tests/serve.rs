//! `fpwebhook serve` over real HTTP on the loopback: every status it answers, its log lines,
//! idempotency per endpoint, credentials and signatures, hostile bodies, and a clean stop.
//! Requests are written by hand on a TCP socket, so that a test can also send what no client
//! library would (a body that trickles, a body of invalid UTF-8).

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::Server;
use fingerprint_webhook::CONTRACTS;
use fingerprint_webhook_receiver::signature::{self, sign};
use fingerprint_webhook_receiver::{BasicAuth, Secret};
use serde_json::Value;

impl Server {
    fn post(&self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
        request(&self.address, "POST", path, headers, body)
    }
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }
}

fn request(address: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("content-type")) {
        head.push_str("Content-Type: application/json\r\n");
    }
    for (name, value) in headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    read_answer(&mut stream)
}

fn read_answer(stream: &mut TcpStream) -> Answer {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    Answer { status, headers, body: body.to_owned() }
}

fn example(name: &str) -> &'static str {
    CONTRACTS.iter().find(|contract| contract.name() == name).unwrap().example()
}

#[test]
fn valid_deliveries_duplicates_and_endpoints() {
    let server = Server::start(&["--path", "/one", "--path", "/two"], &[]);
    for contract in CONTRACTS {
        let body = contract.example().as_bytes();
        let id = contract.delivery_id(body).unwrap();
        let first = server.post("/one", &[], body);
        assert_eq!(first.status, 200, "{contract}: {}", first.body);
        let log = server.next_log();
        assert_eq!(log["contract"], contract.name());
        assert_eq!(log["id"], id.as_str());
        assert_eq!(
            (log["duplicate"].as_bool(), log["valid"].as_bool(), log["status"].as_u64()),
            (Some(false), Some(true), Some(200))
        );
        assert_eq!(log["endpoint"], "/one");
        assert!(
            log["time"].as_str().unwrap().ends_with('Z') && log["handling_ms"].as_f64().is_some(),
            "{log}"
        );

        // The retry: 200 again (never 409), recorded as a duplicate.
        assert_eq!(server.post("/one", &[], body).status, 200);
        assert_eq!(server.next_log()["duplicate"], true);
        // The same id at another endpoint is a delivery of its own.
        assert_eq!(server.post("/two", &[], body).status, 200);
        let other = server.next_log();
        assert_eq!((other["endpoint"].as_str(), other["duplicate"].as_bool()), (Some("/two"), Some(false)));
    }
}

#[test]
fn invalid_payloads_are_422_with_their_violations_under_4_kb_or_200_when_accepted() {
    let server = Server::start(&[], &[]);
    let answer = server.post("/webhook", &[], br#"{"unexpected": true}"#);
    assert_eq!(answer.status, 422);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let body: Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(body["valid"], false);
    assert!(
        body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|error| error["pointer"].is_string() && error["keyword"] == "required")
    );
    let log = server.next_log();
    assert_eq!((log["status"].as_u64(), log["valid"].as_bool()), (Some(422), Some(false)));
    assert_eq!(log["errors"], body["errors"]);

    // Many violations: the answer stays under 4 KB and says how many it left out.
    let many: Vec<String> = (0..400).map(|index| format!("\"k{index}\": 1, \"k{index}\": 2")).collect();
    let answer = server.post("/webhook", &[], format!("{{{}}}", many.join(", ")).as_bytes());
    assert_eq!(answer.status, 422);
    assert!(answer.body.len() <= 4096, "{} bytes", answer.body.len());
    let body: Value = serde_json::from_str(&answer.body).unwrap();
    assert!(body["omitted"].as_u64().unwrap() > 0, "{body}");
    server.next_log();

    // Empty, and not UTF-8 (where the delivery id stands): invalid payloads, not crashes.
    let mut not_utf8 = format!("{{{:?}: \"", CONTRACTS[0].idempotency_key().unwrap()).into_bytes();
    not_utf8.extend_from_slice(b"\xff\xfe\"}");
    for hostile in [&b""[..], &not_utf8[..]] {
        let answer = server.post("/webhook", &[], hostile);
        assert_eq!(answer.status, 422, "{}", answer.body);
        server.next_log();
    }

    let accepting = Server::start(&["--accept-invalid"], &[]);
    assert_eq!(accepting.post("/webhook", &[], br#"{"unexpected": true}"#).status, 200);
    let log = accepting.next_log();
    assert_eq!((log["status"].as_u64(), log["valid"].as_bool()), (Some(200), Some(false)));
    assert!(!log["errors"].as_array().unwrap().is_empty());
}

#[test]
fn credentials_are_required_when_configured() {
    let server = Server::start(
        &["--user", "fingerprint", "--password-env", "TEST_PASSWORD"],
        &[("TEST_PASSWORD", "s3cr:et")],
    );
    let body = example("identification-webhook").as_bytes();
    let missing = server.post("/webhook", &[], body);
    assert_eq!(missing.status, 401);
    assert!(missing.header("www-authenticate").unwrap().starts_with("Basic "), "{:?}", missing.headers);
    assert_eq!(server.next_log()["status"], 401);
    let wrong = BasicAuth::new("fingerprint", Secret::new("wrong")).header_value();
    assert_eq!(server.post("/webhook", &[("Authorization", &wrong)], body).status, 401);
    assert_eq!(server.next_log()["reason"], "wrong credentials");
    let right = BasicAuth::new("fingerprint", Secret::new("s3cr:et")).header_value();
    assert_eq!(server.post("/webhook", &[("Authorization", &right)], body).status, 200);
    assert_eq!(server.next_log()["status"], 200);

    // The password never shows on the command line: it is read from the environment.
    let unset = Command::new(env!("CARGO_BIN_EXE_fpwebhook"))
        .args(["serve", "--listen", "127.0.0.1:0", "--user", "u", "--password-env", "FPWEBHOOK_SURELY_UNSET"])
        .output()
        .unwrap();
    assert_eq!(unset.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unset.stderr).contains("FPWEBHOOK_SURELY_UNSET is not set"));
}

#[test]
fn signatures_are_checked_when_configured() {
    let server = Server::start(&["--signature-secret-env", "TEST_SECRET"], &[("TEST_SECRET", "secret")]);
    let body = example("event").as_bytes();
    let signed = sign(&Secret::new("secret"), body);
    assert_eq!(server.post("/webhook", &[(signature::HEADER, &signed)], body).status, 200);
    server.next_log();
    let other = sign(&Secret::new("other"), body);
    let answer = server.post("/webhook", &[(signature::HEADER, &other)], body);
    assert_eq!(answer.status, 401);
    assert_eq!(answer.header("www-authenticate"), Some(signature::HEADER));
    assert!(server.next_log()["reason"].as_str().unwrap().contains("matches"));
    assert_eq!(server.post("/webhook", &[], body).status, 401);
    assert!(server.next_log()["reason"].as_str().unwrap().contains("no FPJS-Event-Signature"));
}

#[test]
fn size_limit_methods_health_and_slow_bodies() {
    let body = example("identification-webhook").as_bytes();
    let limit = body.len().to_string();
    let server = Server::start(&["--max-payload-bytes", &limit, "--read-timeout", "300ms"], &[]);
    assert_eq!(server.post("/webhook", &[], body).status, 200, "a body at the limit");
    server.next_log();
    let mut over = body.to_vec();
    over.push(b' ');
    assert_eq!(server.post("/webhook", &[], &over).status, 413, "one byte over");
    assert_eq!(server.next_log()["status"], 413);

    assert_eq!(request(&server.address, "GET", "/webhook", &[], b"").status, 405);
    assert_eq!(request(&server.address, "PUT", "/webhook", &[], body).status, 405);
    assert_eq!(request(&server.address, "GET", "/healthz", &[], b"").status, 200);
    assert_eq!(request(&server.address, "POST", "/elsewhere", &[], body).status, 404);

    // A slow-loris: the headers promise 100 bytes, 10 come, then nothing.
    let mut stream = TcpStream::connect(&server.address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let started = Instant::now();
    write!(
        stream,
        "POST /webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 100\r\n\r\n{{\"request"
    )
    .unwrap();
    let answer = read_answer(&mut stream);
    assert_eq!(answer.status, 408);
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(server.next_log()["status"], 408);
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_cleanly() {
    let mut server = Server::start(&[], &[]);
    assert_eq!(server.post("/webhook", &[], example("event").as_bytes()).status, 200);
    let killed = Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let started = Instant::now();
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert_eq!(status.code(), Some(0));
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "serve did not stop");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Two receivers behind a load balancer share one Redis store: the same delivery, sent to both
/// at once, is processed once. Runs where `.ci/run` started a Redis server.
#[test]
fn two_servers_sharing_redis_process_a_delivery_once() {
    let Some(url) = std::env::var("FPWEBHOOK_TEST_REDIS_URL").ok().filter(|url| !url.is_empty()) else {
        assert!(
            std::env::var_os("FPWEBHOOK_REQUIRE_STORES").is_none(),
            "FPWEBHOOK_TEST_REDIS_URL is not set"
        );
        eprintln!("skipped: FPWEBHOOK_TEST_REDIS_URL is not set");
        return;
    };
    let first = Server::start(&["--store", &url], &[]);
    let second = Server::start(&["--store", &url], &[]);
    // A fresh id, so that earlier runs against the same server do not count.
    let contract = &CONTRACTS[0];
    let key = contract.idempotency_key().unwrap();
    let mut payload: Value = serde_json::from_str(contract.example()).unwrap();
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    payload[key] = Value::from(format!("{}", nanos % 10_000_000_000_000));
    let body = payload.to_string();
    let (first_address, second_address) = (first.address.clone(), second.address.clone());
    let (a, b) = std::thread::scope(|scope| {
        let a = scope.spawn(|| request(&first_address, "POST", "/webhook", &[], body.as_bytes()).status);
        let b = scope.spawn(|| request(&second_address, "POST", "/webhook", &[], body.as_bytes()).status);
        (a.join().unwrap(), b.join().unwrap())
    });
    let logs = [first.next_log(), second.next_log()];
    let processed = logs.iter().filter(|log| log["duplicate"] == false).count();
    assert_eq!(processed, 1, "{logs:?}");
    assert!([a, b].iter().all(|status| *status == 200 || *status == 503), "{a} {b}");
}

/// A request that fails what its headers say is answered before its body is read: no credentials
/// (even with `Expect: 100-continue`), or an announced length over the limit.
#[test]
fn headers_are_judged_before_the_body_is_read() {
    let server = Server::start(
        &[
            "--user",
            "u",
            "--password-env",
            "TEST_PASSWORD",
            "--max-payload-bytes",
            "1KiB",
            "--read-timeout",
            "5s",
        ],
        &[("TEST_PASSWORD", "p")],
    );
    for (headers, expected) in [
        ("Expect: 100-continue\r\nContent-Length: 500\r\n", 401),
        (
            &*format!(
                "Authorization: {}\r\nContent-Length: 1000000000\r\n",
                BasicAuth::new("u", Secret::new("p")).header_value()
            ),
            413,
        ),
    ] {
        let mut stream = TcpStream::connect(&server.address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let started = Instant::now();
        write!(stream, "POST /webhook HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{headers}\r\n").unwrap();
        let answer = read_answer(&mut stream);
        assert_eq!(answer.status, expected, "{headers}");
        assert!(started.elapsed() < Duration::from_secs(2), "answered without waiting for a body");
        server.next_log();
    }
}

/// The same id under two contracts is two deliveries; an id of any length is remembered by a
/// bounded key and logged shortened.
#[test]
fn ids_are_keyed_per_contract_and_bounded() {
    let server = Server::start(&[], &[]);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let shared = format!("S{}", nanos % 1_000_000_000);
    for contract in CONTRACTS {
        let mut payload: Value = serde_json::from_str(contract.example()).unwrap();
        payload[contract.idempotency_key().unwrap()] = Value::from(shared.as_str());
        assert_eq!(server.post("/webhook", &[], payload.to_string().as_bytes()).status, 200);
        assert_eq!(server.next_log()["duplicate"], false, "{contract}");
    }
    // A contract whose id has no maximum length: a 100,000-character id.
    let unbounded = CONTRACTS.iter().find(|contract| {
        let schema: Value = serde_json::from_str(contract.schema()).unwrap();
        let key = contract.idempotency_key().unwrap();
        schema["properties"][key].get("maxLength").is_none()
    });
    // The contracts' data decides which contract this exercises; one must (else the test lost its
    // subject: see `delivery_key`'s unit test for the bound itself).
    let contract = unbounded.expect("a contract leaves its delivery id's length unbounded");
    let mut payload: Value = serde_json::from_str(contract.example()).unwrap();
    payload[contract.idempotency_key().unwrap()] = Value::from("x".repeat(100_000));
    for duplicate in [false, true] {
        assert_eq!(server.post("/webhook", &[], payload.to_string().as_bytes()).status, 200);
        let log = server.next_log();
        assert_eq!(log["duplicate"], duplicate);
        assert!(log["id"].as_str().unwrap().len() <= 200, "{}", log["id"].as_str().unwrap().len());
    }
}

#[test]
fn odd_paths_and_store_passwords_are_refused_without_echoing_the_password() {
    for path in ["/a/{id}", "/{*rest}", "/x?y=1", "webhook", "/healthz"] {
        let output = Command::new(env!("CARGO_BIN_EXE_fpwebhook"))
            .args(["serve", "--listen", "127.0.0.1:0", "--path", path])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{path}");
        assert!(String::from_utf8_lossy(&output.stderr).contains("--path"), "{path}");
    }
    let output = Command::new(env!("CARGO_BIN_EXE_fpwebhook"))
        .args(["serve", "--listen", "127.0.0.1:0", "--path", "/a", "--path", "/a"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = Command::new(env!("CARGO_BIN_EXE_fpwebhook"))
        .args(["serve", "--listen", "127.0.0.1:0", "--store", "postgres://user:hunter2@127.0.0.1:1/db"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("postgres://user:***@127.0.0.1:1/db") && !stderr.contains("hunter2"), "{stderr}");
}

/// A reader that never reads the log does not stall the server: lines past the queue are
/// dropped, deliveries are answered.
#[test]
fn a_stalled_log_reader_does_not_stall_deliveries() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fpwebhook"))
        .args(["serve", "--listen", "127.0.0.1:0", "--accept-invalid"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _unread = child.stdout.take();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    let address = first.split("http://").nth(1).unwrap().split_whitespace().next().unwrap().to_owned();
    // Invalid payloads with long values: each log line carries kilobytes of violations.
    let body = format!("{{\"unexpected\": \"{}\", \"a\": 1, \"a\": 2}}", "x".repeat(20_000));
    for _ in 0..200 {
        assert_eq!(request(&address, "POST", "/webhook", &[], body.as_bytes()).status, 200);
    }
    let _ = child.kill();
    let _ = child.wait();
}
