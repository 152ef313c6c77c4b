//! The freshness check: the checked-in machine-written files match the schema, and the check
//! catches every way they can stop matching.

use std::fs;
use std::path::{Path, PathBuf};

use xtask::{
    CODEGEN_FIXTURES_DIR, COMMAND, Error, FIXTURES_DIR, GENERATED_DIR, SCHEMA_PATH, STRICT_SCHEMA_PATH,
    TEST_SUITE_DIR, check, write,
};

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

/// A temporary copy of what generation reads and writes: `schema/`, the codegen fixtures, the
/// vendored JSON-Schema-Test-Suite files and the generated folder, at every depth.
fn copy_of_repository() -> tempfile::TempDir {
    fn copy_folder(from: &Path, to: &Path) {
        fs::create_dir_all(to).unwrap();
        for entry in fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                copy_folder(&entry.path(), &to.join(entry.file_name()));
            } else {
                fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
            }
        }
    }
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

#[test]
fn check_fails_after_a_hand_edit_of_a_generated_file() {
    let copy = copy_of_repository();
    let types = copy.path().join(GENERATED_DIR).join("types.rs");
    let edited =
        fs::read_to_string(&types).unwrap().replace("pub request_id: String", "pub request_id: Box<str>");
    fs::write(&types, edited).unwrap();

    let error = check(copy.path()).unwrap_err();
    assert_eq!(stale_paths(&error), [format!("{GENERATED_DIR}/types.rs")]);
    let message = error.to_string();
    assert!(message.contains("-    pub request_id: Box<str>"), "the diff shows the hand edit:\n{message}");
    assert!(message.contains("+    pub request_id: String"), "the diff shows the generated line:\n{message}");
    assert!(message.contains(&format!("run `{COMMAND}`")), "the message names the command:\n{message}");
}

#[test]
fn check_fails_after_a_schema_edit_without_regeneration() {
    let copy = copy_of_repository();
    let schema_path = copy.path().join(SCHEMA_PATH);
    let schema = fs::read_to_string(&schema_path).unwrap();
    let edited = schema.replacen("\"maxLength\": 20", "\"maxLength\": 21", 1);
    assert_ne!(schema, edited);
    fs::write(&schema_path, edited).unwrap();

    let error = check(copy.path()).unwrap_err();
    let stale = [
        format!("{GENERATED_DIR}/types.rs"),
        format!("{GENERATED_DIR}/validators.rs"),
        STRICT_SCHEMA_PATH.to_owned(),
        // The maximal payload and the maxLength boundaries follow the limit.
        format!("{FIXTURES_DIR}/documented-example.json"),
        format!("{FIXTURES_DIR}/max-length.json"),
    ];
    assert_eq!(stale_paths(&error), stale);
    assert!(error.to_string().contains("+    #[schemars(length(max = 21))]"), "{error}");
    assert!(error.to_string().contains("cx.string::<BUILD>(&path, false, Some(21))"), "{error}");

    // Regenerating makes the copy fresh again, and a second run writes nothing.
    assert_eq!(write(copy.path()).unwrap(), stale);
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
    let schema_path = copy.path().join(SCHEMA_PATH);
    let schema = fs::read_to_string(&schema_path).unwrap();
    let edited = schema.replacen(
        "\"description\": \"The IP address",
        "\"pattern\": \"^[0-9.]+$\", \"description\": \"The IP address",
        1,
    );
    assert_ne!(schema, edited);
    fs::write(&schema_path, edited).unwrap();
    let before = fs::read_to_string(copy.path().join(GENERATED_DIR).join("types.rs")).unwrap();

    let error = write(copy.path()).unwrap_err();
    assert!(matches!(error, Error::Schema(_)));
    assert!(
        error.to_string().contains("at #/properties/ip/pattern: the keyword `pattern` is not supported"),
        "{error}"
    );
    assert_eq!(fs::read_to_string(copy.path().join(GENERATED_DIR).join("types.rs")).unwrap(), before);
}
