//! The `types` interface: the error type every fallible call returns (except decoding
//! records, and parsing JSON in the article's component, which have error types of their own), and the range check that produces
//! `out-of-bounds`.
//!
//! Every `(offset, len)` range that comes from a caller goes through [`check_range`] (no
//! overflow, no short reads; `ByteBuffer::write_at`, which takes no length, checks
//! `offset <= len` itself), and every allocation a caller sizes goes through
//! [the crate's docs](crate), so no input can panic the core.

use std::ops::Range;

/// Why a call refused its input. Mirrors WIT `types.error` case for case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// `[offset, offset + len)` is not inside `0..size` (or `offset + len` overflows).
    OutOfBounds {
        /// Start of the range asked for.
        offset: u32,
        /// Length of the range asked for.
        len: u32,
        /// Length of what it was checked against.
        size: u32,
    },
    /// `requested` is over `limit`.
    TooLarge {
        /// The size or count asked for.
        requested: u32,
        /// The most that was possible.
        limit: u32,
    },
    /// The allocator could not provide this many bytes (clamped to `u32::MAX`).
    OutOfMemory(u32),
    /// Wrong shape; the text says which argument and why.
    Invalid(String),
}

/// The WIT case, then its values: `out-of-bounds: offset 7, len 2, buffer size 8`. The JS
/// package formats the same values into the same text (`describeError` in
/// `js/src/errors.js`; `tests/error_texts.rs` checks every case of every error type).
impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::OutOfBounds { offset, len, size } => write!(
                f,
                "out-of-bounds: offset {offset}, len {len}, buffer size {size}"
            ),
            Error::TooLarge { requested, limit } => {
                write!(f, "too-large: requested {requested}, limit {limit}")
            }
            Error::OutOfMemory(bytes) => {
                write!(f, "out-of-memory: could not allocate {bytes} bytes")
            }
            Error::Invalid(why) => write!(f, "invalid: {why}"),
        }
    }
}

impl std::error::Error for Error {}

/// Clamps a length to `u32` for error reports (a length past `u32::MAX` cannot reach the WIT
/// surface, but the native core can hold one). O(1).
pub fn len_u32(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// The index range `offset..offset + len` when it lies inside `0..size`. O(1).
///
/// # Errors
/// [`Error::OutOfBounds`] (`size` clamped to `u32::MAX`) when `offset + len` overflows `u32`
/// or is over `size`.
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
}
