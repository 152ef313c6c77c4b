//! The generator's output for small focused schemas in `fixtures/`, one snapshot each: generated
//! source for a supported schema, every error with its pointer for an unsupported one.

use fingerprint_webhook_codegen::{Config, generate_types};

#[test]
fn generator_output_for_each_fixture() {
    insta::glob!("fixtures/*.schema.json", |path| {
        let schema = std::fs::read_to_string(path).unwrap();
        let config = Config { root_type_name: "Payload", schema_path: "fixture.schema.json" };
        let output = match generate_types(&schema, &config) {
            Ok(source) => source,
            Err(errors) => format!("error: {errors}"),
        };
        insta::assert_snapshot!(output);
    });
}

#[test]
fn the_output_is_deterministic() {
    let schema = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/array-of-objects.schema.json"
    ))
    .unwrap();
    let config = Config { root_type_name: "Payload", schema_path: "fixture.schema.json" };
    let first = generate_types(&schema, &config).unwrap();
    for _ in 0..5 {
        assert_eq!(generate_types(&schema, &config).unwrap(), first);
    }
}

#[test]
fn invalid_json_is_an_error_not_a_panic() {
    let config = Config { root_type_name: "Payload", schema_path: "fixture.schema.json" };
    for text in ["", "{", "[]", "null", "{\"type\": \"object\"}", "{\"$schema\": 3}"] {
        let errors = generate_types(text, &config).unwrap_err();
        assert!(!errors.0.is_empty(), "{text:?}");
    }
}
