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
    // A run that exits before reading its input (a usage error) closes the pipe early.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

fn repository() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// A contract's payloads for the tests, built from its example and its constraint table (no
/// field is named here): the example, a copy with its first string that has a `maxLength` made
/// too long, and the example on one line with its first boolean made a string.
struct Sample {
    name: String,
    /// The example, as published.
    example: String,
    /// The example on one line.
    compact: String,
    /// The example with a string over its `maxLength`, pretty-printed.
    too_long: String,
    /// The line and column of that string in `too_long`.
    too_long_at: (usize, usize),
    /// The example on one line, with a boolean given as a string.
    wrong_type: String,
    /// A root field that names the contract, for a payload cut short.
    detection_key: &'static str,
}

impl Sample {
    fn new(name: &str) -> Sample {
        use fingerprint_webhook_codegen::constraints;
        use fingerprint_webhook_codegen::model::Model;
        use serde_json::Value;
        let contract = fingerprint_webhook::Contract::named(name).unwrap();
        let rows = constraints::rows(&Model::read(contract.schema(), contract.root_type()).unwrap());
        let example =
            std::fs::read_to_string(repository().join("schema").join(name).join("example.json")).unwrap();
        let value: Value = serde_json::from_str(&example).unwrap();
        let present = |json_type: &str, limited: bool| {
            rows.iter()
                .find(|row| {
                    row.json_type == json_type
                        && row.max_length.is_some() == limited
                        && !row.pointer.contains('*')
                        && value.pointer(&row.pointer).is_some_and(|found| !found.is_null())
                })
                .unwrap_or_else(|| panic!("{name}'s example has a {json_type} (limited: {limited})"))
        };
        let limited = present("string", true);
        let mut long: String =
            value.pointer(&limited.pointer).unwrap().as_str().unwrap().to_owned() + "-too-long";
        let limit = usize::try_from(limited.max_length.unwrap()).unwrap();
        let count = long.chars().count();
        if count <= limit {
            long.push_str(&"x".repeat(limit + 9 - count));
        }
        let mut too_long = value.clone();
        *too_long.pointer_mut(&limited.pointer).unwrap() = Value::from(long.as_str());
        let too_long = serde_json::to_string_pretty(&too_long).unwrap();
        let before = &too_long[..too_long.find(&format!("\"{long}\"")).unwrap()];
        let too_long_at =
            (before.matches('\n').count() + 1, before.rsplit('\n').next().unwrap().chars().count() + 1);
        let boolean = present("boolean", false);
        let mut wrong_type = value.clone();
        *wrong_type.pointer_mut(&boolean.pointer).unwrap() = Value::from("no");
        Sample {
            name: name.to_owned(),
            compact: serde_json::to_string(&value).unwrap(),
            example,
            too_long,
            too_long_at,
            wrong_type: serde_json::to_string(&wrong_type).unwrap(),
            detection_key: contract.detection_keys()[0],
        }
    }

    /// One sample per contract.
    fn all() -> Vec<Sample> {
        contract_names().iter().map(|name| Sample::new(name)).collect()
    }
}

/// A folder of inputs: a valid and an invalid payload, an NDJSON file, a nested folder, and a
/// file the directory search skips.
fn workspace(sample: &Sample) -> tempfile::TempDir {
    let folder = tempfile::tempdir().unwrap();
    let compact = &sample.compact;
    std::fs::write(folder.path().join("valid.json"), &sample.example).unwrap();
    std::fs::write(folder.path().join("invalid.json"), &sample.too_long).unwrap();
    let ndjson = format!("{compact}\n\n{}\n{{\"{}\": 5\n", sample.wrong_type, sample.detection_key);
    std::fs::write(folder.path().join("stream.ndjson"), ndjson).unwrap();
    std::fs::create_dir(folder.path().join("nested")).unwrap();
    std::fs::write(folder.path().join("nested/deep.jsonl"), format!("{compact}\n")).unwrap();
    std::fs::write(folder.path().join("nested/notes.txt"), "not a payload").unwrap();
    folder
}

