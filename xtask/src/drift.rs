//! `cargo xtask drift`: each contract's schema against the vendor's OpenAPI it was transcribed from.
//!
//! A contract takes part when its `schema/<name>/decisions.json` declares its source:
//! `"openapi": {"document": "<path under vendor/>", "schema": "<JSON pointer to the payload's
//! schema in that document>"}`. Both sides are walked from the payload's root, `$ref`s resolved
//! (siblings merged over the target, siblings winning), and the facts that constrain a payload
//! are compared per payload pointer: `""` the root, `/a/b` a property, `[]` an array's items,
//! `{}` a map's values, `oneOf/N` and `anyOf/N` a branch. Properties stated beside a `oneOf` or
//! `anyOf` are compared as if stated at the start of each branch (DECISIONS.md D16 of the event
//! contract): for open objects the two shapes say the same.
//!
//! Every difference must be listed in the contract's `decisions.json` `differences`, with the
//! same values and the id of a decision that its `DECISIONS.md` explains; the report lists, by
//! contract and then by field in document order, every difference that is not listed and every
//! listed one that no longer exists. With another release's `schemas/` folder in place of
//! `vendor/`, the same report is what the new release changed.
//!
//! The documents are the vendor's, so they are read as hostile input: a `$ref` may not leave the
//! folder it was read from (no `..` past it, no absolute path, no URL, no symbolic link out of
//! it), a cycle of `$ref`s and a schema nested deeper than [`MAX_DEPTH`] are errors, and so is a
//! walk that reaches more than [`MAX_FIELDS`] fields (references that fan out exponentially).
//! YAML is read by `serde-saphyr`, whose budgets bound aliases, nesting and size; duplicate keys
//! are errors.

use std::collections::{HashMap, HashSet};
use std::fmt::{self, Write as _};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};

/// The value of a keyword that a side does not state, as reports and `decisions.json` write it.
pub const ABSENT: &str = "(absent)";
/// How deep, in payload pointer segments, a schema may nest.
pub const MAX_DEPTH: usize = 40;
/// How many `$ref`s may lead from one node to the schema it stands for.
pub const MAX_REF_CHAIN: usize = 20;
/// How many fields one side of a comparison may have.
pub const MAX_FIELDS: usize = 100_000;
/// The largest document read, in bytes.
pub const MAX_DOCUMENT_BYTES: u64 = 16 * 1024 * 1024;

/// The facts compared at every pointer, in the order a report lists them (after `presence`).
const KEYWORDS: &[&str] = &[
    "required",
    "type",
    "nullable",
    "enum",
    "const",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "format",
    "deprecated",
    "additionalProperties",
    "unevaluatedProperties",
    "discriminator",
    "oneOf",
    "anyOf",
    "allOf",
];

/// What `cargo xtask drift` compares.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only this contract (a folder name under `schema/`); every contract with a source when `None`.
    pub contract: Option<String>,
    /// Another release's `schemas/` folder to compare with, in place of each contract's `vendor/`;
    /// the report names it as given.
    pub openapi: Option<PathBuf>,
    /// Also print the unlisted differences as `decisions.json` entries.
    pub print_unlisted: bool,
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The report, for standard output: by contract, then by field.
    pub report: String,
    /// Why a contract could not be compared, each naming its file; for standard error.
    pub errors: Vec<String>,
    /// How many unlisted differences, stale decisions and undocumented decision ids were found.
    pub findings: usize,
}

impl Outcome {
    /// `0` clean, `1` something to review, `2` a contract could not be compared.
    pub fn exit_code(&self) -> u8 {
        if self.errors.is_empty() { u8::from(self.findings > 0) } else { 2 }
    }
}

/// A contract's source, from its `decisions.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The OpenAPI document, relative to `vendor/` (or to `--openapi DIR`).
    pub document: String,
    /// The JSON pointer, inside that document, of the payload's schema (`""`: the whole document).
    pub schema: String,
}

/// The members of `decisions.json` that the comparison reads; others (comments, the real
/// payloads' deviations) are other checks' business.
#[derive(Debug, Deserialize)]
struct DecisionsFile {
    openapi: Option<Source>,
    #[serde(default)]
    differences: Vec<Listed>,
}

/// One listed difference of `decisions.json`.
#[derive(Debug, Deserialize)]
struct Listed {
    pointer: String,
    keyword: String,
    openapi: Value,
    schema: Value,
    decision: String,
}

