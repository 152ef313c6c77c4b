//! `fpwebhook`: validates Fingerprint webhook payloads under their contracts, for CI pipelines and
//! for people debugging a delivery; receives deliveries (`serve`) and makes them as Fingerprint
//! does (`send`); also prints each contract's published schema, example and conformance suite.
//!
//! The command-line tool is the crate's binary; this library is its whole `main`, [`run`], for
//! binaries that wrap it (the repository's pre-commit hook builds one). The validators are the
//! `fingerprint-webhook` crate.

mod input;
mod report;
mod send;
mod serve;
mod validate;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use fingerprint_webhook::{CONTRACTS, Contract};

use crate::input::Reading;

/// Exit status: every payload valid.
const VALID: u8 = 0;
/// Exit status: at least one payload invalid (malformed JSON included).
const INVALID: u8 = 1;
/// Exit status: a usage or input/output error.
const TOOL_ERROR: u8 = 2;

/// Writes a line to standard error; a closed standard error is no reason to stop or panic.
fn warn(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

#[derive(Parser)]
#[command(
    name = "fpwebhook",
    version,
    about = "Validates Fingerprint webhook payloads against their documented contracts; receives and sends deliveries as Fingerprint makes them."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate payloads: files, directories (searched for .json, .ndjson and .jsonl), or `-`.
    #[command(after_help = "\
Exit status: 0 every payload valid; 1 at least one invalid (malformed JSON and payloads over
--max-payload-bytes included); 2 a usage or input/output error (a missing file, an unreadable
directory, a path with no payload in it), which names the path. A closed output (`| head`) ends
the run with the status of what was judged so far.

A .json file holds one payload; a .ndjson or .jsonl file one payload per line, named PATH:LINE
(lines of spaces and tabs are skipped); extensions in any letter case. Directories are searched
recursively, following links. With no PATH, or with `-` (once), the payload is read from
standard input.

Examples:
  fpwebhook validate delivery.json
  fpwebhook validate --strict recorded/
  fpwebhook validate --format github payloads/      # annotations on a pull request
  fpwebhook validate --format junit payloads/ > report.xml
  kafka-dump | fpwebhook validate --ndjson --format json")]
    Validate {
        /// The contract to judge payloads under: `auto` judges each one under the contract its
        /// shape names (an event has `event_id`).
        #[arg(long, value_name = "NAME", default_value = "auto", value_parser = contract_choices(true))]
        contract: String,
        /// Reject fields the documentation does not list (the strict schema).
        #[arg(long)]
        strict: bool,
        /// The output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Read standard input, and the files named on the command line, as NDJSON: one payload
        /// per line. Files found in directories go by their extension.
        #[arg(long)]
        ndjson: bool,
        /// The largest payload read: a larger one is reported invalid (`payloadTooLarge`)
        /// without being read whole, and the run goes on. Units such as 64KiB or 2MB are read.
        #[arg(long, value_name = "SIZE", default_value = "16MiB")]
        max_payload_bytes: bytesize::ByteSize,
        /// Files, directories, or `-` for standard input (the default).
        paths: Vec<PathBuf>,
    },
    /// Print a contract's published JSON Schema.
    #[command(
        after_help = "Examples:\n  fpwebhook schema --contract event > event.schema.json\n  fpwebhook schema --contract identification-webhook --strict"
    )]
    Schema {
        /// The contract.
        #[arg(long, value_name = "NAME", value_parser = contract_choices(false))]
        contract: String,
        /// Print the strict variant, which rejects undocumented fields.
        #[arg(long)]
        strict: bool,
    },
    /// Print a contract's example payload.
    #[command(
        after_help = "Example, the documentation's curl test:\n  fpwebhook example --contract identification-webhook | curl <your-webhook-url> -X POST -H 'Content-Type: application/json' --data-binary @-"
    )]
    Example {
        /// The contract.
        #[arg(long, value_name = "NAME", value_parser = contract_choices(false))]
        contract: String,
    },
    /// Receive webhook deliveries: a ready endpoint, by the delivery rules, that logs each one.
    #[command(after_help = "\
POST at each PATH: 200 for a valid delivery, first or duplicate (a duplicate of a delivery still
being handled: 503); 401 with WWW-Authenticate for missing or wrong credentials or signature,
when configured; 422 with the violations as JSON (at most 4 KB; 200 with --accept-invalid); 413
over --max-payload-bytes; 408 for a body not received within --read-timeout; 405 for other
methods. GET /healthz answers 200. One JSON line per delivery on standard output: time,
endpoint, contract, id, duplicate, valid, status, errors, handling_ms. Deliveries are told apart
by (PATH, the delivery id its contract names). SIGINT or SIGTERM stops the server once the requests in flight
are answered.

Secrets come from environment variables that flags name, never from the command line.

Examples:
  fpwebhook serve --listen 127.0.0.1:8080
  WEBHOOK_PASSWORD=... fpwebhook serve --user fingerprint --password-env WEBHOOK_PASSWORD
  fpwebhook serve --store redis://127.0.0.1:6379/ --path /fingerprint --path /fingerprint-eu")]
    Serve(serve::ServeArgs),
    /// Deliver payloads to endpoints as Fingerprint does, to test a receiver before going live.
    #[command(after_help = "\
