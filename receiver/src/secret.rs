//! [`Secret`]: a password or signing key, never shown by `Debug` or `Display`.

use std::fmt;

/// A password or a signing key. Its `Debug` says `Secret(redacted)`, so that logging a
/// configuration never prints it; [`Secret::expose`] is the one way to read it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// Reads a secret from the environment variable `name`: how the command-line tool takes
    /// secrets, so that they never appear among a process's visible arguments.
    ///
    /// # Errors
    ///
    /// When the variable is unset, empty or not UTF-8, naming it (never its value).
    pub fn from_env(name: &str) -> Result<Self, String> {
        match std::env::var(name) {
            Ok(value) if !value.is_empty() => Ok(Secret(value)),
            Ok(_) => Err(format!("the environment variable {name} is empty")),
            Err(std::env::VarError::NotPresent) => Err(format!("the environment variable {name} is not set")),
            Err(std::env::VarError::NotUnicode(_)) => {
                Err(format!("the environment variable {name} is not UTF-8"))
            }
        }
    }

    /// The secret's value.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("Secret(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_never_shows_the_value() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "Secret(redacted)");
        assert_eq!(format!("{:?}", Some(&secret)), "Some(Secret(redacted))");
        assert_eq!(secret.expose(), "hunter2");
    }

    #[test]
    fn a_missing_variable_is_named_and_its_value_never_shown() {
        let error = Secret::from_env("FPWEBHOOK_TEST_SURELY_UNSET_VARIABLE").unwrap_err();
        assert_eq!(error, "the environment variable FPWEBHOOK_TEST_SURELY_UNSET_VARIABLE is not set");
    }
}