/// One difference found between the two sides at one pointer.
#[derive(Debug, Clone)]
struct Difference {
    pointer: String,
    keyword: String,
    openapi: Value,
    schema: Value,
}

/// A contract folder's name and what its `decisions.json` says, or why it could not be read.
struct Contract {
    name: String,
    decisions: Result<Option<DecisionsFile>, String>,
}

/// The names of the contracts whose `decisions.json` declares an OpenAPI source, in name order.
///
/// # Errors
///
/// When `schema/` cannot be listed, or a `decisions.json` cannot be read.
pub fn contracts_with_source(root: &Path) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    for contract in contracts(root)? {
        if contract.decisions?.is_some_and(|decisions| decisions.openapi.is_some()) {
            names.push(contract.name);
        }
    }
    Ok(names)
}

/// Every folder of `schema/`, in name order, with its `decisions.json` when it has one.
fn contracts(root: &Path) -> Result<Vec<Contract>, String> {
    let directory = root.join("schema");
    let entries = fs::read_dir(&directory).map_err(|error| format!("schema: {error}"))?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_dir()))
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    Ok(names
        .into_iter()
        .map(|name| {
            let decisions = read_decisions(root, &name);
            Contract { name, decisions }
        })
        .collect())
}

/// `schema/<name>/decisions.json`, or `None` when the contract has none.
fn read_decisions(root: &Path, name: &str) -> Result<Option<DecisionsFile>, String> {
    let shown = format!("schema/{name}/decisions.json");
    let text = match fs::read_to_string(root.join(&shown)) {
        Ok(text) => text,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(format!("{shown}: {error}")),
    };
    let decisions: DecisionsFile =
        serde_json::from_str(&text).map_err(|error| format!("{shown}: {error}"))?;
    if let Some(source) = &decisions.openapi {
        relative_path("", &source.document)
            .map_err(|why| format!("{shown}: openapi.document {:?} {why}", source.document))?;
        if !source.schema.is_empty() && !source.schema.starts_with('/') {
            return Err(format!(
                "{shown}: openapi.schema {:?} is not a JSON pointer (\"\" or starting with /)",
                source.schema
            ));
        }
    }
    Ok(Some(decisions))
}

/// Runs the comparison for every contract with a source (or the one `options` names) under the
/// repository `root`.
pub fn run(root: &Path, options: &Options) -> Outcome {
    let mut outcome = Outcome::default();
    if let Some(dir) = options.openapi.as_ref().filter(|dir| !dir.is_dir()) {
        outcome
            .errors
            .push(format!("{}: not a folder (--openapi names a release's schemas/ folder)", dir.display()));
        return outcome;
    }
    let all = match contracts(root) {
        Ok(all) => all,
        Err(error) => {
            outcome.errors.push(error);
            return outcome;
        }
    };
    let selected: Vec<Contract> = match &options.contract {
        None => all,
        Some(wanted) => {
            let names: Vec<&str> = all.iter().map(|contract| contract.name.as_str()).collect();
            let names = names.join(", ");
            let Some(contract) = all.into_iter().find(|contract| &contract.name == wanted) else {
                outcome.errors.push(format!(
                    "no contract {wanted:?}: schema/{wanted}/ does not exist (contracts: {names})"
                ));
                return outcome;
            };
            match &contract.decisions {
                Ok(Some(DecisionsFile { openapi: Some(_), .. })) | Err(_) => {}
                Ok(_) => {
                    outcome.errors.push(format!(
                        "schema/{wanted}/decisions.json does not exist or declares no \"openapi\" source \
                         ({{\"document\": ..., \"schema\": ...}})"
                    ));
                    return outcome;
                }
            }
            vec![contract]
        }
    };
    let mut compared = 0;
    for contract in selected {
        let name = contract.name;
        let decisions = match contract.decisions {
            Ok(Some(decisions)) => decisions,
            Ok(None) => continue,
            Err(error) => {
                outcome.errors.push(error);
                continue;
            }
        };
        let Some(source) = &decisions.openapi else { continue };
        let tree = match &options.openapi {
            None => {
                Tree::new(root.join("schema").join(&name).join("vendor"), format!("schema/{name}/vendor"))
            }
            Some(dir) => {
                let tree = Tree::new(dir.clone(), dir.display().to_string());
                // A release folder documents some contracts, not all: without --contract, one
                // whose document it lacks is skipped, and said so.
                if options.contract.is_none() && !tree.dir.join(&source.document).is_file() {
                    let _ = writeln!(
                        outcome.report,
                        "note: {name}: {} does not exist; not compared",
                        tree.show(&source.document)
                    );
                    continue;
                }
                tree
            }
        };
        compared += 1;
        match compare(root, &name, &decisions, source, &tree) {
            Ok(comparison) => comparison.write(&name, options.print_unlisted, &mut outcome),
            Err(error) => outcome.errors.push(error),
        }
    }
    if compared == 0 && outcome.errors.is_empty() {
        outcome.errors.push(match &options.openapi {
            Some(dir) => format!("no contract's source document is in {}", dir.display()),
            None => {
                "no contract under schema/ declares an \"openapi\" source in its decisions.json".to_owned()
            }
        });
    }
    let summary = summary(&outcome, compared);
    let _ = writeln!(outcome.report, "== drift: {summary}");
    outcome
}

