//! The contracts of `schema/`: finding their folders, the files each one gets, and the registry
//! that lists them all for the library, the CLI and the tests.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use fingerprint_webhook_codegen::model::Model;
use fingerprint_webhook_codegen::naming::type_name;
use fingerprint_webhook_codegen::strict::strict_schema;
use fingerprint_webhook_codegen::{Config, fixtures, generate};
use serde_json::Value;

use crate::{
    COMMAND, EXAMPLE_FILE, Error, FIXTURES_FOLDER, GENERATED_DIR, Output, REAL_WORLD_CASES_FILE, SCHEMA_DIR,
    SCHEMA_FILE, STRICT_SCHEMA_FILE, read,
};

/// Module names the generated folder uses for itself, which a contract cannot take.
const RESERVED_MODULES: &[&str] = &["contracts", "fixtures", "mod"];

/// Rust keywords, which a contract's module cannot be named.
const RUST_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
    "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self", "static",
    "struct", "super", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual",
    "where", "while", "yield",
];

/// One contract folder: `schema/<name>/` with its `schema.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractFolder {
    /// The folder's name: the contract's name, as `--contract` takes it.
    pub name: String,
    /// Its module in the library (`-` as `_`).
    pub module: String,
    /// The Rust name of its root type (`PascalCase` of the name).
    pub root_type: String,
}

/// The path of a file of contract `name`, relative to the repository root.
pub fn path(name: &str, file: &str) -> String {
    format!("{SCHEMA_DIR}/{name}/{file}")
}

/// Every contract folder under `root`, in name order: the folders of `schema/` that hold a
/// `schema.json`.
///
/// # Errors
///
/// When `schema/` cannot be read, holds no contract, or a contract's name cannot be a Rust
/// module.
pub fn discover(root: &Path) -> Result<Vec<ContractFolder>, Error> {
    let directory = root.join(SCHEMA_DIR);
    let entries = fs::read_dir(&directory).map_err(|source| Error::Io { path: directory.clone(), source })?;
    let mut folders = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io { path: directory.clone(), source })?;
        if !entry.path().join(SCHEMA_FILE).is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let module = name.replace('-', "_");
        let well_formed = name.split('-').all(|part| {
            !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit())
        }) && name.starts_with(|first: char| first.is_ascii_lowercase());
        if !well_formed
            || RUST_KEYWORDS.contains(&module.as_str())
            || RESERVED_MODULES.contains(&module.as_str())
        {
            return Err(Error::Contract {
                path: format!("{SCHEMA_DIR}/{name}"),
                message: format!(
                    "a contract's folder name becomes its `--contract` name and its Rust module: use lowercase letters, digits and single dashes, starting with a letter, and not a Rust keyword or one of {RESERVED_MODULES:?}"
                ),
            });
        }
        folders.push(ContractFolder { root_type: type_name(&name), module, name });
    }
    if folders.is_empty() {
        return Err(Error::Contract {
            path: SCHEMA_DIR.to_owned(),
            message: format!(
                "no contract: a contract is a folder here with a `{SCHEMA_FILE}` and an `{EXAMPLE_FILE}`"
            ),
        });
    }
    folders.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(folders)
}

/// What the registry needs to know of one generated contract.
#[derive(Debug, Clone)]
pub struct GeneratedContract {
    folder: ContractFolder,
    title: String,
    /// The root's properties, each with whether it is required.
    root_properties: Vec<(String, bool)>,
    /// The fixture files, by name.
    fixture_files: Vec<String>,
    /// The root field that identifies a delivery (the schema's
    /// [`IDEMPOTENCY_KEYWORD`]), if the contract names one.
    idempotency_key: Option<String>,
}

/// The schema's root keyword that names the field identifying a delivery: the same in the
/// vendor's retry, so receivers can use it as an idempotency key.
pub const IDEMPOTENCY_KEYWORD: &str = "x-fingerprint-idempotency-key";

