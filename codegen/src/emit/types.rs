//! The Rust types: one struct per object type, with serde and schemars attributes and docs.
//!
//! One small function per concern: a struct, a field's type, its serde attributes, its schemars
//! attributes, its documentation. Paths outside the prelude are absolute (`::serde::Serialize`,
//! `crate::Nullable`), so the output means the same wherever it is included.

use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, format_ident, quote};

use super::{banner, doc_attributes, format_tokens, readable_f64, readable_i64};
use crate::error::SchemaErrors;
use crate::ir::{
    ADDITIONAL_PROPERTIES, Element, Limits, OtherKeys, Presence, RustEnum, RustField, RustItems, RustStruct,
    RustUnion, RustValue, UNKNOWN_FIELDS, UNKNOWN_VARIANT, ValueKind,
};
use crate::model::{ListKeyword, MAX_JSON_TEXT_LENGTH};

/// The full text of the generated types module: banner, then the formatted items.
///
/// # Errors
///
/// Only when the emitted tokens do not parse as Rust, which would be a bug in this module.
pub fn types_module(items: &RustItems, schema_path: &str) -> Result<String, SchemaErrors> {
    let structs = items.structs.iter().map(struct_item);
    let enums = items.enums.iter().map(enum_item);
    let unions = items.unions.iter().map(union_item);
    // The schema's descriptions are prose written for any language, not Rust docs: names in
    // them are not in backticks.
    let tokens = quote! {
        #![allow(
            clippy::doc_markdown,
            clippy::doc_lazy_continuation,
            clippy::doc_overindented_list_items,
            clippy::doc_link_with_quotes,
            reason = "the docs are the schema's descriptions, prose for any language, not Rust's Markdown"
        )]
        #![allow(
            rustdoc::bare_urls,
            rustdoc::invalid_html_tags,
            reason = "the docs are the schema's descriptions, whose links and markup are the vendor's prose"
        )]
        #![allow(
            clippy::struct_field_names,
            clippy::struct_excessive_bools,
            reason = "the fields are the schema's properties, named and typed as the schema says"
        )]
        #(#structs)* #(#enums)* #(#unions)*
    };
    let summary = "Rust types of the schema: one struct per object of the schema.";
    Ok(banner(summary, schema_path) + &format_tokens(tokens)?)
}

fn struct_item(item: &RustStruct) -> TokenStream {
    let name = format_ident!("{}", item.name);
    let docs = doc_attributes(&item.docs);
    let fields = item.fields.iter().map(field);
    let (deny, others) = match &item.others {
        OtherKeys::Unknown => {
            let unknown_fields = format_ident!("{UNKNOWN_FIELDS}");
            let others = quote! {
                /// Keys the schema does not declare, kept as they came so that they survive a round trip.
                #[serde(flatten)]
                pub #unknown_fields: crate::JsonObject,
            };
            (quote!(), others)
        }
        OtherKeys::Rejected => (quote!(#[serde(deny_unknown_fields)]), quote!()),
        OtherKeys::Entries(element) => {
            let additional = format_ident!("{ADDITIONAL_PROPERTIES}");
            let map = map_type(element);
            let others = quote! {
                /// The other keys, which the schema's `additionalProperties` describes, in payload order.
                #[serde(flatten)]
                pub #additional: #map,
            };
            (quote!(), others)
        }
    };
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]
        #deny
        pub struct #name {
            #(#fields)*
            #others
        }
    }
}