/// The closing line's verdict.
fn summary(outcome: &Outcome, compared: usize) -> String {
    let contracts = plural(compared, "contract", "contracts");
    if outcome.findings == 0 && outcome.errors.is_empty() {
        return format!("clean ({compared} {contracts})");
    }
    let mut parts = Vec::new();
    if outcome.findings > 0 {
        parts.push(format!("{} to review", outcome.findings));
    }
    if !outcome.errors.is_empty() {
        parts.push(format!("{} error(s), on standard error", outcome.errors.len()));
    }
    format!("{} ({compared} {contracts} compared)", parts.join(", "))
}

fn plural<'a>(count: usize, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 { one } else { many }
}

/// What one contract's comparison found.
struct Comparison {
    header: String,
    openapi_fields: usize,
    schema_fields: usize,
    differences: usize,
    listed: usize,
    /// `(pointer, lines)` in field order.
    groups: Vec<(String, Vec<String>)>,
    unlisted: Vec<Difference>,
    stale: usize,
    undocumented: Vec<String>,
}

impl Comparison {
    fn write(&self, name: &str, print_unlisted: bool, outcome: &mut Outcome) {
        let report = &mut outcome.report;
        let _ = writeln!(report, "== {name}: {}", self.header);
        for (pointer, lines) in &self.groups {
            let _ = writeln!(report, "{}", if pointer.is_empty() { "(root)" } else { pointer });
            for line in lines {
                let _ = writeln!(report, "  {line}");
            }
        }
        for line in &self.undocumented {
            let _ = writeln!(report, "{line}");
        }
        let findings = self.unlisted.len() + self.stale + self.undocumented.len();
        let counts = format!(
            "{} OpenAPI fields, {} schema fields; {} differences, {} listed in decisions.json",
            self.openapi_fields,
            self.schema_fields,
            self.differences,
            if self.listed == self.differences { "all".to_owned() } else { self.listed.to_string() },
        );
        let verdict = if findings == 0 {
            "clean".to_owned()
        } else {
            format!(
                "{} unlisted, {} stale, {} undocumented",
                self.unlisted.len(),
                self.stale,
                self.undocumented.len()
            )
        };
        let _ = writeln!(report, "{name}: {verdict} ({counts})");
        if print_unlisted && !self.unlisted.is_empty() {
            let entries: Vec<Value> = self
                .unlisted
                .iter()
                .map(|difference| {
                    let mut entry = Map::new();
                    entry.insert("pointer".to_owned(), Value::String(difference.pointer.clone()));
                    entry.insert("keyword".to_owned(), Value::String(difference.keyword.clone()));
                    entry.insert("openapi".to_owned(), difference.openapi.clone());
                    entry.insert("schema".to_owned(), difference.schema.clone());
                    entry.insert("decision".to_owned(), Value::String("?".to_owned()));
                    Value::Object(entry)
                })
                .collect();
            let _ = writeln!(
                report,
                "{name}: the unlisted differences as entries of decisions.json \"differences\" \
                 (explain each in DECISIONS.md and name its decision in place of \"?\"):\n{}",
                serde_json::to_string_pretty(&entries).unwrap_or_default()
            );
        }
        outcome.findings += findings;
    }
}

