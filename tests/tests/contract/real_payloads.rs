//! Every real payload Fingerprint has published (`../shared/fingerprint-examples/`, read where it
//! is, never copied into the repository), judged under the contract its shape names: valid, or
//! with exactly the deviations its contract's `decisions.json` lists under
//! `real_payload_deviations`; the verdicts are a snapshot, so which contract each file falls
//! under, and why it deviates, is reviewed. The generated validators agree with the `jsonschema`
//! crate on each of them, and on mutations of each (`agreement.rs`).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;

use fingerprint_webhook::{CONTRACTS, Contract, Options};
use serde_json::Value;
use webhook_tests::agreement::check_agreement;
use webhook_tests::{contract_file, read_repository_file, repository_root};

use crate::agreement::reference;

/// The folder of the published payloads, beside the repository.
fn examples_folder() -> PathBuf {
    let folder =
        repository_root().parent().expect("the repository has a parent").join("shared/fingerprint-examples");
    assert!(
        folder.is_dir(),
        "{} is missing: the real payloads are read from the shared folder beside the repository",
        folder.display()
    );
    folder
}

/// Every published payload, by file name, in name order.
pub(crate) fn real_payloads() -> Vec<(String, String)> {
    let mut payloads: Vec<(String, String)> = std::fs::read_dir(examples_folder())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "json"))
        .map(|path| {
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&path).unwrap(),
            )
        })
        .collect();
    payloads.sort();
    assert!(payloads.len() >= 10, "the shared folder holds the published payloads");
    payloads
}

/// `(file, pointer, keyword)` of a deviation, as `decisions.json` lists it: a missing field at
/// the object that misses it, as JSON Schema reports `required`.
type Deviation = (String, String, String);

/// The deviations a contract's `decisions.json` expects of the real payloads.
fn listed_deviations(contract: &Contract) -> BTreeSet<Deviation> {
    let path = contract_file(contract, "decisions.json");
    if !repository_root().join(&path).is_file() {
        return BTreeSet::new();
    }
    let decisions: Value = serde_json::from_str(&read_repository_file(&path)).unwrap();
    decisions["real_payload_deviations"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|deviation| {
            let text = |key: &str| deviation[key].as_str().unwrap().to_owned();
            (text("file"), text("pointer"), text("keyword"))
        })
        .collect()
}

#[test]
fn every_published_payload_is_valid_under_its_contract_or_deviates_as_listed() {
    let mut found: Vec<BTreeSet<Deviation>> = vec![BTreeSet::new(); CONTRACTS.len()];
    let mut shown = String::new();
    for (file, text) in real_payloads() {
        let contract = Contract::detect(text.as_bytes());
        let index = CONTRACTS.iter().position(|known| known == contract).unwrap();
        match contract.validate(text.as_bytes(), Options::DEFAULT) {
            Ok(()) => {
                let _ = writeln!(shown, "{file}: valid under {contract}");
            }
            Err(violations) => {
                let _ = writeln!(shown, "{file}: under {contract}, {violations}");
                for violation in &violations {
                    let pointer = violation.pointer();
                    let at = if violation.keyword().as_str() == "required" {
                        pointer.rsplit_once('/').map_or("", |(parent, _)| parent)
                    } else {
                        pointer
                    };
                    found[index].insert((
                        file.clone(),
                        at.to_owned(),
                        violation.keyword().as_str().to_owned(),
                    ));
                }
            }
        }
    }
    for (contract, found) in CONTRACTS.iter().zip(found) {
        assert_eq!(
            found,
            listed_deviations(contract),
            "{}: the deviations of the real payloads",
            contract.name()
        );
    }
    insta::assert_snapshot!(shown);
}

#[test]
fn both_validators_agree_on_every_published_payload() {
    for (file, text) in real_payloads() {
        for contract in CONTRACTS {
            if let Err(disagreement) = check_agreement(contract, reference(contract), text.as_bytes()) {
                panic!("{file} under {}: {disagreement}", contract.name());
            }
        }
    }
}

#[test]
fn every_published_payload_round_trips_under_its_contract_where_valid() {
    for (file, text) in real_payloads() {
        let Ok(parsed) = fingerprint_webhook::parse_detected(text.as_bytes(), Options::DEFAULT) else {
            continue;
        };
        let input: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(serde_json::to_value(&parsed).unwrap(), input, "{file} under {}", parsed.contract());
    }
}
