//! The freshness check: the checked-in machine-written files match the schema, and the check
//! catches every way they can stop matching.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use xtask::contracts::{discover, path};
use xtask::{
    CODEGEN_FIXTURES_DIR, COMMAND, EXAMPLE_FILE, Error, FIXTURES_FOLDER, GENERATED_DIR, SCHEMA_FILE,
    STRICT_SCHEMA_FILE, TEST_SUITE_DIR, check, write,
};

use common::{copy_folder, repository_root};

/// A temporary copy of what generation reads and writes: `schema/`, the codegen fixtures, the
/// vendored JSON-Schema-Test-Suite files and the generated folder, at every depth.
fn copy_of_repository() -> tempfile::TempDir {
    let copy = tempfile::tempdir().unwrap();
    let root = repository_root();
    for folder in ["schema", CODEGEN_FIXTURES_DIR, TEST_SUITE_DIR, GENERATED_DIR] {
        copy_folder(&root.join(folder), &copy.path().join(folder));
    }
    copy
}

fn stale_paths(error: &Error) -> Vec<&str> {
    match error {
        Error::Stale(files) => files.iter().map(|file| file.path.as_str()).collect(),
        other => panic!("expected stale files, got: {other}"),
    }
}

#[test]
fn checked_in_generated_files_match_the_schema() {
    if let Err(error) = check(&repository_root()) {
        panic!("{error}");
    }
}

/// The first contract whose schema has a `maxLength`, and that schema's text.
fn contract_with_a_max_length(root: &Path) -> (String, String, PathBuf) {
    for contract in discover(root).unwrap() {
        let schema_path = root.join(path(&contract.name, SCHEMA_FILE));
        let schema = fs::read_to_string(&schema_path).unwrap();
        if schema.contains("\"maxLength\": ") {
            return (contract.name, schema, schema_path);
        }
    }
    panic!("no contract has a maxLength");
}

#[test]
fn check_fails_after_a_hand_edit_of_a_generated_file() {
    let copy = copy_of_repository();
    let module = &discover(copy.path()).unwrap()[0].module;
    let types = copy.path().join(GENERATED_DIR).join(module).join("types.rs");
    let mut edited = fs::read_to_string(&types).unwrap();
    edited.push_str("// a hand edit\n");
    fs::write(&types, edited).unwrap();

    let error = check(copy.path()).unwrap_err();
    assert_eq!(stale_paths(&error), [format!("{GENERATED_DIR}/{module}/types.rs")]);
    let message = error.to_string();
    assert!(message.contains("-// a hand edit"), "the diff shows the hand edit:\n{message}");
    assert!(message.contains(&format!("run `{COMMAND}`")), "the message names the command:\n{message}");
}

#[test]
fn check_fails_after_a_schema_edit_without_regeneration() {
    let copy = copy_of_repository();
    let (name, schema, schema_path) = contract_with_a_max_length(copy.path());
    let at = schema.find("\"maxLength\": ").unwrap() + "\"maxLength\": ".len();
    let digits = schema[at..].find(|c: char| !c.is_ascii_digit()).unwrap();
    let limit: u64 = schema[at..at + digits].parse().unwrap();
    let edited = format!("{}{}{}", &schema[..at], limit + 1, &schema[at + digits..]);
    fs::write(&schema_path, edited).unwrap();

    let error = check(copy.path()).unwrap_err();
    let stale = stale_paths(&error);
    let module = name.replace('-', "_");
    for expected in [
        format!("{GENERATED_DIR}/{module}/types.rs"),
        format!("{GENERATED_DIR}/{module}/validators.rs"),
        path(&name, STRICT_SCHEMA_FILE),
        // The maxLength boundaries follow the limit.
        path(&name, &format!("{FIXTURES_FOLDER}/max-length.json")),
    ] {
        assert!(stale.contains(&expected.as_str()), "{expected} is stale: {stale:?}");
    }
    assert!(
        stale.iter().all(|stale| stale.starts_with(GENERATED_DIR) || stale.starts_with(&path(&name, "")))
    );
    assert!(error.to_string().contains(&format!("Some({})", limit + 1)), "{error}");

    // Regenerating makes the copy fresh again, and a second run writes nothing.
    let written = write(copy.path()).unwrap();
    assert_eq!(written, stale.iter().map(|path| (*path).to_owned()).collect::<Vec<_>>());
    check(copy.path()).unwrap();
    assert!(write(copy.path()).unwrap().is_empty());
}