/// Compares one contract's schema with its OpenAPI in `tree`.
fn compare(
    root: &Path,
    name: &str,
    decisions: &DecisionsFile,
    source: &Source,
    tree: &Tree,
) -> Result<Comparison, String> {
    let contract_tree = Tree::new(root.join("schema").join(name), format!("schema/{name}"));
    let schema_fields = Walker::new(&contract_tree).walk_document("schema.json", "")?;
    let openapi_fields = Walker::new(tree).walk_document(&source.document, &source.schema)?;
    let header = format!(
        "{} against {}{}",
        contract_tree.show("schema.json"),
        tree.show(&source.document),
        if source.schema.is_empty() { String::new() } else { format!("#{}", source.schema) }
    );

    let order = merged_order(&openapi_fields.order, &schema_fields.order);
    let differences = differences(&order, &openapi_fields, &schema_fields);

    let mut listed: HashMap<(&str, &str), &Listed> = HashMap::new();
    let mut lines: HashMap<String, Vec<(usize, String)>> = HashMap::new();
    let mut stale = 0;
    for entry in &decisions.differences {
        if listed.insert((entry.pointer.as_str(), entry.keyword.as_str()), entry).is_some() {
            stale += 1;
            lines.entry(entry.pointer.clone()).or_default().push((
                keyword_rank(&entry.keyword),
                format!("stale     {}: listed more than once in decisions.json", entry.keyword),
            ));
        }
    }
    let mut seen = HashSet::new();
    let mut unlisted = Vec::new();
    for difference in &differences {
        let key = (difference.pointer.as_str(), difference.keyword.as_str());
        if let Some(entry) = listed.get(&key)
            && same(&entry.openapi, &difference.openapi)
            && same(&entry.schema, &difference.schema)
        {
            seen.insert(key);
            continue;
        }
        lines.entry(difference.pointer.clone()).or_default().push((
            keyword_rank(&difference.keyword),
            format!(
                "unlisted  {}: {}",
                difference.keyword,
                describe(&difference.keyword, &difference.openapi, &difference.schema)
            ),
        ));
        unlisted.push(difference.clone());
    }
    let mut stale_order = Vec::new();
    for entry in &decisions.differences {
        let key = (entry.pointer.as_str(), entry.keyword.as_str());
        if seen.contains(&key) || !std::ptr::eq(listed[&key], entry) {
            continue;
        }
        stale += 1;
        if !order.contains(&entry.pointer) && !stale_order.contains(&entry.pointer) {
            stale_order.push(entry.pointer.clone());
        }
        lines.entry(entry.pointer.clone()).or_default().push((
            keyword_rank(&entry.keyword),
            format!(
                "stale     {}: listed as {} ({}), no longer found",
                entry.keyword,
                describe(&entry.keyword, &entry.openapi, &entry.schema),
                entry.decision
            ),
        ));
    }
    let groups = order
        .iter()
        .chain(&stale_order)
        .filter_map(|pointer| {
            let mut group = lines.remove(pointer)?;
            // Stable: an unlisted line comes before the stale one of the same keyword.
            group.sort_by_key(|(rank, _)| *rank);
            Some((pointer.clone(), group.into_iter().map(|(_, line)| line).collect()))
        })
        .collect();

    Ok(Comparison {
        header,
        openapi_fields: openapi_fields.order.len(),
        schema_fields: schema_fields.order.len(),
        differences: differences.len(),
        listed: seen.len(),
        groups,
        unlisted,
        stale,
        undocumented: undocumented_decisions(root, name, decisions)?,
    })
}

/// Every difference between the two sides, pointer by pointer in `order`, keyword by keyword.
fn differences(order: &[String], openapi_fields: &Fields, schema_fields: &Fields) -> Vec<Difference> {
    let mut differences = Vec::new();
    for pointer in order {
        let mut add = |keyword: &str, openapi: Value, schema: Value| {
            differences.push(Difference {
                pointer: pointer.clone(),
                keyword: keyword.to_owned(),
                openapi,
                schema,
            });
        };
        match (openapi_fields.get(pointer), schema_fields.get(pointer)) {
            (Some(_), None) => add("presence", "present".into(), ABSENT.into()),
            (None, Some(_)) => add("presence", ABSENT.into(), "present".into()),
            (Some(vendor), Some(ours)) => {
                for (index, keyword) in KEYWORDS.iter().enumerate() {
                    if !same(&vendor.facts[index], &ours.facts[index]) {
                        add(keyword, vendor.facts[index].clone(), ours.facts[index].clone());
                    }
                }
                if !vendor.description.is_empty() && !ours.description.contains(&vendor.description) {
                    add("description", "vendor text not contained".into(), "(differs)".into());
                }
            }
            (None, None) => {}
        }
    }
    differences
}

