//! `FPJS-Event-Signature`: Fingerprint's optional HMAC of a delivery's body, checked in constant
//! time, and [`sign`] for tests and senders.
//!
//! The header holds a comma-separated list of `version=signature`; `v1` is the lowercase
//! hexadecimal HMAC-SHA256 of the raw body under the webhook's secret. Several entries (and
//! several secrets) allow a secret to be rotated without refusing deliveries in between.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::Secret;

/// The header's name.
pub const HEADER: &str = "FPJS-Event-Signature";

/// Why a delivery's signature was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureFailure {
    /// No `FPJS-Event-Signature` header, or an empty one.
    Missing,
    /// An entry that is not `version=signature`, or a `v1` signature that is not 64 lowercase
    /// hexadecimal digits.
    Malformed,
    /// No entry of a version this library checks: the versions found.
    UnknownVersion(Vec<String>),
    /// Well-formed `v1` signatures, none of them the body's under any configured secret.
    NoMatch,
}

impl fmt::Display for SignatureFailure {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignatureFailure::Missing => write!(formatter, "no {HEADER} header"),
            SignatureFailure::Malformed => {
                write!(formatter, "the {HEADER} header is not a list of version=signature")
            }
            SignatureFailure::UnknownVersion(versions) => {
                write!(
                    formatter,
                    "the {HEADER} header has no v1 signature (versions: {})",
                    versions.join(", ")
                )
            }
            SignatureFailure::NoMatch => {
                write!(formatter, "no signature of the {HEADER} header matches the body")
            }
        }
    }
}

fn mac(secret: &Secret) -> Hmac<Sha256> {
    // HMAC takes a key of any length: this cannot fail.
    <Hmac<Sha256> as KeyInit>::new_from_slice(secret.expose().as_bytes()).expect("HMAC takes any key length")
}