#[test]
fn exit_status_is_0_when_all_valid_1_when_any_invalid_2_on_tool_errors() {
    for sample in Sample::all() {
        let folder = workspace(&sample);
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
        let malformed = format!("{{\"{}\":", sample.detection_key);
        let malformed = fpwebhook(folder.path(), &["validate", "-"], malformed.as_bytes());
        assert_eq!(
            malformed.status.code(),
            Some(1),
            "malformed JSON is an invalid payload, not a tool error"
        );
    }
}

#[test]
fn human_output_groups_by_source_and_closes_with_a_summary() {
    for sample in Sample::all() {
        let folder = workspace(&sample);
        let output = fpwebhook(folder.path(), &["validate", "."], b"");
        assert_eq!(output.status.code(), Some(1));
        let shown = text(&output.stdout);
        assert!(!shown.contains('\x1b'), "no colour when standard output is not a terminal");
        insta::assert_snapshot!(format!("human-{}", sample.name), shown);
    }
}

#[test]
fn json_output_is_one_object_per_payload_with_line_and_column() {
    for sample in Sample::all() {
        let folder = workspace(&sample);
        let output =
            fpwebhook(folder.path(), &["validate", "--format", "json", "stream.ndjson", "invalid.json"], b"");
        let lines: Vec<serde_json::Value> =
            text(&output.stdout).lines().map(|line| serde_json::from_str(line).unwrap()).collect();
        assert_eq!(lines.len(), 4, "three NDJSON payloads (the blank line skipped) and one file");
        assert_eq!(lines[1]["source"], "stream.ndjson:3");
        assert_eq!(lines[1]["errors"][0]["line"], 3);
        insta::assert_snapshot!(format!("json-{}", sample.name), text(&output.stdout));
    }
}

#[test]
fn github_output_is_workflow_commands_on_file_and_line() {
    for sample in Sample::all() {
        let folder = workspace(&sample);
        let output = fpwebhook(
            folder.path(),
            &["validate", "--format", "github", "invalid.json", "stream.ndjson"],
            b"",
        );
        let shown = text(&output.stdout);
        let (line, column) = sample.too_long_at;
        assert!(
            shown.starts_with(&format!("::error file=invalid.json,line={line},col={column},")),
            "{shown}"
        );
        insta::assert_snapshot!(format!("github-{}", sample.name), shown);
    }
}

#[test]
fn junit_output_has_a_testcase_per_payload_and_a_failure_per_invalid_one() {
    for sample in Sample::all() {
        let folder = workspace(&sample);
        let output = fpwebhook(
            folder.path(),
            &["validate", "--format", "junit", "valid.json", "invalid.json", "stream.ndjson"],
            b"",
        );
        let shown = text(&output.stdout);
        assert_eq!(shown.matches("<testcase ").count(), 5);
        assert_eq!(shown.matches("<failure ").count(), 3);
        insta::assert_snapshot!(format!("junit-{}", sample.name), shown);
    }
}

