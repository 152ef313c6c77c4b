//! Differential testing: the generated validator against an independent one (the `jsonschema`
//! crate, formats asserted, the `tag` vendor keyword registered), on the same bytes.
//!
//! Both sides are reduced to the sorted list of `(pointer, keyword)` of their violations, with
//! `jsonschema`'s conventions mapped to the project's: a missing field is reported at its own
//! pointer, and each undocumented field in strict mode at its own pointer.

use fingerprint_webhook::{Keyword, Options, Violations, validate};
use jsonschema::error::ValidationErrorKind;
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

use crate::read_repository_file;

/// The strict schema's path relative to the repository root.
pub const STRICT_SCHEMA: &str = "schema/identification-webhook.strict.schema.json";

/// The vendor keyword of the `tag` limit.
const TAG_KEYWORD: &str = "x-fingerprint-maxJsonTextLength";

/// One violation, reduced to what both validators can say: its pointer and keyword.
pub type Finding = (String, String);

/// The `tag` limit as a `jsonschema` custom keyword: the characters of the compact JSON text
/// that `serde_json` writes.
struct MaxJsonTextLength(usize);

impl<'i> jsonschema::Keyword<'i> for MaxJsonTextLength {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        if jsonschema::Keyword::is_valid(self, instance) {
            Ok(())
        } else {
            Err(ValidationError::custom(format!("compact JSON text longer than {}", self.0)))
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        serde_json::to_string(instance).is_ok_and(|text| text.chars().count() <= self.0)
    }
}

/// The formats JSON Schema defines that the project treats as annotations (DESIGN §2 rule 10):
/// only `date-time`, `ipv4` and `ipv6` are asserted.
const ANNOTATION_FORMATS: &[&str] = &[
    "date",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uuid",
    "uri-template",
    "json-pointer",
    "relative-json-pointer",
    "regex",
];

fn reference_validator(schema: &Value) -> Validator {
    let mut options = jsonschema::draft202012::options();
    for format in ANNOTATION_FORMATS {
        options = options.with_format(*format, |_: &str| true);
    }
    options
        .should_validate_formats(true)
        .should_ignore_unknown_formats(true)
        .with_keyword(TAG_KEYWORD, |_, value, _| {
            let limit = value.as_u64().and_then(|limit| usize::try_from(limit).ok()).unwrap_or(usize::MAX);
            Ok(Box::new(MaxJsonTextLength(limit)))
        })
        .build(schema)
        .expect("the schema builds")
}

fn read_schema(path: &str) -> Value {
    serde_json::from_str(&read_repository_file(path)).expect("the schema is JSON")
}

/// The independent validator, for a schema and its strict variant.
pub struct Reference {
    canonical: Validator,
    strict: Validator,
}

impl Default for Reference {
    /// The reference for the canonical schema of the repository.
    fn default() -> Self {
        Reference {
            canonical: reference_validator(&read_schema(crate::CANONICAL_SCHEMA)),
            strict: reference_validator(&read_schema(STRICT_SCHEMA)),
        }
    }
}

impl Reference {
    /// The reference for any schema the generator reads, given as text; its strict variant is
    /// derived as `cargo xtask generate` derives the canonical schema's.
    ///
    /// # Panics
    ///
    /// When the text is not a schema that `jsonschema` builds.
    pub fn for_schema(schema_text: &str) -> Self {
        let strict =
            fingerprint_webhook_codegen::strict::strict_schema(schema_text).expect("the schema is JSON");
        Reference {
            canonical: reference_validator(&serde_json::from_str(schema_text).expect("the schema is JSON")),
            strict: reference_validator(&serde_json::from_str(&strict).expect("the strict schema is JSON")),
        }
    }

    /// The findings of the `jsonschema` crate on `payload`, sorted.
    pub fn findings(&self, payload: &Value, strict: bool) -> Vec<Finding> {
        let validator = if strict { &self.strict } else { &self.canonical };
        let mut findings = Vec::new();
        for error in validator.iter_errors(payload) {
            let pointer = error.instance_path().as_str().to_owned();
            match error.kind() {
                ValidationErrorKind::Required { property } => {
                    let name = property.as_str().unwrap_or_default();
                    findings.push((child(&pointer, name), "required".to_owned()));
                }
                ValidationErrorKind::AdditionalProperties { unexpected } => {
                    findings.extend(
                        unexpected
                            .iter()
                            .map(|name| (child(&pointer, name), "additionalProperties".to_owned())),
                    );
                }
                // `additionalProperties: false` on an object without `properties`: jsonschema
                // reports the first key only, at the object; each key is one finding here.
                ValidationErrorKind::FalseSchema
                    if error.schema_path().as_str().ends_with("/additionalProperties") =>
                {
                    if let Some(Value::Object(members)) = payload.pointer(&pointer) {
                        findings.extend(
                            members
                                .keys()
                                .map(|name| (child(&pointer, name), "additionalProperties".to_owned())),
                        );
                    }
                }
                kind => findings.push((pointer, kind.keyword().to_owned())),
            }
        }
        findings.sort();
        findings
    }
}