/// The header value for `body` under `secret`: `v1=` and the HMAC-SHA256 in lowercase
/// hexadecimal.
pub fn sign(secret: &Secret, body: &[u8]) -> String {
    let mut mac = mac(secret);
    mac.update(body);
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// Checks a header's value against `body` under each of `secrets`. Each `v1` signature is
/// compared with `hmac`'s constant-time verification; every signature and every secret is
/// tried, whatever matched before, so the time does not say which one matched.
///
/// # Errors
///
/// Why the signature was refused.
pub fn verify(header: Option<&[u8]>, body: &[u8], secrets: &[Secret]) -> Result<(), SignatureFailure> {
    let header =
        header.map(<[u8]>::trim_ascii).filter(|value| !value.is_empty()).ok_or(SignatureFailure::Missing)?;
    let header = std::str::from_utf8(header).map_err(|_| SignatureFailure::Malformed)?;
    let mut signatures = Vec::new();
    let mut versions = Vec::new();
    let mut malformed = false;
    // A malformed entry does not hide a good one: every entry is read, and the failure says
    // what was wrong only when no signature matches.
    for entry in header.split(',').map(str::trim).filter(|entry| !entry.is_empty()) {
        let Some((version, signature)) = entry.split_once('=') else {
            malformed = true;
            continue;
        };
        let (version, signature) = (version.trim(), signature.trim());
        let lowercase_hex =
            signature.len() == 64 && signature.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        match version {
            "v1" if lowercase_hex => signatures.extend(hex::decode(signature).ok()),
            "v1" | "" => malformed = true,
            // Named in the failure, a few at most: the header is the sender's text.
            other if versions.len() < MAX_NAMED_VERSIONS => versions.push(other.chars().take(16).collect()),
            _ => {}
        }
    }
    if signatures.is_empty() {
        return Err(if malformed {
            SignatureFailure::Malformed
        } else {
            SignatureFailure::UnknownVersion(versions)
        });
    }
    let mut matched = false;
    for secret in secrets {
        let mut mac = mac(secret);
        mac.update(body);
        for signature in &signatures {
            matched |= mac.clone().verify_slice(signature).is_ok();
        }
    }
    match (matched, malformed) {
        (true, _) => Ok(()),
        (false, true) => Err(SignatureFailure::Malformed),
        (false, false) => Err(SignatureFailure::NoMatch),
    }
}

/// At most this many unknown versions are named in a [`SignatureFailure::UnknownVersion`].
const MAX_NAMED_VERSIONS: usize = 4;

#[cfg(test)]
mod tests {
    use super::{SignatureFailure, sign, verify};
    use crate::Secret;

    const KNOWN: &str = "v1=1b2c16b75bd2a870c114153ccda5bcfca63314bc722fa160d690de133ccbb9db";

    #[test]
    fn the_known_answer() {
        assert_eq!(sign(&Secret::new("secret"), b"data"), KNOWN);
        assert_eq!(verify(Some(KNOWN.as_bytes()), b"data", &[Secret::new("secret")]), Ok(()));
    }

    #[test]
    fn rotation_several_signatures_and_several_secrets() {
        let (old, new) = (Secret::new("old"), Secret::new("new"));
        let header = format!("{}, {}", sign(&old, b"body"), sign(&new, b"body"));
        assert_eq!(verify(Some(header.as_bytes()), b"body", std::slice::from_ref(&new)), Ok(()));
        assert_eq!(verify(Some(header.as_bytes()), b"body", std::slice::from_ref(&old)), Ok(()));
        let only_new = sign(&new, b"body");
        assert_eq!(verify(Some(only_new.as_bytes()), b"body", &[old.clone(), new]), Ok(()));
        assert_eq!(verify(Some(only_new.as_bytes()), b"body", &[old]), Err(SignatureFailure::NoMatch));
        let with_unknown = format!("v2=abc,{only_new}");
        assert_eq!(verify(Some(with_unknown.as_bytes()), b"body", &[Secret::new("new")]), Ok(()));
    }

    #[test]
    fn typed_reasons() {
        let secrets = [Secret::new("secret")];
        assert_eq!(verify(None, b"data", &secrets), Err(SignatureFailure::Missing));
        assert_eq!(verify(Some(b"  "), b"data", &secrets), Err(SignatureFailure::Missing));
        assert_eq!(verify(Some(b"garbage"), b"data", &secrets), Err(SignatureFailure::Malformed));
        assert_eq!(
            verify(Some(KNOWN.to_uppercase().replace("V1", "v1").as_bytes()), b"data", &secrets),
            Err(SignatureFailure::Malformed)
        );
        assert_eq!(verify(Some(b"v1=abcd"), b"data", &secrets), Err(SignatureFailure::Malformed));
        assert_eq!(verify(Some(b"=abcd"), b"data", &secrets), Err(SignatureFailure::Malformed));
        // A malformed entry does not hide a good one; spaces around the version are allowed.
        assert_eq!(verify(Some(format!("v1=abc,{KNOWN}").as_bytes()), b"data", &secrets), Ok(()));
        assert_eq!(verify(Some(KNOWN.replace("v1=", "v1 = ").as_bytes()), b"data", &secrets), Ok(()));
        assert_eq!(verify(Some(format!("{KNOWN},,").as_bytes()), b"data", &secrets), Ok(()));
        let many: Vec<String> = (0..1000).map(|index| format!("w{index}=x")).collect();
        let Err(SignatureFailure::UnknownVersion(named)) =
            verify(Some(many.join(",").as_bytes()), b"data", &secrets)
        else {
            panic!("unknown versions")
        };
        assert_eq!(named.len(), 4, "at most a few are named");
        assert_eq!(
            verify(Some(b"v0=abc, v9=def"), b"data", &secrets),
            Err(SignatureFailure::UnknownVersion(vec!["v0".to_owned(), "v9".to_owned()]))
        );
        assert_eq!(verify(Some(KNOWN.as_bytes()), b"data!", &secrets), Err(SignatureFailure::NoMatch));
        assert_eq!(verify(Some(KNOWN.as_bytes()), b"data", &[]), Err(SignatureFailure::NoMatch));
    }
}
