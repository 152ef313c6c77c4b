//! Speed of the generated validators next to what a user would pick instead, in one run: the
//! `jsonschema` crate parsing and validating the same bytes against the canonical schema (formats
//! asserted), and plain serde deserialization into the same generated types (no validation).
//!
//! `cargo bench -p webhook-tests --bench validate`, then `python3 tests/benches/ratios.py` for
//! the table of ratios in the README.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fingerprint_webhook::identification_webhook::{IdentificationWebhook, parse, validate};
use fingerprint_webhook::{Contract, Options};
use fingerprint_webhook_codegen::constraints;
use fingerprint_webhook_codegen::model::Model;
use serde_json::{Value, json};
use webhook_tests::agreement::Reference;
use webhook_tests::read_repository_file;

/// The legacy contract's schema (the benchmarks measure that contract).
const CANONICAL_SCHEMA: &str = "schema/identification-webhook/schema.json";

fn documented_example() -> String {
    read_repository_file("schema/identification-webhook/example.json")
}

/// The documented example with every documented string at its `maxLength` in multi-byte
/// characters (2, 3 and 4 bytes in turn), three subdivisions, and a tag at its limit.
fn large_payload() -> String {
    let model = Model::read(&read_repository_file(CANONICAL_SCHEMA), "IdentificationWebhook").unwrap();
    let mut payload: Value = serde_json::from_str(&documented_example()).unwrap();
    let subdivision = payload["ipLocation"]["subdivisions"][0].clone();
    payload["ipLocation"]["subdivisions"] = json!([subdivision.clone(), subdivision.clone(), subdivision]);
    let characters = ['é', '€', '🦀'];
    for (index, row) in constraints::rows(&model).iter().enumerate() {
        let (Some(limit), "string") = (row.max_length, row.json_type) else { continue };
        let text: String =
            std::iter::repeat_n(characters[index % 3], usize::try_from(limit).unwrap()).collect();
        for item in 0..3 {
            let pointer = row.pointer.replace('*', &item.to_string());
            if let Some(slot) = payload.pointer_mut(&pointer) {
                *slot = json!(text);
            }
        }
    }
    // A string of n characters takes n + 2 in canonical JSON text: 4094 makes 4096.
    payload["tag"] = json!("ü".repeat(4094));
    serde_json::to_string_pretty(&payload).unwrap()
}

fn bench_payload(criterion: &mut Criterion, name: &str, text: &str, reference: &Reference) {
    let bytes = text.as_bytes();
    assert_eq!(validate(bytes, Options::DEFAULT), Ok(()), "{name} is valid");
    let schema: Value = serde_json::from_str(&read_repository_file(CANONICAL_SCHEMA)).unwrap();
    let jsonschema = jsonschema::draft202012::options().should_validate_formats(true).build(&schema).unwrap();
    assert!(reference.findings(&serde_json::from_slice(bytes).unwrap(), false).is_empty());

    let mut group = criterion.benchmark_group(name);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group
        .bench_function("validate-only", |bench| bench.iter(|| validate(black_box(bytes), Options::DEFAULT)));
    group.bench_function("validate-and-parse", |bench| {
        bench.iter(|| parse(black_box(bytes), Options::DEFAULT));
    });
    group.bench_function("jsonschema parse+validate", |bench| {
        bench.iter(|| {
            let value: Value = serde_json::from_slice(black_box(bytes)).unwrap();
            jsonschema.is_valid(&value)
        });
    });
    group.bench_function("serde deserialize", |bench| {
        bench.iter(|| serde_json::from_slice::<IdentificationWebhook>(black_box(bytes)).unwrap());
    });
    group.finish();
}

fn benches(criterion: &mut Criterion) {
    let reference = Reference::for_contract(Contract::named("identification-webhook").unwrap());
    bench_payload(criterion, "documented example", &documented_example(), &reference);
    bench_payload(criterion, "large payload", &large_payload(), &reference);
}

criterion_group! {
    name = validate_benches;
    config = Criterion::default().measurement_time(std::time::Duration::from_secs(4)).warm_up_time(std::time::Duration::from_secs(1));
    targets = benches
}
criterion_main!(validate_benches);
