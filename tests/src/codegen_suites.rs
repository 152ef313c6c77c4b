//! The conformance suite of every schema the generator's tests pin (`codegen/tests/fixtures/`),
//! made as `cargo xtask generate` makes a contract's: by the fixture rules, from the schema's
//! constraint table and an example derived from the schema (every member present). The test
//! suite judges them with each schema's generated validator and the `jsonschema` crate;
//! `.ci/run` writes them out (`codegen-suites DIR`) for Python's `jsonschema` and `ajv`, so that
//! every construct the generator reads is judged as other languages judge it, not only those
//! the contracts use today.

use fingerprint_webhook_codegen::model::Model;
use fingerprint_webhook_codegen::{fixtures, strict};
use serde_json::Value;

use crate::instances::valid_instances;
use crate::repository_root;

/// One schema's suite, laid out as a contract folder is.
#[derive(Debug, Clone)]
pub struct CodegenSuite {
    /// The schema's file name without `.schema.json`: the folder its suite goes in.
    pub name: String,
    /// The schema's file name in `codegen/tests/fixtures/`.
    pub file: String,
    /// The schema's text.
    pub schema: String,
    /// Its strict variant.
    pub strict_schema: String,
    /// The suite: `(file name, text)`; each group names `<name>/schema.json` or
    /// `<name>/strict.schema.json`.
    pub fixtures: Vec<(String, String)>,
}

/// The suite of every schema of `codegen/tests/fixtures/` that the generator supports, in file
/// name order.
///
/// # Panics
///
/// When a file cannot be read, or the fixture rules cannot make a suite from a supported
/// schema and its derived example (a bug of the rules or of the derivation).
pub fn codegen_suites() -> Vec<CodegenSuite> {
    let folder = repository_root().join("codegen/tests/fixtures");
    let mut files: Vec<String> = std::fs::read_dir(&folder)
        .unwrap_or_else(|error| panic!("{}: {error}", folder.display()))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".schema.json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|file| {
            let schema = std::fs::read_to_string(folder.join(&file)).unwrap();
            let model = Model::read(&schema, "Payload").ok()?;
            fingerprint_webhook_codegen::ir::RustItems::lower(&model).ok()?;
            let name = file.trim_end_matches(".schema.json").to_owned();
            let document: Value = serde_json::from_str(&schema).unwrap();
            let example = valid_instances(&document).pop().unwrap();
            let fixtures = fixtures::suite(&name, &example, &model, &Value::Null)
                .unwrap_or_else(|error| panic!("{file}: {error}\nexample: {example}"));
            let strict_schema = strict::strict_schema(&schema, &file).unwrap();
            Some(CodegenSuite { name, file, schema, strict_schema, fixtures })
        })
        .collect()
}