/// The field `schema`'s root names with [`IDEMPOTENCY_KEYWORD`], checked: a required root
/// property whose type is `string`.
fn idempotency_key(schema: &Value, schema_path: &str) -> Result<Option<String>, Error> {
    let Some(named) = schema.get(IDEMPOTENCY_KEYWORD) else { return Ok(None) };
    let problem = |what: String| {
        invalid_data(
            &format!("{schema_path}#/{IDEMPOTENCY_KEYWORD}"),
            format!("{what}; it names the root field that identifies a delivery, a required string"),
        )
    };
    let Some(key) = named.as_str() else { return Err(problem(format!("is {named}, not a field name"))) };
    let required = schema
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|required| required.iter().any(|name| name.as_str() == Some(key)));
    let property = schema.get("properties").and_then(|properties| properties.get(key));
    match property {
        None => Err(problem(format!("names {key:?}, which the root does not declare"))),
        Some(_) if !required => Err(problem(format!("names {key:?}, which the root does not require"))),
        Some(property) if property.get("type").and_then(Value::as_str) != Some("string") => {
            Err(problem(format!("names {key:?}, whose schema does not say `\"type\": \"string\"`")))
        }
        Some(_) => Ok(Some(key.to_owned())),
    }
}

/// The vendor keyword that marks an integer as a moment in Unix time; its one value is
/// `"milliseconds"`. An annotation for validators; `fpwebhook send --generate` writes the
/// current time there.
pub const UNIX_TIME_KEYWORD: &str = "x-fingerprint-unix-time";

/// Checks every [`UNIX_TIME_KEYWORD`] in `schema`: it says `"milliseconds"`, on a schema of
/// type `integer` (possibly nullable).
fn check_unix_times(schema: &Value, pointer: &str, schema_path: &str) -> Result<(), Error> {
    match schema {
        Value::Object(members) => {
            if let Some(unit) = members.get(UNIX_TIME_KEYWORD) {
                let integer = match members.get("type") {
                    Some(Value::String(kind)) => kind == "integer",
                    Some(Value::Array(kinds)) => {
                        kinds.iter().any(|kind| kind == "integer")
                            && kinds.iter().all(|kind| kind == "integer" || kind == "null")
                    }
                    _ => false,
                };
                let problem = if unit != "milliseconds" {
                    Some(format!("is {unit}; the one unit it takes is \"milliseconds\""))
                } else if !integer {
                    Some(
                        "is on a schema whose type is not `integer`: it marks an integer as Unix time"
                            .to_owned(),
                    )
                } else {
                    None
                };
                if let Some(problem) = problem {
                    return Err(invalid_data(
                        &format!("{schema_path}#{pointer}/{UNIX_TIME_KEYWORD}"),
                        problem,
                    ));
                }
            }
            members.iter().try_for_each(|(key, value)| {
                check_unix_times(value, &format!("{pointer}/{}", crate::drift::escape(key)), schema_path)
            })
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(index, item)| check_unix_times(item, &format!("{pointer}/{index}"), schema_path)),
        _ => Ok(()),
    }
}

fn invalid_data(path: &str, message: String) -> Error {
    Error::Contract { path: path.to_owned(), message }
}

