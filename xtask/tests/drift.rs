//! `cargo xtask drift`: every contract agrees with its vendored OpenAPI as its decisions say, a
//! changed release is reported field by field, stale decisions are found, and hostile documents
//! give errors, never a panic or a hang.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::drift::{Options, Outcome, contracts_with_source, run};

use common::{copy_folder, repository_root};

fn only(contract: &str) -> Options {
    Options { contract: Some(contract.to_owned()), ..Options::default() }
}

/// The groups of a report: its field lines, which are the ones that start with `/` or `(root)`.
fn fields(report: &str) -> Vec<&str> {
    report.lines().filter(|line| line.starts_with('/') || line.starts_with("(root)")).collect()
}

#[test]
fn every_contract_with_a_source_is_clean_against_its_vendored_openapi() {
    let root = repository_root();
    let contracts = contracts_with_source(&root).unwrap();
    assert!(!contracts.is_empty(), "a contract has a vendored OpenAPI");
    for contract in contracts {
        let outcome = run(&root, &only(&contract));
        assert_eq!(
            outcome.exit_code(),
            0,
            "{contract} drifted from its vendor/:\n{}{}",
            outcome.report,
            outcome.errors.join("\n")
        );
    }
}

/// The YAML files of a folder, at any depth, in path order.
fn yaml_files(folder: &Path, files: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> =
        fs::read_dir(folder).unwrap().map(|entry| entry.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, files);
        } else if path.extension().is_some_and(|extension| extension == "yaml" || extension == "yml") {
            files.push(path);
        }
    }
}

/// Rewrites the first line of the YAML files that `change` rewrites (it returns the lines that
/// replace it), and says what it changed.
fn edit_first_line(files: &[PathBuf], change: impl Fn(&str, Option<&str>) -> Option<String>) -> String {
    for path in files {
        let text = fs::read_to_string(path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (index, line) in lines.iter().enumerate() {
            if let Some(replacement) = change(line, lines.get(index + 1).copied()) {
                let mut edited: Vec<String> = lines.iter().map(|line| (*line).to_owned()).collect();
                edited[index].clone_from(&replacement);
                fs::write(path, edited.join("\n") + "\n").unwrap();
                return format!("{}:{}: {replacement}", path.display(), index + 1);
            }
        }
    }
    panic!("no line to change in {} files", files.len());
}

fn indent(line: &str) -> &str {
    &line[..line.len() - line.trim_start().len()]
}

/// The field a test adds to a vendor document, named after no field of any contract.
const ADDED: &str = "added_by_the_test";

#[test]
fn a_changed_release_is_reported_field_by_field() {
    let root = repository_root();
    for contract in contracts_with_source(&root).unwrap() {
        let scratch = tempfile::tempdir().unwrap();
        let release = scratch.path().join("release");
        copy_folder(&root.join("schema").join(&contract).join("vendor"), &release);
        let mut files = Vec::new();
        yaml_files(&release, &mut files);
        // The first length limit grows, the first enumeration gets a value, the first string
        // allows null, and the first object gets a property.
        edit_first_line(&files, |line, _| {
            let limit: u64 = line.trim().strip_prefix("maxLength: ")?.parse().ok()?;
            Some(format!("{}maxLength: {}", indent(line), limit + 1))
        });
        edit_first_line(&files, |line, next| {
            (line.trim() == "enum:" && next?.trim_start().starts_with("- "))
                .then(|| format!("{line}\n{}- {ADDED}", indent(next.unwrap())))
        });
        edit_first_line(&files, |line, next| {
            (line.trim() == "type: string" && !next.is_some_and(|next| next.trim().starts_with("nullable")))
                .then(|| format!("{line}\n{}nullable: true", indent(line)))
        });
        edit_first_line(&files, |line, next| {
            let child = indent(next?);
            (line.trim() == "properties:" && child.len() > indent(line).len())
                .then(|| format!("{line}\n{child}{ADDED}:\n{child}  type: string"))
        });

        let drift = |extra: &[&str]| {
            Command::new(env!("CARGO_BIN_EXE_xtask"))
                .args(["drift", "--contract", &contract, "--openapi", "release"])
                .args(extra)
                .current_dir(scratch.path())
                .output()
                .unwrap()
        };
        let output = drift(&[]);
        let report = String::from_utf8(output.stdout).unwrap();
        assert_eq!(output.status.code(), Some(1), "{report}{}", String::from_utf8_lossy(&output.stderr));
        assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
        // Each change is reported, at the fields it reaches.
        for change in [
            "  unlisted  maxLength: OpenAPI ",
            "  unlisted  enum: OpenAPI ",
            "  unlisted  nullable: OpenAPI true",
        ] {
            assert!(report.contains(change), "{contract}: {change}\n{report}");
        }
        assert!(fields(&report).iter().any(|field| field.ends_with(&format!("/{ADDED}"))), "{report}");
        let unlisted = report.lines().filter(|line| line.starts_with("  unlisted ")).count();
        insta::assert_snapshot!(format!("changed_release-{contract}"), report);

        // The same differences, as entries to paste into decisions.json.
        let output = drift(&["--print-unlisted"]);
        let report = String::from_utf8(output.stdout).unwrap();
        let entries = &report[report.find("\n[").unwrap()..=report.rfind(']').unwrap()];
        let entries: Vec<serde_json::Value> = serde_json::from_str(entries).unwrap();
        assert_eq!(entries.len(), unlisted, "{report}");
        assert!(entries.iter().all(|entry| entry["decision"] == "?"));
        let first_field = fields(&report)[0];
        assert_eq!(entries[0]["pointer"], if first_field == "(root)" { "" } else { first_field });
    }
}

/// A repository with a copy of a contract, to change its decisions or documents.
fn repository_with(contract: &str) -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    let folder = format!("schema/{contract}");
    copy_folder(&repository_root().join(&folder), &copy.path().join(&folder));
    copy
}

