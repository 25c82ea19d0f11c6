//! The `records` interface: the article's binary record, byte for byte, and a reader that
//! frames a stream of them.
//!
//! Layout: `header[16] | payload-len u32 LE | payload | checksum u32 LE`, the checksum over
//! `header ++ payload`. A [`BinaryRecord`] is stored as that frame, so `serialize` is one copy
//! and `deserialize` adopts the input without copying. Invariant: the frame's length field and
//! checksum always agree with its header and payload.
//!
//! Frame lengths are computed in u64: on wasm32, `24 + declared` in usize is exactly the
//! overflow that traps the article's module.
//!
//! Costs are stated per method: `p` is a record's payload length.

use crate::alloc::{try_grow, try_to_vec, try_with_capacity};
pub use crate::checksum::ChecksumKind;
use crate::error::{len_u32, Error};

/// Length of a record's header, in bytes.
pub const HEADER_LEN: usize = 16;
/// Where the payload starts: after the header and the u32 length field.
pub const PAYLOAD_AT: usize = HEADER_LEN + 4;
/// Header, length field and checksum: the size of a record with an empty payload.
pub const FRAME_OVERHEAD: usize = PAYLOAD_AT + 4;

/// Why bytes are not a record. Mirrors WIT `records.decode-error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// Fewer than 24 bytes: how many there were.
    TooShort(u32),
    /// The length field asks for more payload than there is.
    LengthMismatch {
        /// The payload length in the length field.
        declared: u32,
        /// The bytes there are after the header and length field, less the 4 of the checksum.
        available: u32,
    },
    /// The stored checksum (`expected`) differs from the computed one (`actual`).
    ChecksumMismatch {
        /// The checksum the record carries.
        expected: u32,
        /// The checksum of its header and payload.
        actual: u32,
    },
    /// Bytes after the checksum: how many.
    TrailingBytes(u32),
    /// A declared payload over the reader's `max-payload`.
    PayloadTooLarge(u32),
    /// This many bytes could not be allocated (the reader's buffer, its list of records, or
    /// a record's copy).
    OutOfMemory(u32),
}

/// The WIT case, then its values, as [`Error`]'s `Display` writes them (and the JS package's
/// `describeError`): `checksum-mismatch: stored 0x00000994, computed 0x000009b4`.
impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::TooShort(n) => write!(
                f,
                "too-short: {n} bytes, a record needs at least {FRAME_OVERHEAD}"
            ),
            DecodeError::LengthMismatch {
                declared,
                available,
            } => write!(
                f,
                "length-mismatch: declared {declared} bytes, {available} available"
            ),
            DecodeError::ChecksumMismatch { expected, actual } => write!(
                f,
                "checksum-mismatch: stored {expected:#010x}, computed {actual:#010x}"
            ),
            DecodeError::TrailingBytes(n) => {
                write!(f, "trailing-bytes: {n} bytes after the checksum")
            }
            DecodeError::PayloadTooLarge(n) => write!(
                f,
                "payload-too-large: declared {n} bytes, over the reader's max-payload"
            ),
            DecodeError::OutOfMemory(n) => write!(f, "{}", Error::OutOfMemory(*n)),
        }
    }
}

impl std::error::Error for DecodeError {}

/// The declared payload length of a frame that starts with `bytes`, once its length field
/// has arrived.
fn declared_len(bytes: &[u8]) -> Option<u32> {
    let field = bytes.get(HEADER_LEN..PAYLOAD_AT)?;
    Some(u32::from_le_bytes(field.try_into().ok()?))
}

