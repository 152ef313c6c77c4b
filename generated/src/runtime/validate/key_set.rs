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
    few: SmallVec<[Cow<'a, str>; LINEAR_LIMIT]>,
    many: Option<HashSet<Cow<'a, str>>>,
}

impl<'a> KeySet<'a> {
    /// Adds `key`; returns `false` when the object already had it.
    pub(crate) fn insert(&mut self, key: Cow<'a, str>) -> bool {
        if let Some(many) = &mut self.many {
            return many.insert(key);
        }
        if self.few.contains(&key) {
            return false;
        }
        self.few.push(key);
        if self.few.len() > LINEAR_LIMIT {
            self.many = Some(self.few.drain(..).collect());
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::KeySet;

    #[test]
    fn duplicates_are_found_in_small_and_large_objects() {
        let mut keys = KeySet::default();
        for index in 0..100 {
            assert!(keys.insert(index.to_string().into()));
        }
        assert!(!keys.insert("7".into()));
        assert!(!keys.insert("99".into()));
        let mut few = KeySet::default();
        assert!(few.insert("a".into()));
        assert!(!few.insert(String::from("a").into()));
    }
}
