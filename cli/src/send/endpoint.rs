//! The dashboard's rule for a webhook URL: HTTPS and a domain name. `http://` and IP literals
//! are refused with the reason, except for loopback hosts with `--allow-insecure-localhost`,
//! so that a receiver on the same machine can be tested before it has a certificate.

use std::net::IpAddr;

use reqwest::Url;
use url::Host;

/// `text` as an endpoint deliveries may go to, or why not.
pub(crate) fn endpoint(text: &str, allow_insecure_localhost: bool) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|error| format!("{}: not a URL ({error})", shown_text(text)))?;
    let text = &shown(&url);
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!(
            "{}: credentials in a URL are visible to every user of this machine; give them with --user and --password-env",
            shown(&url)
        ));
    }
    let host = url.host().ok_or_else(|| format!("{text}: no host"))?;
    let loopback = is_loopback(&host);
    let hint = if loopback && !allow_insecure_localhost {
        " (for a receiver on this machine, add --allow-insecure-localhost)"
    } else {
        ""
    };
    if !matches!(url.scheme(), "https" | "http") {
        return Err(format!("{text}: the scheme is {}; Fingerprint delivers over HTTPS only", url.scheme()));
    }
    if loopback && allow_insecure_localhost {
        return Ok(url);
    }
    if url.scheme() == "http" {
        return Err(format!("{text}: Fingerprint delivers only to https:// URLs{hint}"));
    }
    if let Host::Ipv4(_) | Host::Ipv6(_) = host {
        return Err(format!("{text}: Fingerprint delivers only to a domain name, not an IP address{hint}"));
    }
    Ok(url)
}

/// A URL as messages show it: without user information.
fn shown(url: &Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

/// Text that is not a URL as messages show it: without what could be user information (up to
/// an `@` after the scheme), and safe for a terminal.
fn shown_text(text: &str) -> String {
    let redacted = match text.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((_, host)) => format!("{scheme}://***@{host}"),
            None => text.to_owned(),
        },
        None => text.to_owned(),
    };
    crate::report::printable(&redacted).into_owned()
}

/// Whether a host is this machine: `localhost` and its subdomains (RFC 6761), or a loopback
/// address.
fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        Host::Ipv4(address) => IpAddr::V4(*address).is_loopback(),
        Host::Ipv6(address) => {
            IpAddr::V6(*address).is_loopback()
                || address.to_ipv4_mapped().is_some_and(|mapped| mapped.is_loopback())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::endpoint;

    #[test]
    fn https_and_a_domain_name_pass() {
        for url in
            ["https://hooks.example.com/fingerprint", "https://example.com:8443/a?b=c", "https://localhost/x"]
        {
            assert!(endpoint(url, false).is_ok(), "{url}");
        }
    }

    #[test]
    fn http_ip_literals_and_credentials_are_refused_with_the_reason() {
        let cases = [
            ("http://example.com/hook", "delivers only to https:// URLs"),
            ("https://203.0.113.7/hook", "a domain name, not an IP address"),
            ("https://[2001:db8::1]/hook", "a domain name, not an IP address"),
            ("https://user:pw@example.com/hook", "credentials in a URL"),
            ("ftp://example.com/hook", "HTTPS only"),
            ("example.com/hook", "not a URL"),
            ("http://127.0.0.1:8080/hook", "add --allow-insecure-localhost"),
            ("http://localhost:8080/hook", "add --allow-insecure-localhost"),
            ("https://[::1]:8080/hook", "add --allow-insecure-localhost"),
        ];
        for (url, reason) in cases {
            let error = endpoint(url, false).unwrap_err();
            assert!(error.contains(reason), "{url}: {error}");
        }
        // The password is never repeated in the message.
        assert!(!endpoint("https://user:hunter2@example.com/", false).unwrap_err().contains("hunter2"));
        assert!(!endpoint("https://bob:hunter2@exa mple.com/", false).unwrap_err().contains("hunter2"));
        assert!(!endpoint("https://ex\u{1b}]0;PWNED\u{7}ample.com/", false).unwrap_err().contains('\u{1b}'));
    }

    #[test]
    fn the_flag_lets_loopback_hosts_only_through() {
        for url in [
            "http://127.0.0.1:8080/hook",
            "http://127.9.9.9/",
            "http://[::1]:1/",
            "http://[::ffff:127.0.0.1]/",
            "http://localhost/",
            "http://a.localhost/",
        ] {
            assert!(endpoint(url, true).is_ok(), "{url}");
        }
        for url in [
            "http://example.com/",
            "https://203.0.113.7/",
            "http://10.0.0.1/",
            "http://localhost.example.com/",
        ] {
            assert!(endpoint(url, true).is_err(), "{url}");
        }
    }
}
