//! Turns JSON names into Rust identifiers: the one place that decides how a key is spelled in Rust.
//!
//! Words are split at non-alphanumeric characters, at a lower-to-upper case change (`ipLocation`)
//! and before the last capital of an acronym followed by a lowercase letter (`URLPath`). Only
//! ASCII letters and digits survive; a name that would start with a digit gets a prefix, and a
//! field named like a Rust keyword gets a trailing underscore.

/// The words of a JSON name, lowercase.
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (index, &ch) in chars.iter().enumerate() {
        if !ch.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let previous = index.checked_sub(1).map(|before| chars[before]);
        let next = chars.get(index + 1).copied();
        let starts_word = ch.is_ascii_uppercase()
            && match previous {
                Some(previous) if previous.is_ascii_lowercase() || previous.is_ascii_digit() => true,
                Some(previous) if previous.is_ascii_uppercase() => {
                    next.is_some_and(|next| next.is_ascii_lowercase())
                }
                _ => false,
            };
        if starts_word && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(ch.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// The Rust type name for a JSON name, in `PascalCase`: `ipLocation` becomes `IpLocation`.
pub fn type_name(name: &str) -> String {
    let joined: String = words(name)
        .iter()
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    match joined.chars().next() {
        None => "Unnamed".to_owned(),
        Some(first) if first.is_ascii_digit() => format!("Type{joined}"),
        Some(_) if joined == "Self" => "SelfType".to_owned(),
        Some(_) => joined,
    }
}

/// The Rust enum variant for a JSON string value, in `PascalCase`: `in-progress` becomes
/// `InProgress`, `3ds` becomes `Value3ds`.
pub fn variant_name(value: &str) -> String {
    match type_name(value) {
        name if name.starts_with("Type") && value.starts_with(|first: char| first.is_ascii_digit()) => {
            format!("Value{}", &name[4..])
        }
        name if name == "Unnamed" && value.is_empty() => "Empty".to_owned(),
        name => name,
    }
}

/// The Rust field name for a JSON key, in `snake_case`: `browserMajorVersion` becomes
/// `browser_major_version`, `type` becomes `type_`.
pub fn field_name(name: &str) -> String {
    let joined = words(name).join("_");
    match joined.chars().next() {
        None => "unnamed".to_owned(),
        Some(first) if first.is_ascii_digit() => format!("field_{joined}"),
        Some(_) if is_keyword(&joined) => format!("{joined}_"),
        Some(_) => joined,
    }
}

/// Whether `word` is a Rust keyword, strict or reserved, in any edition up to 2024.
fn is_keyword(word: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do",
        "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
        "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self",
        "static", "struct", "super", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
        "virtual", "where", "while", "yield",
    ];
    KEYWORDS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_keys_become_snake_case_fields() {
        assert_eq!(field_name("orderId"), "order_id");
        assert_eq!(field_name("shippingAddressLine"), "shipping_address_line");
        assert_eq!(field_name("ip"), "ip");
        assert_eq!(field_name("URLPath"), "url_path");
        assert_eq!(field_name("ipV4"), "ip_v4");
        assert_eq!(field_name("x-custom header"), "x_custom_header");
    }

    #[test]
    fn awkward_keys_still_make_identifiers() {
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("2fa"), "field_2fa");
        assert_eq!(field_name("--"), "unnamed");
        assert_eq!(field_name("naïve"), "na_ve");
    }

    #[test]
    fn enum_values_become_variants() {
        assert_eq!(variant_name("in-progress"), "InProgress");
        assert_eq!(variant_name("3ds"), "Value3ds");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("Typed"), "Typed");
    }

    #[test]
    fn names_become_pascal_case_types() {
        assert_eq!(type_name("deliveryWindow"), "DeliveryWindow");
        assert_eq!(type_name("SeenAt"), "SeenAt");
        assert_eq!(type_name("line_items"), "LineItems");
        assert_eq!(type_name("3ds"), "Type3ds");
        assert_eq!(type_name(""), "Unnamed");
        assert_eq!(type_name("self"), "SelfType");
    }
}
