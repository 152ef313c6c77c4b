//! Runs the built `fpwebhook` binary for every promise of its interface: inputs, exit codes,
//! output formats (snapshots), streaming, broken pipes and the publishing subcommands.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn fpwebhook(directory: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fpwebhook"))
        .args(args)
        .current_dir(directory)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn repository() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn example() -> String {
    std::fs::read_to_string(repository().join("schema/documented-example.json")).unwrap()
}

/// A folder of inputs: a valid and an invalid payload, an NDJSON file, a nested folder, and a
/// file the directory search skips.
fn workspace() -> tempfile::TempDir {
    let folder = tempfile::tempdir().unwrap();
    let example = example();
    let compact: String =
        serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&example).unwrap()).unwrap();
    std::fs::write(folder.path().join("valid.json"), &example).unwrap();
    let invalid = example.replace(
        "\"visitorId\": \"3HNey93AkBW6CRbxV6xP\"",
        "\"visitorId\": \"3HNey93AkBW6CRbxV6xP-too-long\"",
    );
    std::fs::write(folder.path().join("invalid.json"), invalid).unwrap();
    let ndjson = format!(
        "{compact}\n\n{}\n{{\"requestId\": 5\n",
        compact.replace("\"incognito\":false", "\"incognito\":\"no\"")
    );
    std::fs::write(folder.path().join("stream.ndjson"), ndjson).unwrap();
    std::fs::create_dir(folder.path().join("nested")).unwrap();
    std::fs::write(folder.path().join("nested/deep.jsonl"), format!("{compact}\n")).unwrap();
    std::fs::write(folder.path().join("nested/notes.txt"), "not a payload").unwrap();
    folder
}

#[test]
fn exit_status_is_0_when_all_valid_1_when_any_invalid_2_on_tool_errors() {
    let folder = workspace();
    let valid = fpwebhook(folder.path(), &["validate", "valid.json"], b"");
    assert_eq!(valid.status.code(), Some(0), "{}", text(&valid.stderr));
    let invalid = fpwebhook(folder.path(), &["validate", "valid.json", "invalid.json"], b"");
    assert_eq!(invalid.status.code(), Some(1));
    let missing = fpwebhook(folder.path(), &["validate", "valid.json", "missing.json"], b"");
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        text(&missing.stderr).contains("missing.json: No such file or directory"),
        "{}",
        text(&missing.stderr)
    );
    let bad_flag = fpwebhook(folder.path(), &["validate", "--frobnicate"], b"");
    assert_eq!(bad_flag.status.code(), Some(2));
    let malformed = fpwebhook(folder.path(), &["validate", "-"], b"{\"requestId\":");
    assert_eq!(malformed.status.code(), Some(1), "malformed JSON is an invalid payload, not a tool error");
}

#[test]
fn human_output_groups_by_source_and_closes_with_a_summary() {
    let folder = workspace();
    let output = fpwebhook(folder.path(), &["validate", "."], b"");
    assert_eq!(output.status.code(), Some(1));
    let shown = text(&output.stdout);
    assert!(!shown.contains('\x1b'), "no colour when standard output is not a terminal");
    insta::assert_snapshot!("human", shown);
}

#[test]
fn json_output_is_one_object_per_payload_with_line_and_column() {
    let folder = workspace();
    let output =
        fpwebhook(folder.path(), &["validate", "--format", "json", "stream.ndjson", "invalid.json"], b"");
    let lines: Vec<serde_json::Value> =
        text(&output.stdout).lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(lines.len(), 4, "three NDJSON payloads (the blank line skipped) and one file");
    assert_eq!(lines[1]["source"], "stream.ndjson:3");
    assert_eq!(lines[1]["errors"][0]["line"], 3);
    insta::assert_snapshot!("json", text(&output.stdout));
}

#[test]
fn github_output_is_workflow_commands_on_file_and_line() {
    let folder = workspace();
    let output =
        fpwebhook(folder.path(), &["validate", "--format", "github", "invalid.json", "stream.ndjson"], b"");
    let shown = text(&output.stdout);
    assert!(shown.starts_with("::error file=invalid.json,line=8,col=16,"), "{shown}");
    insta::assert_snapshot!("github", shown);
}