/// The decision ids that `decisions.json` names and `DECISIONS.md` has no section for.
fn undocumented_decisions(root: &Path, name: &str, decisions: &DecisionsFile) -> Result<Vec<String>, String> {
    let mut ids: Vec<&str> = Vec::new();
    for entry in &decisions.differences {
        if !ids.contains(&entry.decision.as_str()) {
            ids.push(&entry.decision);
        }
    }
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let shown = format!("schema/{name}/DECISIONS.md");
    let text = fs::read_to_string(root.join(&shown)).map_err(|error| format!("{shown}: {error}"))?;
    let headings: HashSet<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("### ").or_else(|| line.strip_prefix("## ")))
        .filter_map(|heading| heading.split_whitespace().next())
        .collect();
    Ok(ids
        .into_iter()
        .filter(|id| !headings.contains(id))
        .map(|id| format!("undocumented decision {id:?}: {shown} has no section \"## {id} ...\""))
        .collect())
}

/// The report's order of the pointers of both sides: the OpenAPI's walk order, each pointer
/// only the schema has placed after the one that precedes it in the schema's walk.
fn merged_order(openapi: &[String], schema: &[String]) -> Vec<String> {
    let known: HashSet<&str> = openapi.iter().map(String::as_str).collect();
    // The schema's own pointers, by the last shared pointer before them (`None`: the start).
    let mut after: HashMap<Option<&str>, Vec<&str>> = HashMap::new();
    let mut anchor = None;
    for pointer in schema {
        if known.contains(pointer.as_str()) {
            anchor = Some(pointer.as_str());
        } else {
            after.entry(anchor).or_default().push(pointer);
        }
    }
    let mut order: Vec<String> = Vec::with_capacity(openapi.len() + schema.len());
    order.extend(after.remove(&None).unwrap_or_default().into_iter().map(str::to_owned));
    for pointer in openapi {
        order.push(pointer.clone());
        order
            .extend(after.remove(&Some(pointer.as_str())).unwrap_or_default().into_iter().map(str::to_owned));
    }
    order
}

fn keyword_rank(keyword: &str) -> usize {
    match keyword {
        "presence" => 0,
        "description" => KEYWORDS.len() + 1,
        other => {
            KEYWORDS.iter().position(|known| *known == other).map_or(KEYWORDS.len() + 2, |index| index + 1)
        }
    }
}

/// A difference in words: its two values, or what a presence or description difference means.
fn describe(keyword: &str, openapi: &Value, schema: &Value) -> String {
    let show = |value: &Value| match value.as_str() {
        Some(ABSENT) => ABSENT.to_owned(),
        _ => value.to_string(),
    };
    match keyword {
        "presence" if openapi == "present" && schema == ABSENT => "only in the OpenAPI".to_owned(),
        "presence" if openapi == ABSENT && schema == "present" => "only in the schema".to_owned(),
        "description" if openapi == "vendor text not contained" => {
            "the schema's description does not contain the vendor's".to_owned()
        }
        _ => format!("OpenAPI {}, schema {}", show(openapi), show(schema)),
    }
}

/// JSON equality, numbers compared by value (`1` and `1.0` are the same bound).
fn same(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Number(left), Value::Number(right)) => {
            let integer = |number: &serde_json::Number| {
                number.as_i64().map(i128::from).or_else(|| number.as_u64().map(i128::from))
            };
            match (integer(left), integer(right)) {
                (Some(left), Some(right)) => left == right,
                #[allow(clippy::float_cmp)] // Exact equality is the point: the same bound, written twice.
                _ => left.as_f64() == right.as_f64(),
            }
        }
        (Value::Array(left), Value::Array(right)) => {
            left.len() == right.len() && left.iter().zip(right).all(|(left, right)| same(left, right))
        }
        (Value::Object(left), Value::Object(right)) => {
            left.len() == right.len()
                && left.iter().all(|(key, value)| right.get(key).is_some_and(|other| same(value, other)))
        }
        _ => left == right,
    }
}

/// A folder of documents, and how the report names it.
struct Tree {
    dir: PathBuf,
    shown: String,
}

