//! The machine-written files of the repository: what they are, how to write them, how to check them.
//!
//! [`outputs`] computes every machine-written file from `schema/`; [`write()`] puts them on disk and
//! [`check`] compares them with the disk without writing. One list, two modes, so the files
//! that are checked are exactly the files that are written. [`drift`] compares each contract's
//! schema with the vendor's OpenAPI it was transcribed from.

use std::fmt::{self, Write as _};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use fingerprint_webhook_codegen::{Config, SchemaErrors, generate};

pub mod contracts;
pub mod drift;

/// The folder of the contracts: one folder per contract (DESIGN §3), named as `--contract`
/// names it.
pub const SCHEMA_DIR: &str = "schema";
/// A contract's canonical schema, in its folder.
pub const SCHEMA_FILE: &str = "schema.json";
/// A contract's strict schema, generated beside the canonical one.
pub const STRICT_SCHEMA_FILE: &str = "strict.schema.json";
/// A contract's example payload, which its fixtures derive from.
pub const EXAMPLE_FILE: &str = "example.json";
/// A contract's hand-written cases of what real deliveries do (optional), which its fixture
/// suite includes.
pub const REAL_WORLD_CASES_FILE: &str = "real-world-cases.json";
/// The folder of a contract's generated conformance suite, in its folder.
pub const FIXTURES_FOLDER: &str = "fixtures";
/// The schemas the generator's snapshot tests read; their output is compiled too.
pub const CODEGEN_FIXTURES_DIR: &str = "codegen/tests/fixtures";
/// The JSON-Schema-Test-Suite files the generator is tested on (vendored, with the license).
pub const TEST_SUITE_DIR: &str = "codegen/tests/json-schema-test-suite";
/// The suite's files, as `(property prefix, path under TEST_SUITE_DIR)`.
pub const TEST_SUITE_FILES: &[(&str, &str)] = &[
    ("enum", "enum.json"),
    ("const", "const.json"),
    ("oneOf", "oneOf.json"),
    ("anyOf", "anyOf.json"),
    ("minimum", "minimum.json"),
    ("maximum", "maximum.json"),
    ("exclusiveMinimum", "exclusiveMinimum.json"),
    ("exclusiveMaximum", "exclusiveMaximum.json"),
    ("minLength", "minLength.json"),
    ("maxLength", "maxLength.json"),
    ("minItems", "minItems.json"),
    ("maxItems", "maxItems.json"),
    ("additionalProperties", "additionalProperties.json"),
    ("format_ipv4", "optional/format/ipv4.json"),
    ("format_ipv6", "optional/format/ipv6.json"),
    ("format_date_time", "optional/format/date-time.json"),
];
/// The module, under the generated fixtures, of the suite's combined schema.
pub const TEST_SUITE_MODULE: &str = "json_schema_test_suite";

/// The suite's groups that the generator supports, combined (see `codegen::suite`).
///
/// # Errors
///
/// When a suite file cannot be read.
pub fn test_suite(root: &Path) -> Result<fingerprint_webhook_codegen::suite::Suite, Error> {
    let texts: Vec<(&str, String)> = TEST_SUITE_FILES
        .iter()
        .map(|(name, path)| Ok((*name, read(root, &format!("{TEST_SUITE_DIR}/{path}"))?)))
        .collect::<Result<_, Error>>()?;
    let files: Vec<(&str, &str)> = texts.iter().map(|(name, text)| (*name, text.as_str())).collect();
    Ok(fingerprint_webhook_codegen::suite::suite(&files))
}

/// The folder of the generated crate that holds only machine-written files.
pub const GENERATED_DIR: &str = "generated/src/generated";
/// The command that regenerates everything, as messages name it.
pub const COMMAND: &str = "cargo xtask generate";

/// One machine-written file: where it goes and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// The path relative to the repository root, with `/` separators.
    pub path: String,
    /// The exact contents.
    pub contents: String,
}

/// Why generation or the check failed.
#[derive(Debug)]
pub enum Error {
    /// A file could not be read or written.
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: io::Error,
    },
    /// A contract's schema has constructs the generator does not support.
    Schema {
        /// The schema, relative to the repository root.
        path: String,
        /// Every unsupported construct.
        errors: SchemaErrors,
    },
    /// A contract folder is not usable as it is: what is wrong, and what to do.
    Contract {
        /// The file or folder, relative to the repository root.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// Some machine-written files differ from what the schema produces.
    Stale(Vec<StaleFile>),
}

/// A machine-written file that is not what the schema produces.
#[derive(Debug)]
pub struct StaleFile {
    /// The path relative to the repository root.
    pub path: String,
    /// A unified diff from the file on disk to the expected contents, or a sentence when the
    /// file is missing or should not exist.
    pub diff: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Schema { path, errors } => write!(f, "{path}: {errors}"),
            Error::Contract { path, message } => write!(f, "{path}: {message}"),
            Error::Stale(files) => {
                for file in files {
                    writeln!(f, "{} is stale:\n{}", file.path, file.diff)?;
                }
                write!(
                    f,
                    "{} machine-written file(s) are out of date: run `{COMMAND}` and commit the result",
                    files.len()
                )
            }
        }
    }
}

