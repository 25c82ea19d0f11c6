//! The `bytes` interface: a growable byte buffer with checked ranges.
//!
//! Invariants: `len <= capacity`, `len <= u32::MAX` (growth refuses to pass it; a vector
//! adopted by [`ByteBuffer::from_vec`] is taken as it is, which on wasm32 always fits); every
//! ranged call checks `offset + len` without overflow; a call that fails leaves the buffer as
//! it was.
//!
//! Costs are stated per method: `n` is the buffer's length, and "amortised" growth is
//! `Vec`'s geometric growth, which may copy the `n` bytes held when it reallocates.

use crate::alloc::{try_copy_range, try_extend, try_grow, try_to_vec, with_capacity_hint};
use crate::error::{check_range, len_u32, Error};

/// A growable run of bytes. Mirrors WIT `bytes.byte-buffer`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ByteBuffer {
    data: Vec<u8>,
}

impl ByteBuffer {
    /// An empty buffer with room for `capacity` bytes, or for none when that much cannot be
    /// reserved. Never fails.
    ///
    /// Cost: one allocation of exactly `capacity` bytes (none when it is 0 or refused).
    pub fn with_capacity_hint(capacity: u32) -> Self {
        Self {
            data: with_capacity_hint(capacity),
        }
    }

    /// A buffer that adopts `data` without copying it.
    ///
    /// Cost: O(1); moves the vector in, no allocation, no copy.
    pub fn from_vec(data: Vec<u8>) -> Self {
        Self { data }
    }

    /// Gives up the bytes without copying them.
    ///
    /// Cost: O(1); moves the vector out (capacity included), no allocation, no copy.
    pub fn into_vec(self) -> Vec<u8> {
        self.data
    }

    /// The bytes held, borrowed. Cost: O(1), no copy.
    pub fn as_slice(&self) -> &[u8] {
        &self.data
    }

    /// Number of bytes held. Cost: O(1).
    pub fn len(&self) -> u32 {
        len_u32(self.data.len())
    }

    /// Whether no byte is held. Cost: O(1).
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Number of bytes the buffer can hold without growing (at least `len`). Cost: O(1).
    pub fn capacity(&self) -> u32 {
        len_u32(self.data.capacity())
    }

    /// Adds `bytes` at the end.
    ///
    /// Cost: copies `bytes.len()` bytes; amortised O(1) per byte appended. Allocates only when
    /// the capacity is short (geometric growth, like `Vec::reserve`).
    ///
    /// # Errors
    /// - [`Error::TooLarge`] when `len() + bytes.len()` would pass `u32::MAX` (`requested`:
    ///   `bytes.len()`, `limit`: the room left).
    /// - [`Error::OutOfMemory`]`(bytes.len())` when the allocator refuses to grow the buffer.
    ///
    /// On error the buffer is unchanged.
    pub fn append(&mut self, bytes: &[u8]) -> Result<(), Error> {
        try_extend(&mut self.data, bytes)
    }

    /// A copy of `len` bytes from `offset`.
    ///
    /// Cost: one allocation of exactly `len` bytes; copies `len` bytes.
    ///
    /// # Errors
    /// - [`Error::OutOfBounds`] when `offset + len` overflows or is over `len()`.
    /// - [`Error::OutOfMemory`]`(len)` when the allocator refuses the copy.
    pub fn read(&self, offset: u32, len: u32) -> Result<Vec<u8>, Error> {
        try_copy_range(&self.data, offset, len)
    }