/// Checks that `frame` is exactly one valid record.
///
/// Cost: O(`frame.len()`) for the checksum; no allocation.
///
/// # Errors
/// - [`DecodeError::TooShort`] when `frame` has fewer than 24 bytes.
/// - [`DecodeError::LengthMismatch`] when the length field declares more payload than follows.
/// - [`DecodeError::TrailingBytes`] when bytes follow the checksum.
/// - [`DecodeError::ChecksumMismatch`] when the stored checksum is not that of the header and
///   payload.
pub fn validate(frame: &[u8], kind: ChecksumKind) -> Result<(), DecodeError> {
    if frame.len() < FRAME_OVERHEAD {
        return Err(DecodeError::TooShort(len_u32(frame.len())));
    }
    let declared = declared_len(frame).unwrap_or_default();
    let needed = FRAME_OVERHEAD as u64 + u64::from(declared);
    let have = frame.len() as u64;
    if have < needed {
        return Err(DecodeError::LengthMismatch {
            declared,
            available: len_u32(frame.len() - FRAME_OVERHEAD),
        });
    }
    if have > needed {
        return Err(DecodeError::TrailingBytes(len_u32(
            (have - needed) as usize,
        )));
    }
    let checksum_at = frame.len() - 4;
    let expected = u32::from_le_bytes(frame[checksum_at..].try_into().expect("4 bytes"));
    let actual = kind.checksum(&frame[..HEADER_LEN], &frame[PAYLOAD_AT..checksum_at]);
    if expected != actual {
        return Err(DecodeError::ChecksumMismatch { expected, actual });
    }
    Ok(())
}

/// A header, a payload and their checksum. Mirrors WIT `records.binary-record`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinaryRecord {
    kind: ChecksumKind,
    /// The serialized form, always valid.
    frame: Vec<u8>,
}

impl BinaryRecord {
    /// A record with a zero header and an empty payload.
    ///
    /// Cost: O(1); one allocation of 24 bytes (infallible: it is small).
    pub fn new(kind: ChecksumKind) -> Self {
        let mut record = Self {
            kind,
            frame: vec![0; FRAME_OVERHEAD],
        };
        record.seal();
        record
    }

    /// Writes the checksum of the current header and payload into the frame.
    fn seal(&mut self) {
        let checksum_at = self.frame.len() - 4;
        let checksum = self.kind.checksum(
            &self.frame[..HEADER_LEN],
            &self.frame[PAYLOAD_AT..checksum_at],
        );
        self.frame[checksum_at..].copy_from_slice(&checksum.to_le_bytes());
    }

    /// The checksum this record carries. Cost: O(1).
    pub fn kind(&self) -> ChecksumKind {
        self.kind
    }

    /// Replaces the header.
    ///
    /// Cost: copies 16 bytes in place and recomputes the checksum over header and payload
    /// (O(p)); no allocation.
    ///
    /// # Errors
    /// [`Error::Invalid`] unless `header` is exactly 16 bytes; the record is unchanged then.
    pub fn set_header(&mut self, header: &[u8]) -> Result<(), Error> {
        if header.len() != HEADER_LEN {
            return Err(Error::Invalid(format!(
                "header: must be exactly {HEADER_LEN} bytes, got {}",
                header.len()
            )));
        }
        self.frame[..HEADER_LEN].copy_from_slice(header);
        self.seal();
        Ok(())
    }

    /// Replaces the payload, writing the new frame once at its exact size.
    ///
    /// Cost: one allocation of exactly `24 + payload.len()` bytes, one copy of `payload`, and
    /// the checksum over the new frame (O(`payload.len()`)); the old frame is freed.
    ///
    /// # Errors
    /// - [`Error::TooLarge`] when `payload.len()` is over `u32::MAX - 24`.
    /// - [`Error::OutOfMemory`]`(24 + payload.len())` when the allocator refuses the new frame.
    ///
    /// On error the record is unchanged.
    pub fn set_payload(&mut self, payload: &[u8]) -> Result<(), Error> {
        let limit = u32::MAX - FRAME_OVERHEAD as u32;
        if payload.len() > limit as usize {
            return Err(Error::TooLarge {
                requested: len_u32(payload.len()),
                limit,
            });
        }
        let mut frame = try_with_capacity(FRAME_OVERHEAD + payload.len())?;
        frame.extend_from_slice(&self.frame[..HEADER_LEN]);
        frame.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        frame.extend_from_slice(payload);
        frame.extend_from_slice(&[0; 4]);
        self.frame = frame;
        self.seal();
        Ok(())
    }

    /// The 16 header bytes, borrowed. Cost: O(1), no copy.
    pub fn header(&self) -> &[u8] {
        &self.frame[..HEADER_LEN]
    }

    /// The payload, borrowed. Cost: O(1), no copy.
    pub fn payload(&self) -> &[u8] {
        &self.frame[PAYLOAD_AT..self.frame.len() - 4]
    }

