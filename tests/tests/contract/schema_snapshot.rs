//! A readable table of every constraint of each contract's schema, so that each change of a
//! contract is a reviewable snapshot diff.

use fingerprint_webhook::CONTRACTS;
use fingerprint_webhook_codegen::constraints;
use fingerprint_webhook_codegen::model::Model;

#[test]
fn schema_constraints() {
    for contract in CONTRACTS {
        let model = Model::read(contract.schema(), contract.root_type()).unwrap();
        let table = constraints::markdown_table(&constraints::rows(&model));
        insta::assert_snapshot!(format!("constraints-{}", contract.name()), table);
    }
}
