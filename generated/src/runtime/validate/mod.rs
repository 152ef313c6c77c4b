//! The runtime of the generated validators: a JSON scanner, the typed readers the generated code
//! calls, and the entry point that runs a validation over a whole input.

pub(crate) mod canonical;
pub(crate) mod context;
pub(crate) mod key_order;
pub(crate) mod key_set;
pub(crate) mod path;
pub(crate) mod reader;
pub(crate) mod rfc3339;
pub(crate) mod violation;

use context::{Abort, Context};
use path::Path;
use reader::Next;
use violation::{Keyword, Violations};

/// How to validate: [`Options::DEFAULT`], [`Options::STRICT`], or built with its methods.
///
/// Options may gain settings in later versions, each off by default; the fields stay private so
/// that adding one breaks nobody.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    strict: bool,
}

impl Options {
    /// The default: undocumented fields are allowed, as real deliveries carry many.
    pub const DEFAULT: Options = Options { strict: false };
    /// Undocumented fields are violations (`additionalProperties`), as under the strict schema.
    pub const STRICT: Options = Options { strict: true };

    /// These options, with undocumented fields rejected (`true`) or allowed (`false`).
    #[must_use]
    pub const fn with_strict(self, strict: bool) -> Options {
        Options { strict }
    }

    /// Whether undocumented fields are rejected.
    pub const fn is_strict(self) -> bool {
        self.strict
    }
}

/// A reader of the root object, as the generator writes one per object type.
pub(crate) type ReadRoot<T> = for<'a, 'p> fn(&mut Context<'a>, &Path<'p>) -> Result<Option<T>, Abort>;

/// Validates a whole input with `read_root`, building nothing: a contract's `validate`.
pub(crate) fn check<T>(bytes: &[u8], options: Options, read_root: ReadRoot<T>) -> Result<(), Violations> {
    // `()` is carried out instead of the reader's empty `Option` of a large type, matched without
    // binding: moving that `Option` would copy the whole of the type on every call.
    let checked = run(bytes, options, false, |cx: &mut Context<'_>, path: &Path<'_>| {
        let read = read_root(cx, path);
        match read {
            Ok(_) => Ok(None::<()>),
            Err(abort) => Err(abort),
        }
    });
    checked.map(drop)
}

/// Validates a whole input with `read_root`: a UTF-8 JSON object and nothing after it. A run
/// that `builds` values checks the input as UTF-8 once, up front (see [`Context::new`]).
fn run<'a, T>(
    bytes: &'a [u8],
    options: Options,
    builds: bool,
    read_root: impl FnOnce(&mut Context<'a>, &Path<'_>) -> Result<Option<T>, Abort>,
) -> Result<Option<T>, Violations> {
    let mut cx = Context::new(bytes, options.strict, builds);
    let root = read_payload(&mut cx, bytes, read_root);
    let failed = cx.violation_count() > 0;
    match root {
        Ok(root) if !failed => Ok(root),
        _ => {
            if cx.is_truncated()
                && let Some(syntax_error) = syntax_error(bytes)
            {
                return Err(syntax_error);
            }
            Err(cx.into_violations())
        }
    }
}

/// Validates a whole input and builds its value with `read_root`, which builds it in a box:
/// root types hold their objects inline (the legacy one is 8.5 kB), and each layer between
/// the reader and the caller that moved one by value copied all of it.
pub(crate) fn run_and_build<T>(
    bytes: &[u8],
    options: Options,
    read_root: ReadRoot<Box<T>>,
) -> Result<Box<T>, Violations> {
    match run(bytes, options, true, read_root)? {
        Some(value) => Ok(value),
        None => Err(Violations {
            list: vec![violation::Violation {
                pointer: String::new(),
                keyword: Keyword::Internal,
                message:
                    "the payload passed validation but its value could not be built; please report this bug"
                        .to_owned(),
                offset: 0,
            }],
            truncated: false,
        }),
    }
}

/// The syntax error of an input whose validation stopped at the violation cap, if it has one:
/// invalid JSON replaces every other violation, wherever it is.
fn syntax_error(bytes: &[u8]) -> Option<Violations> {
    let mut cx = Context::syntax_only(bytes);
    let skip_root: ReadRoot<()> = |cx, path| cx.skip(path).map(|()| None);
    read_payload(&mut cx, bytes, skip_root).err()?;
    Some(cx.into_violations())
}

fn read_payload<'a, T>(
    cx: &mut Context<'a>,
    bytes: &[u8],
    read_root: impl FnOnce(&mut Context<'a>, &Path<'_>) -> Result<Option<T>, Abort>,
) -> Result<Option<T>, Abort> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        return Err(cx.syntax(reader::SyntaxError::new(
            0,
            "the input starts with a UTF-8 byte-order mark, which JSON text must not have",
        )));
    }
    if cx.reader().skip_whitespace().is_none() {
        return Err(cx.syntax(reader::SyntaxError::new(bytes.len(), "the input is empty")));
    }
    let offset = cx.reader().offset();
    let root = match cx.reader().peek() {
        Ok(Next::Object) => cx.object(&Path::Root, false, read_root)?.value(),
        Ok(found) => {
            // Read the whole value first: a syntax error outranks the wrong type.
            cx.any::<false>(&Path::Root, None)?;
            let message = format!("the payload must be a JSON object, found {}", found.described());
            cx.violation(&Path::Root, Keyword::Type, offset, message)?;
            None
        }
        Err(error) => return Err(cx.syntax(error)),
    };
    if cx.reader().skip_whitespace().is_some() {
        let offset = cx.reader().offset();
        return Err(cx.syntax(reader::SyntaxError::new(offset, "unexpected text after the payload")));
    }
    Ok(root)
}
