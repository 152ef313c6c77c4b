//! Arbitrary bytes through every contract's generated validator: it must not panic, and whenever
//! serde_json reads the bytes, its verdict and findings must match the jsonschema crate's (see
//! `webhook_tests::agreement::check_agreement`); detecting the contract must not panic either.
//! Validate-and-parse, which reads the input as text when it is UTF-8 and byte by byte when it
//! is not, must find exactly what validate-only finds.

#![no_main]

use std::sync::LazyLock;

use fingerprint_webhook::{CONTRACTS, Contract, Options, Payload};
use libfuzzer_sys::fuzz_target;
use webhook_tests::agreement::{Reference, check_agreement};

static REFERENCES: LazyLock<Vec<Reference>> =
    LazyLock::new(|| CONTRACTS.iter().map(Reference::for_contract).collect());

fuzz_target!(|bytes: &[u8]| {
    let _ = Contract::detect(bytes);
    for (contract, reference) in CONTRACTS.iter().zip(REFERENCES.iter()) {
        if let Err(disagreement) = check_agreement(contract, reference, bytes) {
            panic!("{}: {disagreement}", contract.name());
        }
        let parsed = Payload::parse_as(contract, bytes, Options::DEFAULT).err();
        assert_eq!(
            parsed,
            contract.validate(bytes, Options::DEFAULT).err(),
            "{}: parse and validate",
            contract.name()
        );
    }
});
