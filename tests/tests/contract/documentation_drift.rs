//! Drift check 1: the canonical schema against the documentation's annotations, row by row, for
//! every contract with a documented-limits table. The tests that edit a side pick the row they
//! change from the table and the schema (the first limit, the first nullable field, ...), never
//! by its name.

use fingerprint_webhook::{CONTRACTS, Contract};
use fingerprint_webhook_codegen::constraints;
use fingerprint_webhook_codegen::model::Model;
use serde_json::{Value, json};
use webhook_tests::targets::{escape, field_schemas, fields_described_by, key_of};
use webhook_tests::{
    DOCUMENTED_LIMITS_FILE, Documented, DocumentedField, contract_file, documentation_drift,
    parse_documented_limits, read_repository_file, repository_root, sourced_elsewhere,
};

/// The contracts with a documented-limits table, and its rows.
fn annotated_contracts() -> Vec<(&'static Contract, Vec<DocumentedField>)> {
    CONTRACTS
        .iter()
        .filter_map(|contract| {
            let path = contract_file(contract, DOCUMENTED_LIMITS_FILE);
            repository_root()
                .join(&path)
                .is_file()
                .then(|| (contract, parse_documented_limits(&read_repository_file(&path)).unwrap()))
        })
        .collect()
}

#[test]
fn every_annotated_contract_states_exactly_its_documented_limits() {
    let annotated = annotated_contracts();
    assert!(!annotated.is_empty(), "a contract has a documented-limits table");
    for (contract, documented) in annotated {
        assert!(!documented.is_empty(), "{}", contract.name());
        let model = Model::read(contract.schema(), contract.root_type()).unwrap();
        let sourced = sourced_elsewhere(&serde_json::from_str(contract.schema()).unwrap());
        assert_eq!(
            documentation_drift(&documented, &constraints::rows(&model), &sourced),
            Vec::<String>::new(),
            "{}",
            contract.name()
        );
    }
}

/// One annotated contract, as a test of it edits it.
struct Annotated {
    contract: &'static Contract,
    /// The table's text.
    table: String,
    documented: Vec<DocumentedField>,
    schema: Value,
    /// Where each field is described in the schema.
    places: Vec<(String, String)>,
}

impl Annotated {
    fn all() -> Vec<Annotated> {
        let all: Vec<Annotated> = annotated_contracts()
            .into_iter()
            .map(|(contract, documented)| {
                let schema: Value = serde_json::from_str(contract.schema()).unwrap();
                Annotated {
                    contract,
                    table: read_repository_file(&contract_file(contract, DOCUMENTED_LIMITS_FILE)),
                    documented,
                    places: field_schemas(&schema),
                    schema,
                }
            })
            .collect();
        assert!(!all.is_empty(), "a contract has a documented-limits table");
        all
    }

    fn drift_of(&self, schema: &Value, documented: &[DocumentedField]) -> Vec<String> {
        let model = Model::read(&schema.to_string(), self.contract.root_type()).unwrap();
        documentation_drift(documented, &constraints::rows(&model), &sourced_elsewhere(schema))
    }

    /// The table with the row of `pointer` rewritten by `edit` (its columns in, the line out),
    /// and that row's line number.
    fn table_with(&self, pointer: &str, edit: impl Fn(&[&str]) -> String) -> (String, usize) {
        let mut number = 0;
        let lines: Vec<String> = self
            .table
            .lines()
            .enumerate()
            .map(|(index, line)| {
                let columns: Vec<&str> = line.split(',').collect();
                if columns[0] == pointer {
                    number = index + 1;
                    edit(&columns)
                } else {
                    line.to_owned()
                }
            })
            .collect();
        assert!(number > 0, "{pointer} has a row");
        (lines.join("\n") + "\n", number)
    }

    /// The schema that describes a documented field alone, with the fields it describes.
    fn place_of(&self, pointer: &str) -> Option<(String, Vec<String>)> {
        let (_, at) = self.places.iter().find(|(field, _)| field == pointer)?;
        Some((at.clone(), fields_described_by(&self.places, at)))
    }

    fn documented_fields_of(&self, fields: Vec<String>) -> Vec<String> {
        fields.into_iter().filter(|field| self.documented.iter().any(|row| &row.pointer == field)).collect()
    }
}

#[test]
fn a_max_length_changed_in_the_schema_only_names_the_field() {
    for annotated in Annotated::all() {
        let field = annotated.documented.iter().find(|field| field.max_length.is_some()).unwrap();
        let limit = field.max_length.unwrap();
        let (at, fields) = annotated.place_of(&field.pointer).unwrap();
        let mut schema = annotated.schema.clone();
        schema.pointer_mut(&at).unwrap()["maxLength"] = json!(limit + 1);
        let expected: Vec<String> = annotated
            .documented_fields_of(fields)
            .iter()
            .map(|field| {
                format!("{field}: maxLength is {limit} in the documentation, {} in the schema", limit + 1)
            })
            .collect();
        assert!(!expected.is_empty());
        assert_eq!(annotated.drift_of(&schema, &annotated.documented), expected, "{}", annotated.contract);
    }
}