    /// The stored checksum (always that of the header and payload). Cost: O(1).
    pub fn checksum(&self) -> u32 {
        let checksum_at = self.frame.len() - 4;
        u32::from_le_bytes(self.frame[checksum_at..].try_into().expect("4 bytes"))
    }

    /// The serialized frame, as borrowed bytes. Cost: O(1), no copy.
    pub fn as_frame(&self) -> &[u8] {
        &self.frame
    }

    /// A copy of the serialized frame.
    ///
    /// Cost: one allocation of exactly `24 + p` bytes; copies them.
    ///
    /// # Errors
    /// [`Error::OutOfMemory`]`(24 + p)` when the allocator refuses the copy.
    pub fn serialize(&self) -> Result<Vec<u8>, Error> {
        try_to_vec(&self.frame)
    }

    /// Parses exactly one record, adopting `data` as its frame without copying it.
    ///
    /// Cost: O(`data.len()`) for the checksum; `data` is moved in, not copied, and nothing is
    /// allocated.
    ///
    /// # Errors
    /// What [`validate`] reports: [`DecodeError::TooShort`], [`DecodeError::LengthMismatch`],
    /// [`DecodeError::TrailingBytes`] or [`DecodeError::ChecksumMismatch`]; `data` is dropped
    /// then.
    pub fn deserialize(data: Vec<u8>, kind: ChecksumKind) -> Result<Self, DecodeError> {
        validate(&data, kind)?;
        Ok(Self { kind, frame: data })
    }
}

/// One record of a stream as plain values: what [`RecordReader::feed`] returns. Mirrors WIT
/// `records.frame`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The 16 header bytes.
    pub header: Vec<u8>,
    /// The payload.
    pub payload: Vec<u8>,
    /// The stored checksum, which matched the header and payload.
    pub checksum: u32,
}

impl Frame {
    /// Parses exactly one record from `bytes`, copying its header and payload out.
    ///
    /// Cost: O(`bytes.len()`) for the checksum; two allocations (16 bytes and exactly the
    /// payload's length) and one copy of the payload.
    ///
    /// # Errors
    /// - What [`validate`] reports: [`DecodeError::TooShort`],
    ///   [`DecodeError::LengthMismatch`], [`DecodeError::TrailingBytes`] or
    ///   [`DecodeError::ChecksumMismatch`].
    /// - [`DecodeError::OutOfMemory`]`(n)` when the allocator refuses a copy (`n`: 16 for the
    ///   header, the payload's length for the payload).
    pub fn read(bytes: &[u8], kind: ChecksumKind) -> Result<Self, DecodeError> {
        validate(bytes, kind)?;
        let checksum_at = bytes.len() - 4;
        let copy = |part: &[u8]| {
            try_to_vec(part).map_err(|_| DecodeError::OutOfMemory(len_u32(part.len())))
        };
        Ok(Self {
            header: copy(&bytes[..HEADER_LEN])?,
            payload: copy(&bytes[PAYLOAD_AT..checksum_at])?,
            checksum: u32::from_le_bytes(bytes[checksum_at..].try_into().expect("4 bytes")),
        })
    }
}

/// Frames a stream of concatenated records cut at arbitrary points. Mirrors WIT
/// `records.record-reader`.
///
/// Invariant: `pending` holds at most one unfinished frame, and its declared payload (once
/// known) is within `max_payload`. The first bad record fails the reader for good: framing
/// cannot be trusted after it.
#[derive(Debug, Clone)]
pub struct RecordReader {
    kind: ChecksumKind,
    max_payload: u32,
    pending: Vec<u8>,
    failed: Option<DecodeError>,
}

impl RecordReader {
    /// A reader of records carrying `kind` checksums, refusing any payload over
    /// `max_payload` bytes, so that between calls it buffers fewer than `24 + max_payload`.
    ///
    /// Cost: O(1); no allocation (the buffer for an unfinished record grows on demand).
    pub fn new(kind: ChecksumKind, max_payload: u32) -> Self {
        Self {
            kind,
            max_payload,
            pending: Vec::new(),
            failed: None,
        }
    }

    /// Bytes held for an unfinished record. Cost: O(1).
    pub fn buffered(&self) -> u32 {
        len_u32(self.pending.len())
    }

