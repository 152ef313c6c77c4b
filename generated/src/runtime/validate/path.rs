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
        let mut pointer = String::new();
        self.write_pointer(&mut pointer);
        pointer
    }

    fn write_pointer(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Key(parent, key) => {
                parent.write_pointer(out);
                out.push('/');
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
    }
}
