//! Arbitrary bytes through the generated validator: it must not panic, and whenever serde_json
//! reads the bytes, its verdict and findings must match the jsonschema crate's (see
//! `webhook_tests::agreement::check_agreement`).

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use webhook_tests::agreement::{Reference, check_agreement};

static REFERENCE: LazyLock<Reference> = LazyLock::new(Reference::default);

fuzz_target!(|bytes: &[u8]| {
    if let Err(disagreement) = check_agreement(&REFERENCE, bytes) {
        panic!("{disagreement}");
    }
});