    /// The full length of the frame `bytes` starts with, once its length field is in; refuses
    /// a payload over `max_payload` before anything of it is buffered.
    fn frame_len(&self, bytes: &[u8]) -> Result<Option<u64>, DecodeError> {
        match declared_len(bytes) {
            None => Ok(None),
            Some(declared) if declared > self.max_payload => {
                Err(DecodeError::PayloadTooLarge(declared))
            }
            Some(declared) => Ok(Some(FRAME_OVERHEAD as u64 + u64::from(declared))),
        }
    }

    /// Returns every record the new bytes complete, in order, and keeps the tail.
    ///
    /// When a bad record is met, the records completed before it in this call are returned and
    /// the error is reported by the next call; when none were, this call reports it. From then
    /// on every call reports that error.
    ///
    /// Running out of memory is different: the call answers `out-of-memory` and changes
    /// nothing (the unfinished tail is as before), so the same data can be fed again later.
    ///
    /// Cost: O(`data.len()`) framing plus the checksum of each completed record. Each record
    /// returned costs two allocations (its 16-byte header and exactly its payload) and one copy
    /// of its bytes, two for a record completed from buffered bytes (into the buffer, then
    /// out); the list of records grows geometrically. The unfinished tail is copied into the
    /// reader's buffer, grown amortised; a completed record's bytes leave that buffer with one
    /// move of the tail after them.
    ///
    /// # Errors
    /// - [`DecodeError::PayloadTooLarge`] as soon as a length field over `max_payload`
    ///   arrives (before any of that payload is buffered).
    /// - [`DecodeError::ChecksumMismatch`] for a completed record whose stored checksum is not
    ///   that of its header and payload.
    /// - [`DecodeError::OutOfMemory`]`(n)` when `n` bytes for the buffer, the list of records
    ///   or a record's copy cannot be allocated; nothing changes then.
    /// - Once failed, the first error again, on every call.
    pub fn feed(&mut self, data: &[u8]) -> Result<Vec<Frame>, DecodeError> {
        self.feed_if(data, |_| Ok(())).map(|(frames, ())| frames)
    }