    /// Overwrites from `offset` with `bytes`, extending past the end as needed. `offset` may be
    /// at most `len()` (no holes).
    ///
    /// Cost: copies `bytes.len()` bytes. Allocates only for the part past the end, and only
    /// when the capacity is short (amortised O(1) per byte added, as [`append`](Self::append)).
    ///
    /// # Errors
    /// - [`Error::OutOfBounds`] when `offset > len()` (`len`: `bytes.len()`).
    /// - [`Error::TooLarge`] when the new length would pass `u32::MAX` (`requested`: the bytes
    ///   past the end, `limit`: the room left).
    /// - [`Error::OutOfMemory`]`(n)` when the allocator refuses to grow by the `n` bytes past
    ///   the end.
    ///
    /// On error the buffer is unchanged.
    pub fn write_at(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Error> {
        let start = offset as usize;
        if start > self.data.len() {
            return Err(Error::OutOfBounds {
                offset,
                len: len_u32(bytes.len()),
                size: self.len(),
            });
        }
        let overlap = bytes.len().min(self.data.len() - start);
        try_grow(&mut self.data, bytes.len() - overlap)?;
        self.data[start..start + overlap].copy_from_slice(&bytes[..overlap]);
        self.data.extend_from_slice(&bytes[overlap..]);
        Ok(())
    }

    /// Sets `len` bytes from `offset` to `value`. Never extends.
    ///
    /// Cost: O(`len`) writes in place; no allocation.
    ///
    /// # Errors
    /// [`Error::OutOfBounds`] when `offset + len` overflows or is over `len()`.
    pub fn fill(&mut self, offset: u32, len: u32, value: u8) -> Result<(), Error> {
        let range = check_range(offset, len, self.data.len())?;
        self.data[range].fill(value);
        Ok(())
    }

    /// Copies `len` bytes from `src` to `dst`; the ranges may overlap (memmove).
    ///
    /// Cost: copies `len` bytes in place; no allocation.
    ///
    /// # Errors
    /// [`Error::OutOfBounds`] when `src + len` or `dst + len` overflows or is over `len()`
    /// (the source range is checked first).
    pub fn copy_within(&mut self, src: u32, dst: u32, len: u32) -> Result<(), Error> {
        let from = check_range(src, len, self.data.len())?;
        check_range(dst, len, self.data.len())?;
        self.data.copy_within(from, dst as usize);
        Ok(())
    }

    /// A copy of every byte.
    ///
    /// Cost: one allocation of exactly `len()` bytes; copies them.
    ///
    /// # Errors
    /// [`Error::OutOfMemory`]`(len())` when the allocator refuses the copy.
    pub fn to_vec(&self) -> Result<Vec<u8>, Error> {
        try_to_vec(&self.data)
    }

    /// Shortens to `len` bytes; does nothing when `len` is not shorter. Keeps the capacity.
    ///
    /// Cost: O(1); no allocation.
    pub fn truncate(&mut self, len: u32) {
        self.data.truncate(len as usize);
    }

    /// Removes every byte; keeps the capacity.
    ///
    /// Cost: O(1); no allocation.
    pub fn clear(&mut self) {
        self.data.clear();
    }

    /// Makes room for at least `additional` more bytes, so appends up to that much do not
    /// reallocate.
    ///
    /// Cost: nothing when the capacity already suffices; else one reallocation, grown
    /// geometrically like `Vec::reserve` (possibly more than asked), which may copy the
    /// `len()` bytes held.
    ///
    /// # Errors
    /// - [`Error::TooLarge`] when `len() + additional` would pass `u32::MAX` (`requested`:
    ///   `additional`, `limit`: the room left).
    /// - [`Error::OutOfMemory`]`(additional)` when the allocator refuses.
    ///
    /// On error the buffer is unchanged.
    pub fn reserve(&mut self, additional: u32) -> Result<(), Error> {
        try_grow(&mut self.data, additional as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn buffer(bytes: &[u8]) -> ByteBuffer {
        ByteBuffer::from_vec(bytes.to_vec())
    }

    #[test]
    fn capacity_hint_is_honoured() {
        let b = ByteBuffer::with_capacity_hint(100);
        assert!(b.capacity() >= 100);
        assert_eq!(b.len(), 0);
    }

    #[test]
    fn append_then_read_round_trips() {
        let mut b = ByteBuffer::with_capacity_hint(0);
        b.append(b"hello ").unwrap();
        b.append(b"world").unwrap();
        assert_eq!(b.read(6, 5).unwrap(), b"world");
        assert_eq!(b.to_vec().unwrap(), b"hello world");
    }

    #[test]
    fn read_past_end_is_out_of_bounds() {
        let b = buffer(b"abc");
        assert_eq!(
            b.read(2, 2),
            Err(Error::OutOfBounds {
                offset: 2,
                len: 2,
                size: 3
            })
        );
        assert_eq!(b.read(3, 0).unwrap(), b"");
    }

    #[test]
    fn read_with_overflowing_range_is_out_of_bounds() {
        let b = buffer(b"abc");
        assert!(matches!(
            b.read(u32::MAX, 2),
            Err(Error::OutOfBounds { .. })
        ));
        assert!(matches!(
            b.read(1, u32::MAX),
            Err(Error::OutOfBounds { .. })
        ));
    }

    #[test]
    fn write_at_overwrites_and_extends() {
        let mut b = buffer(b"abcd");
        b.write_at(2, b"XYZ").unwrap();
        assert_eq!(b.as_slice(), b"abXYZ");
        b.write_at(5, b"!").unwrap();
        assert_eq!(b.as_slice(), b"abXYZ!");
        b.write_at(0, b"").unwrap();
        assert_eq!(b.as_slice(), b"abXYZ!");
    }

    #[test]
    fn write_at_past_len_is_out_of_bounds_and_changes_nothing() {
        let mut b = buffer(b"ab");
        assert!(b.write_at(3, b"x").is_err());
        assert!(b.write_at(u32::MAX, b"x").is_err());
        assert_eq!(b.as_slice(), b"ab");
    }

    #[test]
    fn fill_sets_a_range_and_never_extends() {
        let mut b = buffer(&[0; 6]);
        b.fill(1, 3, 7).unwrap();
        assert_eq!(b.as_slice(), &[0, 7, 7, 7, 0, 0]);
        assert!(b.fill(4, 3, 1).is_err());
        assert!(b.fill(u32::MAX, u32::MAX, 1).is_err());
        assert_eq!(b.len(), 6);
    }

    #[test]
    fn copy_within_handles_overlap() {
        let mut b = buffer(b"abcdef");
        b.copy_within(0, 2, 4).unwrap();
        assert_eq!(b.as_slice(), b"ababcd");
        assert!(b.copy_within(0, 3, 4).is_err());
        assert!(b.copy_within(u32::MAX, 0, 2).is_err());
        assert_eq!(b.as_slice(), b"ababcd");
    }

    #[test]
    fn truncate_and_clear_keep_capacity() {
        let mut b = buffer(b"abcdef");
        let capacity = b.capacity();
        b.truncate(10);
        assert_eq!(b.len(), 6);
        b.truncate(2);
        assert_eq!(b.as_slice(), b"ab");
        b.clear();
        assert!(b.is_empty());
        assert_eq!(b.capacity(), capacity);
    }

    #[test]
    fn reserve_grows_capacity() {
        let mut b = buffer(b"ab");
        b.reserve(1000).unwrap();
        assert!(b.capacity() >= 1002);
    }

    #[test]
    fn reserve_past_u32_is_too_large() {
        let mut b = buffer(b"ab");
        assert_eq!(
            b.reserve(u32::MAX),
            Err(Error::TooLarge {
                requested: u32::MAX,
                limit: u32::MAX - 2
            })
        );
    }

    proptest! {
        #[test]
        fn read_agrees_with_slice_semantics(data in proptest::collection::vec(any::<u8>(), 0..64), offset: u32, len: u32) {
            let b = buffer(&data);
            let expected = (offset as usize).checked_add(len as usize)
                .filter(|&end| end <= data.len())
                .map(|end| data[offset as usize..end].to_vec());
            prop_assert_eq!(b.read(offset, len).ok(), expected);
        }

        #[test]
        fn write_at_agrees_with_a_model(data in proptest::collection::vec(any::<u8>(), 0..32), offset in 0u32..40, chunk in proptest::collection::vec(any::<u8>(), 0..32)) {
            let mut b = buffer(&data);
            let result = b.write_at(offset, &chunk);
            if offset as usize > data.len() {
                prop_assert!(result.is_err());
                prop_assert_eq!(b.as_slice(), &data[..]);
            } else {
                let keep_tail = data.len().saturating_sub(offset as usize + chunk.len());
                let mut expected = data[..offset as usize].to_vec();
                expected.extend_from_slice(&chunk);
                expected.extend_from_slice(&data[data.len() - keep_tail..]);
                prop_assert!(result.is_ok());
                prop_assert_eq!(b.as_slice(), &expected[..]);
            }
        }

        #[test]
        fn copy_within_agrees_with_slice_copy_within(data in proptest::collection::vec(any::<u8>(), 0..32), src in 0u32..40, dst in 0u32..40, len in 0u32..40) {
            let mut b = buffer(&data);
            let fits = |at: u32| (at + len) as usize <= data.len();
            let result = b.copy_within(src, dst, len);
            if fits(src) && fits(dst) {
                let mut model = data.clone();
                model.copy_within(src as usize..(src + len) as usize, dst as usize);
                prop_assert!(result.is_ok());
                prop_assert_eq!(b.as_slice(), &model[..]);
            } else {
                prop_assert!(result.is_err());
                prop_assert_eq!(b.as_slice(), &data[..]);
            }
        }
    }
}