#[test]
fn stale_and_changed_decisions_are_reported() {
    for contract in contracts_with_source(&repository_root()).unwrap() {
        let repository = repository_with(&contract);
        let path = repository.path().join("schema").join(&contract).join("decisions.json");
        let mut decisions: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        let differences = decisions["differences"].as_array_mut().unwrap();
        // One whose values changed (the difference is then unlisted, and the decision stale):
        // the first with a number on the schema's side.
        let changed = differences.iter_mut().find(|difference| difference["schema"].is_u64()).unwrap();
        changed["schema"] = serde_json::json!(changed["schema"].as_u64().unwrap() + 1);
        let changed_pointer = changed["pointer"].as_str().unwrap().to_owned();
        // A decision for a difference that does not exist, at the first listed place; one
        // naming no section.
        let first = differences[0].clone();
        differences.insert(
            0,
            serde_json::json!({"pointer": first["pointer"], "keyword": "maxLength", "openapi": 123_456,
                "schema": "(absent)", "decision": first["decision"]}),
        );
        differences.insert(
            1,
            serde_json::json!({"pointer": "/no_such_field", "keyword": "presence", "openapi": "present",
                "schema": "(absent)", "decision": "D99"}),
        );
        fs::write(&path, serde_json::to_string_pretty(&decisions).unwrap()).unwrap();
        let outcome = run(repository.path(), &only(&contract));
        assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
        assert_eq!(outcome.exit_code(), 1);
        let report = &outcome.report;
        assert!(
            report.contains("  stale     maxLength: listed as OpenAPI 123456, schema (absent)"),
            "{report}"
        );
        assert!(
            report.contains("/no_such_field\n  stale     presence: listed as only in the OpenAPI (D99)"),
            "{report}"
        );
        assert!(
            report.contains(&format!("undocumented decision \"D99\": schema/{contract}/DECISIONS.md")),
            "{report}"
        );
        let changed_lines = report
            .split(&format!("\n{}\n", if changed_pointer.is_empty() { "(root)" } else { &changed_pointer }))
            .nth(1)
            .unwrap();
        assert!(changed_lines.starts_with("  unlisted "), "{report}");
        insta::assert_snapshot!(format!("stale_decisions-{contract}"), outcome.report);
    }
}