    /// [`feed`](Self::feed), with `admit` asked last with the number of records about to be
    /// returned; when it refuses with `out-of-memory`, the call changes nothing, as for the
    /// reader's own out-of-memory (any error `admit` returns leaves the reader unchanged). The
    /// component's glue makes room for the bindings' copy of the list there.
    ///
    /// Cost: as [`feed`](Self::feed), plus `admit`.
    ///
    /// # Errors
    /// Those of [`feed`](Self::feed), then whatever `admit` returns.
    pub fn feed_if<T>(
        &mut self,
        data: &[u8],
        admit: impl FnOnce(usize) -> Result<T, DecodeError>,
    ) -> Result<(Vec<Frame>, T), DecodeError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        let before = self.pending.len();
        let mut frames = Vec::new();
        // Bytes at the front of `pending` that this call completed into a record: they stay
        // until the call succeeds, so that a refused call can leave the tail as it was.
        let mut completed = 0;
        let framed = self.frame_records(data, &mut frames, &mut completed);
        let bad_record = match framed {
            Err(DecodeError::OutOfMemory(_)) => None,
            Err(ref error) => Some(error.clone()),
            Ok(()) => None,
        };
        if let (Some(error), true) = (&bad_record, frames.is_empty()) {
            self.fail(error.clone());
            return Err(error.clone());
        }
        // Records to hand over (with or without a bad record after them), or out-of-memory.
        let admitted = framed
            .or_else(|error| {
                if bad_record.is_some() {
                    Ok(())
                } else {
                    Err(error)
                }
            })
            .and_then(|()| admit(frames.len()));
        let answer = match admitted {
            Ok(admitted) => {
                match bad_record {
                    // The reader fails for good, after handing over the good records.
                    Some(error) => self.fail(error),
                    None => drop(self.pending.drain(..completed)),
                }
                Ok((frames, admitted))
            }
            Err(refused) => {
                self.pending.truncate(before);
                Err(refused)
            }
        };
        self.debug_check_invariants();
        answer
    }

    /// Between calls: a failed reader holds nothing, and the pending tail is less than one
    /// record, whose declared payload (once its length field is in) is within `max_payload`.
    fn debug_check_invariants(&self) {
        if cfg!(debug_assertions) {
            debug_assert!(self.failed.is_none() || self.pending.is_empty());
            match self.frame_len(&self.pending) {
                Ok(Some(frame_len)) => debug_assert!((self.pending.len() as u64) < frame_len),
                Ok(None) => debug_assert!(self.pending.len() < PAYLOAD_AT),
                Err(error) => debug_assert!(false, "a pending tail declares {error}"),
            }
        }
    }

    /// Fails the reader for good: framing cannot be trusted after a bad record.
    fn fail(&mut self, error: DecodeError) {
        self.failed = Some(error);
        self.pending = Vec::new();
    }

    /// Frames `input` after the pending tail into `frames`; `completed` is set to the length
    /// of the pending frame when this input completed it (it is then the first record, and
    /// its bytes are still at the front of `pending`).
    fn frame_records(
        &mut self,
        mut input: &[u8],
        frames: &mut Vec<Frame>,
        completed: &mut usize,
    ) -> Result<(), DecodeError> {
        // First complete the frame already pending, taking only the bytes it needs: up to its
        // length field, which is checked against `max_payload` before any payload is buffered,
        // then up to its end.
        while !self.pending.is_empty() && !input.is_empty() {
            let wanted = self.frame_len(&self.pending)?.unwrap_or(PAYLOAD_AT as u64);
            let take = (wanted - self.pending.len() as u64).min(input.len() as u64) as usize;
            self.buffer(&input[..take])?;
            input = &input[take..];
            if self.frame_len(&self.pending)? == Some(self.pending.len() as u64) {
                Self::reserve_slot(frames)?;
                frames.push(Frame::read(&self.pending, self.kind)?);
                *completed = self.pending.len();
                break;
            }
        }
        // Then whole frames straight from the input: the payload is copied once, into its frame.
        while let Some(frame_len) = self.frame_len(input)? {
            if (input.len() as u64) < frame_len {
                break;
            }
            let (frame, rest) = input.split_at(frame_len as usize);
            Self::reserve_slot(frames)?;
            frames.push(Frame::read(frame, self.kind)?);
            input = rest;
        }
        self.buffer(input)
    }

    fn buffer(&mut self, bytes: &[u8]) -> Result<(), DecodeError> {
        try_grow(&mut self.pending, bytes.len())
            .map_err(|_| DecodeError::OutOfMemory(len_u32(bytes.len())))?;
        self.pending.extend_from_slice(bytes);
        Ok(())
    }

    /// Makes room for one more completed record, growing the list fallibly.
    fn reserve_slot(frames: &mut Vec<Frame>) -> Result<(), DecodeError> {
        try_grow(frames, 1).map_err(|_| DecodeError::OutOfMemory(len_u32(size_of::<Frame>())))
    }

    /// Checks that the stream ended on a record boundary. Changes nothing: the reader can
    /// still be fed.
    ///
    /// Cost: O(1); no allocation.
    ///
    /// # Errors
    /// - The error that failed the reader ([`DecodeError::PayloadTooLarge`] or
    ///   [`DecodeError::ChecksumMismatch`]), if one did.
    /// - For a partial record pending at the end, what `deserialize` of those bytes would say:
    ///   [`DecodeError::TooShort`] under 24 bytes, else [`DecodeError::LengthMismatch`].
    pub fn finish(&self) -> Result<(), DecodeError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        if self.pending.is_empty() {
            return Ok(());
        }
        validate(&self.pending, self.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checksums::crc32c;
    use proptest::prelude::*;

    /// What the reader should return for `r`, taken from the record's own accessors.
    fn frames_of(records: &[BinaryRecord]) -> Vec<Frame> {
        records
            .iter()
            .map(|r| Frame {
                header: r.header().to_vec(),
                payload: r.payload().to_vec(),
                checksum: r.checksum(),
            })
            .collect()
    }

    fn record(kind: ChecksumKind, header: &[u8; 16], payload: &[u8]) -> BinaryRecord {
        let mut r = BinaryRecord::new(kind);
        r.set_header(header).unwrap();
        r.set_payload(payload).unwrap();
        r
    }

    #[test]
    fn layout_is_the_articles_byte_for_byte() {
        let r = record(ChecksumKind::Sum32, &[1; 16], &[2, 3, 4]);
        let mut expected = vec![1u8; 16];
        expected.extend_from_slice(&3u32.to_le_bytes());
        expected.extend_from_slice(&[2, 3, 4]);
        expected.extend_from_slice(&(16u32 + 2 + 3 + 4).to_le_bytes());
        assert_eq!(r.serialize().unwrap(), expected);
        assert_eq!(r.checksum(), 25);
    }

    #[test]
    fn crc32c_record_covers_header_then_payload() {
        let r = record(ChecksumKind::Crc32c, b"0123456789abcdef", b"payload");
        assert_eq!(r.checksum(), crc32c(b"0123456789abcdefpayload"));
    }

    #[test]
    fn set_header_refuses_anything_but_16_bytes() {
        let mut r = BinaryRecord::new(ChecksumKind::Sum32);
        for len in [0, 15, 17, 100] {
            assert!(matches!(
                r.set_header(&vec![9; len]),
                Err(Error::Invalid(_))
            ));
        }
        assert_eq!(r.header(), &[0; 16], "a refused header changes nothing");
    }

    #[test]
    fn articles_trap_input_is_a_length_mismatch() {
        let mut data = vec![0u8; 24];
        data[16..20].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
        assert_eq!(
            BinaryRecord::deserialize(data, ChecksumKind::Sum32),
            Err(DecodeError::LengthMismatch {
                declared: 0xFFFF_FFF0,
                available: 0
            })
        );
    }

    #[test]
    fn decode_errors_are_precise() {
        let good = record(ChecksumKind::Sum32, &[7; 16], b"abc")
            .serialize()
            .unwrap();
        let decode = |d: &[u8]| BinaryRecord::deserialize(d.to_vec(), ChecksumKind::Sum32);
        assert_eq!(decode(&good[..23]), Err(DecodeError::TooShort(23)));
        assert_eq!(decode(&[]), Err(DecodeError::TooShort(0)));
        assert_eq!(
            decode(&good[..26]),
            Err(DecodeError::LengthMismatch {
                declared: 3,
                available: 2
            })
        );
        let mut trailing = good.clone();
        trailing.extend_from_slice(b"xy");
        assert_eq!(decode(&trailing), Err(DecodeError::TrailingBytes(2)));
        let mut corrupt = good.clone();
        corrupt[21] ^= 1;
        assert_eq!(
            decode(&corrupt),
            Err(DecodeError::ChecksumMismatch {
                expected: 16 * 7 + 97 + 98 + 99,
                actual: 16 * 7 + 97 + 99 + 99
            })
        );
        assert_eq!(decode(&good).unwrap().payload(), b"abc");
    }

    #[test]
    fn reader_frames_records_fed_one_byte_at_a_time() {
        let records: Vec<_> = (0..5u8)
            .map(|i| record(ChecksumKind::Crc32c, &[i; 16], &vec![i; i as usize * 3]))
            .collect();
        let stream: Vec<u8> = records.iter().flat_map(|r| r.as_frame().to_vec()).collect();
        let mut reader = RecordReader::new(ChecksumKind::Crc32c, 1024);
        let mut got = Vec::new();
        for byte in &stream {
            got.extend(reader.feed(std::slice::from_ref(byte)).unwrap());
        }
        assert_eq!(got, frames_of(&records));
        assert_eq!(reader.buffered(), 0);
        assert_eq!(reader.finish(), Ok(()));
    }

    #[test]
    fn reader_refuses_a_payload_over_max_before_buffering_it() {
        let big = record(ChecksumKind::Sum32, &[0; 16], &[1; 100])
            .serialize()
            .unwrap();
        let mut reader = RecordReader::new(ChecksumKind::Sum32, 99);
        assert_eq!(reader.feed(&big[..19]).unwrap(), vec![]);
        assert_eq!(
            reader.feed(&big[19..21]),
            Err(DecodeError::PayloadTooLarge(100))
        );
        assert_eq!(reader.buffered(), 0);
        assert_eq!(
            reader.feed(b""),
            Err(DecodeError::PayloadTooLarge(100)),
            "failure sticks"
        );
    }

    #[test]
    fn reader_returns_good_records_before_a_bad_one_and_reports_it_next() {
        let good = record(ChecksumKind::Sum32, &[1; 16], b"ok")
            .serialize()
            .unwrap();
        let mut bad = good.clone();
        bad[20] ^= 0xFF;
        let mut reader = RecordReader::new(ChecksumKind::Sum32, 1024);
        let stream = [good.clone(), bad, good].concat();
        assert_eq!(reader.feed(&stream).unwrap().len(), 1);
        assert!(matches!(
            reader.finish(),
            Err(DecodeError::ChecksumMismatch { .. })
        ));
        assert!(matches!(
            reader.feed(b""),
            Err(DecodeError::ChecksumMismatch { .. })
        ));
    }

    #[test]
    fn reader_finish_reports_a_partial_tail() {
        let frame = record(ChecksumKind::Sum32, &[1; 16], b"abcdef")
            .serialize()
            .unwrap();
        let mut reader = RecordReader::new(ChecksumKind::Sum32, 1024);
        reader.feed(&frame[..10]).unwrap();
        assert_eq!(reader.finish(), Err(DecodeError::TooShort(10)));
        reader.feed(&frame[10..27]).unwrap();
        assert_eq!(reader.buffered(), 27);
        assert_eq!(
            reader.finish(),
            Err(DecodeError::LengthMismatch {
                declared: 6,
                available: 3
            })
        );
        assert_eq!(reader.feed(&frame[27..]).unwrap().len(), 1);
        assert_eq!(reader.finish(), Ok(()));
    }

    fn kind() -> impl Strategy<Value = ChecksumKind> {
        prop_oneof![Just(ChecksumKind::Sum32), Just(ChecksumKind::Crc32c)]
    }

    proptest! {
        #[test]
        fn serialize_then_deserialize_round_trips(kind in kind(), header: [u8; 16], payload in proptest::collection::vec(any::<u8>(), 0..512)) {
            let r = record(kind, &header, &payload);
            let back = BinaryRecord::deserialize(r.serialize().unwrap(), kind).unwrap();
            prop_assert_eq!(back.header(), &header[..]);
            prop_assert_eq!(back.payload(), &payload[..]);
            prop_assert_eq!(back.checksum(), r.checksum());
        }

        #[test]
        fn any_bytes_decode_to_a_record_or_a_typed_error(kind in kind(), data in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(r) = BinaryRecord::deserialize(data.clone(), kind) {
                prop_assert_eq!(r.serialize().unwrap(), data);
            }
        }

        #[test]
        fn any_split_of_a_stream_yields_the_same_records(
            kind in kind(),
            payloads in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..80), 0..6),
            cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..12),
        ) {
            let records: Vec<_> = payloads.iter().map(|p| record(kind, &[3; 16], p)).collect();
            let stream: Vec<u8> = records.iter().flat_map(|r| r.as_frame().to_vec()).collect();
            let mut bounds: Vec<usize> = cuts.iter().map(|c| c.index(stream.len() + 1)).collect();
            bounds.extend([0, stream.len()]);
            bounds.sort();
            let mut reader = RecordReader::new(kind, 80);
            let mut got = Vec::new();
            for w in bounds.windows(2) {
                got.extend(reader.feed(&stream[w[0]..w[1]]).unwrap());
            }
            prop_assert_eq!(got, frames_of(&records));
            prop_assert_eq!(reader.finish(), Ok(()));
        }

        #[test]
        fn any_bytes_fed_in_any_pieces_never_panic(
            kind in kind(),
            data in proptest::collection::vec(any::<u8>(), 0..200),
            cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..8),
            max_payload in 0u32..64,
        ) {
            let mut bounds: Vec<usize> = cuts.iter().map(|c| c.index(data.len() + 1)).collect();
            bounds.extend([0, data.len()]);
            bounds.sort();
            let mut reader = RecordReader::new(kind, max_payload);
            for w in bounds.windows(2) {
                let _ = reader.feed(&data[w[0]..w[1]]);
                prop_assert!(reader.buffered() as usize <= FRAME_OVERHEAD + max_payload as usize);
            }
            let _ = reader.finish();
        }
    }
}
