//! The `chunks` interface: assembles a payload of known size from chunks that arrive in any
//! order, retried or not, and verifies it.
//!
//! Invariants: received ranges are sorted, disjoint and coalesced (no two touch), and
//! `received` is the sum of their lengths. A write that fails changes nothing. An overlap with
//! received bytes is accepted only when it repeats them exactly (an idempotent retry).
//!
//! An assembler may carry the digest the whole payload should have, of any algorithm of
//! [`crate::checksums`], and each part may come with its own. With a CRC, the payload's CRC is
//! kept up to date as parts land, in any order ([`PositionalCrc`]), so `finish` makes no pass
//! over the bytes; a hash is computed over the payload at `finish`.
//!
//! Costs are stated per method: `n` is `total_size` and `r` the number of received ranges
//! (after coalescing; at most one more than the number of gaps).

use crate::alloc::{try_grow, try_reserve_exact, try_with_capacity};
use crate::checksums::{ExpectedDigest, PositionalCrc};
use crate::error::{check_range, Error};

/// The largest payload an assembler accepts, in bytes: 1 GiB. Linear memory is at most 4 GiB,
/// and the payload is held in one contiguous allocation.
pub const MAX_TOTAL_SIZE: u32 = 1 << 30;

/// Ranges an assembler has room for from its creation: out-of-order writes of a small upload
/// (a handful of pieces in flight) need no allocation after it.
const INITIAL_RANGES: usize = 4;

/// A gap or a received range, `[offset, offset + len)`. Mirrors WIT `chunks.span`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First byte of the range.
    pub offset: u32,
    /// Number of bytes in it.
    pub len: u32,
}

/// Sorted, disjoint, coalesced ranges `[start, end)` in one vector, grown fallibly: a write
/// that cannot record its range fails with `out-of-memory` before it changes anything. Finding
/// a range is O(log n); inserting one that touches nothing moves the ranges after it (O(n)
/// memmove of 8-byte pairs).
#[derive(Debug, Default, Clone)]
struct RangeSet {
    ranges: Vec<(u32, u32)>,
    covered: u32,
}

impl RangeSet {
    /// Ranges `first..last` are those that overlap or touch `[start, end)`.
    fn touching(&self, start: u32, end: u32) -> (usize, usize) {
        let first = self.ranges.partition_point(|&(_, e)| e < start);
        let last = self.ranges.partition_point(|&(s, _)| s <= end);
        (first, last)
    }

    /// Makes sure [`insert`](Self::insert)ing `[start, end)` cannot fail: room for one more
    /// range when it touches none (a merge needs no room).
    fn reserve_for(&mut self, start: u32, end: u32) -> Result<(), Error> {
        let (first, last) = self.touching(start, end);
        if start < end && first == last {
            try_grow(&mut self.ranges, 1)?;
        }
        Ok(())
    }

    /// Adds `[start, end)`, merging every range it overlaps or touches. Call
    /// [`reserve_for`](Self::reserve_for) first.
    fn insert(&mut self, start: u32, end: u32) {
        if start == end {
            return;
        }
        let (first, last) = self.touching(start, end);
        if first == last {
            self.ranges.insert(first, (start, end));
            self.covered += end - start;
            self.debug_check_invariants();
            return;
        }
        let absorbed: u32 = self.ranges[first..last].iter().map(|&(s, e)| e - s).sum();
        let lo = start.min(self.ranges[first].0);
        let hi = end.max(self.ranges[last - 1].1);
        self.ranges[first] = (lo, hi);
        self.ranges.drain(first + 1..last);
        self.covered += (hi - lo) - absorbed;
        self.debug_check_invariants();
    }