/// A string `enum` as a Rust enum: one variant per listed value, and one for any other
/// string, so that a value the vendor adds before the schema lists it still deserializes (and
/// serializes back unchanged). The validators still report it as an `enum` violation.
fn enum_item(item: &RustEnum) -> TokenStream {
    let name = format_ident!("{}", item.name);
    let docs = doc_attributes(&item.docs);
    let unknown = format_ident!("{UNKNOWN_VARIANT}");
    let variants: Vec<_> = item.variants.iter().map(|(variant, _)| format_ident!("{variant}")).collect();
    let values: Vec<&String> = item.variants.iter().map(|(_, value)| value).collect();
    let variant_docs = values.iter().map(|value| format!(" `{value:?}`."));
    let from_json_text_doc =
        format!(" The variant of a JSON string: [`Self::{unknown}`] for a value the schema does not list.");
    let type_name = &item.name;
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(from = "String", into = "String")]
        pub enum #name {
            #(#[doc = #variant_docs] #variants,)*
            /// A value the schema does not list: the vendor may add values before the schema
            /// lists them. The validators report it as a violation; serde keeps it as it came.
            #unknown(String),
        }

        impl #name {
            /// The values the schema lists, in schema order.
            pub const KNOWN: &'static [&'static str] = &[#(#values),*];

            #[doc = #from_json_text_doc]
            pub fn from_json_text(text: &str) -> Self {
                match text {
                    #(#values => Self::#variants,)*
                    other => Self::#unknown(other.to_owned()),
                }
            }

            /// The JSON string of the value.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #values,)*
                    Self::#unknown(other) => other,
                }
            }

            /// Whether the schema lists the value.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::#unknown(_))
            }
        }

        impl From<String> for #name {
            fn from(text: String) -> Self {
                match Self::from_json_text(&text) {
                    // Every enum lists two values or more: a one-value `enum` is a plain string.
                    Self::#unknown(_) => Self::#unknown(text),
                    known => known,
                }
            }
        }

        impl From<#name> for String {
            fn from(value: #name) -> Self {
                match value {
                    #(#name::#variants => #values.to_owned(),)*
                    #name::#unknown(text) => text,
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }

        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for #name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(#type_name)
            }

            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                ::schemars::json_schema!({ "type": "string", "enum": [#(#values),*] })
            }
        }
    }
}

/// A union as a Rust enum: one variant per alternative, chosen by the discriminator, and one
/// for a value whose discriminator the schema does not list (an alternative the vendor adds
/// before the schema lists it), kept as it came. The validators still report that value.
fn union_item(item: &RustUnion) -> TokenStream {
    let name = format_ident!("{}", item.name);
    let docs = doc_attributes(&item.docs);
    let unknown = format_ident!("{UNKNOWN_VARIANT}");
    let discriminator = &item.discriminator;
    let variants: Vec<_> = item.variants.iter().map(|(variant, ..)| format_ident!("{variant}")).collect();
    let tags: Vec<&String> = item.variants.iter().map(|(_, tag, _)| tag).collect();
    let structs: Vec<_> = item.variants.iter().map(|(.., name)| format_ident!("{name}")).collect();
    let variant_docs =
        tags.iter().map(|tag| format!(" The alternative whose `{discriminator}` is `{tag:?}`."));
    let type_name = &item.name;
    let combinator = item.combinator.as_str();
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#[doc = #variant_docs] #variants(#structs),)*
            /// A value whose discriminator the schema does not list: the vendor may add
            /// alternatives before the schema lists them. The validators report it as a
            /// violation; serde keeps it as it came.
            #unknown(crate::JsonValue),
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <crate::JsonValue as ::serde::Deserialize>::deserialize(deserializer)?;
                let alternative = match value.get(#discriminator).and_then(crate::JsonValue::as_str) {
                    #(Some(#tags) => <#structs as ::serde::Deserialize>::deserialize(value).map(Self::#variants),)*
                    _ => return Ok(Self::#unknown(value)),
                };
                alternative.map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }

        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for #name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(#type_name)
            }

            fn json_schema(generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                let alternatives = [#(generator.subschema_for::<#structs>()),*];
                ::schemars::json_schema!({ #combinator: alternatives })
            }
        }
    }
}

