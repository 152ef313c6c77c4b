//! What the binary publishes: the schemas, the documented example and the conformance suite,
//! embedded from `schema/` at build time.

/// The canonical schema.
pub(crate) const SCHEMA: &str = include_str!("../../schema/identification-webhook.schema.json");
/// The strict schema.
pub(crate) const STRICT_SCHEMA: &str = include_str!("../../schema/identification-webhook.strict.schema.json");
/// The documentation's example payload.
pub(crate) const EXAMPLE: &str = include_str!("../../schema/documented-example.json");

/// The conformance suite, by file name; `fixtures --out DIR` also writes both schemas beside it,
/// since each group names its schema file. A test checks that this list matches
/// `schema/fixtures/`.
pub(crate) const FIXTURES: &[(&str, &str)] = &[
    ("date-times.json", include_str!("../../schema/fixtures/date-times.json")),
    ("documented-example.json", include_str!("../../schema/fixtures/documented-example.json")),
    ("integers.json", include_str!("../../schema/fixtures/integers.json")),
    ("max-length.json", include_str!("../../schema/fixtures/max-length.json")),
    ("nullability.json", include_str!("../../schema/fixtures/nullability.json")),
    ("project-rules.json", include_str!("../../schema/fixtures/project-rules.json")),
    ("real-world.json", include_str!("../../schema/fixtures/real-world.json")),
    ("types.json", include_str!("../../schema/fixtures/types.json")),
    ("unknown-fields.json", include_str!("../../schema/fixtures/unknown-fields.json")),
];

#[cfg(test)]
mod tests {
    use super::FIXTURES;

    #[test]
    fn the_embedded_fixtures_are_the_files_in_schema_fixtures() {
        let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema/fixtures");
        let mut names: Vec<String> = std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let embedded: Vec<&str> = FIXTURES.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, embedded, "add or remove the file in cli/src/published.rs");
    }
}