impl std::error::Error for Error {}

pub(crate) fn read(root: &Path, relative: &str) -> Result<String, Error> {
    let path = root.join(relative);
    fs::read_to_string(&path).map_err(|source| Error::Io { path, source })
}

/// Every machine-written file, computed from the contracts under `root`.
///
/// # Errors
///
/// When a contract cannot be read or has constructs the generator does not support.
pub fn outputs(root: &Path) -> Result<Vec<Output>, Error> {
    let folders = contracts::discover(root)?;
    let mut outputs = Vec::new();
    let mut generated = Vec::new();
    for folder in &folders {
        let (files, contract) = contracts::outputs(root, folder)?;
        outputs.extend(files);
        generated.push(contract);
    }
    outputs.extend(contracts::registry(&generated));
    outputs.extend(codegen_fixture_outputs(root)?);
    Ok(outputs)
}

/// The generator's output for each supported schema of [`CODEGEN_FIXTURES_DIR`], as modules
/// of the generated crate that only its tests compile.
fn codegen_fixture_outputs(root: &Path) -> Result<Vec<Output>, Error> {
    let directory = root.join(CODEGEN_FIXTURES_DIR);
    let mut names: Vec<String> = fs::read_dir(&directory)
        .map_err(|source| Error::Io { path: directory.clone(), source })?
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".schema.json"))
        .collect();
    names.sort();
    // `(file name, module, schema text, schema path as `include_str!` names it from the
    // fixtures module)`: the codegen fixtures, then the suite's combined schema, which is
    // machine-written beside its module.
    let mut schemas = Vec::new();
    for name in names {
        let schema_path = format!("{CODEGEN_FIXTURES_DIR}/{name}");
        let schema = read(root, &schema_path)?;
        let module = name.trim_end_matches(".schema.json").replace('-', "_");
        schemas.push((name, module, schema, format!("../../../../{schema_path}"), schema_path));
    }
    let suite_schema = test_suite(root)?.schema;
    let suite_path = format!("{GENERATED_DIR}/fixtures/{TEST_SUITE_MODULE}/schema.rs");
    let suite_module = format!(
        "//! The combined schema of the JSON-Schema-Test-Suite's supported groups (`codegen::suite`).\n//!\n\
         //! @generated by `{COMMAND}` from `{TEST_SUITE_DIR}`. Do not edit by hand.\n\n\
         /// The schema's text.\npub(crate) const SCHEMA: &str = {suite_schema:?};\n"
    );
    schemas.push((
        "json-schema-test-suite".to_owned(),
        TEST_SUITE_MODULE.to_owned(),
        suite_schema,
        String::new(),
        TEST_SUITE_DIR.to_owned(),
    ));
    let mut outputs = vec![Output { path: suite_path, contents: suite_module }];
    let mut modules = String::new();
    let mut registry = String::new();
    for (name, module, schema, include_path, schema_path) in schemas {
        let config = Config { root_type_name: "Payload", schema_path: &schema_path };
        // Fixtures of unsupported constructs fail on purpose: their errors are snapshots.
        let Ok(generated) = generate(&schema, &config) else { continue };
        let _ = writeln!(modules, "pub(crate) mod {module};");
        // The suite's combined schema is a constant of its module; a fixture's, its file.
        let schema_expression = if include_path.is_empty() {
            format!("{module}::schema::SCHEMA")
        } else {
            format!("include_str!({include_path:?})")
        };
        let _ = writeln!(
            registry,
            "    Fixture {{\n        name: {name:?},\n        schema: {schema_expression},\n        \
             validate: {module}::validators::validate,\n        \
             parse: |bytes, options| {module}::validators::parse(bytes, options).map(drop),\n    }},"
        );
        let folder = format!("{GENERATED_DIR}/fixtures/{module}");
        outputs.push(Output {
            path: format!("{folder}/mod.rs"),
            contents: format!(
                "//! The generator's output for `{schema_path}`.\n//!\n//! @generated by `{COMMAND}`. Do not edit by hand.\n\n\
                 {}pub(crate) mod types;\npub(crate) mod validators;\n",
                if include_path.is_empty() { "pub(crate) mod schema;\n" } else { "" }
            ),
        });
        outputs.push(Output { path: format!("{folder}/types.rs"), contents: generated.types });
        outputs.push(Output { path: format!("{folder}/validators.rs"), contents: generated.validators });
    }
    outputs.insert(
        0,
        Output {
            path: format!("{GENERATED_DIR}/fixtures/mod.rs"),
            contents: format!(
                "//! The generator's output for the schemas of `{CODEGEN_FIXTURES_DIR}`, one module each.\n//!\n\
                 //! @generated by `{COMMAND}`. Do not edit by hand.\n\n\
                 // Compiled to prove that it builds cleanly, and judged against the `jsonschema` crate\n\
                 // through [`FIXTURES`]; only the validators' entry points are called.\n\
                 #![allow(dead_code, unreachable_pub)]\n\n\
                 use crate::runtime::validate::violation::Violations;\n\
                 use crate::runtime::validate::Options;\n\n\
                 {modules}\n\
                 /// One schema of `{CODEGEN_FIXTURES_DIR}` and its generated validators.\n\
                 #[derive(Debug, Clone, Copy)]\n\
                 pub struct Fixture {{\n    \
                 /// The schema's file name.\n    \
                 pub name: &'static str,\n    \
                 /// The schema's text.\n    \
                 pub schema: &'static str,\n    \
                 /// Its generated `validate`.\n    \
                 pub validate: fn(&[u8], Options) -> Result<(), Violations>,\n    \
                 /// Its generated `parse`, the built value dropped.\n    \
                 pub parse: fn(&[u8], Options) -> Result<(), Violations>,\n\
                 }}\n\n\
                 /// Every supported schema of `{CODEGEN_FIXTURES_DIR}`, in file name order.\n\
                 pub static FIXTURES: &[Fixture] = &[\n{registry}];\n"
            ),
        },
    );
    Ok(outputs)
}