    /// Every range is non-empty; neighbours are sorted, disjoint and do not touch; `covered`
    /// is the sum of their lengths. O(n), so only in debug builds (the tests and proptests).
    fn debug_check_invariants(&self) {
        if cfg!(debug_assertions) {
            debug_assert!(self.ranges.iter().all(|&(start, end)| start < end));
            debug_assert!(self.ranges.windows(2).all(|pair| pair[0].1 < pair[1].0));
            let sum: u64 = self.ranges.iter().map(|&(s, e)| u64::from(e - s)).sum();
            debug_assert_eq!(sum, u64::from(self.covered));
        }
    }

    /// The received ranges that share at least one byte with `[start, end)`, in order.
    fn overlapping(&self, start: u32, end: u32) -> impl Iterator<Item = (u32, u32)> + '_ {
        let first = self.ranges.partition_point(|&(_, e)| e <= start);
        self.ranges[first..]
            .iter()
            .take_while(move |&&(s, _)| s < end)
            .map(move |&(s, e)| (s.max(start), e.min(end)))
    }

    /// The end of the received prefix `[0, n)`, 0 when byte 0 is missing.
    fn prefix_end(&self) -> u32 {
        match self.ranges.first() {
            Some(&(0, end)) => end,
            _ => 0,
        }
    }

    /// The first gap inside `[0, total)`, if any.
    fn first_gap(&self, total: u32) -> Option<Span> {
        let start = self.prefix_end();
        let next = usize::from(start > 0);
        let end = self.ranges.get(next).map_or(total, |&(s, _)| s);
        (end > start).then(|| Span {
            offset: start,
            len: end - start,
        })
    }

    /// The gaps inside `[0, total)`, in order. Errors: `out-of-memory` for the list.
    fn gaps(&self, total: u32) -> Result<Vec<Span>, Error> {
        let mut gaps = try_with_capacity(self.ranges.len() + 1)?;
        let mut at = 0;
        for &(s, e) in &self.ranges {
            if s > at {
                gaps.push(Span {
                    offset: at,
                    len: s - at,
                });
            }
            at = e;
        }
        if total > at {
            gaps.push(Span {
                offset: at,
                len: total - at,
            });
        }
        Ok(gaps)
    }
}

/// Why an assembler cannot take writes.
#[derive(Debug, Clone)]
enum Unusable {
    /// Created over the limit or without memory: every write answers this error.
    Refused(Error),
    /// `finish` has handed the bytes over.
    Finished,
}

/// Collects `total_size` bytes from chunks. Mirrors WIT `chunks.chunk-assembler`.
#[derive(Debug, Clone)]
pub struct ChunkAssembler {
    data: Vec<u8>,
    total_size: u32,
    received: RangeSet,
    expected: Option<ExpectedDigest>,
    /// The payload's CRC so far, when `expected` is a CRC.
    crc_so_far: Option<PositionalCrc>,
    unusable: Option<Unusable>,
}

impl ChunkAssembler {
    /// An assembler for `total_size` bytes, zero-filled up front so `finish` can hand over the
    /// allocation; `finish` checks the payload's digest against `expected` when one is given.
    ///
    /// Cost: one allocation of exactly `total_size` bytes, zero-filled (O(n)), plus room for
    /// four ranges (32 bytes, best effort: without it writes make room as they go).
    ///
    /// # Errors
    /// - [`Error::Invalid`] when `expected` is not of its algorithm's length.
    /// - [`Error::TooLarge`] when `total_size` is over [`MAX_TOTAL_SIZE`].
    /// - [`Error::OutOfMemory`]`(total_size)` when the allocator refuses the payload.
    pub fn create(total_size: u32, expected: Option<ExpectedDigest>) -> Result<Self, Error> {
        if let Some(expected) = &expected {
            expected.validate()?;
        }
        if total_size > MAX_TOTAL_SIZE {
            return Err(Error::TooLarge {
                requested: total_size,
                limit: MAX_TOTAL_SIZE,
            });
        }
        let mut data = Vec::new();
        try_reserve_exact(&mut data, total_size as usize)?;
        // Room for a few ranges up front, so that a small upload needs no more memory; without
        // it, writes make room as they go.
        let mut received = RangeSet::default();
        let _ = try_grow(&mut received.ranges, INITIAL_RANGES);
        data.resize(total_size as usize, 0);
        let crc_so_far = expected
            .as_ref()
            .and_then(|e| PositionalCrc::new(e.algorithm, u64::from(total_size)));
        Ok(Self {
            data,
            total_size,
            received,
            expected,
            crc_so_far,
            unusable: None,
        })
    }