Every payload goes to every endpoint at once, each endpoint on its own. An attempt that times out
(--timeout, from connecting to the last byte of the answer), fails to connect or gets anything
but a 2XX (a redirect is not followed) is retried once, with the identical body, after
--retry-delay (5 minutes, as documented). Endpoints must be https:// URLs with a domain name, as
the dashboard requires; --allow-insecure-localhost lets http:// and IP addresses through for
loopback hosts only. Nothing is sent anywhere but the --to endpoints.

Each attempt is reported as it ends: endpoint, delivery id, attempt number, outcome (ok,
http_error, timeout, connect_error), status, latency, and up to 4 KB of the answer's headers and
body. Exit status: 0 every payload reached every endpoint with a 2XX; 1 a delivery failed after
its retry, or Ctrl-C came first (what was delivered so far is printed); 2 a usage or input error
(a missing file, a payload over --max-payload-bytes), which wins over failed deliveries.

--check runs the receiver conformance scenarios against one endpoint instead: a valid delivery
of each contract, a duplicate, missing and wrong credentials and signatures (where given), the
edges of each contract, and a retry after Fingerprint gave up on the first attempt.

Secrets come from environment variables that flags name, never from the command line.

Examples:
  fpwebhook send --to https://hooks.example.com/fingerprint delivery.json
  fpwebhook send --to http://localhost:8080/webhook --allow-insecure-localhost --generate 10
  WEBHOOK_PASSWORD=... fpwebhook send --to https://hooks.example.com/fp --user fingerprint \\
      --password-env WEBHOOK_PASSWORD --check")]
    Send(send::SendArgs),
    /// Write the conformance suites (and the schemas they name) for other-language harnesses.
    #[command(after_help = "\
Each contract's files go into a folder named after it, as in the repository's schema/ folder,
which the groups' `schema` members name: OUT/<contract>/schema.json, strict.schema.json and
fixtures/*.json.

Example:
  fpwebhook fixtures --out vendor/fingerprint-webhook")]
    Fixtures {
        /// The folder to write into (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Only this contract's (every contract's by default).
        #[arg(long, value_name = "NAME", value_parser = contract_choices(false))]
        contract: Option<String>,
    },
}

/// The names `--contract` takes: every contract's, and `auto` where the shape may choose.
pub(crate) fn contract_choices(auto: bool) -> clap::builder::PossibleValuesParser {
    let names = CONTRACTS
        .iter()
        .map(|contract| clap::builder::PossibleValue::new(contract.name()).help(contract.title()));
    let auto = auto
        .then(|| clap::builder::PossibleValue::new("auto").help("the contract each payload's shape names"));
    clap::builder::PossibleValuesParser::new(auto.into_iter().chain(names))
}

/// The contract named `name`, which clap has checked.
pub(crate) fn contract_named(name: &str) -> &'static Contract {
    Contract::named(name).unwrap_or(&CONTRACTS[0])
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// For people: grouped by source, with line:column and a summary.
    Human,
    /// One JSON object per payload per line.
    Json,
    /// GitHub Actions annotations.
    Github,
    /// JUnit XML, for GitLab and Jenkins test reports.
    Junit,
}

/// The command-line tool: reads the process's arguments, runs the command they name, and returns
/// the exit status (`0` every payload valid, `1` at least one invalid, `2` a usage or I/O error).
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Validate { contract, strict, format, ndjson, max_payload_bytes, paths } => {
            validate::run_validate(validate::ValidateArgs {
                contract: (contract != "auto").then(|| contract_named(&contract)),
                strict,
                format,
                reading: Reading { ndjson, max_payload_bytes: max_payload_bytes.as_u64() },
                paths,
            })
        }
        Command::Schema { contract, strict } => {
            let contract = contract_named(&contract);
            print(if strict { contract.strict_schema() } else { contract.schema() }).map(|()| VALID)
        }
        Command::Example { contract } => print(contract_named(&contract).example()).map(|()| VALID),
        Command::Serve(args) => serve::run(args),
        Command::Send(args) => send::run(args),
        Command::Fixtures { out, contract } => write_fixtures(&out, contract.as_deref().map(contract_named)),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // `fpwebhook ... | head`: the reader left; that is not an error.
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(VALID),
        Err(error) => {
            warn(format_args!("fpwebhook: {error}"));
            ExitCode::from(TOOL_ERROR)
        }
    }
}

fn print(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

fn write_fixtures(out: &std::path::Path, only: Option<&'static Contract>) -> io::Result<u8> {
    let located = |error: io::Error, path: &std::path::Path| {
        io::Error::new(error.kind(), format!("{}: {error}", path.display()))
    };
    let mut files = 0;
    let contracts = CONTRACTS.iter().filter(|contract| only.is_none_or(|only| only == *contract));
    for contract in contracts {
        let folder = out.join(contract.name());
        let fixtures = folder.join("fixtures");
        std::fs::create_dir_all(&fixtures).map_err(|error| located(error, &fixtures))?;
        let schemas = [("schema.json", contract.schema()), ("strict.schema.json", contract.strict_schema())];
        for (name, text) in schemas {
            let path = folder.join(name);
            std::fs::write(&path, text).map_err(|error| located(error, &path))?;
            files += 1;
        }
        for (name, text) in contract.fixtures() {
            let path = fixtures.join(name);
            std::fs::write(&path, text).map_err(|error| located(error, &path))?;
            files += 1;
        }
    }
    warn(format_args!("wrote {files} files into {}", out.display()));
    Ok(VALID)
}
