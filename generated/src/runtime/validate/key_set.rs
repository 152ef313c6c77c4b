//! [`KeySet`]: the keys one object has shown so far, to find duplicates without allocating for
//! small objects and without quadratic time for large ones.

use std::borrow::Cow;
use std::collections::HashSet;

use smallvec::SmallVec;

/// How many keys are kept inline and searched linearly before the set moves to a hash set
/// (which allocates). Real payloads carry dozens of undocumented fields beside the documented
/// ones (31 keys at the root of a payload with smart signals): 64 keys keep validate-only free
/// of allocation on them, for 1.5 KiB of stack per open object.
const LINEAR_LIMIT: usize = 64;

/// The keys of one object.
#[derive(Debug, Default)]
pub(crate) struct KeySet<'a> {
    /// The keys written without escapes, as the input's bytes: plain borrows, so that the set
    /// of an object costs nothing to drop (a set of `Cow`s ran a drop loop at the end of
    /// every object read).
    few: SmallVec<[&'a [u8]; LINEAR_LIMIT]>,
    /// Every key, once an object has more than [`LINEAR_LIMIT`] keys or a key with escapes.
    many: Option<HashSet<Cow<'a, [u8]>>>,
}

impl<'a> KeySet<'a> {
    /// Adds `key`, the decoded bytes of a key; returns `false` when the object already had it.
    pub(crate) fn insert(&mut self, key: Cow<'a, [u8]>) -> bool {
        if let Some(many) = &mut self.many {
            return many.insert(key);
        }
        match key {
            Cow::Borrowed(bytes) if self.few.len() < LINEAR_LIMIT => {
                if self.few.contains(&bytes) {
                    return false;
                }
                self.few.push(bytes);
                true
            }
            // A decoded key (its text differs from its bytes in the input), or one too many
            // for the linear search: every key moves to the hash set.
            key => {
                let mut many: HashSet<Cow<'a, [u8]>> = self.few.drain(..).map(Cow::Borrowed).collect();
                let new = many.insert(key);
                self.many = Some(many);
                new
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{KeySet, LINEAR_LIMIT};

    #[test]
    fn duplicates_are_found_in_small_and_large_objects() {
        let names: Vec<String> = (0..100).map(|index| index.to_string()).collect();
        let mut keys = KeySet::default();
        for name in &names {
            assert!(keys.insert(name.as_bytes().into()));
        }
        assert!(!keys.insert(b"7".into()));
        assert!(!keys.insert(b"99".into()));
        let mut few = KeySet::default();
        assert!(few.insert(b"a".into()));
        assert!(few.insert(b"b".into()));
        assert!(!few.insert(b"a".to_vec().into()));
        assert!(!few.insert(b"b".into()));
        // A repeat as the key that moves the set to the hash set, and just after it.
        let mut at_the_switch = KeySet::default();
        for name in &names[..LINEAR_LIMIT] {
            assert!(at_the_switch.insert(name.as_bytes().into()));
        }
        assert!(!at_the_switch.insert(names[0].as_bytes().into()));
        assert!(at_the_switch.insert(names[LINEAR_LIMIT].as_bytes().into()));
        assert!(!at_the_switch.insert(names[LINEAR_LIMIT].as_bytes().into()));
        let mut decoded_first = KeySet::default();
        assert!(decoded_first.insert(b"a".to_vec().into()));
        assert!(!decoded_first.insert(b"a".into()));
    }
}
