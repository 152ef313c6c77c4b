//! `cargo xtask drift --openapi DIR` on the vendor's published releases (`../shared/
//! fingerprint-openapi/`, read where they are): every contract is clean against the release it
//! was transcribed from, and a release that does not document a contract skips it.

mod common;

use std::path::PathBuf;

use xtask::drift::{Options, contracts_with_source, run};

use common::repository_root;

/// The `schemas/` folder of every release beside the repository, in name order.
fn releases() -> Vec<PathBuf> {
    let folder = repository_root().parent().unwrap().join("shared/fingerprint-openapi");
    assert!(folder.is_dir(), "{} is missing: the releases are read from the shared folder", folder.display());
    let mut releases: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path().join("schemas"))
        .filter(|schemas| schemas.is_dir())
        .collect();
    releases.sort();
    assert!(releases.len() >= 2, "{releases:?}");
    releases
}

#[test]
fn every_contract_is_clean_against_the_release_it_was_transcribed_from() {
    let root = repository_root();
    let contracts = contracts_with_source(&root).unwrap();
    assert!(contracts.len() >= 2, "{contracts:?}");
    for contract in contracts {
        let mut clean_in = Vec::new();
        for release in releases() {
            let options = Options {
                contract: Some(contract.clone()),
                openapi: Some(release.clone()),
                ..Options::default()
            };
            let outcome = run(&root, &options);
            match outcome.exit_code() {
                0 => clean_in.push(release),
                // A release without the contract's document: an error naming it, nothing compared.
                2 => assert!(
                    outcome.errors.iter().all(|error| error.contains("does not exist")),
                    "{:?}",
                    outcome.errors
                ),
                _ => {}
            }
        }
        assert_eq!(clean_in.len(), 1, "{contract} is clean against exactly its own release: {clean_in:?}");
    }
}

#[test]
fn a_release_compares_the_contracts_it_documents_and_skips_the_others() {
    let root = repository_root();
    for release in releases() {
        let outcome = run(&root, &Options { openapi: Some(release.clone()), ..Options::default() });
        assert_eq!(outcome.exit_code(), 0, "{}: {}{:?}", release.display(), outcome.report, outcome.errors);
        assert!(outcome.report.contains("not compared"), "{}", outcome.report);
    }
}
