//! The payloads the speed benchmarks measure, some built from a contract's constraint table,
//! shared by the criterion benchmarks (`benches/validate.rs`), the interleaved rounds
//! (`examples/paired.rs`) and the instruction-counting loop (`examples/validate_loop.rs`), so
//! that all three measure the same bytes.

use fingerprint_webhook::{CONTRACTS, Contract, Options};
use fingerprint_webhook_codegen::constraints::ConstraintRow;
use serde_json::{Value, json};

use crate::agreement::pointers;
use crate::targets;

/// The contract's example with every array of it holding three copies of its first item,
/// every string with a `maxLength` at its limit in `characters` (in turn: `é`, `€` and `🦀`
/// make 2-, 3- and 4-byte characters), and every value of any type with a limit on its JSON
/// text at that limit.
///
/// # Panics
///
/// When a limit of the contract's table does not fit a `usize`, or a `tag`-like limit is
/// below 2: no generated contract has either.
pub fn large_payload(contract: &Contract, characters: [char; 3]) -> String {
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

/// The contract's example with five violations of different kinds, each at a top-level field
/// the constraint table describes (outside any union or list): values of another JSON type, a
/// string one character past its `maxLength`, a date-time that is not one (the kinds the
/// contract has room for, in that order), and a required field removed.
///
/// # Panics
///
/// When the contract has no required top-level field, or not four other top-level fields
/// to break.
pub fn invalid_payload(contract: &Contract) -> String {
    let rows = targets::table(contract);
    let mut payload = targets::example(contract);
    let top_level = |row: &&ConstraintRow| {
        row.pointer.matches('/').count() == 1 && row.collapse.is_none() && row.values.is_none()
    };
    // The wrong values a row can take, if any, in the order they are tried.
    let breaks: [fn(&ConstraintRow) -> Option<Value>; 5] = [
        |row| (row.json_type == "boolean").then(|| json!("yes")),
        |row| (row.json_type == "integer").then(|| json!("12")),
        |row| {
            let limit = usize::try_from(row.max_length?).ok()?;
            (row.json_type == "string" && row.format.is_none()).then(|| json!("x".repeat(limit + 1)))
        },
        |row| (row.format == Some("date-time")).then(|| json!("yesterday")),
        |row| (row.json_type == "string").then(|| json!(12)),
    ];
    let missing = rows
        .iter()
        .filter(top_level)
        .find(|row| row.required)
        .unwrap_or_else(|| panic!("{contract}: no required field"));
    payload.as_object_mut().unwrap().remove(&missing.pointer[1..]);
    let mut used = vec![missing.pointer.clone()];
    for wrong in breaks.iter().cycle().take(20) {
        if used.len() == 5 {
            break;
        }
        let place = rows.iter().filter(top_level).find(|row| {
            !used.contains(&row.pointer) && payload.pointer(&row.pointer).is_some() && wrong(row).is_some()
        });
        if let Some(row) = place {
            *payload.pointer_mut(&row.pointer).unwrap() = wrong(row).unwrap();
            used.push(row.pointer.clone());
        }
    }
    assert_eq!(used.len(), 5, "{contract}: four fields to break beside the missing one");
    serde_json::to_string_pretty(&payload).unwrap()
}

/// A valid payload the benchmarks measure, under the contract it is judged by.
pub struct BenchPayload {
    /// `<contract> <name>`: the benchmark group's name.
    pub name: String,
    /// The contract it is valid under.
    pub contract: &'static Contract,
    /// Its text.
    pub text: String,
}

/// Every valid payload the benchmarks measure: for each contract, its example (`documented
/// example`) and the two payloads at its limits (`large payload`, `ASCII at limits`); the
/// project's payload files (`payload <file>`, the seed page's example among them), each under
/// the contract its shape names; and each real payload in `../shared/fingerprint-examples/`
/// (`real <file>`) that is valid under the contract its shape names: the shapes of real
/// deliveries, with their undocumented fields and their order of keys.
///
/// # Panics
///
/// When the project's payload folder is missing, a payload file cannot be read, or one of the
/// project's payloads is not valid.
#[must_use]
pub fn valid_payloads() -> Vec<BenchPayload> {
    let mut payloads = Vec::new();
    let mut add = |contract: &'static Contract, name: &str, text: String| {
        payloads.push(BenchPayload { name: format!("{contract} {name}"), contract, text });
    };
    for contract in CONTRACTS {
        add(contract, "documented example", contract.example().to_owned());
        add(contract, "large payload", large_payload(contract, ['é', '€', '🦀']));
        add(contract, "ASCII at limits", large_payload(contract, ['a', 'b', 'c']));
    }
    let project = crate::repository_root().join("tests/payloads/valid");
    assert!(project.is_dir(), "{}: the project's payloads are missing", project.display());
    for file in files_in(&project) {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = format!("payload {}", file.file_name().unwrap().to_string_lossy());
        add(Contract::detect(text.as_bytes()), &name, text);
    }
    for file in files_in(&crate::repository_root().join("../shared/fingerprint-examples")) {
        let text = std::fs::read_to_string(&file).unwrap();
        let contract = Contract::detect(text.as_bytes());
        if contract.validate(text.as_bytes(), Options::DEFAULT).is_ok() {
            add(contract, &format!("real {}", file.file_name().unwrap().to_string_lossy()), text);
        }
    }
    for payload in &payloads {
        assert_eq!(
            payload.contract.validate(payload.text.as_bytes(), Options::DEFAULT),
            Ok(()),
            "{}",
            payload.name
        );
    }
    payloads
}

/// The `.json` files of `folder`, sorted; none when it cannot be read (the real payloads live
/// beside the repository, and may not be there; the project's own are checked first).
fn files_in(folder: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .map(|entries| entries.filter_map(Result::ok).map(|entry| entry.path()).collect())
        .unwrap_or_default();
    files.retain(|file| file.extension().is_some_and(|extension| extension == "json"));
    files.sort();
    files
}

/// The beginnings of the names of the benchmark groups that issue 12's first target names: the
/// seed page's example ("documented example, 1.4 KB"), each contract's example and ASCII
/// payload, the real 2025 legacy payload with many undocumented fields (07) and the real event
/// payloads. The list, one a line, is `benches/named-by-target-one.txt`, which
/// `benches/ratios.py` reads too.
pub fn named_by_target_one() -> impl Iterator<Item = &'static str> {
    include_str!("../benches/named-by-target-one.txt").lines().filter(|prefix| !prefix.is_empty())
}