#[test]
fn check_reports_missing_and_leftover_files() {
    let copy = copy_of_repository();
    fs::remove_file(copy.path().join(GENERATED_DIR).join("mod.rs")).unwrap();
    fs::write(copy.path().join(GENERATED_DIR).join("old.rs"), "// a file the generator no longer writes\n")
        .unwrap();

    let error = check(copy.path()).unwrap_err();
    assert_eq!(stale_paths(&error), [format!("{GENERATED_DIR}/mod.rs"), format!("{GENERATED_DIR}/old.rs")]);
    let message = error.to_string();
    assert!(message.contains("the file is missing"), "{message}");
    assert!(message.contains("no longer produces this file"), "{message}");

    write(copy.path()).unwrap();
    check(copy.path()).unwrap();
}

#[test]
fn an_unsupported_schema_fails_with_its_pointer_and_writes_nothing() {
    let copy = copy_of_repository();
    let (name, schema, schema_path) = contract_with_a_max_length(copy.path());
    let edited = schema.replacen("\"maxLength\": ", "\"pattern\": \"^[0-9.]+$\", \"maxLength\": ", 1);
    fs::write(&schema_path, edited).unwrap();
    let types = copy.path().join(GENERATED_DIR).join(name.replace('-', "_")).join("types.rs");
    let before = fs::read_to_string(&types).unwrap();

    let error = write(copy.path()).unwrap_err();
    assert!(matches!(&error, Error::Schema { path: at, .. } if *at == path(&name, SCHEMA_FILE)), "{error}");
    let message = error.to_string();
    assert!(
        message.contains("/pattern") && message.contains("the keyword `pattern` is not supported"),
        "{message}"
    );
    assert_eq!(fs::read_to_string(&types).unwrap(), before);
}

/// Adds a documented field to a contract's schema and example, as a maintainer would.
fn add_field(root: &Path, name: &str, in_example: bool) {
    let schema_path = root.join(path(name, SCHEMA_FILE));
    let mut schema: Value = serde_json::from_str(&fs::read_to_string(&schema_path).unwrap()).unwrap();
    schema["properties"]["addedField"] = serde_json::json!({
        "title": "Added field", "description": "A field the vendor added.", "type": "string", "maxLength": 12
    });
    fs::write(&schema_path, serde_json::to_string_pretty(&schema).unwrap()).unwrap();
    if in_example {
        let example_path = root.join(path(name, EXAMPLE_FILE));
        let mut example: Value = serde_json::from_str(&fs::read_to_string(&example_path).unwrap()).unwrap();
        example["addedField"] = serde_json::json!("added");
        fs::write(&example_path, serde_json::to_string_pretty(&example).unwrap()).unwrap();
    }
}

#[test]
fn a_field_added_to_a_schema_and_its_example_regenerates_only_machine_written_files() {
    for contract in discover(&repository_root()).unwrap() {
        let copy = copy_of_repository();
        add_field(copy.path(), &contract.name, true);
        let written = write(copy.path()).unwrap();
        assert!(
            written
                .iter()
                .all(|file| file.starts_with(GENERATED_DIR) || file.starts_with(&path(&contract.name, ""))),
            "{written:?}"
        );
        let fixtures = fs::read_to_string(
            copy.path().join(path(&contract.name, &format!("{FIXTURES_FOLDER}/max-length.json"))),
        )
        .unwrap();
        assert!(fixtures.contains("/addedField: maxLength 12"), "the new field has its fixtures");
        check(copy.path()).unwrap();
    }
}

#[test]
fn a_field_the_example_lacks_fails_generation_saying_what_to_add() {
    let copy = copy_of_repository();
    let name = discover(copy.path()).unwrap()[0].name.clone();
    add_field(copy.path(), &name, false);
    let error = write(copy.path()).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("example.json lacks 1 value(s) that the fixture rules change: /addedField"),
        "{message}"
    );
    assert!(message.contains("Add each to the example"), "{message}");
}

