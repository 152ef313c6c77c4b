//! A readable table of every constraint of the canonical schema, so that each change of the
//! contract is a reviewable snapshot diff.

use fingerprint_webhook_codegen::constraints;
use fingerprint_webhook_codegen::model::Model;
use webhook_tests::{CANONICAL_SCHEMA, read_repository_file};

#[test]
fn canonical_schema_constraints() {
    let model = Model::read(&read_repository_file(CANONICAL_SCHEMA), "IdentificationWebhook").unwrap();
    insta::assert_snapshot!(constraints::markdown_table(&constraints::rows(&model)));
}
