//! HTTP Basic authentication (RFC 7617), which Fingerprint's dashboard can set on a webhook,
//! checked in constant time.

use std::fmt;

use base64::Engine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::Secret;

/// The credentials a webhook must present.
#[derive(Clone, Debug)]
pub struct BasicAuth {
    user: String,
    password: Secret,
}

/// Why a delivery's credentials were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    /// No `Authorization` header.
    Missing,
    /// An `Authorization` header that is not `Basic` with base64 of `user:password`.
    Malformed,
    /// Credentials other than the configured ones.
    Wrong,
}

impl fmt::Display for AuthFailure {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            AuthFailure::Missing => "no credentials (Basic authentication is required)",
            AuthFailure::Malformed => "the Authorization header is not Basic credentials",
            AuthFailure::Wrong => "wrong credentials",
        })
    }
}

impl BasicAuth {
    /// The user name and password a delivery must present.
    pub fn new(user: impl Into<String>, password: Secret) -> Self {
        BasicAuth { user: user.into(), password }
    }

    /// The user name.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The value of an `Authorization` header with these credentials: what a sender writes.
    pub fn header_value(&self) -> String {
        let pair = format!("{}:{}", self.user, self.password.expose());
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair))
    }

    /// Checks an `Authorization` header's value. The comparison takes the same time whatever
    /// the presented credentials are: both sides are hashed to fixed-size digests, compared
    /// with `subtle`'s constant-time equality, and the user and password results are combined
    /// without a branch, so neither a length nor a matching prefix nor which half was wrong
    /// shows in the timing.
    ///
    /// # Errors
    ///
    /// Why the credentials were refused.
    pub fn check(&self, authorization: Option<&[u8]>) -> Result<(), AuthFailure> {
        let value = authorization.ok_or(AuthFailure::Missing)?;
        let value = std::str::from_utf8(value).map_err(|_| AuthFailure::Malformed)?;
        let (scheme, encoded) = value.trim().split_once(' ').ok_or(AuthFailure::Malformed)?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return Err(AuthFailure::Malformed);
        }
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|_| AuthFailure::Malformed)?;
        let colon = decoded.iter().position(|&byte| byte == b':').ok_or(AuthFailure::Malformed)?;
        let (user, password) = (&decoded[..colon], &decoded[colon + 1..]);
        let same_user = digest(user).ct_eq(&digest(self.user.as_bytes()));
        let same_password = digest(password).ct_eq(&digest(self.password.expose().as_bytes()));
        if bool::from(same_user & same_password) { Ok(()) } else { Err(AuthFailure::Wrong) }
    }
}

fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

#[cfg(test)]
mod tests {
    use super::{AuthFailure, BasicAuth};
    use crate::Secret;

    #[test]
    fn the_configured_credentials_pass_and_nothing_else() {
        let auth = BasicAuth::new("fingerprint", Secret::new("s3cr:et"));
        let header = auth.header_value();
        assert_eq!(auth.check(Some(header.as_bytes())), Ok(()));
        assert_eq!(
            auth.check(Some(header.replace("Basic", "basic").as_bytes())),
            Ok(()),
            "the scheme's case"
        );
        assert_eq!(auth.check(None), Err(AuthFailure::Missing));
        assert_eq!(auth.check(Some(b"Bearer abc")), Err(AuthFailure::Malformed));
        assert_eq!(auth.check(Some(b"Basic !!!")), Err(AuthFailure::Malformed));
        assert_eq!(auth.check(Some(b"Basic bm9jb2xvbg==")), Err(AuthFailure::Malformed), "no colon");
        for (user, password) in
            [("fingerprint", "s3cr:e"), ("fingerprint", "s3cr:et "), ("Fingerprint", "s3cr:et"), ("", "")]
        {
            let other = BasicAuth::new(user, Secret::new(password)).header_value();
            assert_eq!(auth.check(Some(other.as_bytes())), Err(AuthFailure::Wrong), "{user}:{password}");
        }
    }

    #[test]
    fn debug_redacts_the_password() {
        let auth = BasicAuth::new("user", Secret::new("hunter2"));
        assert!(!format!("{auth:?}").contains("hunter2"));
    }
}
