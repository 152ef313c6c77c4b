//! [`KeyOrder`]: the order in which an object's documented keys came last, learned as payloads
//! are read, so that each key is compared first with the one most likely to come next.
//!
//! A generated reader compares each key with the one it expects next before it looks the key up
//! among all of its keys; a key that comes as expected costs one comparison, any other a scan
//! and a lookup. Schema order is the first guess. Real deliveries come in the order of the
//! vendor's serializer, which is not always the schema's: the real event payload 09 has 89 of
//! its 228 keys out of schema order. Each reader keeps one `KeyOrder` for the whole process
//! and, on a documented key other than the one it expected, records it as the one that follows
//! the previous documented key (undocumented keys are passed over), so that payloads from one
//! serializer, with the same keys, find them where expected from the second payload on.
//!
//! What it holds changes how fast a payload is read, never what the reader finds: the expected
//! key is only compared, and a key that is not it is looked up as if there were no guess. That
//! comparison is of the key's bytes as written with the name, so names that JSON writes with an
//! escape are refused by the generator.

use std::sync::atomic::{AtomicUsize, Ordering};

/// For an object with `SLOTS - 1` documented keys, in schema order: the index of the key
/// expected after each key (slots `0..SLOTS - 1`), and of the first key (the last slot).
/// An index past the last key expects none.
///
/// Readers on several threads share one: relaxed loads and stores are enough, since any index
/// it holds is only a guess.
#[derive(Debug)]
pub(crate) struct KeyOrder<const SLOTS: usize>([AtomicUsize; SLOTS]);

impl<const SLOTS: usize> KeyOrder<SLOTS> {
    /// The schema's order: each key expects the next one, and the object its first key.
    pub(crate) const fn new() -> Self {
        let mut after = [const { AtomicUsize::new(0) }; SLOTS];
        let mut key = 0;
        while key + 1 < SLOTS {
            after[key] = AtomicUsize::new(key + 1);
            key += 1;
        }
        KeyOrder(after)
    }

    /// The slot that stands for the start of the object, before its first key.
    pub(crate) const START: usize = SLOTS - 1;

    /// The index of the key expected after `previous` (a key's index, or [`KeyOrder::START`]).
    #[inline]
    pub(crate) fn after(&self, previous: usize) -> usize {
        self.0.get(previous).map_or(usize::MAX, |slot| slot.load(Ordering::Relaxed))
    }

    /// Records that `key` came after `previous`, where another key was expected.
    #[inline]
    pub(crate) fn learn(&self, previous: usize, key: usize) {
        if let Some(slot) = self.0.get(previous) {
            slot.store(key, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::KeyOrder;

    #[test]
    fn schema_order_is_the_first_guess() {
        let order = KeyOrder::<4>::new();
        assert_eq!(order.after(KeyOrder::<4>::START), 0);
        assert_eq!(order.after(0), 1);
        assert_eq!(order.after(1), 2);
        // After the last of the three keys, 3: past the keys, so none is expected.
        assert_eq!(order.after(2), 3);
    }

    #[test]
    fn a_key_out_of_order_becomes_the_guess_after_the_key_before_it() {
        let order = KeyOrder::<4>::new();
        order.learn(KeyOrder::<4>::START, 2);
        order.learn(2, 0);
        assert_eq!(order.after(KeyOrder::<4>::START), 2);
        assert_eq!(order.after(2), 0);
        // The others keep their guess.
        assert_eq!(order.after(0), 1);
        // A slot that does not exist expects nothing and learns nothing.
        order.learn(9, 1);
        assert_eq!(order.after(9), usize::MAX);
    }
}
