//! The generator's output for small focused schemas in `fixtures/`: the generated types and
//! validators of a supported schema, every error with its pointer for an unsupported one.

use fingerprint_webhook_codegen::{Config, generate};

#[test]
fn generator_output_for_each_fixture() {
    insta::glob!("fixtures/*.schema.json", |path| {
        let schema = std::fs::read_to_string(path).unwrap();
        let config = Config { root_type_name: "Payload", schema_path: "fixture.schema.json" };
        match generate(&schema, &config) {
            Ok(generated) => {
                insta::assert_snapshot!("types", generated.types);
                insta::assert_snapshot!("validators", generated.validators);
            }
            Err(errors) => insta::assert_snapshot!("errors", format!("error: {errors}")),
        }
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
    let first = generate(&schema, &config).unwrap();
    for _ in 0..5 {
        assert_eq!(generate(&schema, &config).unwrap(), first);
    }
}

#[test]
fn invalid_json_is_an_error_not_a_panic() {
    let config = Config { root_type_name: "Payload", schema_path: "fixture.schema.json" };
    for text in ["", "{", "[]", "null", "{\"type\": \"object\"}", "{\"$schema\": 3}"] {
        let errors = generate(text, &config).unwrap_err();
        assert!(!errors.0.is_empty(), "{text:?}");
    }
}

#[test]
fn definitions_nobody_references_generate_nothing() {
    let schema = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/annotations-and-unused-defs.schema.json"
    ))
    .unwrap();
    let config = Config { root_type_name: "Payload", schema_path: "fixture.schema.json" };
    let generated = generate(&schema, &config).unwrap();
    assert!(generated.types.contains("pub struct Seen"));
    for unused in ["Unused", "UnusedKind", "Never", "read_unused"] {
        assert!(!generated.types.contains(unused) && !generated.validators.contains(unused), "{unused}");
    }
    // An error in an unreferenced definition is still reported.
    let broken =
        schema.replace(r#""never": { "type": "string", "enum": ["a"] }"#, r#""never": { "type": "tuple" }"#);
    let errors = generate(&broken, &config).unwrap_err();
    assert_eq!(errors.0[0].pointer, "/$defs/Unused/properties/never/type");
}
