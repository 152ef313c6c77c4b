//! Validate-only, N times over one payload file, under the contract its shape names: the loop
//! whose instructions `valgrind --tool=callgrind` counts for the README's speed section (a count
//! that, unlike wall-clock time, is the same on every run of a shared machine). A third argument,
//! `parse`, `serde` or `sonic`, counts validate-and-parse (`Payload::parse_as`), serde alone
//! (`Payload::deserialize_unvalidated`) or sonic-rs parsing to its DOM instead.
//!
//! The payload is a file, or one the benchmarks build: `large:<contract>` (every documented string
//! at its limit in multibyte characters), `ascii:<contract>` (the same in ASCII) or
//! `invalid:<contract>` (five violations), under that contract.
//!
//! `cargo build --release -p webhook-tests --example validate_loop`, then
//! `valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/validate_loop
//! tests/payloads/valid/documented-example.json 4000`: the total divided by 4,000.

use std::process::ExitCode;

use fingerprint_webhook::{CONTRACTS, Contract, Options, Payload};
use webhook_tests::bench_payloads::{invalid_payload, large_payload};

/// The bytes `argument` names and the contract to judge them under: a file's under the contract
/// its shape names, or a generated payload's under the contract it is built from.
fn payload(argument: &str) -> Result<(Vec<u8>, &'static Contract), String> {
    if let Some((kind, name)) = argument.split_once(':')
        && let Some(contract) = CONTRACTS.iter().find(|contract| contract.name() == name)
    {
        let text = match kind {
            "large" => large_payload(contract, ['é', '€', '🦀']),
            "ascii" => large_payload(contract, ['a', 'b', 'c']),
            "invalid" => invalid_payload(contract),
            _ => {
                return Err(format!(
                    "{argument}: expected large:, ascii: or invalid: before a contract's name"
                ));
            }
        };
        return Ok((text.into_bytes(), contract));
    }
    let bytes = std::fs::read(argument).map_err(|error| format!("{argument}: {error}"))?;
    let contract = Contract::detect(&bytes);
    Ok((bytes, contract))
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(count)) = (args.next(), args.next().and_then(|count| count.parse::<usize>().ok()))
    else {
        eprintln!(
            "usage: validate_loop PAYLOAD.json|large:C|ascii:C|invalid:C COUNT [validate|parse|serde|sonic]"
        );
        return ExitCode::from(2);
    };
    let (bytes, contract) = match payload(&path) {
        Ok(found) => found,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let judge: fn(&Contract, &[u8]) -> bool = match args.next().as_deref() {
        None | Some("validate") => |contract, bytes| contract.validate(bytes, Options::DEFAULT).is_ok(),
        Some("parse") => |contract, bytes| Payload::parse_as(contract, bytes, Options::DEFAULT).is_ok(),
        Some("serde") => |contract, bytes| Payload::deserialize_unvalidated(contract, bytes).is_ok(),
        Some("sonic") => |_, bytes| sonic_rs::from_slice::<sonic_rs::Value>(bytes).is_ok(),
        Some(other) => {
            eprintln!("validate_loop: {other}: expected validate, parse, serde or sonic");
            return ExitCode::from(2);
        }
    };
    let valid = (0..count).filter(|_| judge(contract, std::hint::black_box(&bytes))).count();
    println!("{valid} of {count} valid under {}", contract.name());
    ExitCode::SUCCESS
}