#[test]
fn a_new_contract_folder_gets_its_module_strict_schema_fixtures_and_registry_entry() {
    let copy = copy_of_repository();
    let source = discover(copy.path()).unwrap()[0].name.clone();
    let folder = copy.path().join("schema/added-contract");
    fs::create_dir_all(&folder).unwrap();
    for file in [SCHEMA_FILE, EXAMPLE_FILE] {
        fs::copy(copy.path().join(path(&source, file)), folder.join(file)).unwrap();
    }
    let written = write(copy.path()).unwrap();
    for expected in [
        format!("{GENERATED_DIR}/added_contract/mod.rs"),
        format!("{GENERATED_DIR}/added_contract/types.rs"),
        format!("{GENERATED_DIR}/added_contract/validators.rs"),
        format!("{GENERATED_DIR}/contracts.rs"),
        format!("{GENERATED_DIR}/mod.rs"),
        path("added-contract", STRICT_SCHEMA_FILE),
        path("added-contract", &format!("{FIXTURES_FOLDER}/example.json")),
    ] {
        assert!(written.contains(&expected), "{expected} is written: {written:?}");
    }
    let registry = fs::read_to_string(copy.path().join(GENERATED_DIR).join("contracts.rs")).unwrap();
    assert!(registry.contains("name: \"added-contract\""), "{registry}");
    assert!(registry.contains("AddedContract(Box<super::added_contract::AddedContract>)"), "{registry}");
    check(copy.path()).unwrap();

    // A folder name that cannot be a module is refused, naming the folder.
    fs::create_dir_all(copy.path().join("schema/Not_A_Name")).unwrap();
    fs::copy(folder.join(SCHEMA_FILE), copy.path().join("schema/Not_A_Name").join(SCHEMA_FILE)).unwrap();
    let error = write(copy.path()).unwrap_err().to_string();
    assert!(error.starts_with("schema/Not_A_Name: a contract's folder name"), "{error}");
}

#[test]
fn the_idempotency_keyword_must_name_a_required_string_field_of_the_root() {
    let copy = copy_of_repository();
    let name = discover(copy.path()).unwrap()[0].name.clone();
    let schema_path = copy.path().join(path(&name, SCHEMA_FILE));
    let schema: Value = serde_json::from_str(&fs::read_to_string(&schema_path).unwrap()).unwrap();
    let required: Vec<&str> =
        schema["required"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    let properties = schema["properties"].as_object().unwrap();
    let optional = properties.keys().find(|key| !required.contains(&key.as_str())).unwrap();
    let not_a_string = properties
        .iter()
        .find(|(key, property)| required.contains(&key.as_str()) && property["type"] != "string")
        .map(|(key, _)| key)
        .unwrap();
    let cases = [
        (Value::from("noSuchField"), "which the root does not declare"),
        (Value::from(optional.as_str()), "which the root does not require"),
        (Value::from(not_a_string.as_str()), "whose schema does not say"),
        (Value::from(3), "is 3, not a field name"),
    ];
    for (named, reason) in cases {
        let mut edited = schema.clone();
        edited["x-fingerprint-idempotency-key"] = named;
        fs::write(&schema_path, serde_json::to_string_pretty(&edited).unwrap()).unwrap();
        let error = write(copy.path()).unwrap_err().to_string();
        assert!(error.contains("schema.json#/x-fingerprint-idempotency-key"), "{error}");
        assert!(error.contains(reason), "{error}");
    }
    // Without the keyword, the contract names no delivery id.
    let mut without = schema.clone();
    without.as_object_mut().unwrap().remove("x-fingerprint-idempotency-key");
    fs::write(&schema_path, serde_json::to_string_pretty(&without).unwrap()).unwrap();
    write(copy.path()).unwrap();
    let registry = fs::read_to_string(copy.path().join(GENERATED_DIR).join("contracts.rs")).unwrap();
    assert!(registry.contains("idempotency_key: None,"), "{registry}");
}

#[test]
fn the_unix_time_keyword_must_say_milliseconds_on_an_integer() {
    let copy = copy_of_repository();
    let name = discover(copy.path()).unwrap()[0].name.clone();
    let schema_path = copy.path().join(path(&name, SCHEMA_FILE));
    let schema: Value = serde_json::from_str(&fs::read_to_string(&schema_path).unwrap()).unwrap();
    let properties = schema["properties"].as_object().unwrap();
    let string = properties.iter().find(|(_, property)| property["type"] == "string").unwrap().0;
    let integer = properties.iter().find(|(_, property)| property["type"] == "integer").unwrap().0;
    let cases = [
        (string, Value::from("milliseconds"), "whose type is not `integer`"),
        (integer, Value::from("seconds"), "is \"seconds\"; the one unit it takes is \"milliseconds\""),
    ];
    for (field, unit, reason) in cases {
        let mut edited = schema.clone();
        edited["properties"][field]["x-fingerprint-unix-time"] = unit;
        fs::write(&schema_path, serde_json::to_string_pretty(&edited).unwrap()).unwrap();
        let error = write(copy.path()).unwrap_err().to_string();
        let pointer = format!("schema.json#/properties/{field}/x-fingerprint-unix-time");
        assert!(error.contains(&pointer), "{error}");
        assert!(error.contains(reason), "{error}");
    }
}