#[test]
fn standard_input_is_read_for_dash_and_for_no_path_and_as_ndjson_on_request() {
    for sample in Sample::all() {
        let folder = workspace(&sample);
        for args in [&["validate"][..], &["validate", "-"][..]] {
            let output = fpwebhook(folder.path(), args, sample.example.as_bytes());
            assert_eq!(
                text(&output.stdout),
                format!("-: valid ({})\n1 payload: 1 valid, 0 invalid\n", sample.name)
            );
        }
        let compact = &sample.compact;
        let output = fpwebhook(
            folder.path(),
            &["validate", "--ndjson", "--format", "json"],
            format!("{compact}\n{compact}\n").as_bytes(),
        );
        let sources: Vec<String> = text(&output.stdout)
            .lines()
            .map(|line| {
                serde_json::from_str::<serde_json::Value>(line).unwrap()["source"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(sources, ["-:1", "-:2"]);
    }
}

#[test]
fn strict_mode_rejects_undocumented_fields() {
    for sample in Sample::all() {
        let folder = tempfile::tempdir().unwrap();
        let with_signal =
            sample.example.replacen('{', "{\"undocumentedSignal\": {\"result\": \"notDetected\"},", 1);
        assert_eq!(
            fpwebhook(folder.path(), &["validate", "-"], with_signal.as_bytes()).status.code(),
            Some(0)
        );
        let strict = fpwebhook(folder.path(), &["validate", "--strict", "-"], with_signal.as_bytes());
        assert_eq!(strict.status.code(), Some(1));
        assert!(
            text(&strict.stdout)
                .contains("/undocumentedSignal  \"undocumentedSignal\" is not a documented field"),
            "{}",
            text(&strict.stdout)
        );
    }
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    for sample in Sample::all() {
        let folder = tempfile::tempdir().unwrap();
        let many = format!("{}\n", sample.compact).repeat(20_000);
        std::fs::write(folder.path().join("many.ndjson"), many).unwrap();
        let output = close_after_a_little(folder.path(), "many.ndjson");
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        assert_eq!(text(&output.stderr), "");
    }
}

/// The contract folders of the repository, by name.
fn contract_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repository().join("schema"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("schema.json").is_file())
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn schema_example_and_fixtures_publish_every_contract() {
    let folder = tempfile::tempdir().unwrap();
    let written = fpwebhook(folder.path(), &["fixtures", "--out", "vendor"], b"");
    assert_eq!(written.status.code(), Some(0), "{}", text(&written.stderr));
    for name in contract_names() {
        let contract = repository().join("schema").join(&name);
        let schema = fpwebhook(folder.path(), &["schema", "--contract", &name], b"");
        assert_eq!(text(&schema.stdout), std::fs::read_to_string(contract.join("schema.json")).unwrap());
        let strict = fpwebhook(folder.path(), &["schema", "--contract", &name, "--strict"], b"");
        assert_eq!(
            text(&strict.stdout),
            std::fs::read_to_string(contract.join("strict.schema.json")).unwrap()
        );
        let example = fpwebhook(folder.path(), &["example", "--contract", &name], b"");
        let validated = fpwebhook(folder.path(), &["validate", "--format", "json", "-"], &example.stdout);
        assert_eq!(validated.status.code(), Some(0), "{name}'s example is a valid payload");
        assert!(text(&validated.stdout).contains(&format!("\"contract\":\"{name}\"")), "auto finds {name}");
        for entry in std::fs::read_dir(contract.join("fixtures")).unwrap() {
            let entry = entry.unwrap();
            let copy = folder.path().join("vendor").join(&name).join("fixtures").join(entry.file_name());
            assert_eq!(
                std::fs::read_to_string(copy).unwrap(),
                std::fs::read_to_string(entry.path()).unwrap()
            );
        }
        for file in ["schema.json", "strict.schema.json"] {
            assert!(folder.path().join("vendor").join(&name).join(file).is_file());
        }
    }
    // A name that is not a contract is refused with the list of names.
    let unknown = fpwebhook(folder.path(), &["schema", "--contract", "nope"], b"");
    assert_eq!(unknown.status.code(), Some(2));
    for name in contract_names() {
        assert!(text(&unknown.stderr).contains(&name), "{}", text(&unknown.stderr));
    }
}

#[test]
fn validate_names_the_contract_it_judged_under_and_contract_forces_one() {
    let folder = tempfile::tempdir().unwrap();
    for name in contract_names() {
        let example = fpwebhook(folder.path(), &["example", "--contract", &name], b"");
        for other in contract_names() {
            let forced = fpwebhook(
                folder.path(),
                &["validate", "--contract", &other, "--format", "json"],
                &example.stdout,
            );
            let line = text(&forced.stdout);
            assert!(line.contains(&format!("\"contract\":\"{other}\"")), "{line}");
            assert_eq!(forced.status.code(), Some(i32::from(other != name)), "{name} under {other}: {line}");
        }
    }
}

#[test]
fn every_command_has_help_with_examples() {
    let folder = tempfile::tempdir().unwrap();
    for command in ["validate", "schema", "example", "fixtures", "serve", "send"] {
        let help = text(&fpwebhook(folder.path(), &[command, "--help"], b"").stdout);
        assert!(help.contains("Example"), "{command}: {help}");
    }
}

#[test]
fn the_readme_names_only_flags_the_commands_have() {
    let folder = tempfile::tempdir().unwrap();
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let lines: Vec<&str> = readme.lines().collect();
    for command in ["validate", "serve", "send"] {
        let help = text(&fpwebhook(folder.path(), &[command, "--help"], b"").stdout);
        let invocation = format!("fpwebhook {command} ");
        let mut checked = 0;
        for (start, line) in lines.iter().enumerate().filter(|(_, line)| line.contains(&invocation)) {
            // The invocation, and its continuation lines (after a `\`, or an indented usage line).
            let mut text = line[line.find(&invocation).unwrap()..].to_owned();
            for next in &lines[start + 1..] {
                let continues = text.trim_end().ends_with('\\') || next.trim_start().starts_with("[--");
                if !continues || next.trim().is_empty() {
                    break;
                }
                text.push(' ');
                text.push_str(next);
            }
            let flags = text
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .filter(|word| word.starts_with("--"));
            for flag in flags.filter(|flag| flag.len() > 2) {
                assert!(
                    help.contains(flag),
                    "the README's `{}` names {flag}, which `fpwebhook {command}` does not have",
                    text.trim()
                );
                checked += 1;
            }
        }
        assert!(checked > 0, "the README shows no flag of `fpwebhook {command}`");
    }
}

/// The first contract's example on one line, for the tests that are about the tool, not the
/// contract.
fn compact_example() -> String {
    Sample::new(&contract_names()[0]).compact
}

/// The JSON lines of a `--format json` run.
fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    text(&output.stdout).lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

#[test]
fn a_line_of_json_whitespace_is_blank_but_a_form_feed_is_a_payload() {
    let folder = tempfile::tempdir().unwrap();
    let compact = compact_example();
    let input = format!("{compact}\n \t\r\n\x0c\n{compact}\n");
    let output = fpwebhook(folder.path(), &["validate", "--ndjson", "--format", "json"], input.as_bytes());
    let lines = json_lines(&output);
    assert_eq!(lines.len(), 3, "{}", text(&output.stdout));
    assert_eq!(lines[1]["source"], "-:3");
    assert_eq!(lines[1]["errors"][0]["keyword"], "invalidJson");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn directories_follow_links_match_extensions_in_any_case_and_report_what_cannot_be_read() {
    use std::os::unix::fs::symlink;
    let folder = workspace(&Sample::new(&contract_names()[0]));
    let scanned = folder.path().join("scanned");
    std::fs::create_dir(&scanned).unwrap();
    symlink(folder.path().join("invalid.json"), scanned.join("linked.json")).unwrap();
    symlink(folder.path().join("nested"), scanned.join("linked-folder")).unwrap();
    symlink(folder.path().join("nowhere.json"), scanned.join("dangling.json")).unwrap();
    symlink(&scanned, scanned.join("loop")).unwrap();
    std::fs::copy(folder.path().join("valid.json"), scanned.join("UPPER.JSON")).unwrap();
    std::fs::copy(folder.path().join("stream.ndjson"), scanned.join("STREAM.NDJSON")).unwrap();
    let output = fpwebhook(folder.path(), &["validate", "--format", "json", "scanned"], b"");
    let sources: Vec<String> =
        json_lines(&output).iter().map(|line| line["source"].as_str().unwrap().to_owned()).collect();
    assert_eq!(
        sources,
        [
            "scanned/STREAM.NDJSON:1",
            "scanned/STREAM.NDJSON:3",
            "scanned/STREAM.NDJSON:4",
            "scanned/UPPER.JSON",
            "scanned/linked-folder/deep.jsonl:1",
            "scanned/linked.json",
        ]
    );
    let errors = text(&output.stderr);
    assert!(errors.contains("scanned/dangling.json: "), "{errors}");
    assert!(errors.contains("scanned/loop: a link that loops back"), "{errors}");
    assert_eq!(output.status.code(), Some(2), "unreadable paths are tool errors");
}

#[test]
fn a_path_with_no_payload_fails_the_run() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::create_dir(folder.path().join("empty")).unwrap();
    std::fs::write(folder.path().join("empty/notes.txt"), "no payloads here").unwrap();
    std::fs::write(folder.path().join("blank.ndjson"), "\n  \n").unwrap();
    for path in ["empty", "blank.ndjson"] {
        let output = fpwebhook(folder.path(), &["validate", path], b"");
        assert_eq!(output.status.code(), Some(2), "{path}");
        assert!(text(&output.stderr).contains(&format!("fpwebhook: {path}: no payload found in")), "{path}");
    }
    let output = fpwebhook(folder.path(), &["validate", "--ndjson"], b"\n\n");
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("-: no payload found in standard input"));
}

/// Runs `validate` on `path`, reads a little of its output, and closes the pipe.
fn close_after_a_little(folder: &Path, path: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fpwebhook"))
        .args(["validate", path])
        .current_dir(folder)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0_u8; 64];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_pipe_exits_with_what_was_found_so_far() {
    let folder = tempfile::tempdir().unwrap();
    let invalid = Sample::new(&contract_names()[0]).wrong_type;
    std::fs::write(folder.path().join("bad.ndjson"), format!("{invalid}\n").repeat(20_000)).unwrap();
    let output = close_after_a_little(folder.path(), "bad.ndjson");
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert_eq!(text(&output.stderr), "");
}

#[test]
fn payloads_over_the_size_limit_are_invalid_unread_and_the_run_goes_on() {
    use std::os::unix::fs::symlink;
    let folder = tempfile::tempdir().unwrap();
    let compact = compact_example();
    let limit = compact.len().to_string();
    let ndjson = format!("{compact}\n{compact} \n{compact}\n");
    std::fs::write(folder.path().join("lines.ndjson"), ndjson).unwrap();
    symlink("/dev/zero", folder.path().join("endless.json")).unwrap();
    let output = fpwebhook(
        folder.path(),
        &["validate", "--format", "json", "--max-payload-bytes", &limit, "lines.ndjson", "endless.json"],
        b"",
    );
    let lines = json_lines(&output);
    let verdicts: Vec<(&str, bool)> = lines
        .iter()
        .map(|line| (line["source"].as_str().unwrap(), line["valid"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("lines.ndjson:1", true),
            ("lines.ndjson:2", false),
            ("lines.ndjson:3", true),
            ("endless.json", false)
        ]
    );
    assert_eq!(lines[1]["errors"][0]["keyword"], "payloadTooLarge");
    assert_eq!(lines[1]["errors"][0]["line"], 2);
    assert!(
        lines[3]["errors"][0]["message"].as_str().unwrap().contains(&format!("larger than {limit} bytes"))
    );
    assert_eq!(output.status.code(), Some(1));
    let units = fpwebhook(folder.path(), &["validate", "--max-payload-bytes", "1KiB", "endless.json"], b"");
    assert!(text(&units.stdout).contains("larger than 1024 bytes"), "{}", text(&units.stdout));
}

#[test]
fn keys_and_file_names_cannot_write_to_the_terminal() {
    let folder = tempfile::tempdir().unwrap();
    let forged = compact_example().replacen('{', "{\"a\\n./other.json: valid\\n\\u001b[2J\": 1,", 1);
    let output = fpwebhook(folder.path(), &["validate", "--strict", "-"], forged.as_bytes());
    let shown = text(&output.stdout);
    assert!(!shown.contains('\x1b'), "{shown}");
    assert!(!shown.lines().any(|line| line.starts_with("./other.json")), "{shown}");
    assert!(shown.contains("  /a\\u{a}.~1other.json: valid\\u{a}\\u{1b}[2J  "), "{shown}");
    let github =
        fpwebhook(folder.path(), &["validate", "--strict", "--format", "github", "-"], forged.as_bytes());
    assert!(!text(&github.stdout).contains('\x1b'));
}

#[test]
fn junit_is_well_formed_for_any_key_and_lists_unreadable_inputs() {
    let folder = workspace(&Sample::new(&contract_names()[0]));
    let odd = compact_example().replacen('{', "{\"\u{FFFE}\u{FFFF}\\u0001\": 1,", 1);
    std::fs::write(folder.path().join("odd\tname.json"), odd).unwrap();
    let output = fpwebhook(
        folder.path(),
        &["validate", "--strict", "--format", "junit", "odd\tname.json", "missing.json"],
        b"",
    );
    let report = text(&output.stdout);
    let document = roxmltree::Document::parse(&report).unwrap_or_else(|error| panic!("{error}\n{report}"));
    let suite = document.descendants().find(|node| node.has_tag_name("testsuite")).unwrap();
    assert_eq!(
        (suite.attribute("tests"), suite.attribute("failures"), suite.attribute("errors")),
        (Some("2"), Some("1"), Some("1"))
    );
    let case = document.descendants().find(|node| node.has_tag_name("testcase")).unwrap();
    assert_eq!(case.attribute("name"), Some("odd\tname.json"), "a tab in an attribute survives");
    let error = document.descendants().find(|node| node.has_tag_name("error")).unwrap();
    assert!(error.attribute("message").unwrap().starts_with("missing.json: No such file"));
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn file_names_that_are_not_utf8_are_accepted_and_shown_without_loss() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let folder = tempfile::tempdir().unwrap();
    std::fs::create_dir(folder.path().join("dir")).unwrap();
    let name = OsStr::from_bytes(b"caf\xE9.json");
    std::fs::write(folder.path().join("dir").join(name), "{}").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_fpwebhook"))
        .arg("validate")
        .arg("--format=json")
        .arg(Path::new("dir").join(name))
        .arg("dir")
        .current_dir(folder.path())
        .output()
        .unwrap();
    let sources: Vec<String> =
        json_lines(&output).iter().map(|line| line["source"].as_str().unwrap().to_owned()).collect();
    assert_eq!(sources, ["dir/caf\\xE9.json", "dir/caf\\xE9.json"], "{}", text(&output.stderr));
}

#[test]
fn usage_mistakes_get_a_hint() {
    let sample = Sample::new(&contract_names()[0]);
    let folder = workspace(&sample);
    let twice = fpwebhook(folder.path(), &["validate", "-", "-"], b"{}");
    assert_eq!(twice.status.code(), Some(2));
    assert!(text(&twice.stderr).contains("standard input can be read only once"));
    let aliased = fpwebhook(folder.path(), &["validate", "-", "/dev/stdin"], b"{}");
    assert_eq!(aliased.status.code(), Some(2), "{}", text(&aliased.stdout));

    let compact = &sample.compact;
    let ndjson = format!("{compact}\n{compact}\n");
    let piped = fpwebhook(folder.path(), &["validate", "--format", "json", "-"], ndjson.as_bytes());
    assert_eq!(
        json_lines(&piped)[0]["hint"].as_str().unwrap(),
        "this looks like several payloads, one per line (NDJSON): pass --ndjson, or name the file .ndjson or .jsonl"
    );
    std::fs::write(folder.path().join("lines.txt"), &ndjson).unwrap();
    let applied = fpwebhook(folder.path(), &["validate", "--ndjson", "lines.txt"], b"");
    assert_eq!(
        text(&applied.stdout),
        format!(
            "lines.txt:1: valid ({0})\nlines.txt:2: valid ({0})\n2 payloads: 2 valid, 0 invalid\n",
            sample.name
        )
    );

    let two_lines = "{}\n{}\n";
    let github = fpwebhook(folder.path(), &["validate", "--format", "github", "-"], two_lines.as_bytes());
    let shown = text(&github.stdout);
    assert_eq!(shown.matches("hint").count(), 1, "{shown}");
    assert!(
        shown.starts_with("::notice title=fpwebhook hint::- this looks like several payloads"),
        "{shown}"
    );
}

#[test]
fn a_directory_search_reads_regular_files_only_and_each_folder_once() {
    let folder = tempfile::tempdir().unwrap();
    let scanned = folder.path().join("scanned");
    std::fs::create_dir(&scanned).unwrap();
    std::fs::write(scanned.join("a.json"), "{").unwrap();
    std::fs::write(scanned.join(".json"), "{}").unwrap();
    std::fs::write(scanned.join("blank.ndjson"), "\n \n").unwrap();
    let fifo = scanned.join("b.json");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    std::os::unix::fs::symlink("/dev/zero", scanned.join("z.ndjson")).unwrap();
    // Folders that link twice to the next one, 16 deep: 65,536 paths to the last folder.
    let mut level = folder.path().join("links");
    std::fs::create_dir(&level).unwrap();
    for depth in 0..16 {
        let next = folder.path().join(format!("level{depth}"));
        std::fs::create_dir(&next).unwrap();
        std::fs::write(next.join("p.json"), "{}").unwrap();
        std::os::unix::fs::symlink(&next, level.join("a")).unwrap();
        std::os::unix::fs::symlink(&next, level.join("b")).unwrap();
        level = next;
    }
    let output = fpwebhook(folder.path(), &["validate", "--format", "json", "scanned", "links"], b"");
    let sources: Vec<String> =
        json_lines(&output).iter().map(|line| line["source"].as_str().unwrap().to_owned()).collect();
    assert_eq!(&sources[..2], ["scanned/.json", "scanned/a.json"]);
    assert_eq!(sources.len(), 2 + 16, "each folder is searched once: {sources:?}");
    let errors = text(&output.stderr);
    assert!(errors.contains("scanned/b.json: not a regular file"), "{errors}");
    assert!(errors.contains("scanned/z.ndjson: not a regular file"), "{errors}");
    assert!(
        errors.contains("scanned/blank.ndjson: no payload found in the file: every line is blank"),
        "{errors}"
    );
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn an_input_that_cannot_be_read_is_reported_once() {
    let folder = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/proc/self/mem", folder.path().join("mem.json")).unwrap();
    let output = fpwebhook(folder.path(), &["validate", "--format", "junit", "mem.json"], b"");
    assert_eq!(text(&output.stderr).matches("fpwebhook: ").count(), 1, "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("errors=\"1\""), "{}", text(&output.stdout));
}

#[test]
fn many_files_are_reported_in_name_order_with_the_inputs_that_cannot_be_read_among_them() {
    // Files are judged several at a time on every core; what fails where it is read (a link to
    // /proc/self/mem opens but cannot be read) and what the directory search refuses (a FIFO)
    // are told in the same order as the payloads around them.
    let folder = tempfile::tempdir().unwrap();
    let many = folder.path().join("many");
    std::fs::create_dir(&many).unwrap();
    let compact = compact_example();
    let mut expected_sources = Vec::new();
    let mut expected_errors = Vec::new();
    for index in 0..60 {
        let name = format!("{index:02}.json");
        let path = many.join(&name);
        if index % 13 == 5 {
            std::os::unix::fs::symlink("/proc/self/mem", &path).unwrap();
            expected_errors.push(format!("fpwebhook: many/{name}: "));
        } else if index == 30 {
            assert!(Command::new("mkfifo").arg(&path).status().unwrap().success());
            expected_errors.push(format!("fpwebhook: many/{name}: not a regular file"));
        } else {
            let payload = if index % 7 == 0 { "{}".to_owned() } else { compact.clone() };
            std::fs::write(&path, payload).unwrap();
            expected_sources.push((format!("many/{name}"), index % 7 != 0));
        }
    }
    let output = fpwebhook(folder.path(), &["validate", "--format", "json", "many"], b"");
    let sources: Vec<(String, bool)> = json_lines(&output)
        .iter()
        .map(|line| (line["source"].as_str().unwrap().to_owned(), line["valid"].as_bool().unwrap()))
        .collect();
    assert_eq!(sources, expected_sources);
    let errors: Vec<String> = text(&output.stderr).lines().map(str::to_owned).collect();
    assert_eq!(errors.len(), expected_errors.len(), "{errors:?}");
    for (error, expected) in errors.iter().zip(&expected_errors) {
        assert!(error.starts_with(expected), "{error} does not start with {expected}");
    }
    assert_eq!(output.status.code(), Some(2));
}

/// Runs fpwebhook in `folder` with `args`, writes `input` to its standard input and keeps it
/// open: the first line of its output that arrives while it is open (within 20 seconds), if any.
fn first_line_while_stdin_is_open(folder: &Path, args: &[&str], input: &[u8]) -> Option<String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fpwebhook"))
        .args(args)
        .current_dir(folder)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input).unwrap();
    stdin.flush().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let (sender, receiver) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
        sender.send(line).unwrap();
    });
    let first = receiver.recv_timeout(std::time::Duration::from_secs(20)).ok();
    drop(stdin);
    reader.join().unwrap();
    child.wait().unwrap();
    first
}