#[test]
fn a_max_length_changed_in_the_table_only_names_the_field() {
    for annotated in Annotated::all() {
        let field = annotated.documented.iter().rev().find(|field| field.max_length.is_some()).unwrap();
        let limit = field.max_length.unwrap();
        let (table, _) = annotated.table_with(&field.pointer, |columns| {
            format!("{},{},{},{}", columns[0], columns[1], columns[2], limit - 1)
        });
        let documented = parse_documented_limits(&table).unwrap();
        assert_eq!(
            annotated.drift_of(&annotated.schema, &documented),
            [format!(
                "{}: maxLength is {} in the documentation, {limit} in the schema",
                field.pointer,
                limit - 1
            )],
            "{}",
            annotated.contract
        );
    }
}

#[test]
fn a_nullability_changed_on_one_side_names_the_field() {
    for annotated in Annotated::all() {
        // In the schema: the first required root field whose own schema states its type.
        let (field, at, json_type) = annotated
            .documented
            .iter()
            .filter(|field| field.nullable == Documented::NotNullable && field.pointer.rfind('/') == Some(0))
            .find_map(|field| {
                let (at, _) = annotated.place_of(&field.pointer)?;
                let json_type = annotated.schema.pointer(&at)?.get("type")?.as_str()?.to_owned();
                (at == format!("/properties/{}", escape(&key_of(&field.pointer))))
                    .then_some((field, at, json_type))
            })
            .unwrap();
        let mut schema = annotated.schema.clone();
        let key = key_of(&field.pointer);
        schema["required"].as_array_mut().unwrap().retain(|name| name != key.as_str());
        schema.pointer_mut(&at).unwrap()["type"] = json!([json_type, "null"]);
        assert_eq!(
            annotated.drift_of(&schema, &annotated.documented),
            [format!(
                "{}: nullable is false in the documentation, but the schema says true (required: false, null allowed: true)",
                field.pointer
            )],
            "{}",
            annotated.contract
        );

        // In the table: the first nullable field inside an array's items, else the first
        // nullable field.
        let nullable = || annotated.documented.iter().filter(|field| field.nullable == Documented::Nullable);
        let field =
            nullable().find(|field| field.pointer.contains("/*/")).or_else(|| nullable().next()).unwrap();
        let (table, _) = annotated.table_with(&field.pointer, |columns| {
            format!("{},{},false,{}", columns[0], columns[1], columns[3])
        });
        let documented = parse_documented_limits(&table).unwrap();
        assert_eq!(
            annotated.drift_of(&annotated.schema, &documented),
            [format!(
                "{}: nullable is false in the documentation, but the schema says true (required: false, null allowed: true)",
                field.pointer
            )],
            "{}",
            annotated.contract
        );
    }
}

#[test]
fn a_field_on_one_side_only_is_named() {
    for annotated in Annotated::all() {
        let mut schema = annotated.schema.clone();
        // A field added to the first documented object below the root.
        let (at, objects) = annotated
            .documented
            .iter()
            .filter(|field| field.json_type == "object" && field.pointer.rfind('/') == Some(0))
            .find_map(|field| {
                let (at, fields) = annotated.place_of(&field.pointer)?;
                annotated.schema.pointer(&at)?.get("properties")?;
                Some((at, fields))
            })
            .unwrap();
        schema.pointer_mut(&at).unwrap()["properties"]["addedByTheTest"] =
            json!({"type": ["string", "null"], "maxLength": 250});
        // The first optional documented root field without fields of its own, removed.
        let removed = annotated
            .documented
            .iter()
            .find(|field| {
                field.nullable != Documented::NotNullable
                    && field.pointer.rfind('/') == Some(0)
                    && !annotated
                        .documented
                        .iter()
                        .any(|other| other.pointer.starts_with(&format!("{}/", field.pointer)))
            })
            .unwrap();
        schema["properties"].as_object_mut().unwrap().shift_remove(&key_of(&removed.pointer));
        let mut expected = vec![format!("{}: documented, but the schema has no such field", removed.pointer)];
        expected.extend(objects.iter().map(|object| {
            format!("{object}/addedByTheTest: in the schema, but not in the documented limits")
        }));
        assert_eq!(annotated.drift_of(&schema, &annotated.documented), expected, "{}", annotated.contract);
    }
}

#[test]
fn a_malformed_table_row_names_its_line() {
    for annotated in Annotated::all() {
        let field = annotated.documented.iter().find(|field| field.max_length.is_some()).unwrap();
        let (table, line) = annotated.table_with(&field.pointer, |columns| {
            format!("{},{},maybe,{}", columns[0], columns[1], columns[3])
        });
        assert_eq!(
            parse_documented_limits(&table).unwrap_err(),
            format!("line {line}: nullable is `true`, `false` or `unannotated`, not `maybe`"),
            "{}",
            annotated.contract
        );
    }
}