impl Tree {
    fn new(dir: PathBuf, shown: String) -> Self {
        let trimmed = shown.trim_end_matches('/');
        let shown = if trimmed.is_empty() { shown } else { trimmed.to_owned() };
        Tree { dir, shown }
    }

    /// A file of the folder (a `/`-separated relative path), as the report names it.
    fn show(&self, file: &str) -> String {
        format!("{}/{file}", self.shown)
    }
}

/// The `/`-separated path, relative to the folder, that `reference` names from the file `from`
/// (itself relative to the folder); an error when it is not a relative path inside the folder.
fn relative_path(from: &str, reference: &str) -> Result<String, String> {
    if reference.contains("://") || reference.starts_with('/') || reference.starts_with('\\') {
        return Err("is not a relative file reference".to_owned());
    }
    let mut parts: Vec<&str> = from.split('/').filter(|part| !part.is_empty()).collect();
    parts.pop();
    for part in reference.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err("leaves the folder the documents are read from".to_owned());
                }
            }
            part if part.contains('\\') || part.contains(':') => {
                return Err("is not a relative file reference".to_owned());
            }
            part => parts.push(part),
        }
    }
    if parts.is_empty() {
        return Err("names no file".to_owned());
    }
    Ok(parts.join("/"))
}

/// What one side states at one pointer.
struct Field {
    /// The values of [`KEYWORDS`], in their order.
    facts: Vec<Value>,
    /// The description, whitespace squashed.
    description: String,
}

/// Every field of one side, in walk order.
#[derive(Default)]
struct Fields {
    order: Vec<String>,
    fields: HashMap<String, Field>,
}

impl Fields {
    fn get(&self, pointer: &str) -> Option<&Field> {
        self.fields.get(pointer)
    }
}

/// A schema with its `$ref`s followed.
struct Resolved {
    /// The schema, each target merged with the siblings of the `$ref` that named it.
    node: Map<String, Value>,
    /// The file it lives in, relative to the folder.
    file: String,
    /// The targets passed through (`file#pointer`), in order.
    chain: Vec<String>,
}

/// Walks one side: loads documents on demand, follows `$ref`s, records each field.
struct Walker<'t> {
    tree: &'t Tree,
    documents: HashMap<String, Value>,
    /// The `$ref` targets (`file#pointer`) of the nodes being walked, outermost first.
    ancestors: Vec<String>,
    fields: Fields,
}

impl<'t> Walker<'t> {
    fn new(tree: &'t Tree) -> Self {
        Walker { tree, documents: HashMap::new(), ancestors: Vec::new(), fields: Fields::default() }
    }

    /// Walks the schema at `pointer` in `document` as the payload's root.
    fn walk_document(mut self, document: &str, pointer: &str) -> Result<Fields, String> {
        let document =
            relative_path("", document).map_err(|why| format!("{} {why}", self.tree.show(document)))?;
        let node = self.node(&document, pointer)?;
        self.ancestors.push(target_key(&document, pointer));
        self.walk(node, &document, "", true, 0)?;
        Ok(self.fields)
    }

    /// The node at `pointer` in `file`.
    fn node(&mut self, file: &str, pointer: &str) -> Result<Value, String> {
        let shown = self.tree.show(file);
        let document = self.load(file)?;
        document
            .pointer(pointer)
            .cloned()
            .ok_or_else(|| format!("{shown}: nothing at the JSON pointer {pointer:?}"))
    }

    fn load(&mut self, file: &str) -> Result<&Value, String> {
        if !self.documents.contains_key(file) {
            let shown = self.tree.show(file);
            let path = self.tree.dir.join(file);
            let fail = |error: &dyn fmt::Display| format!("{shown}: {error}");
            // A symbolic link may not lead out of the folder either.
            let real = path.canonicalize().map_err(|error| match error.kind() {
                io::ErrorKind::NotFound => fail(&"does not exist"),
                _ => fail(&error),
            })?;
            let real_root =
                self.tree.dir.canonicalize().map_err(|error| format!("{}: {error}", self.tree.shown))?;
            if !real.starts_with(&real_root) {
                return Err(fail(&"a symbolic link leads out of the folder the documents are read from"));
            }
            let size = fs::metadata(&real).map_err(|error| fail(&error))?.len();
            if size > MAX_DOCUMENT_BYTES {
                return Err(fail(&format!(
                    "{size} bytes, more than the {MAX_DOCUMENT_BYTES} a document may have"
                )));
            }
            let text = fs::read_to_string(&real).map_err(|error| fail(&error))?;
            let value: Value = if Path::new(file).extension().is_some_and(|extension| extension == "json") {
                serde_json::from_str(&text).map_err(|error| fail(&error))?
            } else {
                let options = serde_saphyr::options! {
                    duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::Error,
                    strict_booleans: true,
                    with_snippet: false,
                };
                serde_saphyr::from_str_with_options(&text, options).map_err(|error| fail(&error))?
            };
            self.documents.insert(file.to_owned(), value);
        }
        Ok(&self.documents[file])
    }