#[test]
fn files_after_a_subfolder_are_found_in_their_own_folder() {
    // Files are opened by name in their folder: after a subfolder's files, the folder's next
    // files are looked for in the folder again, not in the subfolder.
    let folder = tempfile::tempdir().unwrap();
    let top = folder.path().join("top");
    std::fs::create_dir_all(top.join("b").join("c")).unwrap();
    for name in ["a.json", "b/1.json", "b/c/2.json", "b/d.json", "e.json"] {
        std::fs::write(top.join(name), compact_example()).unwrap();
    }
    let output = fpwebhook(folder.path(), &["validate", "--format", "json", "top"], b"");
    let sources: Vec<String> =
        json_lines(&output).iter().map(|line| line["source"].as_str().unwrap().to_owned()).collect();
    assert_eq!(sources, ["top/a.json", "top/b/1.json", "top/b/c/2.json", "top/b/d.json", "top/e.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
}

#[test]
fn many_folders_of_one_file_fit_in_few_file_descriptors() {
    // Files found but not read yet hold their folder open; a run holds at most a sixteenth of
    // the descriptors it may have in folders, so that even with few of them the walk can still
    // list the folders and the files can be read.
    let folder = tempfile::tempdir().unwrap();
    let tree = folder.path().join("tree");
    for index in 0..300 {
        let sub = tree.join(format!("{index:03}"));
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(sub.join("p.json"), "{}").unwrap();
    }
    let binary = env!("CARGO_BIN_EXE_fpwebhook");
    let output = Command::new("sh")
        .args(["-c", "ulimit -n 20 && exec \"$0\" validate --contract event --format json tree", binary])
        .current_dir(folder.path())
        .output()
        .unwrap();
    assert_eq!(json_lines(&output).len(), 300, "{}", text(&output.stderr));
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
}

#[test]
fn a_slow_stream_is_reported_as_it_comes() {
    let folder = tempfile::tempdir().unwrap();
    let first = first_line_while_stdin_is_open(folder.path(), &["validate", "--ndjson"], b"{}\n");
    assert!(first.unwrap().starts_with("-:1: invalid"));
}

#[test]
fn a_file_named_before_standard_input_is_reported_before_it_ends() {
    // Files found are sent to the cores a few at a time; the few found before a read that may
    // take long (here, standard input that stays open) are sent before it.
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("one.json"), compact_example()).unwrap();
    let args = ["validate", "--format", "json", "one.json", "-"];
    let first = first_line_while_stdin_is_open(folder.path(), &args, b"");
    let first: serde_json::Value =
        serde_json::from_str(&first.expect("no verdict while standard input was open")).unwrap();
    assert_eq!(first["source"], "one.json");
    assert_eq!(first["valid"], true);
}

#[test]
fn a_closed_standard_error_is_no_reason_to_panic() {
    let folder = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_fpwebhook"))
        .args(["validate", "missing.json"])
        .current_dir(folder.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    assert_eq!(child.wait().unwrap().code(), Some(2));
}
