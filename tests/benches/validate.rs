//! Speed of the generated validators next to what a user would pick instead, in one run, for
//! every contract: the `jsonschema` crate parsing and validating the same bytes against the
//! canonical schema (formats asserted), and plain serde deserialization into the same generated
//! types (no validation).
//!
//! Each contract is measured on its example and on a large payload derived from its constraint
//! table, in groups named `<contract> documented example` and `<contract> large payload`; and
//! on each of the project's valid payload files (`<contract> payload <file>`), the seed page's
//! documented example among them.
//! The typed paths go through [`Payload::parse_as`] and [`Payload::deserialize_unvalidated`],
//! which pick the contract's module at run time and box its root value: a few nanoseconds
//! beside the microseconds measured, and the same for both.
//!
//! `cargo bench -p webhook-tests --bench validate`, then `python3 tests/benches/ratios.py` for
//! the table of ratios in the README.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fingerprint_webhook::{CONTRACTS, Contract, Options, Payload};
use serde_json::{Value, json};
use webhook_tests::agreement::{Reference, pointers};
use webhook_tests::targets;

/// The contract's example with every array of it holding three copies of its first item,
/// every string with a `maxLength` at its limit in multi-byte characters (2, 3 and 4 bytes in
/// turn), and every value of any type with a limit on its JSON text at that limit.
fn large_payload(contract: &Contract) -> String {
    let rows = targets::table(contract);
    let mut payload = targets::example(contract);
    for row in rows.iter().filter(|row| row.json_type == "array" && row.range.is_none()) {
        for at in pointers(&payload).into_iter().filter(|at| targets::matches(&row.pointer, at)) {
            if let Some(Value::Array(items)) = payload.pointer_mut(&at)
                && let Some(first) = items.first().cloned()
            {
                *items = vec![first.clone(), first.clone(), first];
            }
        }
    }
    let characters = ['é', '€', '🦀'];
    for (index, row) in rows.iter().enumerate() {
        let Some(limit) = row.max_length else { continue };
        let limit = usize::try_from(limit).unwrap();
        let value = match row.json_type {
            "string" => json!(std::iter::repeat_n(characters[index % 3], limit).collect::<String>()),
            // A string of n characters takes n + 2 in canonical JSON text: limit - 2 makes limit.
            "any" => json!("ü".repeat(limit - 2)),
            _ => continue,
        };
        for at in pointers(&payload).into_iter().filter(|at| targets::matches(&row.pointer, at)) {
            *payload.pointer_mut(&at).unwrap() = value.clone();
        }
    }
    serde_json::to_string_pretty(&payload).unwrap()
}

fn bench_payload(criterion: &mut Criterion, contract: &'static Contract, name: &str, text: &str) {
    let bytes = text.as_bytes();
    let name = format!("{contract} {name}");
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
    group.finish();
}

fn benches(criterion: &mut Criterion) {
    for contract in CONTRACTS {
        bench_payload(criterion, contract, "documented example", contract.example());
        bench_payload(criterion, contract, "large payload", &large_payload(contract));
    }
    // The project's payload files (the seed page's example among them), each under the
    // contract its shape names.
    let folder = webhook_tests::repository_root().join("tests/payloads/valid");
    let mut files: Vec<_> = std::fs::read_dir(&folder).unwrap().map(|entry| entry.unwrap().path()).collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = format!("payload {}", file.file_name().unwrap().to_string_lossy());
        bench_payload(criterion, Contract::detect(text.as_bytes()), &name, &text);
    }
}

criterion_group! {
    name = validate_benches;
    config = Criterion::default().measurement_time(std::time::Duration::from_secs(4)).warm_up_time(std::time::Duration::from_secs(1));
    targets = benches
}
criterion_main!(validate_benches);
