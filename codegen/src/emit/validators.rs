//! The validators: one reader per object type, and the public entry points of the root.
//!
//! A reader walks its object once, key by key: a documented key goes to the runtime reader of
//! its kind with the field's constraints as arguments, any other key to the unknown-field
//! reader. Missing required fields are reported when the object closes; the value is built
//! only when `BUILD` and the object had no violation.

use proc_macro2::{Ident, Literal, TokenStream};
use quote::{format_ident, quote};

use super::{banner, doc_attributes, format_tokens, readable_f64, readable_i64};
use crate::error::SchemaErrors;
use crate::ir::{
    ADDITIONAL_PROPERTIES, Element, FIELDS_PER_WORD, Limits, OtherKeys, Presence, RustField, RustItems,
    RustStruct, RustUnion, RustValue, UNKNOWN_FIELDS, ValueKind,
};
use crate::model::{Allowed, Combinator, ListKeyword, StringFormat};
use crate::naming;

/// The full text of the generated validators module.
///
/// # Errors
///
/// Only when the emitted tokens do not parse as Rust, which would be a bug in this module.
pub fn validators_module(items: &RustItems, schema_path: &str) -> Result<String, SchemaErrors> {
    // The first struct is the root: no other refers to it, since a reference cycle is refused.
    let readers = items.structs.iter().enumerate().map(|(index, item)| reader(item, index == 0));
    let entry_points = items.structs.first().map(entry_points);
    let any_required = items.structs.iter().any(|item| {
        item.fields.len() <= FIELDS_PER_WORD && item.fields.iter().any(|field| field.presence.is_required())
    });
    let any_fields = items.structs.iter().any(|item| !item.fields.is_empty());
    let any_locals = items.structs.iter().any(|item| !unbuilt_locals(item).is_empty());
    let mut context_items = vec![quote!(Abort), quote!(Context)];
    context_items.extend(any_fields.then(|| quote!(Member)));
    context_items.extend(any_locals.then(|| quote!(forget_unbuilt)));
    context_items.extend(any_required.then(|| quote!(was_seen)));
    let tokens = quote! {
        use crate::runtime::validate::context::{#(#context_items),*};
        use crate::runtime::validate::key_order::KeyOrder;
        use crate::runtime::validate::key_set::KeySet;
        use crate::runtime::validate::path::Path;
        use crate::runtime::validate::{Options, check, run_and_build};
        use crate::runtime::validate::violation::Violations;

        #entry_points
        #(#readers)*
    };
    let summary = "Validators of the schema: one reader per object of the schema.";
    Ok(banner(summary, schema_path) + &format_tokens(tokens)?)
}

/// The local that holds a field while its object is read: `request_id_field`. The suffix keeps
/// field locals apart from the reader's own (`seen`, `keys`, `first`, `offset`, `path`, ...),
/// whatever the schema names its properties.
fn field_local(field: &RustField) -> proc_macro2::Ident {
    format_ident!("{}_field", field.rust_name.trim_end_matches('_'))
}

/// The name of the reader of a struct: `read_ip_location`.
fn reader_name(struct_name: &str) -> proc_macro2::Ident {
    format_ident!("read_{}", naming::field_name(struct_name))
}

/// `validate` and `parse`, for the root type.
fn entry_points(root: &RustStruct) -> TokenStream {
    let root_type = format_ident!("{}", root.name);
    let read_root = reader_name(&root.name);
    let validate_doc = doc_attributes(&[format!(
        "Validates a payload without building a value: `Ok` when the bytes are a `{}` that breaks no documented constraint, or every violation, in document order.",
        root.name
    )]);
    let parse_doc = doc_attributes(&[format!(
        "Validates a payload and builds the `{}` in the same pass, or returns every violation, in document order.",
        root.name
    )]);
    quote! {
        #validate_doc
        ///
        /// # Errors
        ///
        /// Every violation of the contract, invalid JSON included, up to the cap.
        pub fn validate(bytes: &[u8], options: Options) -> Result<(), Violations> {
            check(bytes, options, #read_root::<false>)
        }

        #parse_doc
        ///
        /// # Errors
        ///
        /// Every violation of the contract, invalid JSON included, up to the cap.
        pub fn parse(bytes: &[u8], options: Options) -> Result<super::types::#root_type, Violations> {
            parse_boxed(bytes, options).map(|value| *value)
        }

        /// [`parse`], with the value in the box it was put in as soon as it was built.
        pub(crate) fn parse_boxed(bytes: &[u8], options: Options) -> Result<Box<super::types::#root_type>, Violations> {
            run_and_build(bytes, options, #read_root::<true>)
        }
    }
}

/// The reader of one object type; the `root`'s builds its value in a box, since root types hold
/// their objects inline (the legacy one is 8.5 kB) and each move of one copies all of it.
fn reader(item: &RustStruct, root: bool) -> TokenStream {
    let name = format_ident!("{}", item.name);
    let read = reader_name(&item.name);
    let boxed = if root { "; builds it in a box" } else { "" };
    let doc = format!(
        " Reads the object of type `{}` from its `{{`, checking every documented constraint{boxed}.",
        item.name
    );
    let built = if root { quote!(Box<super::types::#name>) } else { quote!(super::types::#name) };
    let locals = item.fields.iter().map(|field| {
        let local = field_local(field);
        match field.presence {
            Presence::Required | Presence::Optional | Presence::RequiredNullable => {
                quote!(let mut #local = None;)
            }
            Presence::Nullable => quote!(let mut #local = crate::Nullable::Absent;),
        }
    });
    let wide = item.fields.len() > FIELDS_PER_WORD;
    let arms: Vec<TokenStream> =
        item.fields.iter().enumerate().map(|(index, field)| member_arm(index, field, wide)).collect();
    let required: Vec<(usize, &RustField)> =
        item.fields.iter().enumerate().filter(|(_, field)| field.presence.is_required()).collect();
    let start = if required.is_empty() {
        quote!(cx.begin_object()?;)
    } else {
        quote!(let start = cx.begin_object()?;)
    };
    let seen = seen_local(item);
    let missing = missing_checks(&required, wide);
    let unwrap_required = match required.as_slice() {
        [] => quote!(),
        [(_, field)] => {
            let name = field_local(field);
            quote! {
                let Some(#name) = #name else {
                    return Ok(None);
                };
            }
        }
        fields => {
            let names: Vec<_> = fields.iter().map(|(_, field)| field_local(field)).collect();
            quote! {
                let (#(Some(#names)),*) = (#(#names),*) else {
                    return Ok(None);
                };
            }
        }
    };
    let field_names = item.fields.iter().map(|field| format_ident!("{}", field.rust_name));
    let field_locals = item.fields.iter().map(field_local);
    let (others_local, others_field, unknown_arm) = other_keys(&item.others);
    let unbuilt = unbuilt_locals(item);
    // Validate-only builds nothing: its locals are let go undropped (see `forget_unbuilt`).
    let let_go_unbuilt = (!unbuilt.is_empty()).then(|| quote!(forget_unbuilt((#(#unbuilt,)*));));
    let (key_items, members) = member_loop(item, &arms, &unknown_arm);
    let literal = quote!(super::types::#name { #(#field_names: #field_locals,)* #others_field });
    let value = if root { quote!(Box::new(#literal)) } else { literal };
    quote! {
        #[doc = #doc]
        #[allow(clippy::too_many_lines, reason = "one arm per documented field")]
        #[allow(clippy::similar_names, reason = "one local per documented field, named after it")]
        pub(crate) fn #read<const BUILD: bool>(cx: &mut Context<'_>, path: &Path<'_>) -> Result<Option<#built>, Abort> {
            #key_items
            #start
            let before = cx.violation_count();
            #seen
            let mut keys = KeySet::default();
            #others_local
            #(#locals)*
            #members
            #(#missing)*
            if !BUILD {
                #let_go_unbuilt
                return Ok(None);
            }
            if cx.violation_count() != before {
                return Ok(None);
            }
            #unwrap_required
            Ok(Some(#value))
        }
    }
}

/// The locals of a reader that hold what it builds: one per documented field, and the map of
/// other keys when it keeps them. A reader that does not build assigns none of them.
fn unbuilt_locals(item: &RustStruct) -> Vec<Ident> {
    let others = match item.others {
        OtherKeys::Unknown => Some(format_ident!("{UNKNOWN_FIELDS}")),
        OtherKeys::Entries(_) => Some(format_ident!("{ADDITIONAL_PROPERTIES}")),
        OtherKeys::Rejected => None,
    };
    others.into_iter().chain(item.fields.iter().map(field_local)).collect()
}

/// The loop over an object's members, and the items it uses: with documented fields, the
/// `KEYS` in schema order, the `ORDER` they are expected in (schema order at first, then as
/// they last came: each key is first compared with the one expected next) and `index_of`;
/// without, every key goes to `unknown_arm`.
fn member_loop(
    item: &RustStruct,
    arms: &[TokenStream],
    unknown_arm: &TokenStream,
) -> (TokenStream, TokenStream) {
    if item.fields.is_empty() {
        let members = quote! {
            let mut first = true;
            while cx.next_key(first)? {
                first = false;
                let offset = cx.key_offset();
                #unknown_arm
            }
        };
        (quote!(), members)
    } else {
        let count = Literal::usize_unsuffixed(item.fields.len());
        let slots = Literal::usize_unsuffixed(item.fields.len() + 1);
        let keys = item.fields.iter().map(|field| &field.json_name);
        let indexes = item.fields.iter().enumerate().map(|(index, field)| {
            let key = syn::LitByteStr::new(field.json_name.as_bytes(), proc_macro2::Span::call_site());
            let index = field_index(index);
            quote!(#key => Some(#index),)
        });
        let key_items = quote! {
            /// The documented keys, in schema order.
            const KEYS: [&str; #count] = [#(#keys),*];
            /// Which key is expected after each: schema order at first, then, after each key,
            /// the one that last came after it where another was expected. Each key is first
            /// compared with the one expected.
            static ORDER: KeyOrder<#slots> = KeyOrder::new();
            /// The index in `KEYS` of a key other than the one expected.
            fn index_of(key: &[u8]) -> Option<usize> {
                match key {
                    #(#indexes)*
                    _ => None,
                }
            }
        };
        let members = quote! {
            let mut first = true;
            let mut previous = KeyOrder::<#slots>::START;
            while let Some(member) = cx.next_member(first, &KEYS, &ORDER, &mut previous, index_of)? {
                first = false;
                let offset = cx.key_offset();
                match member {
                    #(#arms)*
                    _ => { #unknown_arm }
                }
            }
        };
        (key_items, members)
    }
}

/// What a reader does with a key its schema does not declare: the local that keeps such keys,
/// the struct field it fills, and the match arm.
fn other_keys(others: &OtherKeys) -> (TokenStream, TokenStream, TokenStream) {
    let read_key = quote! {
        let key = cx.key();
        let path = Path::Token(path, &key);
    };
    match others {
        OtherKeys::Unknown => {
            let unknown_fields = format_ident!("{UNKNOWN_FIELDS}");
            let arm = quote! {
                #read_key
                if let Some(value) = cx.unknown_field::<BUILD>(&path, key, offset, &mut keys)?.filter(|_| BUILD) {
                    #unknown_fields.get_or_insert_with(crate::JsonObject::new).insert(cx.key_string(&key), value);
                }
            };
            (lazy_map_local(&unknown_fields), lazy_map_field(&unknown_fields), arm)
        }
        OtherKeys::Rejected => {
            let arm = quote! {
                #read_key
                cx.rejected_field(&path, key, offset, &mut keys)?;
            };
            (quote!(), quote!(), arm)
        }
        OtherKeys::Entries(element) => {
            let additional = format_ident!("{ADDITIONAL_PROPERTIES}");
            let value = element_reader(element);
            let new = if element.value.kind == ValueKind::Json {
                quote!(crate::JsonObject::new)
            } else {
                quote!(crate::IndexMap::new)
            };
            let arm = quote! {
                #read_key
                let slot = cx.additional_field(&path, key, offset, &mut keys, |cx, path| #value)?;
                if let Some(value) = slot.value().filter(|_| BUILD) {
                    #additional.get_or_insert_with(#new).insert(cx.key_string(&key), value);
                }
            };
            (lazy_map_local(&additional), lazy_map_field(&additional), arm)
        }
    }
}

/// The local that keeps an object's other keys: made on the first such key, because a map
/// made up front costs every object its hasher's seeds, validate-only and maps left empty too.
fn lazy_map_local(local: &proc_macro2::Ident) -> TokenStream {
    quote!(let mut #local = None;)
}

/// The struct field that an object's other keys fill: empty when there were none.
fn lazy_map_field(local: &proc_macro2::Ident) -> TokenStream {
    quote!(#local: #local.unwrap_or_default())
}

/// `let mut seen = ...;`: up to 64 fields are marked in one `u64`; more, in an array of them.
fn seen_local(item: &RustStruct) -> TokenStream {
    if item.fields.is_empty() {
        quote!()
    } else if item.fields.len() > FIELDS_PER_WORD {
        let words = Literal::usize_unsuffixed(item.fields.len().div_ceil(FIELDS_PER_WORD));
        quote!(let mut seen = [0_u64; #words];)
    } else {
        quote!(let mut seen = 0_u64;)
    }
}

/// The checks, when the object closes, that every required field was seen.
fn missing_checks(required: &[(usize, &RustField)], wide: bool) -> Vec<TokenStream> {
    required
        .iter()
        .map(|(index, field)| {
            let index = field_index(*index);
            let json_name = &field.json_name;
            let was_seen = if wide {
                quote!(crate::runtime::validate::context::was_seen_in(&seen, #index))
            } else {
                quote!(was_seen(seen, #index))
            };
            quote! {
                if !#was_seen {
                    cx.missing(&Path::Key(path, #json_name), start)?;
                }
            }
        })
        .collect()
}

/// The index of a field, as `seen` counts them.
fn field_index(index: usize) -> Literal {
    Literal::usize_unsuffixed(index)
}

/// The match arm of one documented field.
fn member_arm(index: usize, field: &RustField, wide: bool) -> TokenStream {
    let json_name = &field.json_name;
    let local = field_local(field);
    let index = field_index(index);
    let nullable = field.presence.allows_null();
    let read = value_reader(&field.value, nullable, &quote!(&path));
    let mark = if wide {
        quote!(cx.seen_in(&mut seen, #index, &path, offset)?;)
    } else {
        quote!(cx.seen(&mut seen, #index, &path, offset)?;)
    };
    // `filter(|_| BUILD)`: when only checking, the compiler sees that the local stays empty,
    // and drops no value of it (the readers are not inlined, so it cannot tell otherwise).
    let store = match (field.presence, &field.value.kind) {
        // An object goes straight into its local: a move through the `Slot` would copy it.
        (Presence::Required | Presence::Optional, ValueKind::Struct(name)) => {
            let reader = reader_name(name);
            quote!(cx.object_into(&path, &mut #local, #reader::<BUILD>)?;)
        }
        (Presence::Required | Presence::Optional, _) => quote! {
            if let Some(value) = #read?.value().filter(|_| BUILD) {
                #local = Some(value);
            }
        },
        (Presence::Nullable, _) => quote! {
            if let Some(value) = #read?.nullable().filter(|_| BUILD) {
                #local = value;
            }
        },
        (Presence::RequiredNullable, _) => quote! {
            if let Some(value) = #read?.or_null().value().filter(|_| BUILD) {
                #local = Some(value);
            }
        },
    };
    quote! {
        Member::Documented(#index) => {
            let path = Path::Key(path, #json_name);
            #mark
            #store
        }
    }
}

/// The runtime's name of a list keyword.
/// The call that reads an element of a list or a map at `path`: a nullable element keeps its
/// `null` as `None`; an element of any type keeps it as `Value::Null`.
fn element_reader(element: &Element) -> TokenStream {
    let read = value_reader(&element.value, element.nullable, &quote!(path));
    if element.value.kind == ValueKind::Json {
        quote!(#read.map(crate::runtime::validate::context::Slot::null_as_json))
    } else if element.nullable {
        quote!(#read.map(crate::runtime::validate::context::Slot::or_null))
    } else {
        read
    }
}

/// The runtime's `Bounds` of an integer.
#[allow(clippy::cast_precision_loss, reason = "the model accepts only bounds that a float holds exactly")]
fn integer_bounds(limits: &Limits) -> TokenStream {
    let bounds = [limits.minimum, limits.maximum, limits.exclusive_minimum, limits.exclusive_maximum];
    bounds_tokens(bounds.map(|bound| bound.map(|bound| bound as f64)))
}

/// The runtime's `Bounds`: minimum, maximum, exclusive minimum, exclusive maximum.
fn bounds_tokens(bounds: [Option<f64>; 4]) -> TokenStream {
    let [minimum, maximum, exclusive_minimum, exclusive_maximum] = bounds.map(|bound| match bound {
        Some(bound) => {
            let bound = readable_f64(bound);
            quote!(Some(#bound))
        }
        None => quote!(None),
    });
    quote!(crate::runtime::validate::context::Bounds {
        minimum: #minimum,
        maximum: #maximum,
        exclusive_minimum: #exclusive_minimum,
        exclusive_maximum: #exclusive_maximum,
    })
}

/// The runtime's `List` of allowed values.
fn list<T: quote::ToTokens>(allowed: &Allowed<T>, values: &[impl quote::ToTokens]) -> TokenStream {
    let keyword = match allowed.keyword {
        ListKeyword::Enum => quote!(crate::runtime::validate::violation::Keyword::Enum),
        ListKeyword::Const => quote!(crate::runtime::validate::violation::Keyword::Const),
    };
    let typed = allowed.typed;
    quote!(crate::runtime::validate::context::List { keyword: #keyword, values: &[#(#values),*], typed: #typed })
}

/// `Some(limit)` or `None`, for a reader's optional limit argument.
fn optional_count(limit: Option<u64>) -> TokenStream {
    match limit {
        Some(limit) => {
            let limit = Literal::u64_unsuffixed(limit);
            quote!(Some(#limit))
        }
        None => quote!(None),
    }
}

/// The call that reads a value at `path`, checking the value's own limits: a
/// `Result<Slot<T>, Abort>`.
fn value_reader(value: &RustValue, nullable: bool, path: &TokenStream) -> TokenStream {
    let read = plain_value_reader(value, nullable, path);
    match value.limits.wrapped {
        // A schema alone in a `oneOf`/`anyOf` (a nullable reference): JSON Schema reports any
        // violation inside as one of the combinator.
        Some(combinator) => {
            let keyword = combinator_keyword(combinator);
            quote!(cx.collapsed(#path, #keyword, |cx| #read))
        }
        None => read,
    }
}

/// The call that reads a union: the runtime finds the discriminator, the match reads the
/// alternative it names as its struct, and wraps it in the union's variant.
fn union_reader(union: &RustUnion, nullable: bool, path: &TokenStream) -> TokenStream {
    let keyword = combinator_keyword(union.combinator);
    let discriminator = &union.discriminator;
    let name = format_ident!("{}", union.name);
    let arms = union.variants.iter().map(|(variant, tag, struct_name)| {
        let variant = format_ident!("{variant}");
        let read = reader_name(struct_name);
        quote! {
            Some(#tag) => Ok(cx.object(path, false, #read::<BUILD>)?.map(super::types::#name::#variant)),
        }
    });
    quote! {
        cx.union(#path, #nullable, #keyword, #discriminator, |cx, path, tag| match tag {
            #(#arms)*
            _ => cx.no_alternative(path, #discriminator),
        })
    }
}

/// The runtime's keyword of a combinator.
fn combinator_keyword(combinator: Combinator) -> TokenStream {
    match combinator {
        Combinator::OneOf => quote!(crate::runtime::validate::violation::Keyword::OneOf),
        Combinator::AnyOf => quote!(crate::runtime::validate::violation::Keyword::AnyOf),
    }
}

/// [`value_reader`] without a wrapping combinator.
fn plain_value_reader(value: &RustValue, nullable: bool, path: &TokenStream) -> TokenStream {
    let limits = &value.limits;
    let max_length = optional_count(limits.max_length);
    if let Some(allowed) = &limits.strings {
        let listed = list(allowed, &allowed.values);
        let build = match &value.kind {
            ValueKind::Enum(name) => {
                let name = format_ident!("{name}");
                quote!(super::types::#name::from_json_text)
            }
            _ => quote!(str::to_owned),
        };
        if let Some(outer) = &allowed.narrows {
            let outer = list(outer, &outer.values);
            return quote!(cx.narrowed_string::<BUILD, _>(#path, #nullable, #max_length, #outer, #listed, #build));
        }
        return quote!(cx.listed_string::<BUILD, _>(#path, #nullable, #max_length, #listed, #build));
    }
    if let Some(allowed) = &limits.integers {
        let values: Vec<_> = allowed.values.iter().map(|value| readable_i64(*value, false)).collect();
        let list = list(allowed, &values);
        return quote!(cx.listed_integer::<BUILD>(#path, #nullable, #list));
    }
    match &value.kind {
        // A string enum always has its list, read above.
        ValueKind::String if limits.format.is_some() => {
            let format = match limits.format {
                Some(StringFormat::Ipv6) => quote!(crate::runtime::validate::context::Format::Ipv6),
                _ => quote!(crate::runtime::validate::context::Format::Ipv4),
            };
            quote!(cx.formatted_string::<BUILD>(#path, #nullable, #max_length, #format))
        }
        ValueKind::String | ValueKind::Enum(_) => match limits.min_length {
            Some(min) => {
                let min = Literal::u64_unsuffixed(min);
                quote!(cx.string_at_least::<BUILD>(#path, #nullable, #min, #max_length))
            }
            None => quote!(cx.string::<BUILD>(#path, #nullable, #max_length)),
        },
        ValueKind::DateTime => quote!(cx.date_time::<BUILD>(#path, #nullable, #max_length)),
        ValueKind::Integer => {
            match (limits.minimum, limits.maximum, limits.exclusive_minimum, limits.exclusive_maximum) {
                (Some(minimum), Some(maximum), None, None) => {
                    let minimum = readable_i64(minimum, false);
                    let maximum = readable_i64(maximum, false);
                    quote!(cx.integer::<BUILD>(#path, #nullable, #minimum..=#maximum))
                }
                _ => {
                    let bounds = integer_bounds(limits);
                    quote!(cx.bounded_integer::<BUILD, i64>(#path, #nullable, #bounds))
                }
            }
        }
        ValueKind::WideInteger => {
            let bounds = integer_bounds(limits);
            quote!(cx.bounded_integer::<BUILD, ::serde_json::Number>(#path, #nullable, #bounds))
        }
        ValueKind::Number if limits.number.is_empty() => quote!(cx.number::<BUILD>(#path, #nullable)),
        ValueKind::Number => {
            let number = &limits.number;
            let bounds = bounds_tokens(
                [&number.minimum, &number.maximum, &number.exclusive_minimum, &number.exclusive_maximum]
                    .map(|bound| bound.as_ref().and_then(serde_json::Number::as_f64)),
            );
            quote!(cx.bounded_number::<BUILD>(#path, #nullable, #bounds))
        }
        ValueKind::Boolean => quote!(cx.boolean::<BUILD>(#path, #nullable)),
        ValueKind::Json => {
            let max = optional_count(limits.max_json_text_length);
            quote!(cx.any::<BUILD>(#path, #max))
        }
        ValueKind::Struct(name) => {
            let read = reader_name(name);
            quote!(cx.object(#path, #nullable, #read::<BUILD>))
        }
        ValueKind::Union(union) => union_reader(union, nullable, path),
        ValueKind::Map(element) => {
            let value = element_reader(element);
            quote!(cx.map::<BUILD, _, _>(#path, #nullable, |cx, path| #value))
        }
        ValueKind::List(element) => {
            let item = element_reader(element);
            if limits.min_items.is_none() && limits.max_items.is_none() {
                quote!(cx.array::<BUILD, _>(#path, #nullable, |cx, path| #item))
            } else {
                let min = Literal::u64_unsuffixed(limits.min_items.unwrap_or(0));
                let max = optional_count(limits.max_items);
                quote!(cx.sized_array::<BUILD, _>(#path, #nullable, #min, #max, |cx, path| #item))
            }
        }
    }
}
