//! [`Path`]: where the validator is in the payload, kept on the stack and turned into a JSON
//! pointer only when a violation needs one.

use std::fmt::Write;

use super::reader::StringToken;

/// A position in the payload: the root, a member of an object, or an item of an array. Each
/// level borrows its parent, so descending costs no allocation.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Path<'p> {
    /// The payload itself.
    Root,
    /// The member `key` of the object at the parent path.
    Key(&'p Path<'p>, &'p str),
    /// The member of the object at the parent path whose key is this string of the input,
    /// decoded only if a pointer is made: a key that no schema names is not decoded, nor its
    /// bytes checked as text again, on the way to a valid result.
    Token(&'p Path<'p>, &'p StringToken<'p>),
    /// The item `index` of the array at the parent path.
    Index(&'p Path<'p>, usize),
}

impl Path<'_> {
    /// The JSON pointer (RFC 6901) of this position.
    pub(crate) fn pointer(&self) -> String {
        // Measured first, so that the pointer is allocated once.
        let mut pointer = String::with_capacity(self.pointer_len());
        self.write_pointer(&mut pointer);
        pointer
    }

    /// The length in bytes of [`Path::pointer`].
    fn pointer_len(&self) -> usize {
        match self {
            Path::Root => 0,
            Path::Key(parent, key) => parent.pointer_len() + key_len(key),
            Path::Token(parent, key) => parent.pointer_len() + key_len(&key.decode()),
            Path::Index(parent, index) => parent.pointer_len() + 1 + decimal_digits(*index),
        }
    }

    fn write_pointer(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Key(parent, key) => {
                parent.write_pointer(out);
                write_key(key, out);
            }
            Path::Token(parent, key) => {
                parent.write_pointer(out);
                write_key(&key.decode(), out);
            }
            Path::Index(parent, index) => {
                parent.write_pointer(out);
                let _ = write!(out, "/{index}");
            }
        }
    }
}

/// The length in bytes of the pointer's step to `key`: a slash, and `key` with `~` and `/`
/// escaped.
fn key_len(key: &str) -> usize {
    let escapes = key.bytes().filter(|byte| matches!(byte, b'~' | b'/')).count();
    1 + key.len() + escapes
}

/// Writes the pointer's step to `key`.
fn write_key(key: &str, out: &mut String) {
    out.push('/');
    if !key.contains(['~', '/']) {
        out.push_str(key);
        return;
    }
    for ch in key.chars() {
        match ch {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            other => out.push(other),
        }
    }
}

/// How many decimal digits `value` takes.
fn decimal_digits(value: usize) -> usize {
    value.checked_ilog10().map_or(1, |log| log as usize + 1)
}

#[cfg(test)]
mod tests {
    use super::Path;
    use crate::runtime::validate::reader::Reader;

    #[test]
    fn pointers_escape_tilde_and_slash() {
        let root = Path::Root;
        let location = Path::Key(&root, "parcel");
        let list = Path::Key(&location, "a/b~c");
        let item = Path::Index(&list, 3);
        assert_eq!(root.pointer(), "");
        assert_eq!(item.pointer(), "/parcel/a~1b~0c/3");
        for index in [0, 9, 10, 99, 100, 12_345] {
            let deep = Path::Index(&item, index);
            assert_eq!(deep.pointer().len(), deep.pointer_len(), "{index}");
            assert_eq!(deep.pointer(), format!("/parcel/a~1b~0c/3/{index}"));
        }
    }

    #[test]
    fn a_key_read_from_the_input_is_decoded_into_the_pointer() {
        let root = Path::Root;
        let mut reader = Reader::new(br#"{"a\/b~\u00e9": 1}"#);
        reader.begin_object().unwrap();
        assert!(reader.next_key(true).unwrap());
        let key = *reader.last();
        let member = Path::Token(&root, &key);
        assert_eq!(member.pointer(), "/a~1b~0\u{e9}");
        assert_eq!(member.pointer().len(), member.pointer_len());
    }
}
