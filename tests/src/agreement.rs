//! Differential testing: the generated validator against an independent one (the `jsonschema`
//! crate, formats asserted, the `tag` vendor keyword registered), on the same bytes.
//!
//! Both sides are reduced to the sorted list of `(pointer, keyword)` of their violations, with
//! `jsonschema`'s conventions mapped to the project's: a missing field is reported at its own
//! pointer, and each undocumented field in strict mode at its own pointer.

use fingerprint_webhook::{Contract, Keyword, MAX_VIOLATIONS, Options, Violations};
use jsonschema::error::ValidationErrorKind;
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

use crate::canonical::canonical_json_len;
use crate::duplicates::repeats_a_key;

/// The vendor keyword of the `tag` limit.
const TAG_KEYWORD: &str = "x-fingerprint-maxJsonTextLength";

/// One violation, reduced to what both validators can say: its pointer and keyword.
pub type Finding = (String, String);

/// The `tag` limit as a `jsonschema` custom keyword: the characters of the canonical JSON text
/// (RFC 8785), by this crate's own reference (`crate::canonical`).
struct MaxJsonTextLength(usize);

impl<'i> jsonschema::Keyword<'i> for MaxJsonTextLength {
    fn validate(&self, instance: &'i Value) -> Result<(), ValidationError<'i>> {
        if jsonschema::Keyword::is_valid(self, instance) {
            Ok(())
        } else {
            Err(ValidationError::custom(format!("canonical JSON text longer than {}", self.0)))
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        canonical_json_len(instance) <= self.0
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

/// The independent validator, for a schema and its strict variant.
pub struct Reference {
    canonical: Validator,
    strict: Validator,
}

impl Reference {
    /// The reference for a contract: its published schema and strict schema.
    ///
    /// # Panics
    ///
    /// When a schema is not one that `jsonschema` builds.
    pub fn for_contract(contract: &Contract) -> Self {
        let schema = |text: &str| serde_json::from_str(text).expect("the schema is JSON");
        Reference {
            canonical: reference_validator(&schema(contract.schema())),
            strict: reference_validator(&schema(contract.strict_schema())),
        }
    }

    /// The reference for any schema the generator reads, given as text; its strict variant is
    /// derived as `cargo xtask generate` derives the canonical schema's.
    ///
    /// # Panics
    ///
    /// When the text is not a schema that `jsonschema` builds.
    pub fn for_schema(schema_text: &str) -> Self {
        let strict = fingerprint_webhook_codegen::strict::strict_schema(schema_text, "schema.json")
            .expect("the schema is JSON");
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

/// A generated `validate` function (of the canonical schema, or of any other).
pub type ValidateFn = fn(&[u8], Options) -> Result<(), Violations>;

/// What a generated validator says of some bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ours {
    /// Every violation but duplicate keys, sorted.
    pub findings: Vec<Finding>,
    /// Whether it reported a duplicate key.
    pub repeats_a_key: bool,
    /// Whether it stopped at the violation cap.
    pub truncated: bool,
}

/// What a generated validator says of `bytes`.
pub fn ours_of(validate: ValidateFn, bytes: &[u8], strict: bool) -> Ours {
    let Err(violations) = validate(bytes, Options::DEFAULT.with_strict(strict)) else {
        return Ours::default();
    };
    let repeats_a_key = violations.iter().any(|violation| violation.keyword() == Keyword::DuplicateKey);
    let mut findings: Vec<Finding> = violations
        .iter()
        .filter(|violation| violation.keyword() != Keyword::DuplicateKey)
        .map(|violation| (violation.pointer().to_owned(), violation.keyword().as_str().to_owned()))
        .collect();
    findings.sort();
    Ours { findings, repeats_a_key, truncated: violations.is_truncated() }
}

/// Whether `part` is a sub-multiset of `whole` (both sorted).
fn is_contained(part: &[Finding], whole: &[Finding]) -> bool {
    let mut whole = whole.iter();
    part.iter().all(|finding| whole.by_ref().any(|candidate| candidate == finding))
}

/// Checks that both validators judge `bytes` alike, in default and strict mode:
/// - when `serde_json` cannot read the bytes, the generated validator reports exactly invalid
///   JSON, whatever else the bytes hold (repeated keys, more violations than the cap);
/// - it reports a repeated key exactly when an independent reader finds one (or, past the
///   violation cap, only where there is one);
/// - without repeated keys, both report the same findings; past the cap, the generated
///   validator reports [`MAX_VIOLATIONS`] of the reference's.
///
/// # Errors
///
/// A description of the disagreement.
pub fn check_agreement(contract: &Contract, reference: &Reference, bytes: &[u8]) -> Result<(), String> {
    check_agreement_of(contract.validator(), reference, bytes)
}

/// [`check_agreement`] for any generated validator and the reference of its schema.
///
/// # Errors
///
/// A description of the disagreement.
pub fn check_agreement_of(validate: ValidateFn, reference: &Reference, bytes: &[u8]) -> Result<(), String> {
    let parsed = serde_json::from_slice::<Value>(bytes);
    for strict in [false, true] {
        let ours = ours_of(validate, bytes, strict);
        let Ok(payload) = &parsed else {
            let invalid_json = vec![(String::new(), "invalidJson".to_owned())];
            if ours.findings != invalid_json || ours.repeats_a_key || ours.truncated {
                let error = parsed.as_ref().err().map(ToString::to_string).unwrap_or_default();
                return Err(format!("serde_json rejects the input ({error}), the validator says {ours:?}"));
            }
            continue;
        };
        let repeats = repeats_a_key(bytes).unwrap_or(false);
        if ours.repeats_a_key != repeats && !(ours.truncated && repeats) {
            return Err(format!("repeated keys: the reference says {repeats}, the validator says {ours:?}"));
        }
        if repeats {
            // serde_json keeps one copy of a repeated key; the findings are not comparable.
            continue;
        }
        let theirs = reference.findings(payload, strict);
        let agrees = if ours.truncated {
            ours.findings.len() == MAX_VIOLATIONS && is_contained(&ours.findings, &theirs)
        } else {
            ours.findings == theirs
        };
        if !agrees {
            return Err(format!("strict: {strict}\nours:   {ours:?}\ntheirs: {theirs:?}"));
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
