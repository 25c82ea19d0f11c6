//! The `try_*` helpers: the one place where the core reserves memory whose size a caller
//! chose. Each reserves with `try_reserve`/`try_reserve_exact` inside a [`fallible`] scope, so
//! it fails while the allocator's emergency reserve is not intact instead of eating into it,
//! and reports failure as `out-of-memory` (in bytes, clamped to `u32::MAX`) rather than
//! aborting. The growth helpers also refuse a length past `u32::MAX` (`too-large`), which no
//! WIT list can hold.

use super::scope::fallible;
use crate::error::{check_range, len_u32, Error};

/// Makes room in `vec` for `additional` more elements, refusing a length past `u32::MAX`
/// (`too-large`) and allocation failure (`out-of-memory`, in bytes). Grows geometrically like
/// `Vec::reserve`, so repeated appends stay amortised O(1).
///
/// Cost: nothing when the capacity suffices; else one reallocation (which may copy the
/// elements held).
///
/// # Errors
/// - [`Error::TooLarge`] when `vec.len() + additional` would pass `u32::MAX` (`requested`:
///   `additional`, `limit`: `u32::MAX - vec.len()`).
/// - [`Error::OutOfMemory`] when the allocator refuses (the bytes of `additional` elements).
///
/// On error `vec` is unchanged.
pub fn try_grow<T>(vec: &mut Vec<T>, additional: usize) -> Result<(), Error> {
    // In u64: on wasm32 a usize sum would wrap (or saturate) exactly where it matters.
    let new_len = vec.len() as u64 + additional as u64;
    if new_len > u64::from(u32::MAX) {
        return Err(Error::TooLarge {
            requested: len_u32(additional),
            limit: u32::MAX - len_u32(vec.len()),
        });
    }
    fallible(|| vec.try_reserve(additional))
        .map_err(|_| Error::OutOfMemory(len_u32(additional.saturating_mul(size_of::<T>()))))
}

/// An empty vector with room for `capacity` elements (reserved exactly), or for none when
/// that much cannot be reserved. For constructors whose capacity is only a hint and that
/// never fail.
pub fn with_capacity_hint<T>(capacity: u32) -> Vec<T> {
    let mut vec = Vec::new();
    let _ = fallible(|| vec.try_reserve_exact(capacity as usize));
    vec
}

/// Appends `items` to `vec`, refusing what [`try_grow`] refuses; `vec` is unchanged on error.
///
/// Cost: copies `items.len()` elements; amortised O(1) per element, as [`try_grow`].
///
/// # Errors
/// Those of [`try_grow`] for `items.len()` more elements.
pub fn try_extend<T: Copy>(vec: &mut Vec<T>, items: &[T]) -> Result<(), Error> {
    try_grow(vec, items.len())?;
    vec.extend_from_slice(items);
    Ok(())
}

/// A copy of `len` elements of `items` from `offset`, checked like [`check_range`].
///
/// Cost: one allocation of exactly `len` elements; copies them.
///
/// # Errors
/// - [`Error::OutOfBounds`] when `offset + len` overflows or is over `items.len()`.
/// - [`Error::OutOfMemory`] when the allocator refuses the copy (the bytes of `len` elements).
pub fn try_copy_range<T: Copy>(items: &[T], offset: u32, len: u32) -> Result<Vec<T>, Error> {
    try_to_vec(&items[check_range(offset, len, items.len())?])
}

/// A new vector with room for exactly `len` elements (no allocation when `len` is 0).
///
/// # Errors
/// [`Error::OutOfMemory`] when the allocator refuses (the bytes of `len` elements).
pub fn try_with_capacity<T>(len: usize) -> Result<Vec<T>, Error> {
    let mut vec = Vec::new();
    try_reserve_exact(&mut vec, len)?;
    Ok(vec)
}

/// Makes sure the allocator can serve `bytes` more (reserved fallibly, then freed at once, so
/// the space stays with the allocator): for an allocation that cannot fail gracefully and is
/// about to happen outside the core's control (the bindings' copy of a returned list of
/// records, a library's scratch buffer).
///
/// # Errors
/// [`Error::OutOfMemory`]`(bytes)` when the allocator cannot serve `bytes` now.
pub fn make_room(bytes: usize) -> Result<(), Error> {
    try_with_capacity::<u8>(bytes).map(drop)
}