fn field(field: &RustField) -> TokenStream {
    let name = format_ident!("{}", field.rust_name);
    let docs = doc_attributes(&field.docs);
    let serde = serde_attribute(field);
    let schemars = schemars_attribute(field);
    let ty = field_type(field);
    quote! {
        #docs
        #serde
        #schemars
        pub #name: #ty,
    }
}

/// The ordered map of an element: a `JsonObject` for values of any type, an `IndexMap`
/// otherwise.
fn map_type(element: &Element) -> TokenStream {
    if element.value.kind == ValueKind::Json {
        return quote!(crate::JsonObject);
    }
    let values = value_type(&element.value);
    if element.nullable {
        quote!(crate::IndexMap<String, Option<#values>>)
    } else {
        quote!(crate::IndexMap<String, #values>)
    }
}

fn value_type(value: &RustValue) -> TokenStream {
    match &value.kind {
        ValueKind::String => quote!(String),
        ValueKind::DateTime => quote!(crate::DateTime),
        ValueKind::Integer => quote!(i64),
        ValueKind::Number | ValueKind::WideInteger => quote!(::serde_json::Number),
        ValueKind::Boolean => quote!(bool),
        ValueKind::Json => quote!(crate::JsonValue),
        ValueKind::Struct(name) | ValueKind::Enum(name) => {
            let name = format_ident!("{name}");
            quote!(#name)
        }
        ValueKind::Union(union) => {
            let name = format_ident!("{}", union.name);
            quote!(#name)
        }
        ValueKind::List(element) => {
            let items = value_type(&element.value);
            if element.nullable { quote!(Vec<Option<#items>>) } else { quote!(Vec<#items>) }
        }
        ValueKind::Map(element) => map_type(element),
    }
}

/// The type whose JSON Schema describes a value as the canonical schema does: its Rust type,
/// with an integer of any size as `AnyInteger` (a `serde_json::Number` alone says `number`).
fn schema_value_type(value: &RustValue) -> TokenStream {
    match &value.kind {
        ValueKind::WideInteger => quote!(crate::__private::AnyInteger),
        ValueKind::List(element) => {
            let items = schema_value_type(&element.value);
            if element.nullable { quote!(Vec<Option<#items>>) } else { quote!(Vec<#items>) }
        }
        ValueKind::Map(element) if element.value.kind != ValueKind::Json => {
            let values = schema_value_type(&element.value);
            if element.nullable {
                quote!(crate::IndexMap<String, Option<#values>>)
            } else {
                quote!(crate::IndexMap<String, #values>)
            }
        }
        _ => value_type(value),
    }
}

/// Whether a value holds an integer of any size at some depth.
fn holds_wide_integers(value: &RustValue) -> bool {
    match &value.kind {
        ValueKind::WideInteger => true,
        ValueKind::List(element) | ValueKind::Map(element) => holds_wide_integers(&element.value),
        _ => false,
    }
}

fn field_type(field: &RustField) -> TokenStream {
    let value = value_type(&field.value);
    match field.presence {
        Presence::Required => value,
        Presence::Optional | Presence::RequiredNullable => quote!(Option<#value>),
        Presence::Nullable => quote!(crate::Nullable<#value>),
    }
}

/// `#[serde(...)]`: the JSON key, how absence and `null` are read and written, and integers.
fn serde_attribute(field: &RustField) -> TokenStream {
    let mut parts = Vec::new();
    if field.json_name != field.rust_name {
        let json_name = &field.json_name;
        parts.push(quote!(rename = #json_name));
    }
    let integer = field.value.kind == ValueKind::Integer;
    if !integer && holds_integers(&field.value) {
        // Integers inside lists: `[1.0]` is `[1]`, as at the top level.
        match field.presence {
            // `Option<T>` holds integers too: `None` for `null`.
            Presence::Required | Presence::RequiredNullable => {
                parts.push(quote!(deserialize_with = "crate::__private::integer::deserialize_nested"));
            }
            Presence::Optional => parts.push(quote!(
                default,
                skip_serializing_if = "Option::is_none",
                deserialize_with = "crate::__private::integer::deserialize_nested_optional"
            )),
            Presence::Nullable => parts.push(quote!(
                default,
                skip_serializing_if = "crate::Nullable::is_absent",
                deserialize_with = "crate::__private::integer::deserialize_nested_nullable"
            )),
        }
        return quote!(#[serde(#(#parts),*)]);
    }
    match field.presence {
        // Present, maybe `null`: without `deserialize_with`, serde would read an absent key as `None`.
        Presence::RequiredNullable if integer => {
            parts.push(quote!(deserialize_with = "crate::__private::integer::deserialize_nested"));
        }
        Presence::RequiredNullable => {
            parts.push(quote!(deserialize_with = "crate::__private::deserialize_required_nullable"));
        }
        Presence::Required if integer => {
            parts.push(quote!(deserialize_with = "crate::__private::integer::deserialize"));
        }
        Presence::Required => {}
        Presence::Optional => {
            let present = if integer {
                "crate::__private::integer::deserialize_optional"
            } else {
                "crate::__private::deserialize_present"
            };
            parts.push(quote!(default, skip_serializing_if = "Option::is_none", deserialize_with = #present));
        }
        Presence::Nullable => {
            parts.push(quote!(default, skip_serializing_if = "crate::Nullable::is_absent"));
            if integer {
                parts.push(quote!(deserialize_with = "crate::__private::integer::deserialize_nullable"));
            }
        }
    }
    if parts.is_empty() { quote!() } else { quote!(#[serde(#(#parts),*)]) }
}

/// Whether a list holds `i64` integers at some depth.
fn holds_integers(value: &RustValue) -> bool {
    match &value.kind {
        ValueKind::Integer => true,
        ValueKind::List(element) | ValueKind::Map(element) => holds_integers(&element.value),
        _ => false,
    }
}

/// `#[schemars(...)]`: the limits of the value (and of the values inside it, through
/// `inner(...)`), and the non-null schema of an optional field.
fn schemars_attribute(field: &RustField) -> TokenStream {
    let mut parts = Vec::new();
    let value = schema_value_type(&field.value);
    let with = match field.presence {
        // The non-null schema of an optional field, which is absent rather than `null`.
        Presence::Optional => Some(value),
        // Present, and `null` allowed: schemars drops the `null` of a required `Option`.
        Presence::RequiredNullable => Some(quote!(crate::__private::NullOr<#value>)),
        Presence::Required if holds_wide_integers(&field.value) => Some(value),
        Presence::Nullable if holds_wide_integers(&field.value) => Some(quote!(crate::Nullable<#value>)),
        Presence::Required | Presence::Nullable => None,
    };
    if let Some(with) = with {
        let with = with.to_string().replace(' ', "");
        parts.push(quote!(with = #with));
    }
    parts.extend(validation_parts(&field.value));
    if field.presence == Presence::RequiredNullable {
        parts.push(quote!(required));
    }
    parts.extend(list_part(&field.value.limits, field.presence.allows_null()));
    parts.extend(exclusive_parts(&field.value.limits));
    if let Some(max) = field.value.limits.max_json_text_length {
        let max = Literal::u64_unsuffixed(max);
        parts.push(quote!(extend(#MAX_JSON_TEXT_LENGTH = #max)));
    }
    if parts.is_empty() { quote!() } else { quote!(#[cfg_attr(feature = "schemars", schemars(#(#parts),*))]) }
}

/// `extend("exclusiveMinimum" = ...)` and `extend("exclusiveMaximum" = ...)`, which schemars's
/// `range` cannot state.
fn exclusive_parts(limits: &Limits) -> Vec<TokenStream> {
    let as_float = |bound: &Option<serde_json::Number>| bound.as_ref().and_then(serde_json::Number::as_f64);
    let bounds = [
        (
            "exclusiveMinimum",
            limits.exclusive_minimum.map(|bound| readable_i64(bound, true).into_token_stream()),
        ),
        (
            "exclusiveMaximum",
            limits.exclusive_maximum.map(|bound| readable_i64(bound, true).into_token_stream()),
        ),
        ("exclusiveMinimum", as_float(&limits.number.exclusive_minimum).map(readable_f64)),
        ("exclusiveMaximum", as_float(&limits.number.exclusive_maximum).map(readable_f64)),
    ];
    bounds
        .into_iter()
        .filter_map(|(keyword, bound)| bound.map(|bound| quote!(extend(#keyword = #bound))))
        .collect()
}

/// `extend("enum" = [...])` or `extend("const" = ...)` for a string `const` or an integer list
/// (a string `enum` is a generated enum, whose own schema lists its values); `null` joins the
/// list of a nullable field.
fn list_part(limits: &Limits, nullable: bool) -> Option<TokenStream> {
    let (keyword, mut values): (_, Vec<TokenStream>) = match (&limits.strings, &limits.integers) {
        (Some(allowed), _) if allowed.enumeration.is_none() => {
            (allowed.keyword, allowed.values.iter().map(|value| quote!(#value)).collect())
        }
        (_, Some(allowed)) => (
            allowed.keyword,
            allowed.values.iter().map(|value| readable_i64(*value, true).into_token_stream()).collect(),
        ),
        _ => return None,
    };
    if nullable {
        values.push(quote!(null));
    }
    Some(match (keyword, values.as_slice()) {
        (ListKeyword::Const, [value]) => quote!(extend("const" = #value)),
        _ => quote!(extend("enum" = [#(#values),*])),
    })
}

/// The schemars validation attributes of a value: `length`, `range`, and `inner(...)` for the
/// items of a list, at any depth.
fn validation_parts(value: &RustValue) -> Vec<TokenStream> {
    let mut parts = limit_parts(&value.limits);
    if let ValueKind::List(element) = &value.kind {
        let inner = validation_parts(&element.value);
        if !inner.is_empty() {
            parts.push(quote!(inner(#(#inner),*)));
        }
    }
    parts
}

fn limit_parts(limits: &Limits) -> Vec<TokenStream> {
    let mut parts = Vec::new();
    // `length` states `minLength`/`maxLength` on a string and `minItems`/`maxItems` on an array.
    let lengths =
        [("min", limits.min_length.or(limits.min_items)), ("max", limits.max_length.or(limits.max_items))];
    let lengths: Vec<TokenStream> = lengths
        .into_iter()
        .filter_map(|(name, limit)| {
            let name = format_ident!("{name}");
            limit.map(|limit| {
                let limit = Literal::u64_unsuffixed(limit);
                quote!(#name = #limit)
            })
        })
        .collect();
    if !lengths.is_empty() {
        parts.push(quote!(length(#(#lengths),*)));
    }
    if limits.minimum.is_some() || limits.maximum.is_some() {
        let bounds =
            [("min", limits.minimum), ("max", limits.maximum)].into_iter().filter_map(|(name, bound)| {
                let name = format_ident!("{name}");
                bound.map(|bound| {
                    let bound = readable_i64(bound, true);
                    quote!(#name = #bound)
                })
            });
        parts.push(quote!(range(#(#bounds),*)));
    }
    let number = &limits.number;
    if number.minimum.is_some() || number.maximum.is_some() {
        let bounds =
            [("min", &number.minimum), ("max", &number.maximum)].into_iter().filter_map(|(name, bound)| {
                let name = format_ident!("{name}");
                bound.as_ref().and_then(serde_json::Number::as_f64).map(|bound| {
                    let bound = readable_f64(bound);
                    quote!(#name = #bound)
                })
            });
        parts.push(quote!(range(#(#bounds),*)));
    }
    parts
}