    /// Like [`create`](Self::create) without a CRC, but infallible: when creation fails the
    /// assembler refuses every write and [`finish`](Self::finish) with that error.
    ///
    /// Cost: as [`create`](Self::create); nothing is allocated when creation fails.
    pub fn new(total_size: u32) -> Self {
        Self::create(total_size, None).unwrap_or_else(|error| Self {
            data: Vec::new(),
            total_size,
            received: RangeSet::default(),
            expected: None,
            crc_so_far: None,
            unusable: Some(Unusable::Refused(error)),
        })
    }

    fn check_usable(&self) -> Result<(), Error> {
        match &self.unusable {
            None => Ok(()),
            Some(Unusable::Refused(error)) => Err(error.clone()),
            Some(Unusable::Finished) => Err(Error::Invalid(
                "the assembler is finished: its bytes were handed over".into(),
            )),
        }
    }

    /// Writes `chunk` at the end of the received prefix (offset 0 when byte 0 is missing): the
    /// article's sequential mode.
    ///
    /// Cost: as [`write_at`](Self::write_at) (finding the prefix's end is O(1)).
    ///
    /// # Errors
    /// As [`write_at`](Self::write_at).
    pub fn append(&mut self, chunk: &[u8]) -> Result<(), Error> {
        self.write_at(self.received.prefix_end(), chunk)
    }

    /// Writes `chunk` at `offset`, in any order; bytes already received may be sent again
    /// only unchanged.
    ///
    /// Cost: O(log r) to find the received ranges it meets, a comparison of the bytes it
    /// shares with them, a copy of `chunk.len()` bytes, and O(r) to record its range (moving
    /// the 8-byte ranges after it). Allocates only when its range touches no received one and
    /// the range list is full (amortised; the list grows geometrically, 8 bytes a range).
    ///
    /// # Errors
    /// - [`Error::OutOfBounds`] when `offset + chunk.len()` overflows or passes `total_size`
    ///   (`len` is `u32::MAX` for a chunk of more than `u32::MAX` bytes).
    /// - [`Error::Invalid`] when it overlaps received bytes with different ones (the text
    ///   names the first offset that differs), or after a successful `finish`.
    /// - [`Error::OutOfMemory`]`(8)` when the range list cannot grow.
    /// - For an assembler [`new`](Self::new) could not create, that error
    ///   ([`Error::TooLarge`] or [`Error::OutOfMemory`]).
    ///
    /// On error nothing is written.
    pub fn write_at(&mut self, offset: u32, chunk: &[u8]) -> Result<(), Error> {
        self.write(offset, chunk, None)
    }

    /// [`write_at`](Self::write_at), for a part that comes with its digest: the part is
    /// checked on arrival, before anything is written.
    ///
    /// Cost: as [`write_at`](Self::write_at), plus the part's digest (O(`chunk.len()`)).
    ///
    /// # Errors
    /// Those of [`write_at`](Self::write_at), and [`Error::Invalid`] when `expected` is not of
    /// its algorithm's length, or when the part's digest differs (`"part at offset 8: crc32c
    /// mismatch: expected 0x…, computed 0x…"`).
    ///
    /// On error nothing is written.
    pub fn write_at_checked(
        &mut self,
        offset: u32,
        chunk: &[u8],
        expected: &ExpectedDigest,
    ) -> Result<(), Error> {
        expected.validate()?;
        self.write(offset, chunk, Some(expected))
    }