    /// Follows `node`'s `$ref`s, merging each target with the siblings of its `$ref` (the
    /// siblings win). Returns the schema, the file it lives in, and the targets passed through.
    fn resolve(&mut self, node: Value, file: &str, at: &str) -> Result<Resolved, String> {
        let mut node = match node {
            Value::Object(map) => map,
            Value::Bool(_) => Map::new(),
            other => {
                return Err(format!(
                    "{}: at {}: a schema must be an object, found {other}",
                    self.tree.show(file),
                    shown_pointer(at)
                ));
            }
        };
        let mut file = file.to_owned();
        let mut chain: Vec<String> = Vec::new();
        while let Some(reference) = node.get("$ref") {
            let here = self.tree.show(&file);
            let Some(reference) = reference.as_str() else {
                return Err(format!("{here}: at {}: $ref is not a string", shown_pointer(at)));
            };
            if chain.len() >= MAX_REF_CHAIN {
                return Err(format!(
                    "{here}: at {}: more than {MAX_REF_CHAIN} $refs in a row",
                    shown_pointer(at)
                ));
            }
            let (path, fragment) = reference.split_once('#').unwrap_or((reference, ""));
            if !fragment.is_empty() && !fragment.starts_with('/') {
                return Err(format!("{here}: $ref {reference:?}: the fragment is not a JSON pointer"));
            }
            let target_file = if path.is_empty() {
                file.clone()
            } else {
                relative_path(&file, path).map_err(|why| format!("{here}: $ref {reference:?} {why}"))?
            };
            let key = target_key(&target_file, fragment);
            if self.ancestors.contains(&key) || chain.contains(&key) {
                let cycle: Vec<&str> =
                    self.ancestors.iter().chain(&chain).map(String::as_str).chain([key.as_str()]).collect();
                return Err(format!("{here}: at {}: $ref cycle: {}", shown_pointer(at), cycle.join(" -> ")));
            }
            let target = self.node(&target_file, fragment).map_err(|error| {
                format!("{error} (the $ref {reference:?} of {here} at {})", shown_pointer(at))
            })?;
            let target = match target {
                Value::Object(map) => map,
                Value::Bool(_) => Map::new(),
                other => {
                    return Err(format!("{here}: $ref {reference:?} names {other}, not a schema"));
                }
            };
            let mut merged = target;
            for (keyword, value) in node {
                if keyword != "$ref" {
                    merged.insert(keyword, value);
                }
            }
            node = merged;
            file = target_file;
            chain.push(key);
        }
        Ok(Resolved { node, file, chain })
    }