/// The machine-written files of one contract: its module (types, validators), its strict schema
/// and its fixture suite; and what the registry needs to know of it.
///
/// # Errors
///
/// When a file of the contract cannot be read, the schema has constructs the generator does not
/// support, or the example lacks what a fixture rule needs.
pub fn outputs(root: &Path, folder: &ContractFolder) -> Result<(Vec<Output>, GeneratedContract), Error> {
    let name = &folder.name;
    let schema_path = path(name, SCHEMA_FILE);
    let schema = read(root, &schema_path)?;
    let schema_error = |errors| Error::Schema { path: schema_path.clone(), errors };
    let config = Config { root_type_name: &folder.root_type, schema_path: &schema_path };
    let generated = generate(&schema, &config).map_err(schema_error)?;
    let model = Model::read(&schema, &folder.root_type).map_err(schema_error)?;
    let schema_value: Value = serde_json::from_str(&schema)
        .map_err(|error| invalid_data(&schema_path, format!("is not JSON: {error}")))?;
    let idempotency_key = idempotency_key(&schema_value, &schema_path)?;
    check_unix_times(&schema_value, "", &schema_path)?;

    let example_path = path(name, EXAMPLE_FILE);
    if !root.join(&example_path).is_file() {
        return Err(invalid_data(
            &example_path,
            "is missing: every contract has a valid example payload, which its fixtures derive from"
                .to_owned(),
        ));
    }
    let example: Value = serde_json::from_str(&read(root, &example_path)?)
        .map_err(|error| invalid_data(&example_path, format!("is not JSON: {error}")))?;
    let cases_path = path(name, REAL_WORLD_CASES_FILE);
    let cases = match fs::read_to_string(root.join(&cases_path)) {
        Ok(text) => serde_json::from_str(&text)
            .map_err(|error| invalid_data(&cases_path, format!("is not JSON: {error}")))?,
        Err(error) if error.kind() == io::ErrorKind::NotFound => Value::Null,
        Err(source) => return Err(Error::Io { path: root.join(&cases_path), source }),
    };
    let suite = fixtures::suite(name, &example, &model, &cases)
        .map_err(|message| invalid_data(&path(name, ""), message))?;

    let module_folder = format!("{GENERATED_DIR}/{}", folder.module);
    let title = model.root.title.clone().unwrap_or_else(|| name.clone());
    let mut files = vec![
        Output { path: format!("{module_folder}/mod.rs"), contents: module_file(folder, &title) },
        Output { path: format!("{module_folder}/types.rs"), contents: generated.types },
        Output { path: format!("{module_folder}/validators.rs"), contents: generated.validators },
        Output {
            path: path(name, STRICT_SCHEMA_FILE),
            contents: strict_schema(&schema, &schema_path).map_err(schema_error)?,
        },
    ];
    let fixture_files = suite.iter().map(|(file, _)| file.clone()).collect();
    files.extend(
        suite.into_iter().map(|(file, contents)| Output {
            path: path(name, &format!("{FIXTURES_FOLDER}/{file}")),
            contents,
        }),
    );
    let root_properties = model
        .root_object()
        .properties
        .iter()
        .map(|property| (property.name.clone(), property.required))
        .collect();
    Ok((
        files,
        GeneratedContract { folder: folder.clone(), title, root_properties, fixture_files, idempotency_key },
    ))
}

/// The `mod.rs` of a contract's module: its docs (read on docs.rs, so they name no file of the
/// repository) with an example that runs as a doctest, and its types, `validate` and `parse`
/// in reach.
fn module_file(folder: &ContractFolder, title: &str) -> String {
    let ContractFolder { name, module, root_type } = folder;
    format!(
        "//! The `{name}` contract: {title}.\n//!\n\
         //! [`{root_type}`] and its nested types, [`validate`] and [`parse`]. The contract's schemas,\n\
         //! example and conformance suite are in [`CONTRACTS`](crate::CONTRACTS).\n//!\n\
         //! ```\n\
         //! use fingerprint_webhook::{{Contract, Options, {module}}};\n//!\n\
         //! let contract = Contract::named({name:?}).expect(\"a contract of the crate\");\n\
         //! let delivery = contract.example().as_bytes();\n\
         //! {module}::validate(delivery, Options::DEFAULT)?;\n\
         //! let payload: {module}::{root_type} = {module}::parse(delivery, Options::DEFAULT)?;\n\
         //! // What was parsed serializes back to the same JSON value.\n\
         //! let written: serde_json::Value = serde_json::from_slice(&serde_json::to_vec(&payload)?)?;\n\
         //! assert_eq!(written, serde_json::from_slice::<serde_json::Value>(delivery)?);\n\
         //! assert_eq!(Contract::detect(delivery).name(), {name:?});\n\
         //! # Ok::<(), Box<dyn std::error::Error>>(())\n\
         //! ```\n\n\
         // @generated by `{COMMAND}` from `schema/{name}/schema.json`. Do not edit by hand.\n\n\
         mod types;\nmod validators;\n\n\
         pub use types::*;\npub(crate) use validators::parse_boxed;\npub use validators::{{parse, validate}};\n"
    )
}

/// The keys that name a contract in a payload: its required root fields that no other contract
/// declares.
fn detection_keys(contract: &GeneratedContract, all: &[GeneratedContract]) -> Vec<String> {
    contract
        .root_properties
        .iter()
        .filter(|(key, required)| {
            *required
                && all
                    .iter()
                    .filter(|other| other.folder != contract.folder)
                    .all(|other| other.root_properties.iter().all(|(other_key, _)| other_key != key))
        })
        .map(|(key, _)| key.clone())
        .collect()
}