    fn write(
        &mut self,
        offset: u32,
        chunk: &[u8],
        expected: Option<&ExpectedDigest>,
    ) -> Result<(), Error> {
        self.check_usable()?;
        let len = u32::try_from(chunk.len()).map_err(|_| Error::OutOfBounds {
            offset,
            len: u32::MAX,
            size: self.total_size,
        })?;
        let range = check_range(offset, len, self.data.len())?;
        if let Some(expected) = expected {
            expected.check(chunk).map_err(|error| match error {
                Error::Invalid(why) => Error::Invalid(format!("part at offset {offset}: {why}")),
                other => other,
            })?;
        }
        for (s, e) in self.received.overlapping(offset, offset + len) {
            let held = &self.data[s as usize..e as usize];
            let given = &chunk[(s - offset) as usize..(e - offset) as usize];
            if let Some(i) = held.iter().zip(given).position(|(a, b)| a != b) {
                let at = s as usize + i;
                return Err(Error::Invalid(format!(
                    "chunk: at offset {at} it has byte {:#04x}, but {:#04x} was already received there",
                    given[i], held[i]
                )));
            }
        }
        self.received.reserve_for(offset, offset + len)?;
        self.data[range].copy_from_slice(chunk);
        if let Some(crc) = &mut self.crc_so_far {
            // Only the bytes new to the payload: a retried byte is in its CRC already.
            let mut at = offset;
            for (s, e) in self.received.overlapping(offset, offset + len) {
                if s > at {
                    crc.add(
                        u64::from(at),
                        &chunk[(at - offset) as usize..(s - offset) as usize],
                    );
                }
                at = e;
            }
            if at < offset + len {
                crc.add(u64::from(at), &chunk[(at - offset) as usize..]);
            }
        }
        self.received.insert(offset, offset + len);
        Ok(())
    }

    /// Distinct bytes received (a retried byte counts once). Cost: O(1).
    pub fn received(&self) -> u32 {
        self.received.covered
    }

    /// The size given at creation. Cost: O(1).
    pub fn total_size(&self) -> u32 {
        self.total_size
    }

    /// `received / total_size` in 0..=1; 1 when `total_size` is 0. Cost: O(1).
    pub fn progress(&self) -> f64 {
        if self.total_size == 0 {
            return 1.0;
        }
        f64::from(self.received()) / f64::from(self.total_size)
    }

    /// Every byte received and not yet handed over (never true for an assembler that refuses
    /// writes, nor after a successful `finish`). Cost: O(1).
    pub fn is_complete(&self) -> bool {
        self.unusable.is_none() && self.received() == self.total_size
    }

    /// The gaps still to receive, in order and coalesced. When memory cannot hold the whole
    /// list, only the first gap (one 8-byte span, which the allocator's reserve always
    /// serves): an empty list always means nothing is missing. Empty after a successful
    /// `finish`.
    ///
    /// Cost: O(r); one allocation of `r + 1` spans (8 bytes each), reserved fallibly, or of one
    /// span when that is refused. O(1) and no allocation when nothing is missing.
    pub fn missing(&self) -> Vec<Span> {
        if let Some(Unusable::Finished) = self.unusable {
            return Vec::new();
        }
        if self.is_complete() {
            return Vec::new();
        }
        self.received.gaps(self.total_size).unwrap_or_else(|_| {
            let first = self.received.first_gap(self.total_size);
            first.into_iter().collect()
        })
    }

    /// Verifies completeness and the expected digest, then hands the bytes over without
    /// copying them. On error nothing changes; after success the assembler refuses further
    /// writes.
    ///
    /// Cost: O(1) without an expected digest or with a CRC (kept up to date by the writes);
    /// O(n) with a hash. The payload is moved out, not copied, and nothing is allocated but
    /// the digest and error texts.
    ///
    /// # Errors
    /// - [`Error::Invalid`] when a byte is missing (the text gives the first gap), when the
    ///   digest differs from the expected one (`"crc32c mismatch: expected 0x…, computed
    ///   0x…"`), or when a previous `finish` already handed the bytes over.
    /// - For an assembler [`new`](Self::new) could not create, that error
    ///   ([`Error::TooLarge`] or [`Error::OutOfMemory`]).
    pub fn finish(&mut self) -> Result<Vec<u8>, Error> {
        self.finish_if(|| Ok(()))
    }