#[test]
fn junit_output_has_a_testcase_per_payload_and_a_failure_per_invalid_one() {
    let folder = workspace();
    let output = fpwebhook(
        folder.path(),
        &["validate", "--format", "junit", "valid.json", "invalid.json", "stream.ndjson"],
        b"",
    );
    let shown = text(&output.stdout);
    assert_eq!(shown.matches("<testcase ").count(), 5);
    assert_eq!(shown.matches("<failure ").count(), 3);
    insta::assert_snapshot!("junit", shown);
}

#[test]
fn standard_input_is_read_for_dash_and_for_no_path_and_as_ndjson_on_request() {
    let folder = workspace();
    let example = example();
    for args in [&["validate"][..], &["validate", "-"][..]] {
        let output = fpwebhook(folder.path(), args, example.as_bytes());
        assert_eq!(text(&output.stdout), "-: valid\n1 payload: 1 valid, 0 invalid\n");
    }
    let compact =
        serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&example).unwrap()).unwrap();
    let output = fpwebhook(
        folder.path(),
        &["validate", "--ndjson", "--format", "json"],
        format!("{compact}\n{compact}\n").as_bytes(),
    );
    let sources: Vec<String> = text(&output.stdout)
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["source"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(sources, ["-:1", "-:2"]);
}

#[test]
fn strict_mode_rejects_undocumented_fields() {
    let folder = workspace();
    let with_signal = example().replacen('{', "{\"bot\": {\"result\": \"notDetected\"},", 1);
    assert_eq!(fpwebhook(folder.path(), &["validate", "-"], with_signal.as_bytes()).status.code(), Some(0));
    let strict = fpwebhook(folder.path(), &["validate", "--strict", "-"], with_signal.as_bytes());
    assert_eq!(strict.status.code(), Some(1));
    assert!(
        text(&strict.stdout).contains("/bot  \"bot\" is not a documented field"),
        "{}",
        text(&strict.stdout)
    );
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let folder = workspace();
    let compact =
        serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&example()).unwrap()).unwrap();
    let many = format!("{compact}\n").repeat(20_000);
    std::fs::write(folder.path().join("many.ndjson"), many).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_fpwebhook"))
        .args(["validate", "many.ndjson"])
        .current_dir(folder.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0_u8; 64];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(text(&output.stderr), "");
}

#[test]
fn schema_example_and_fixtures_publish_the_contract() {
    let folder = tempfile::tempdir().unwrap();
    let schema = fpwebhook(folder.path(), &["schema"], b"");
    assert_eq!(
        text(&schema.stdout),
        std::fs::read_to_string(repository().join("schema/identification-webhook.schema.json")).unwrap()
    );
    let strict = fpwebhook(folder.path(), &["schema", "--strict"], b"");
    assert!(text(&strict.stdout).contains("\"additionalProperties\": false"));
    let example = fpwebhook(folder.path(), &["example"], b"");
    let validated = fpwebhook(folder.path(), &["validate", "-"], &example.stdout);
    assert_eq!(validated.status.code(), Some(0), "the example is a valid payload");

    let written = fpwebhook(folder.path(), &["fixtures", "--out", "vendor"], b"");
    assert_eq!(written.status.code(), Some(0), "{}", text(&written.stderr));
    for entry in std::fs::read_dir(repository().join("schema/fixtures")).unwrap() {
        let entry = entry.unwrap();
        let copy =
            std::fs::read_to_string(folder.path().join("vendor/fixtures").join(entry.file_name())).unwrap();
        assert_eq!(copy, std::fs::read_to_string(entry.path()).unwrap());
    }
    assert!(folder.path().join("vendor/identification-webhook.strict.schema.json").is_file());
}

#[test]
fn every_command_has_help_with_examples() {
    let folder = tempfile::tempdir().unwrap();
    for command in ["validate", "schema", "example", "fixtures"] {
        let help = text(&fpwebhook(folder.path(), &[command, "--help"], b"").stdout);
        assert!(help.contains("Example"), "{command}: {help}");
    }
}