/// The methods of `Payload` that act under a contract chosen at run time: one arm per contract.
fn run_time_choices(contracts: &[GeneratedContract]) -> String {
    let mut parse_as_arms = String::new();
    let mut deserialize_arms = String::new();
    let mut schema_arms = String::new();
    for (index, contract) in contracts.iter().enumerate() {
        let ContractFolder { module, root_type, .. } = &contract.folder;
        let pattern = if index + 1 == contracts.len() { "_".to_owned() } else { index.to_string() };
        let wrap = format!("map(|payload| Payload::{root_type}(Box::new(payload)))");
        let _ = writeln!(
            parse_as_arms,
            "            {pattern} => super::{module}::parse_boxed(bytes, options).map(Payload::{root_type}),"
        );
        let _ =
            writeln!(deserialize_arms, "            {pattern} => ::serde_json::from_slice(bytes).{wrap},");
        let _ = writeln!(
            schema_arms,
            "            {pattern} => ::schemars::schema_for!(super::{module}::{root_type}),"
        );
    }
    format!(
        "\n    \
         /// Validates a payload and builds its typed value in one pass, under `contract`: its\n    \
         /// module's `parse`, for a contract chosen at run time.\n    ///\n    /// # Errors\n    ///\n    \
         /// Every violation, in document order.\n    \
         pub fn parse_as(contract: &Contract, bytes: &[u8], options: Options) -> Result<Payload, Violations> {{\n        \
         match index_of(contract) {{\n{parse_as_arms}        }}\n    }}\n\n    \
         /// Reads a payload of `contract` with serde alone, as `serde_json::from_slice` into its\n    \
         /// root type does: the types' shape (presence, JSON types, `null`), none of the limits\n    \
         /// that `validate` and `parse` also check.\n    ///\n    /// # Errors\n    ///\n    \
         /// serde's error, when the bytes do not have the shape of the contract's types.\n    \
         pub fn deserialize_unvalidated(contract: &Contract, bytes: &[u8]) -> Result<Payload, ::serde_json::Error> {{\n        \
         match index_of(contract) {{\n{deserialize_arms}        }}\n    }}\n\n    \
         /// The JSON Schema that schemars derives from the Rust types of `contract`: their own account\n    \
         /// of presence, nullability and limits, which the tests compare with the canonical schema.\n    \
         /// With the `schemars` feature only.\n    \
         #[cfg(feature = \"schemars\")]\n    \
         pub fn type_schema(contract: &Contract) -> ::schemars::Schema {{\n        \
         match index_of(contract) {{\n{schema_arms}        }}\n    }}\n"
    )
}