    /// [`finish`](Self::finish), with `admit` asked last, once the bytes are verified and
    /// before they are handed over: when it refuses, nothing changes. The component's glue
    /// uses it to make sure the handle for the bytes can be made.
    ///
    /// Cost: as [`finish`](Self::finish), plus `admit`.
    ///
    /// # Errors
    /// Those of [`finish`](Self::finish), then whatever `admit` returns.
    pub fn finish_if(
        &mut self,
        admit: impl FnOnce() -> Result<(), Error>,
    ) -> Result<Vec<u8>, Error> {
        self.check_usable()?;
        if !self.is_complete() {
            let gap = self.received.first_gap(self.total_size).unwrap_or(Span {
                offset: self.total_size,
                len: 0,
            });
            return Err(Error::Invalid(format!(
                "incomplete: {} of {} bytes received, first gap at offset {} ({} bytes)",
                self.received(),
                self.total_size,
                gap.offset,
                gap.len
            )));
        }
        match (&self.expected, &self.crc_so_far) {
            (Some(expected), Some(crc)) => expected.compare(&crc.crc())?,
            (Some(expected), None) => expected.check(&self.data)?,
            (None, _) => {}
        }
        admit()?;
        self.unusable = Some(Unusable::Finished);
        Ok(std::mem::take(&mut self.data))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checksums::{digest, Algorithm};
    use proptest::prelude::*;

    fn span(offset: u32, len: u32) -> Span {
        Span { offset, len }
    }

    #[test]
    fn appends_in_order_complete_it() {
        let mut a = ChunkAssembler::new(10);
        a.append(b"hello").unwrap();
        assert_eq!(a.progress(), 0.5);
        a.append(b"world").unwrap();
        assert!(a.is_complete());
        assert_eq!(a.finish().unwrap(), b"helloworld");
    }

    #[test]
    fn empty_total_is_complete_with_progress_one() {
        let mut a = ChunkAssembler::new(0);
        assert_eq!(a.progress(), 1.0);
        assert!(a.is_complete());
        assert_eq!(a.missing(), vec![]);
        assert_eq!(a.finish().unwrap(), b"");
    }

    #[test]
    fn out_of_order_writes_leave_coalesced_gaps() {
        let mut a = ChunkAssembler::new(12);
        a.write_at(8, b"ijkl").unwrap();
        a.write_at(2, b"cd").unwrap();
        assert_eq!(a.missing(), vec![span(0, 2), span(4, 4)]);
        a.write_at(4, b"efgh").unwrap();
        assert_eq!(a.missing(), vec![span(0, 2)]);
        assert_eq!(a.received(), 10);
        a.append(b"ab").unwrap();
        assert_eq!(a.finish().unwrap(), b"abcdefghijkl");
    }

    #[test]
    fn append_continues_the_received_prefix() {
        let mut a = ChunkAssembler::new(6);
        a.write_at(4, b"ef").unwrap();
        a.append(b"ab").unwrap();
        a.append(b"cd").unwrap();
        assert_eq!(a.finish().unwrap(), b"abcdef");
    }

    #[test]
    fn identical_retry_is_accepted_and_counted_once() {
        let mut a = ChunkAssembler::new(6);
        a.write_at(0, b"abcd").unwrap();
        a.write_at(2, b"cdef").unwrap();
        a.write_at(0, b"abcd").unwrap();
        assert_eq!(a.received(), 6);
    }

    #[test]
    fn differing_overlap_is_invalid_and_changes_nothing() {
        let mut a = ChunkAssembler::new(6);
        a.write_at(0, b"abcd").unwrap();
        let error = a.write_at(2, b"cXef").unwrap_err();
        assert!(
            matches!(&error, Error::Invalid(why) if why.contains("offset 3")),
            "{error}"
        );
        assert_eq!(a.received(), 4);
        assert_eq!(a.missing(), vec![span(4, 2)]);
    }

    #[test]
    fn writes_past_the_end_are_out_of_bounds() {
        let mut a = ChunkAssembler::new(4);
        assert_eq!(
            a.write_at(3, b"xy"),
            Err(Error::OutOfBounds {
                offset: 3,
                len: 2,
                size: 4
            })
        );
        assert!(a.write_at(u32::MAX, b"x").is_err());
        a.append(b"abcd").unwrap();
        assert!(a.append(b"e").is_err());
    }

    #[test]
    fn over_the_limit_is_too_large_and_the_constructor_refuses_writes() {
        let over = MAX_TOTAL_SIZE + 1;
        let too_large = Error::TooLarge {
            requested: over,
            limit: MAX_TOTAL_SIZE,
        };
        assert_eq!(ChunkAssembler::create(over, None).unwrap_err(), too_large);
        let mut a = ChunkAssembler::new(over);
        assert_eq!(a.append(b"x"), Err(too_large.clone()));
        assert_eq!(a.finish(), Err(too_large));
        assert!(!a.is_complete());
        assert_eq!(a.total_size(), over);
    }

    #[test]
    fn finish_checks_completeness_and_crc() {
        let data = b"123456789";
        // The CRC-32C check value of "123456789".
        let mut good =
            ChunkAssembler::create(9, Some(ExpectedDigest::crc32c(0xE306_9283))).unwrap();
        good.append(&data[..4]).unwrap();
        assert!(
            matches!(good.finish(), Err(Error::Invalid(why)) if why.contains("first gap at offset 4"))
        );
        good.append(&data[4..]).unwrap();
        assert_eq!(good.finish().unwrap(), data);
        assert!(
            good.append(b"").is_err(),
            "finished assemblers refuse writes"
        );

        let mut bad = ChunkAssembler::create(9, Some(ExpectedDigest::crc32c(1))).unwrap();
        bad.append(data).unwrap();
        assert!(
            matches!(bad.finish(), Err(Error::Invalid(why)) if why.contains("crc32c mismatch"))
        );
        assert!(bad.is_complete(), "a failed finish changes nothing");
    }

    #[test]
    fn a_part_is_checked_on_arrival_and_a_mismatch_changes_nothing() {
        let data = b"123456789";
        let mut a = ChunkAssembler::create(9, None).unwrap();
        let part = |digest: u32| ExpectedDigest::crc32c(digest);
        let refused = a.write_at_checked(4, &data[4..], &part(0xDEAD_BEEF));
        assert_eq!(
            refused,
            Err(Error::Invalid(format!(
                "part at offset 4: crc32c mismatch: expected 0xdeadbeef, computed 0x{:08x}",
                crate::checksums::crc32c(&data[4..])
            )))
        );
        assert_eq!(a.received(), 0);
        let right = part(crate::checksums::crc32c(&data[4..]));
        a.write_at_checked(4, &data[4..], &right).unwrap();
        assert_eq!(a.received(), 5);
        let short = ExpectedDigest {
            algorithm: Algorithm::Sha256,
            digest: vec![1, 2, 3],
        };
        assert!(matches!(
            a.write_at_checked(0, &data[..4], &short),
            Err(Error::Invalid(_))
        ));
        assert!(matches!(
            ChunkAssembler::create(9, Some(short)),
            Err(Error::Invalid(_))
        ));
    }

    proptest! {
        #[test]
        fn overlapping_parts_in_any_order_meet_the_expected_digest_of_every_algorithm(
            algorithm in prop::sample::select(Algorithm::ALL.to_vec()),
            data in proptest::collection::vec(any::<u8>(), 0..400),
            writes in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..80), 0..25),
            corrupt in any::<bool>(),
        ) {
            let mut expected = digest(algorithm, &data);
            if corrupt {
                expected[0] ^= 1;
            }
            let expected = ExpectedDigest { algorithm, digest: expected };
            let mut a = ChunkAssembler::create(data.len() as u32, Some(expected)).unwrap();
            for (at, len) in writes {
                let start = at.index(data.len() + 1);
                let end = (start + len).min(data.len());
                a.write_at(start as u32, &data[start..end]).unwrap();
            }
            for gap in a.missing() {
                let (start, end) = (gap.offset as usize, (gap.offset + gap.len) as usize);
                a.write_at(gap.offset, &data[start..end]).unwrap();
            }
            if corrupt {
                let refused = a.finish();
                prop_assert!(matches!(&refused, Err(Error::Invalid(why)) if why.contains("mismatch")), "{:?}", refused);
                prop_assert!(a.is_complete());
            } else {
                prop_assert_eq!(a.finish().unwrap(), data);
            }
        }