#[test]
fn without_contract_a_release_compares_the_contracts_it_documents() {
    let contract = contracts_with_source(&repository_root()).unwrap().remove(0);
    let repository = repository_with(&contract);
    let other = repository.path().join("schema/other");
    fs::create_dir_all(&other).unwrap();
    fs::write(other.join("schema.json"), "{}").unwrap();
    fs::write(other.join("decisions.json"), r#"{"openapi": {"document": "Other.yaml", "schema": ""}}"#)
        .unwrap();
    let release = repository.path().join("schema").join(&contract).join("vendor");
    let outcome = run(repository.path(), &Options { openapi: Some(release.clone()), ..Options::default() });
    assert_eq!(outcome.exit_code(), 0, "{}{:?}", outcome.report, outcome.errors);
    assert!(
        outcome
            .report
            .contains(&format!("note: other: {}/Other.yaml does not exist; not compared", release.display()))
    );
    assert!(outcome.report.contains(&format!("{contract}: clean")), "{}", outcome.report);
    // Without --openapi, the other contract's vendor/ is read, and its absence is an error.
    let outcome = run(repository.path(), &Options::default());
    assert_eq!(outcome.exit_code(), 2);
    assert_eq!(outcome.errors, ["schema/other/vendor/Other.yaml: does not exist"]);
}

/// A repository with one contract `small`, its `schema`, and `files` in its vendor/; its source
/// is `document` at `""`.
fn small_contract(schema: &str, document: &str, files: &[(&str, String)]) -> (tempfile::TempDir, Outcome) {
    let repository = tempfile::tempdir().unwrap();
    let contract = repository.path().join("schema/small");
    fs::create_dir_all(contract.join("vendor")).unwrap();
    fs::write(contract.join("schema.json"), schema).unwrap();
    fs::write(
        contract.join("decisions.json"),
        format!(r#"{{"openapi": {{"document": {document:?}, "schema": ""}}}}"#),
    )
    .unwrap();
    for (name, text) in files {
        let path = contract.join("vendor").join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    let outcome = run(repository.path(), &only("small"));
    (repository, outcome)
}

#[test]
fn fields_of_either_side_are_reported_in_document_order() {
    let schema = r#"{"properties": {"a": {}, "x": {}, "c": {}, "y": {"type": "string"}}}"#;
    let files = [("A.yaml", "properties:\n  a: {}\n  b: {}\n  c: {}\n".to_owned())];
    let (_repository, outcome) = small_contract(schema, "A.yaml", &files);
    assert_eq!(outcome.exit_code(), 1, "{:?}", outcome.errors);
    assert_eq!(fields(&outcome.report), ["/x", "/b", "/y"], "{}", outcome.report);
    assert!(outcome.report.contains("/x\n  unlisted  presence: only in the schema\n"), "{}", outcome.report);
}

/// The errors of a contract whose schema is `{}`: there must be some.
fn hostile(document: &str, files: &[(&str, String)]) -> (tempfile::TempDir, Vec<String>) {
    let (repository, outcome) = small_contract("{}", document, files);
    assert_eq!(outcome.exit_code(), 2, "{}", outcome.report);
    (repository, outcome.errors)
}

#[test]
fn yaml_is_read_as_yaml_1_2_and_numbers_compare_by_value() {
    let schema = r#"{"type": "object", "properties": {
        "answer": {"type": "string", "enum": ["yes", "no", "on"]},
        "score": {"type": "number", "maximum": 1}}}"#;
    let files = [(
        "A.yaml",
        "type: object\nproperties:\n  answer:\n    type: string\n    enum: [yes, no, on]\n  \
         score:\n    type: number\n    maximum: 1.0\n"
            .to_owned(),
    )];
    let (_repository, outcome) = small_contract(schema, "A.yaml", &files);
    assert_eq!(outcome.exit_code(), 0, "{}{:?}", outcome.report, outcome.errors);
}

fn error_of(document: &str, files: &[(&str, String)]) -> String {
    let (_repository, errors) = hostile(document, files);
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors.into_iter().next().unwrap()
}

#[test]
fn a_ref_cycle_is_an_error() {
    let files = [
        ("A.yaml", "type: object\nproperties:\n  child:\n    $ref: sub/B.yaml\n".to_owned()),
        ("sub/B.yaml", "$ref: ../A.yaml\n".to_owned()),
    ];
    assert_eq!(
        error_of("A.yaml", &files),
        "schema/small/vendor/sub/B.yaml: at /child: $ref cycle: A.yaml -> sub/B.yaml -> A.yaml"
    );
    let files = [("Self.yaml", "$ref: '#'\n".to_owned())];
    assert_eq!(
        error_of("Self.yaml", &files),
        "schema/small/vendor/Self.yaml: at (root): $ref cycle: Self.yaml -> Self.yaml"
    );
}

#[test]
fn missing_files_are_errors_that_name_them() {
    assert_eq!(error_of("Missing.yaml", &[]), "schema/small/vendor/Missing.yaml: does not exist");
    let files = [("A.yaml", "properties:\n  x:\n    $ref: Gone.yaml\n".to_owned())];
    assert_eq!(
        error_of("A.yaml", &files),
        "schema/small/vendor/Gone.yaml: does not exist (the $ref \"Gone.yaml\" of schema/small/vendor/A.yaml at /x)"
    );
    let files = [("A.yaml", "properties:\n  x:\n    $ref: 'A.yaml#/nowhere'\n".to_owned())];
    assert_eq!(
        error_of("A.yaml", &files),
        "schema/small/vendor/A.yaml: nothing at the JSON pointer \"/nowhere\" \
         (the $ref \"A.yaml#/nowhere\" of schema/small/vendor/A.yaml at /x)"
    );
}

#[test]
fn refs_may_not_leave_the_folder() {
    for reference in
        ["../decisions.json", "sub/../../schema.json", "/etc/passwd", "https://example.com/x.yaml"]
    {
        let files = [("A.yaml", format!("properties:\n  x:\n    $ref: '{reference}'\n"))];
        let error = error_of("A.yaml", &files);
        assert!(
            error.starts_with(&format!("schema/small/vendor/A.yaml: $ref {reference:?} ")),
            "{reference}: {error}"
        );
        assert!(
            error.contains("leaves the folder") || error.contains("not a relative file reference"),
            "{error}"
        );
    }
}

#[test]
fn depth_fan_out_and_alias_bombs_are_bounded() {
    // A chain of 50 files, each a property of the one before: deeper than the limit.
    let chain: Vec<(String, String)> = (0..50)
        .map(|level| {
            (format!("L{level}.yaml"), format!("properties:\n  next:\n    $ref: L{}.yaml\n", level + 1))
        })
        .collect();
    let files: Vec<(&str, String)> = chain.iter().map(|(name, text)| (name.as_str(), text.clone())).collect();
    assert!(error_of("L0.yaml", &files).contains("nests deeper than 40 levels"));

    // Ten properties per level over eight levels name 10^8 fields through few files.
    let fan: Vec<(String, String)> = (0..8)
        .map(|level| {
            let property = format!("  p{{}}:\n    $ref: F{}.yaml\n", level + 1);
            let properties: Vec<String> =
                (0..10).map(|index| property.replace("{}", &index.to_string())).collect();
            (format!("F{level}.yaml"), format!("properties:\n{}", properties.concat()))
        })
        .chain([("F8.yaml".to_owned(), "type: string\n".to_owned())])
        .collect();
    let files: Vec<(&str, String)> = fan.iter().map(|(name, text)| (name.as_str(), text.clone())).collect();
    assert!(error_of("F0.yaml", &files).contains("more than 100000 fields"));

    // The classic YAML alias bomb: nine levels of ten aliases each.
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    let mut bomb = vec!["a: &a [x, x, x, x, x, x, x, x, x, x]".to_owned()];
    for pair in names.windows(2) {
        let aliases = vec![format!("*{}", pair[0]); 10].join(", ");
        bomb.push(format!("{}: &{} [{aliases}]", pair[1], pair[1]));
    }
    let bomb = bomb.join("\n");
    let error = error_of("Bomb.yaml", &[("Bomb.yaml", bomb)]);
    assert!(error.starts_with("schema/small/vendor/Bomb.yaml: "), "{error}");
}

#[test]
fn usage_errors() {
    let root = repository_root();
    let outcome = run(&root, &only("no-such-contract"));
    assert_eq!(outcome.exit_code(), 2);
    assert!(
        outcome.errors[0]
            .starts_with("no contract \"no-such-contract\": schema/no-such-contract/ does not exist")
    );
    let outcome = run(&root, &Options { openapi: Some("no/such/release".into()), ..Options::default() });
    assert_eq!(
        outcome.errors,
        ["no/such/release: not a folder (--openapi names a release's schemas/ folder)"]
    );
    let (_repository, errors) = hostile("../outside.yaml", &[]);
    assert_eq!(
        errors,
        [
            "schema/small/decisions.json: openapi.document \"../outside.yaml\" leaves the folder the documents are read from"
        ]
    );
}
