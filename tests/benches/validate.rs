//! Speed of the generated validators next to what a user would pick instead, in one run, for
//! every contract: the `jsonschema` crate parsing and validating the same bytes against the
//! canonical schema (formats asserted), plain serde deserialization into the same generated
//! types (no validation), and sonic-rs, a SIMD JSON parser, parsing the bytes into its DOM (no
//! validation: the floor a validator that builds a document must stand on).
//!
//! Each contract is measured on its example and on two large payloads derived from its
//! constraint table (every documented string at its limit, in multibyte characters or in
//! ASCII), in groups named `<contract> documented example`, `<contract> large payload` and
//! `<contract> ASCII at limits`; on each of the project's valid payload files (`<contract>
//! payload <file>`), the seed page's documented example among them; and on each real payload
//! in `../shared/fingerprint-examples/` that is valid (`<contract> real <file>`).
//! The typed paths go through [`Payload::parse_as`] and [`Payload::deserialize_unvalidated`],
//! which pick the contract's module at run time and box its root value: `parse_as` boxes it as
//! soon as it is built, serde's path copies it into the box once serde returns it (one copy of
//! a root type of kilobytes, which is what a serde user pays too).
//!
//! Times are the benchmark thread's CPU time (on Unix), not wall-clock time: on a shared machine,
//! the time a thread spends descheduled belongs to the other work, not to the code measured.
//!
//! `cargo bench -p webhook-tests --bench validate`, then `python3 tests/benches/ratios.py` for
//! the table of ratios in the README.

use std::hint::black_box;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fingerprint_webhook::{CONTRACTS, Contract, Options, Payload};
use serde_json::Value;
use webhook_tests::agreement::Reference;
use webhook_tests::bench_payloads::{invalid_payload, valid_payloads};

/// The CPU time of the calling thread (criterion measures on the thread that runs the benchmark).
struct ThreadCpuTime;

impl ThreadCpuTime {
    #[cfg(unix)]
    fn now() -> std::time::Duration {
        let time = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
        std::time::Duration::new(time.tv_sec.unsigned_abs(), u32::try_from(time.tv_nsec).unwrap_or(0))
    }

    /// Elsewhere, wall-clock time.
    #[cfg(not(unix))]
    fn now() -> std::time::Duration {
        static START: std::sync::LazyLock<std::time::Instant> =
            std::sync::LazyLock::new(std::time::Instant::now);
        START.elapsed()
    }
}

impl Measurement for ThreadCpuTime {
    type Intermediate = std::time::Duration;
    type Value = std::time::Duration;

    fn start(&self) -> Self::Intermediate {
        Self::now()
    }

    fn end(&self, start: Self::Intermediate) -> Self::Value {
        Self::now().saturating_sub(start)
    }

    fn add(&self, first: &Self::Value, second: &Self::Value) -> Self::Value {
        *first + *second
    }

    fn zero(&self) -> Self::Value {
        std::time::Duration::ZERO
    }

    fn to_f64(&self, value: &Self::Value) -> f64 {
        value.as_secs_f64() * 1e9
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        // Nanoseconds, shown as wall-clock durations are.
        static WALL_TIME: WallTime = WallTime;
        WALL_TIME.formatter()
    }
}

type Bench = Criterion<ThreadCpuTime>;

/// Validate-only collecting every violation of an invalid payload, beside `jsonschema` parsing
/// and listing every error (`iter_errors`).
fn bench_invalid_payload(criterion: &mut Bench, contract: &'static Contract) {
    let text = invalid_payload(contract);
    let bytes = text.as_bytes();
    let found = contract.validate(bytes, Options::DEFAULT).unwrap_err();
    assert_eq!(found.len(), 5, "{contract}: {found:?}");
    let schema: Value = serde_json::from_str(contract.schema()).unwrap();
    let jsonschema = jsonschema::draft202012::options().should_validate_formats(true).build(&schema).unwrap();
    let value: Value = serde_json::from_slice(bytes).unwrap();
    assert_eq!(jsonschema.iter_errors(&value).count(), 5, "{contract}");

    let mut group = criterion.benchmark_group(format!("{contract} invalid payload, 5 violations"));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("validate-only", |bench| {
        bench.iter(|| contract.validate(black_box(bytes), Options::DEFAULT));
    });
    group.bench_function("jsonschema parse+iter_errors", |bench| {
        bench.iter(|| {
            let value: Value = serde_json::from_slice(black_box(bytes)).unwrap();
            jsonschema.iter_errors(&value).count()
        });
    });
    group.finish();
}

fn bench_payload(criterion: &mut Bench, contract: &'static Contract, name: &str, text: &str) {
    let bytes = text.as_bytes();
    assert_eq!(contract.validate(bytes, Options::DEFAULT), Ok(()), "{name} is valid");
    let schema: Value = serde_json::from_str(contract.schema()).unwrap();
    let jsonschema = jsonschema::draft202012::options().should_validate_formats(true).build(&schema).unwrap();
    let reference = Reference::for_contract(contract);
    assert!(reference.findings(&serde_json::from_slice(bytes).unwrap(), false).is_empty());

    let mut group = criterion.benchmark_group(name);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("validate-only", |bench| {
        bench.iter(|| contract.validate(black_box(bytes), Options::DEFAULT));
    });
    group.bench_function("validate-and-parse", |bench| {
        bench.iter(|| Payload::parse_as(contract, black_box(bytes), Options::DEFAULT));
    });
    group.bench_function("jsonschema parse+validate", |bench| {
        bench.iter(|| {
            let value: Value = serde_json::from_slice(black_box(bytes)).unwrap();
            jsonschema.is_valid(&value)
        });
    });
    group.bench_function("serde deserialize", |bench| {
        bench.iter(|| Payload::deserialize_unvalidated(contract, black_box(bytes)).unwrap());
    });
    group.bench_function("sonic-rs parse to its DOM", |bench| {
        bench.iter(|| sonic_rs::from_slice::<sonic_rs::Value>(black_box(bytes)).unwrap());
    });
    group.finish();
}

fn benches(criterion: &mut Bench) {
    for contract in CONTRACTS {
        bench_invalid_payload(criterion, contract);
    }
    for payload in valid_payloads() {
        bench_payload(criterion, payload.contract, &payload.name, &payload.text);
    }
}

criterion_group! {
    name = validate_benches;
    config = Criterion::default().with_measurement(ThreadCpuTime).measurement_time(std::time::Duration::from_secs(4)).warm_up_time(std::time::Duration::from_secs(1));
    targets = benches
}
criterion_main!(validate_benches);