        #[test]
        fn any_covering_order_completes_with_the_right_bytes(
            data in proptest::collection::vec(any::<u8>(), 0..300),
            cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..20),
            order in any::<prop::sample::Index>(),
            retries in proptest::collection::vec(any::<prop::sample::Index>(), 0..5),
        ) {
            let mut bounds: Vec<usize> = cuts.iter().map(|c| c.index(data.len() + 1)).collect();
            bounds.extend([0, data.len()]);
            bounds.sort();
            bounds.dedup();
            let mut chunks: Vec<(usize, usize)> = bounds.windows(2).map(|w| (w[0], w[1])).collect();
            // Any permutation: rotate by a random amount, then reverse every other chunk pair.
            let shift = order.index(chunks.len().max(1)).min(chunks.len());
            chunks.rotate_left(shift);
            for i in (1..chunks.len()).step_by(2) {
                chunks.swap(i - 1, i);
            }
            let mut a = ChunkAssembler::create(data.len() as u32, Some(ExpectedDigest::crc32c(crate::checksums::crc32c(&data)))).unwrap();
            for (start, end) in &chunks {
                a.write_at(*start as u32, &data[*start..*end]).unwrap();
            }
            for retry in &retries {
                if let Some(&(start, end)) = chunks.get(retry.index(chunks.len().max(1))) {
                    a.write_at(start as u32, &data[start..end]).unwrap();
                }
            }
            prop_assert_eq!(a.received() as usize, data.len());
            prop_assert_eq!(a.missing(), vec![]);
            prop_assert_eq!(a.finish().unwrap(), data);
        }

        #[test]
        fn gaps_and_received_agree_with_a_bitmap(
            total in 0u32..200,
            writes in proptest::collection::vec((0u32..220, 0usize..40), 0..30),
        ) {
            let mut a = ChunkAssembler::new(total);
            let mut seen = vec![false; total as usize];
            for (offset, len) in writes {
                let chunk = vec![7u8; len];
                if a.write_at(offset, &chunk).is_ok() {
                    seen[offset as usize..offset as usize + len].iter_mut().for_each(|b| *b = true);
                } else {
                    prop_assert!(offset as usize + len > total as usize);
                }
            }
            prop_assert_eq!(a.received() as usize, seen.iter().filter(|&&b| b).count());
            let mut expected_gaps = Vec::new();
            let mut i = 0;
            while i < seen.len() {
                if !seen[i] {
                    let start = i;
                    while i < seen.len() && !seen[i] { i += 1; }
                    expected_gaps.push(span(start as u32, (i - start) as u32));
                } else {
                    i += 1;
                }
            }
            prop_assert_eq!(a.missing(), expected_gaps);
        }
    }
}
