//! The `pools` interface: a buffer pool that really reuses memory. (The article's points and
//! their pool are `memkit-article`'s since 0.4.0.)
//!
//! Buffer pool invariants: `classes` are non-empty, ascending and non-zero; every buffer
//! waiting in `free[i]` is empty and has a capacity of exactly `classes[i]`; no class holds
//! more than `max_per_class` buffers. `retained_bytes` is the sum of the waiting capacities.
//!
//! Costs are stated per method: `c` is the number of size classes, `w` the number of waiting
//! buffers.

use crate::alloc::{try_grow, try_reserve_exact, try_with_capacity};
use crate::error::{len_u32, Error};

/// The article's size classes, in bytes.
pub const DEFAULT_CLASSES: [u32; 6] = [64, 256, 1024, 4096, 16384, 65536];
/// The article's limit of waiting buffers per class.
pub const DEFAULT_MAX_PER_CLASS: u32 = 10;
/// The largest size class accepted by `with_classes`: 256 MiB.
pub const MAX_CLASS_BYTES: u32 = 256 << 20;
/// The most classes `with_classes` accepts.
pub const MAX_CLASSES: usize = 64;
/// The most waiting buffers per class `with_classes` accepts.
pub const MAX_PER_CLASS: u32 = 4096;

/// Counters and contents of a pool. Mirrors WIT `pools.pool-stats`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolStats {
    /// The size classes in bytes, ascending.
    pub classes: Vec<u32>,
    /// Buffers waiting in each class, in the order of `classes`.
    pub free: Vec<u32>,
    /// Acquires served by a waiting buffer.
    pub hits: u64,
    /// Acquires that allocated a new buffer.
    pub misses: u64,
    /// Buffers given back with `release`.
    pub released: u64,
    /// Released buffers dropped: capacity not exactly a class, or that class full.
    pub discarded: u64,
    /// Bytes held by waiting buffers (their capacities).
    pub retained_bytes: u64,
}

/// Byte buffers by size class. Mirrors WIT `pools.buffer-pool`.
#[derive(Debug)]
pub struct BufferPool {
    classes: Vec<u32>,
    free: Vec<Vec<Vec<u8>>>,
    max_per_class: u32,
    hits: u64,
    misses: u64,
    released: u64,
    discarded: u64,
}

impl Default for BufferPool {
    /// A pool with the article's [`DEFAULT_CLASSES`], at most [`DEFAULT_MAX_PER_CLASS`] waiting
    /// buffers each. Never fails: when the free lists cannot be reserved they start empty.
    ///
    /// Cost: as [`with_classes`](BufferPool::with_classes): six allocations of ten slots.
    fn default() -> Self {
        // The default classes are valid, so only memory can refuse them; then the free lists
        // start empty (a few dozen bytes, served by the allocator's reserve) and grow on release.
        Self::with_classes(&DEFAULT_CLASSES, DEFAULT_MAX_PER_CLASS).unwrap_or_else(|_| Self {
            classes: DEFAULT_CLASSES.to_vec(),
            free: DEFAULT_CLASSES.iter().map(|_| Vec::new()).collect(),
            max_per_class: DEFAULT_MAX_PER_CLASS,
            hits: 0,
            misses: 0,
            released: 0,
            discarded: 0,
        })
    }
}

