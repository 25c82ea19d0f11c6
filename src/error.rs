//! The `types` interface: the one error type every fallible call returns, and the checked
//! range and allocation helpers that produce it.
//!
//! Every size that comes from a caller goes through [`check_range`] (no overflow, no short
//! reads) or [`try_grow`] (fallible reservation), so no input can panic the core.

use std::ops::Range;

/// Why a call refused its input. Mirrors WIT `types.error` case for case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// `[offset, offset + len)` is not inside `0..size`.
    OutOfBounds { offset: u32, len: u32, size: u32 },
    /// `requested` is over `limit`.
    TooLarge { requested: u32, limit: u32 },
    /// The allocator could not provide this many bytes.
    OutOfMemory(u32),
    /// Wrong shape; the text says which argument and why.
    Invalid(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::OutOfBounds { offset, len, size } => {
                write!(f, "range {offset}+{len} is outside a size of {size}")
            }
            Error::TooLarge { requested, limit } => {
                write!(f, "{requested} is over the limit of {limit}")
            }
            Error::OutOfMemory(bytes) => write!(f, "could not allocate {bytes} bytes"),
            Error::Invalid(why) => write!(f, "invalid input: {why}"),
        }
    }
}

impl std::error::Error for Error {}

/// Clamps a length to `u32` for error reports (a length past `u32::MAX` cannot reach the WIT
/// surface, but the native core can hold one).
pub fn len_u32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// The index range `offset..offset + len` when it lies inside `0..size`.
pub fn check_range(offset: u32, len: u32, size: usize) -> Result<Range<usize>, Error> {
    let out_of_bounds = || Error::OutOfBounds {
        offset,
        len,
        size: len_u32(size),
    };
    let end = offset.checked_add(len).ok_or_else(out_of_bounds)?;
    if end as usize > size {
        return Err(out_of_bounds());
    }
    Ok(offset as usize..end as usize)
}

/// Makes room in `vec` for `additional` more elements, refusing a length past `u32::MAX`
/// (`too-large`) and allocation failure (`out-of-memory`, in bytes). Grows geometrically like
/// `Vec::reserve`, so repeated appends stay amortised O(1).
pub fn try_grow<T>(vec: &mut Vec<T>, additional: usize) -> Result<(), Error> {
    // In u64: on wasm32 a usize sum would wrap (or saturate) exactly where it matters.
    let new_len = vec.len() as u64 + additional as u64;
    if new_len > u64::from(u32::MAX) {
        return Err(Error::TooLarge {
            requested: len_u32(additional),
            limit: u32::MAX - len_u32(vec.len()),
        });
    }
    crate::memory::fallible(|| vec.try_reserve(additional))
        .map_err(|_| Error::OutOfMemory(len_u32(additional.saturating_mul(size_of::<T>()))))
}

/// An empty vector with room for up to `capacity` elements: less, or none, when that much
/// cannot be reserved. For constructors whose capacity is only a hint and that never fail.
pub fn with_capacity_hint<T>(capacity: u32) -> Vec<T> {
    let mut vec = Vec::new();
    let _ = crate::memory::fallible(|| vec.try_reserve_exact(capacity as usize));
    vec
}

/// Appends `items` to `vec`, refusing what [`try_grow`] refuses; `vec` is unchanged on error.
pub fn try_extend<T: Copy>(vec: &mut Vec<T>, items: &[T]) -> Result<(), Error> {
    try_grow(vec, items.len())?;
    vec.extend_from_slice(items);
    Ok(())
}

/// A copy of `len` elements of `items` from `offset`, checked like [`check_range`].
pub fn try_copy_range<T: Copy>(items: &[T], offset: u32, len: u32) -> Result<Vec<T>, Error> {
    try_to_vec(&items[check_range(offset, len, items.len())?])
}

/// A new vector with room for exactly `len` elements, or `out-of-memory`.
pub fn try_with_capacity<T>(len: usize) -> Result<Vec<T>, Error> {
    let mut vec = Vec::new();
    try_reserve_exact(&mut vec, len)?;
    Ok(vec)
}

/// Makes sure the allocator can serve `bytes` more (reserved fallibly, then freed at once, so
/// the space stays with the allocator): for an allocation that cannot fail gracefully and is
/// about to happen outside the core's control (the bindings' copy of a returned list of
/// records, a library's scratch buffer). Errors: `out-of-memory`.
pub fn make_room(bytes: usize) -> Result<(), Error> {
    try_with_capacity::<u8>(bytes).map(drop)
}

/// Makes room in `vec` for exactly `additional` more elements, or `out-of-memory` (in bytes).
/// The one place, with [`try_grow`], where the core reserves memory a caller sized.
pub fn try_reserve_exact<T>(vec: &mut Vec<T>, additional: usize) -> Result<(), Error> {
    crate::memory::fallible(|| vec.try_reserve_exact(additional))
        .map_err(|_| Error::OutOfMemory(len_u32(additional.saturating_mul(size_of::<T>()))))
}

/// `items` converted one by one into a new vector reserved fallibly: for lists that cross
/// the boundary, where a plain `collect` would abort on a full heap.
pub fn try_map<T, U>(items: Vec<T>, convert: impl FnMut(T) -> U) -> Result<Vec<U>, Error> {
    let mut out = try_with_capacity(items.len())?;
    out.extend(items.into_iter().map(convert));
    Ok(out)
}

/// A `std::io::Write` sink into a vector whose every growth is fallible: serializers (serde_json)
/// write into it, and a full heap ends the write with an error instead of an abort.
#[derive(Debug, Default)]
pub struct TryVecWriter {
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

/// A copy of `slice`, or `out-of-memory`.
pub fn try_to_vec<T: Copy>(slice: &[T]) -> Result<Vec<T>, Error> {
    let mut vec = try_with_capacity(slice.len())?;
    vec.extend_from_slice(slice);
    Ok(vec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_inside_is_accepted() {
        assert_eq!(check_range(2, 3, 5), Ok(2..5));
        assert_eq!(check_range(5, 0, 5), Ok(5..5));
        assert_eq!(check_range(0, 0, 0), Ok(0..0));
    }

    #[test]
    fn range_past_end_is_out_of_bounds() {
        assert_eq!(
            check_range(3, 3, 5),
            Err(Error::OutOfBounds {
                offset: 3,
                len: 3,
                size: 5
            })
        );
        assert!(check_range(6, 0, 5).is_err());
    }

    #[test]
    fn range_that_overflows_u32_is_out_of_bounds() {
        assert!(check_range(u32::MAX, 1, 5).is_err());
        assert!(check_range(1, u32::MAX, usize::MAX).is_err());
    }

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