/// The registry of every contract (`contracts.rs`) and the generated folder's `mod.rs`.
pub fn registry(contracts: &[GeneratedContract]) -> Vec<Output> {
    let mut modules = String::new();
    let mut entries = String::new();
    let mut variants = String::new();
    let mut contract_arms = String::new();
    let mut parse_arms = String::new();
    for (index, contract) in contracts.iter().enumerate() {
        let ContractFolder { name, module, root_type } = &contract.folder;
        let _ = writeln!(modules, "pub mod {module};");
        let include = |file: &str| format!("include_str!(\"../../schema/{name}/{file}\")");
        let mut fixtures = String::new();
        for file in &contract.fixture_files {
            let _ = write!(
                fixtures,
                "\n            ({file:?}, {}),",
                include(&format!("{FIXTURES_FOLDER}/{file}"))
            );
        }
        let keys: Vec<String> =
            detection_keys(contract, contracts).iter().map(|key| format!("{key:?}")).collect();
        let _ = write!(
            entries,
            "    Contract {{\n        name: {name:?},\n        root_type: {root_type:?},\n        title: {title:?},\n        \
             schema: {schema},\n        strict_schema: {strict},\n        example: {example},\n        \
             fixtures: &[{fixtures}\n        ],\n        detection_keys: &[{keys}],\n        \
             idempotency_key: {idempotency_key:?},\n        \
             validate: super::{module}::validate,\n    }},\n",
            idempotency_key = contract.idempotency_key,
            title = contract.title,
            schema = include(SCHEMA_FILE),
            strict = include(STRICT_SCHEMA_FILE),
            example = include(EXAMPLE_FILE),
            keys = keys.join(", "),
        );
        let _ = write!(
            variants,
            "    /// A payload of the `{name}` contract.\n    {root_type}(Box<super::{module}::{root_type}>),\n"
        );
        let _ = writeln!(contract_arms, "            Payload::{root_type}(_) => &CONTRACTS[{index}],");
        let pattern = if index + 1 == contracts.len() { "_".to_owned() } else { index.to_string() };
        let _ = writeln!(
            parse_arms,
            "        {pattern} => super::{module}::parse_boxed(bytes, options).map(Payload::{root_type}),"
        );
    }
    let parse_body = if contracts.len() == 1 {
        let ContractFolder { module, root_type, .. } = &contracts[0].folder;
        format!(
            "super::{module}::parse_boxed(bytes, options)\n        .map(Payload::{root_type})\n        \
             .map_err(|violations| (&CONTRACTS[0], violations))"
        )
    } else {
        format!(
            "let index = detect_index(bytes);\n    let parsed = match index {{\n{parse_arms}    }};\n    \
             parsed.map_err(|violations| (&CONTRACTS[index], violations))"
        )
    };
    let registry = format!(
        "//! Every contract of `schema/`, as data, and the entry point that parses a payload under the\n\
         //! contract its shape names.\n//!\n//! @generated by `{COMMAND}`. Do not edit by hand.\n\n\
         use crate::runtime::contract::{imports};\n\
         use crate::runtime::validate::Options;\n\
         use crate::runtime::validate::violation::Violations;\n\n\
         /// How many contracts there are.\npub(crate) const COUNT: usize = {count};\n\n\
         /// Every contract the crate knows, in name order.\n\
         pub static CONTRACTS: &[Contract] = &[\n{entries}];\n\n\
         /// A payload, typed under the contract it was parsed under: one variant per contract.\n\
         /// It serializes as the payload it holds.\n\
         #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]\n#[serde(untagged)]\n#[non_exhaustive]\npub enum Payload {{\n{variants}}}\n\n\
         impl Payload {{\n    /// The contract it was parsed under.\n    pub fn contract(&self) -> &'static Contract {{\n        \
         match self {{\n{contract_arms}        }}\n    }}\n{choices}}}\n\n\
         /// The index of a contract in [`CONTRACTS`].\n\
         fn index_of(contract: &Contract) -> usize {{\n    \
         CONTRACTS.iter().position(|known| known == contract).unwrap_or_default()\n}}\n\n\
         /// Validates a payload and builds its typed value in one pass, under the contract its\n\
         /// shape names ([`Contract::detect`]).\n///\n/// # Errors\n///\n\
         /// The contract it was judged under, and every violation of it, in document order.\n\
         pub fn parse_detected(bytes: &[u8], options: Options) -> Result<Payload, (&'static Contract, Violations)> {{\n    \
         {parse_body}\n}}\n",
        count = contracts.len(),
        choices = run_time_choices(contracts),
        imports = if contracts.len() == 1 { "Contract" } else { "{Contract, detect_index}" },
    );
    let module = format!(
        "//! The machine-written modules of the crate: one per contract of `schema/`, and their registry.\n//!\n\
         //! @generated by `{COMMAND}`. Do not edit by hand.\n\n\
         {modules}\n\
         pub(crate) mod contracts;\n\n\
         pub use contracts::{{CONTRACTS, Payload, parse_detected}};\n\n\
         /// The generator's output for the schemas of `codegen/tests/fixtures/`, compiled (in tests,\n\
         /// and for the differential tests of `webhook-tests` behind the `codegen-fixtures` feature)\n\
         /// under the workspace lints, so that every construct the generator supports yields Rust\n\
         /// that builds cleanly and validates as JSON Schema does, not only the contracts'.\n\
         #[cfg(any(test, feature = \"codegen-fixtures\"))]\npub(crate) mod fixtures;\n"
    );
    vec![
        Output { path: format!("{GENERATED_DIR}/mod.rs"), contents: module },
        Output { path: format!("{GENERATED_DIR}/contracts.rs"), contents: registry },
    ]
}