impl BufferPool {
    /// A pool with the given size classes in bytes, keeping at most `max_per_class` waiting
    /// buffers in each.
    ///
    /// Cost: O(c); one allocation per class of exactly `max_per_class` slots (12 bytes each on
    /// wasm32), so that releasing allocates nothing, and a copy of `classes`. No buffer is
    /// allocated up front.
    ///
    /// # Errors
    /// - [`Error::Invalid`] unless `classes` is non-empty, at most [`MAX_CLASSES`] long,
    ///   strictly ascending, non-zero and each at most [`MAX_CLASS_BYTES`].
    /// - [`Error::TooLarge`] when `max_per_class` is over [`MAX_PER_CLASS`].
    /// - [`Error::OutOfMemory`]`(bytes)` when a free list (`bytes`: its size) cannot be
    ///   reserved.
    pub fn with_classes(classes: &[u32], max_per_class: u32) -> Result<Self, Error> {
        if classes.is_empty() || classes.len() > MAX_CLASSES {
            return Err(Error::Invalid(format!(
                "classes: need 1 to {MAX_CLASSES} size classes, got {}",
                classes.len()
            )));
        }
        if classes[0] == 0 {
            return Err(Error::Invalid("classes: a size class cannot be 0".into()));
        }
        if let Some(pair) = classes.windows(2).find(|pair| pair[0] >= pair[1]) {
            return Err(Error::Invalid(format!(
                "classes: must be strictly ascending, but {} is followed by {}",
                pair[0], pair[1]
            )));
        }
        let largest = classes[classes.len() - 1];
        if largest > MAX_CLASS_BYTES {
            return Err(Error::Invalid(format!(
                "classes: {largest} is over the largest class of {MAX_CLASS_BYTES} bytes"
            )));
        }
        if max_per_class > MAX_PER_CLASS {
            return Err(Error::TooLarge {
                requested: max_per_class,
                limit: MAX_PER_CLASS,
            });
        }
        // Free lists are sized once, here, so that releasing allocates nothing.
        let free = classes
            .iter()
            .map(|_| try_with_capacity(max_per_class as usize))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            classes: classes.to_vec(),
            free,
            max_per_class,
            hits: 0,
            misses: 0,
            released: 0,
            discarded: 0,
        })
    }

    /// An empty buffer with capacity of at least `size`: a waiting one of the smallest class
    /// that fits, if any (a hit), else a new one of that class's capacity, or of exactly `size`
    /// above the largest class (a miss).
    ///
    /// Cost: O(log c) to find the class. A hit is O(1) and allocates nothing; a miss is one
    /// allocation of exactly the class's capacity (or `size`).
    ///
    /// # Errors
    /// [`Error::OutOfMemory`]`(capacity)` when a miss cannot be allocated (`capacity`: the
    /// class's, or `size` above the largest class); the counters are unchanged then.
    pub fn acquire(&mut self, size: u32) -> Result<Vec<u8>, Error> {
        let class = self.classes.partition_point(|&c| c < size);
        if let Some(buffer) = self.free.get_mut(class).and_then(Vec::pop) {
            self.hits += 1;
            return Ok(buffer);
        }
        let capacity = self.classes.get(class).copied().unwrap_or(size);
        let mut buffer = Vec::new();
        try_reserve_exact(&mut buffer, capacity as usize)?;
        self.misses += 1;
        Ok(buffer)
    }

    /// Takes a buffer back: keeps it, cleared (length 0, bytes not zeroed), when its capacity
    /// is exactly a class with room, else drops it and counts it as discarded.
    ///
    /// Cost: O(log c) to find the class; O(1) to keep or free the buffer, moved in without
    /// copying. Allocates nothing, except to grow a free list that could not be reserved at
    /// creation (amortised; the buffer is discarded when even that fails).
    pub fn release(&mut self, mut buffer: Vec<u8>) {
        self.released += 1;
        let capacity = buffer.capacity();
        let class = self.classes.binary_search(&len_u32(capacity)).ok();
        let max_per_class = self.max_per_class as usize;
        let kept = class.map(|i| &mut self.free[i]).is_some_and(|free| {
            // Free lists are reserved at creation; one made when memory was full grows here.
            free.len() < max_per_class && try_grow(free, 1).is_ok()
        });
        if kept {
            buffer.clear();
            let free = &mut self.free[class.expect("kept implies a class")];
            free.push(buffer);
        } else {
            self.discarded += 1;
        }
    }

    /// The pool's counters and contents.
    ///
    /// Cost: O(c + w); allocates two lists of `c` u32s (infallibly: `c` is at most
    /// [`MAX_CLASSES`]).
    pub fn stats(&self) -> PoolStats {
        PoolStats {
            classes: self.classes.clone(),
            free: self.free.iter().map(|f| len_u32(f.len())).collect(),
            hits: self.hits,
            misses: self.misses,
            released: self.released,
            discarded: self.discarded,
            retained_bytes: self
                .free
                .iter()
                .flatten()
                .map(|b| b.capacity() as u64)
                .sum(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn acquire_misses_then_release_makes_it_hit() {
        let mut pool = BufferPool::default();
        let buffer = pool.acquire(100).unwrap();
        assert_eq!(buffer.capacity(), 256);
        pool.release(buffer);
        let again = pool.acquire(200).unwrap();
        assert_eq!((again.len(), again.capacity()), (0, 256));
        let s = pool.stats();
        assert_eq!((s.hits, s.misses, s.released, s.discarded), (1, 1, 1, 0));
    }

    #[test]
    fn released_buffers_come_back_cleared() {
        let mut pool = BufferPool::default();
        let mut buffer = pool.acquire(10).unwrap();
        buffer.extend_from_slice(b"secret");
        pool.release(buffer);
        assert!(pool.acquire(10).unwrap().is_empty());
    }

    #[test]
    fn buffers_that_are_not_a_class_or_find_it_full_are_discarded() {
        let mut pool = BufferPool::with_classes(&[16], 1).unwrap();
        pool.release(Vec::with_capacity(17));
        let a = pool.acquire(16).unwrap();
        let b = pool.acquire(16).unwrap();
        pool.release(a);
        pool.release(b);
        let s = pool.stats();
        assert_eq!(
            (s.released, s.discarded, s.free.clone(), s.retained_bytes),
            (3, 2, vec![1], 16)
        );
    }

    #[test]
    fn sizes_above_the_largest_class_are_exact_misses() {
        let mut pool = BufferPool::default();
        let big = pool.acquire(100_000).unwrap();
        assert_eq!(big.capacity(), 100_000);
        pool.release(big);
        assert_eq!(pool.stats().discarded, 1);
    }

    #[test]
    fn with_classes_validates_its_input() {
        let invalid = |classes: &[u32]| {
            matches!(BufferPool::with_classes(classes, 1), Err(Error::Invalid(_)))
        };
        assert!(invalid(&[]));
        assert!(invalid(&[0, 8]));
        assert!(invalid(&[8, 8]));
        assert!(invalid(&[16, 8]));
        assert!(invalid(&[MAX_CLASS_BYTES + 1]));
        assert!(invalid(&(1..=65).collect::<Vec<_>>()));
        assert!(matches!(
            BufferPool::with_classes(&[8], MAX_PER_CLASS + 1),
            Err(Error::TooLarge { .. })
        ));
        assert!(BufferPool::with_classes(&[8, MAX_CLASS_BYTES], 0).is_ok());
    }

    proptest! {
        #[test]
        fn pool_invariants_hold_for_any_sequence(ops in proptest::collection::vec((any::<bool>(), 0u32..70_000), 0..60)) {
            let mut pool = BufferPool::default();
            let mut out: Vec<Vec<u8>> = Vec::new();
            for (acquire, size) in ops {
                if acquire || out.is_empty() {
                    let buffer = pool.acquire(size).unwrap();
                    prop_assert!(buffer.capacity() >= size as usize && buffer.is_empty());
                    out.push(buffer);
                } else {
                    pool.release(out.swap_remove(size as usize % out.len()));
                }
                let s = pool.stats();
                prop_assert!(s.free.iter().all(|&n| n <= DEFAULT_MAX_PER_CLASS));
                let expected: u64 = s.free.iter().zip(&s.classes).map(|(&n, &c)| u64::from(n) * u64::from(c)).sum();
                prop_assert_eq!(s.retained_bytes, expected);
                prop_assert_eq!(s.released, s.discarded + s.free.iter().map(|&n| u64::from(n)).sum::<u64>() + s.hits);
            }
        }
    }
}