    fn walk(
        &mut self,
        node: Value,
        file: &str,
        pointer: &str,
        required: bool,
        depth: usize,
    ) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(format!(
                "{}: at {}: the schema nests deeper than {MAX_DEPTH} levels",
                self.tree.show(file),
                shown_pointer(pointer)
            ));
        }
        let Resolved { node, file, chain } = self.resolve(node, file, pointer)?;
        let ancestors = self.ancestors.len();
        self.ancestors.extend(chain);
        self.record(pointer, &node, required, &file)?;
        let required_names: Vec<&str> = node
            .get("required")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let empty = Map::new();
        let properties = node.get("properties").and_then(Value::as_object).unwrap_or(&empty);
        let branches =
            |keyword: &str| node.get(keyword).and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
        let has_branches = !branches("oneOf").is_empty() || !branches("anyOf").is_empty();
        if has_branches && !properties.is_empty() {
            // Beside a oneOf/anyOf, properties belong to each alternative's object (D16).
            for keyword in ["oneOf", "anyOf"] {
                for index in 0..branches(keyword).len() {
                    for (name, property) in properties {
                        let at = format!("{pointer}/{keyword}/{index}/{}", escape(name));
                        let required = required_names.contains(&name.as_str());
                        self.walk(property.clone(), &file, &at, required, depth + 1)?;
                    }
                }
            }
        } else {
            for (name, property) in properties {
                let at = format!("{pointer}/{}", escape(name));
                self.walk(property.clone(), &file, &at, required_names.contains(&name.as_str()), depth + 1)?;
            }
        }
        if let Some(items) = node.get("items").filter(|items| items.is_object()) {
            self.walk(items.clone(), &file, &format!("{pointer}/[]"), true, depth + 1)?;
        }
        if let Some(values) = node.get("additionalProperties").filter(|values| values.is_object()) {
            self.walk(values.clone(), &file, &format!("{pointer}/{{}}"), true, depth + 1)?;
        }
        for keyword in ["oneOf", "anyOf"] {
            for (index, branch) in branches(keyword).iter().enumerate() {
                self.walk(branch.clone(), &file, &format!("{pointer}/{keyword}/{index}"), true, depth + 1)?;
            }
        }
        self.ancestors.truncate(ancestors);
        Ok(())
    }

    fn record(
        &mut self,
        pointer: &str,
        node: &Map<String, Value>,
        required: bool,
        file: &str,
    ) -> Result<(), String> {
        let field = Field {
            facts: facts(node, required),
            description: node.get("description").and_then(Value::as_str).map(squash).unwrap_or_default(),
        };
        if self.fields.fields.insert(pointer.to_owned(), field).is_none() {
            self.fields.order.push(pointer.to_owned());
            if self.fields.order.len() > MAX_FIELDS {
                return Err(format!(
                    "{}: more than {MAX_FIELDS} fields (at {}): do $refs fan out?",
                    self.tree.show(file),
                    shown_pointer(pointer)
                ));
            }
        }
        Ok(())
    }
}

/// The values of [`KEYWORDS`] that `node` states, [`ABSENT`] for the others.
fn facts(node: &Map<String, Value>, required: bool) -> Vec<Value> {
    let absent = || Value::String(ABSENT.to_owned());
    let (kind, nullable) = match node.get("type") {
        None => (absent(), false),
        Some(Value::Array(types)) => {
            let nullable = types.iter().any(|kind| kind == "null");
            let mut rest: Vec<Value> = types.iter().filter(|kind| *kind != "null").cloned().collect();
            rest.sort_by_key(ToString::to_string);
            let kind = match rest.len() {
                0 => absent(),
                1 => rest.remove(0),
                _ => Value::Array(rest),
            };
            (kind, nullable)
        }
        Some(kind) if kind == "null" => (absent(), true),
        Some(kind) => (kind.clone(), false),
    };
    KEYWORDS
        .iter()
        .map(|keyword| match *keyword {
            "required" => Value::Bool(required),
            "type" => kind.clone(),
            "nullable" => Value::Bool(nullable || node.get("nullable") == Some(&Value::Bool(true))),
            "oneOf" | "anyOf" | "allOf" => match node.get(*keyword) {
                Some(Value::Array(branches)) => Value::from(branches.len()),
                Some(other) => other.clone(),
                None => absent(),
            },
            "discriminator" => match node.get(*keyword) {
                Some(discriminator) => discriminator.get("propertyName").cloned().unwrap_or(Value::Null),
                None => absent(),
            },
            "additionalProperties" | "unevaluatedProperties" => match node.get(*keyword) {
                Some(Value::Bool(open)) => Value::Bool(*open),
                Some(_) => Value::String("schema".to_owned()),
                None => absent(),
            },
            "deprecated" => match node.get(*keyword) {
                None | Some(Value::Bool(false)) => absent(),
                Some(value) => value.clone(),
            },
            other => node.get(other).cloned().unwrap_or_else(absent),
        })
        .collect()
}

/// How a `$ref` target is named in a cycle: the file, and the pointer in it when there is one.
fn target_key(file: &str, pointer: &str) -> String {
    if pointer.is_empty() { file.to_owned() } else { format!("{file}#{pointer}") }
}

/// A JSON pointer segment: `~` and `/` escaped (RFC 6901).
pub(crate) fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

fn shown_pointer(pointer: &str) -> &str {
    if pointer.is_empty() { "(root)" } else { pointer }
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
