//! Validate-only, N times over one payload file, under the contract its shape names: the loop
//! whose instructions `valgrind --tool=callgrind` counts for the README's speed section (a count
//! that, unlike wall-clock time, is the same on every run of a shared machine). A third argument,
//! `parse` or `serde`, counts validate-and-parse (`Payload::parse_as`) or serde alone
//! (`Payload::deserialize_unvalidated`) instead.
//!
//! `cargo build --release -p webhook-tests --example validate_loop`, then
//! `valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/validate_loop
//! tests/payloads/valid/documented-example.json 4000`: the total divided by 4,000.

use std::process::ExitCode;

use fingerprint_webhook::{Contract, Options, Payload};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(count)) = (args.next(), args.next().and_then(|count| count.parse::<usize>().ok()))
    else {
        eprintln!("usage: validate_loop PAYLOAD.json COUNT [validate|parse|serde]");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("{path}: {error}");
            return ExitCode::from(2);
        }
    };
    let contract = Contract::detect(&bytes);
    let judge: fn(&Contract, &[u8]) -> bool = match args.next().as_deref() {
        None | Some("validate") => |contract, bytes| contract.validate(bytes, Options::DEFAULT).is_ok(),
        Some("parse") => |contract, bytes| Payload::parse_as(contract, bytes, Options::DEFAULT).is_ok(),
        Some("serde") => |contract, bytes| Payload::deserialize_unvalidated(contract, bytes).is_ok(),
        Some(other) => {
            eprintln!("validate_loop: {other}: expected validate, parse or serde");
            return ExitCode::from(2);
        }
    };
    let valid = (0..count).filter(|_| judge(contract, std::hint::black_box(&bytes))).count();
    println!("{valid} of {count} valid under {}", contract.name());
    ExitCode::SUCCESS
}