/// Writes every machine-written file under `root`, and removes files of the machine-written folders
/// that are no longer produced. Returns the paths whose contents changed.
///
/// # Errors
///
/// When the schema is unsupported or a file cannot be written.
pub fn write(root: &Path) -> Result<Vec<String>, Error> {
    let outputs = outputs(root)?;
    let mut changed = Vec::new();
    for output in &outputs {
        let path = root.join(&output.path);
        if fs::read_to_string(&path).ok().as_deref() != Some(output.contents.as_str()) {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|source| Error::Io { path: parent.to_owned(), source })?;
            }
            fs::write(&path, &output.contents).map_err(|source| Error::Io { path: path.clone(), source })?;
            changed.push(output.path.clone());
        }
    }
    for leftover in leftovers(root, &outputs)? {
        let path = root.join(&leftover);
        fs::remove_file(&path).map_err(|source| Error::Io { path, source })?;
        changed.push(leftover);
    }
    Ok(changed)
}

/// Checks, writing nothing, that every machine-written file under `root` is what the schema
/// produces.
///
/// # Errors
///
/// [`Error::Stale`] with a diff per stale file, or why the check could not run.
pub fn check(root: &Path) -> Result<(), Error> {
    let outputs = outputs(root)?;
    let mut stale = Vec::new();
    for output in &outputs {
        match fs::read_to_string(root.join(&output.path)) {
            Ok(actual) if actual == output.contents => {}
            Ok(actual) => stale.push(StaleFile {
                path: output.path.clone(),
                diff: unified_diff(&output.path, &actual, &output.contents),
            }),
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                stale.push(StaleFile { path: output.path.clone(), diff: "  the file is missing".to_owned() });
            }
            Err(source) => return Err(Error::Io { path: root.join(&output.path), source }),
        }
    }
    for leftover in leftovers(root, &outputs)? {
        stale.push(StaleFile {
            path: leftover,
            diff: "  the generator no longer produces this file".to_owned(),
        });
    }
    if stale.is_empty() { Ok(()) } else { Err(Error::Stale(stale)) }
}

/// Files in the machine-written folders (at any depth) that are not among `outputs`.
fn leftovers(root: &Path, outputs: &[Output]) -> Result<Vec<String>, Error> {
    fn walk(root: &Path, folder: &str, outputs: &[Output], leftovers: &mut Vec<String>) -> Result<(), Error> {
        let directory = root.join(folder);
        let entries = match fs::read_dir(&directory) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(source) => return Err(Error::Io { path: directory, source }),
        };
        for entry in entries {
            let entry = entry.map_err(|source| Error::Io { path: directory.clone(), source })?;
            let relative = format!("{folder}/{}", entry.file_name().to_string_lossy());
            if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                walk(root, &relative, outputs, leftovers)?;
            } else if !outputs.iter().any(|output| output.path == relative) {
                leftovers.push(relative);
            }
        }
        Ok(())
    }
    let mut leftovers = Vec::new();
    let mut folders = vec![GENERATED_DIR.to_owned()];
    folders.extend(
        contracts::discover(root)?.iter().map(|contract| contracts::path(&contract.name, FIXTURES_FOLDER)),
    );
    for folder in &folders {
        walk(root, folder, outputs, &mut leftovers)?;
    }
    leftovers.sort();
    Ok(leftovers)
}

fn unified_diff(path: &str, actual: &str, expected: &str) -> String {
    similar::TextDiff::from_lines(actual, expected)
        .unified_diff()
        .context_radius(2)
        .header(&format!("{path} (on disk)"), &format!("{path} (generated)"))
        .to_string()
}