/// Makes sure the allocator can serve one `T` now: [`make_room`] with the very layout a `Box<T>`
/// takes (a `Vec` of capacity 1 is allocated as `Layout::array::<T>(1)`, which is
/// `Layout::new::<T>()`), so the inner allocator's overhead is the same for the probe and for
/// the box that follows.
///
/// # Errors
/// [`Error::OutOfMemory`]`(size_of::<T>())` when the allocator cannot serve it now.
pub fn make_room_for<T>() -> Result<(), Error> {
    try_with_capacity::<T>(1).map(drop)
}

/// Makes room in `vec` for exactly `additional` more elements. [`try_with_capacity`] and the
/// copying helpers built on it reserve through this.
///
/// # Errors
/// [`Error::OutOfMemory`] when the allocator refuses (the bytes of `additional` elements);
/// `vec` is unchanged then.
pub fn try_reserve_exact<T>(vec: &mut Vec<T>, additional: usize) -> Result<(), Error> {
    fallible(|| vec.try_reserve_exact(additional))
        .map_err(|_| Error::OutOfMemory(len_u32(additional.saturating_mul(size_of::<T>()))))
}

/// `items` converted one by one into a new vector reserved fallibly: for lists that cross
/// the boundary, where a plain `collect` would abort on a full heap.
///
/// Cost: one allocation of exactly `items.len()` elements of `U`; `items` is consumed.
///
/// # Errors
/// [`Error::OutOfMemory`] when the allocator refuses (the bytes of `items.len()` elements of
/// `U`).
pub fn try_map<T, U>(items: Vec<T>, convert: impl FnMut(T) -> U) -> Result<Vec<U>, Error> {
    let mut out = try_with_capacity(items.len())?;
    out.extend(items.into_iter().map(convert));
    Ok(out)
}

/// A `std::io::Write` sink into a vector whose every growth is fallible: serializers (serde_json)
/// write into it, and a full heap ends the write with an error instead of an abort.
#[derive(Debug, Default)]
pub struct TryVecWriter {
    /// What has been written.
    pub bytes: Vec<u8>,
    /// The growth that failed, in bytes, if one did.
    pub failed: Option<u32>,
}

impl std::io::Write for TryVecWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let room = self.bytes.capacity() - self.bytes.len();
        if room < buf.len() {
            self.grow(buf.len())?;
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl TryVecWriter {
    /// The slow path of `write`: fallible growth, recording what failed.
    fn grow(&mut self, additional: usize) -> std::io::Result<()> {
        if let Err(error) = try_grow(&mut self.bytes, additional) {
            self.failed = Some(match error {
                Error::OutOfMemory(bytes) => bytes,
                _ => len_u32(additional),
            });
            // A simple error kind: building it allocates nothing.
            return Err(std::io::ErrorKind::OutOfMemory.into());
        }
        Ok(())
    }
}

/// A copy of `text`, in one allocation of exactly `text.len()` bytes.
///
/// # Errors
/// [`Error::OutOfMemory`]`(text.len())` when the allocator refuses.
pub fn try_string(text: &str) -> Result<String, Error> {
    let mut copy = String::new();
    fallible(|| copy.try_reserve_exact(text.len()))
        .map_err(|_| Error::OutOfMemory(len_u32(text.len())))?;
    copy.push_str(text);
    Ok(copy)
}

/// A copy of `slice`, in one allocation of exactly `slice.len()` elements.
///
/// # Errors
/// [`Error::OutOfMemory`] when the allocator refuses (the bytes of `slice.len()` elements).
pub fn try_to_vec<T: Copy>(slice: &[T]) -> Result<Vec<T>, Error> {
    let mut vec = try_with_capacity(slice.len())?;
    vec.extend_from_slice(slice);
    Ok(vec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_past_u32_is_too_large() {
        let mut v: Vec<u8> = vec![0; 3];
        assert_eq!(
            try_grow(&mut v, u32::MAX as usize),
            Err(Error::TooLarge {
                requested: u32::MAX,
                limit: u32::MAX - 3
            })
        );
        assert_eq!(try_grow(&mut v, 10), Ok(()));
    }

    #[test]
    fn impossible_reservation_is_out_of_memory() {
        // More than isize::MAX bytes cannot be reserved anywhere; try_reserve reports it.
        assert_eq!(
            try_with_capacity::<u64>(usize::MAX / 4).unwrap_err(),
            Error::OutOfMemory(u32::MAX)
        );
    }
}
