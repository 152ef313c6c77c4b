//! [`Path`]: where the validator is in the payload, kept on the stack and turned into a JSON
//! pointer only when a violation needs one.

use std::fmt::Write;

/// A position in the payload: the root, a member of an object, or an item of an array. Each
/// level borrows its parent, so descending costs no allocation.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Path<'p> {
    /// The payload itself.
    Root,
    /// The member `key` of the object at the parent path.
    Key(&'p Path<'p>, &'p str),
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
            Path::Key(parent, key) => {
                let escapes = key.bytes().filter(|byte| matches!(byte, b'~' | b'/')).count();
                parent.pointer_len() + 1 + key.len() + escapes
            }
            Path::Index(parent, index) => parent.pointer_len() + 1 + decimal_digits(*index),
        }
    }

    fn write_pointer(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Key(parent, key) => {
                parent.write_pointer(out);
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
            Path::Index(parent, index) => {
                parent.write_pointer(out);
                let _ = write!(out, "/{index}");
            }
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
}