fn child(pointer: &str, name: &str) -> String {
    format!("{pointer}/{}", name.replace('~', "~0").replace('/', "~1"))
}

/// The findings of the generated validator on `bytes`, sorted; `None` when it reports a
/// duplicate key, a rule no JSON Schema validator can judge.
pub fn our_findings(bytes: &[u8], strict: bool) -> Option<Vec<Finding>> {
    findings_of(validate, bytes, strict)
}

/// A generated `validate` function (of the canonical schema, or of any other).
pub type ValidateFn = fn(&[u8], Options) -> Result<(), Violations>;

/// The findings of a generated validator on `bytes`, sorted; `None` when it reports a
/// duplicate key, a rule no JSON Schema validator can judge.
pub fn findings_of(validate: ValidateFn, bytes: &[u8], strict: bool) -> Option<Vec<Finding>> {
    let options = if strict { Options::STRICT } else { Options::DEFAULT };
    let Err(violations) = validate(bytes, options) else { return Some(Vec::new()) };
    if violations.iter().any(|violation| violation.keyword == Keyword::DuplicateKey) {
        return None;
    }
    let mut findings: Vec<Finding> = violations
        .iter()
        .map(|violation| (violation.pointer.clone(), violation.keyword.as_str().to_owned()))
        .collect();
    findings.sort();
    Some(findings)
}

/// Checks that both validators judge `bytes` alike, in default and strict mode: when
/// `serde_json` cannot read the bytes, the generated validator must call them invalid JSON;
/// otherwise both must report the same findings (unless the input repeats a key).
///
/// # Errors
///
/// A description of the disagreement.
pub fn check_agreement(reference: &Reference, bytes: &[u8]) -> Result<(), String> {
    check_agreement_of(validate, reference, bytes)
}

/// [`check_agreement`] for any generated validator and the reference of its schema.
///
/// # Errors
///
/// A description of the disagreement.
pub fn check_agreement_of(validate: ValidateFn, reference: &Reference, bytes: &[u8]) -> Result<(), String> {
    let parsed = serde_json::from_slice::<Value>(bytes);
    for strict in [false, true] {
        let ours = findings_of(validate, bytes, strict);
        match &parsed {
            Err(error) => {
                let invalid_json = vec![(String::new(), "invalidJson".to_owned())];
                if ours.as_ref().is_some_and(|ours| *ours != invalid_json) {
                    return Err(format!(
                        "serde_json rejects the input ({error}), the validator says {ours:?}"
                    ));
                }
            }
            Ok(payload) => {
                let Some(ours) = ours else { continue };
                let theirs = reference.findings(payload, strict);
                if ours != theirs {
                    return Err(format!("strict: {strict}\nours:   {ours:?}\ntheirs: {theirs:?}"));
                }
            }
        }
    }
    Ok(())
}

/// Every pointer into `value` (objects' members and arrays' items), in document order.
pub fn pointers(value: &Value) -> Vec<String> {
    fn walk(value: &Value, pointer: &str, out: &mut Vec<String>) {
        match value {
            Value::Object(members) => {
                for (key, member) in members {
                    let child = child(pointer, key);
                    out.push(child.clone());
                    walk(member, &child, out);
                }
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    let child = format!("{pointer}/{index}");
                    out.push(child.clone());
                    walk(item, &child, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, "", &mut out);
    out
}

/// The object members of `value` that are objects, by pointer (the root is `""`).
pub fn object_pointers(value: &Value) -> Vec<String> {
    std::iter::once(String::new())
        .chain(pointers(value))
        .filter(|pointer| value.pointer(pointer).is_some_and(Value::is_object))
        .collect()
}

/// Removes the member or item at `pointer`.
pub fn remove(value: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else { return };
    let last = last.replace("~1", "/").replace("~0", "~");
    match value.pointer_mut(parent) {
        Some(Value::Object(members)) => {
            members.shift_remove(&last);
        }
        Some(Value::Array(items)) => {
            if let Ok(index) = last.parse::<usize>()
                && index < items.len()
            {
                items.remove(index);
            }
        }
        _ => {}
    }
}
