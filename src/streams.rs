//! The `streams` interface's core: what its functions do with each piece of an input stream,
//! in plain Rust. The async binding (`src/component/streams.rs`) reads pieces from a
//! `stream<u8>`, hands them here, and writes what comes back; this module never waits.
//!
//! Each function has its core here, and the binding only reads, calls and writes:
//! - `read-records`: [`RecordStream`] frames records like [`RecordReader`] and also knows where
//!   each record starts in the stream, so that the first error can say where it is;
//! - `assemble`: [`Assembly`], a chunk assembler fed the pieces in order;
//! - `digest` and `hash-through`: [`StreamHasher`], which also words the outcome of an output
//!   whose reader went away.
//!
//! Every function reads into one buffer of [`READ_BYTES`] ([`read_buffer`]); when it cannot be
//! had, the function's outcome says so before any piece is read.
//!
//! Invariant: `offset` is the stream offset of the first byte not yet handed out in a frame:
//! the sum of the lengths of every frame returned so far.

use crate::alloc::try_with_capacity;
use crate::checksums::{Algorithm, ExpectedDigest, Hasher};
use crate::chunks::ChunkAssembler;
use crate::records::{ChecksumKind, DecodeError, Frame, RecordReader, FRAME_OVERHEAD};
use crate::Error;

/// The size of the pieces the binding reads: the buffer it hands the host to fill, and so the
/// most one read copies. 64 KiB: large enough that a read costs little per byte, small
/// enough that memory stays bounded.
pub const READ_BYTES: usize = 64 * 1024;

/// The buffer every function reads its input into: [`READ_BYTES`], reserved fallibly.
///
/// # Errors
/// [`Error::OutOfMemory`] when it cannot be reserved.
pub fn read_buffer() -> Result<Vec<u8>, Error> {
    try_with_capacity::<u8>(READ_BYTES)
}

/// Where a stream of records went wrong. Mirrors WIT `streams.framing-error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FramingError {
    /// The stream offset of the first byte of the record that failed.
    pub offset: u64,
    /// Why.
    pub error: DecodeError,
}

/// Frames a stream of records given a piece at a time, tracking stream offsets.
#[derive(Debug)]
pub struct RecordStream {
    reader: RecordReader,
    offset: u64,
    frames: u64,
}

impl RecordStream {
    /// A stream of records with checksums of `kind` and payloads of at most `max_payload`
    /// bytes. Cost: O(1); no allocation.
    pub fn new(kind: ChecksumKind, max_payload: u32) -> Self {
        RecordStream {
            reader: RecordReader::new(kind, max_payload),
            offset: 0,
            frames: 0,
        }
    }

    /// The records `piece` completes, in order (see [`RecordReader::feed`]).
    ///
    /// # Errors
    /// The first bad record, at its offset; [`DecodeError::OutOfMemory`] at the offset of the
    /// record that could not be buffered. After an error the stream is over: every later
    /// call gives the same error.
    pub fn push(&mut self, piece: &[u8]) -> Result<Vec<Frame>, FramingError> {
        let frames = self
            .reader
            .feed(piece)
            .map_err(|error| self.at_offset(error))?;
        self.count(&frames);
        Ok(frames)
    }

    /// [`push`](Self::push), with `admit` asked with the number of records before the reader
    /// lets go of them (see [`RecordReader::feed_if`]): the binding makes room there for
    /// lowering them into the output stream.
    ///
    /// # Errors
    /// Those of [`push`](Self::push), and `admit`'s, at the offset of the first record.
    pub fn push_if<T>(
        &mut self,
        piece: &[u8],
        admit: impl FnOnce(usize) -> Result<T, DecodeError>,
    ) -> Result<(Vec<Frame>, T), FramingError> {
        let (frames, admitted) = self
            .reader
            .feed_if(piece, admit)
            .map_err(|error| self.at_offset(error))?;
        self.count(&frames);
        Ok((frames, admitted))
    }

    /// The number of frames, once the input has ended.
    ///
    /// # Errors
    /// The reader's error if it failed; else a record cut off by the end of the input
    /// ([`DecodeError::TooShort`] or [`DecodeError::LengthMismatch`]) at its offset.
    pub fn finish(&self) -> Result<u64, FramingError> {
        self.reader
            .finish()
            .map(|()| self.frames)
            .map_err(|error| self.at_offset(error))
    }

    /// `read-records`' outcome when its read buffer cannot be had ([`read_buffer`]): out of
    /// memory, at the start of the stream.
    pub fn read_buffer_refused() -> FramingError {
        FramingError {
            offset: 0,
            error: DecodeError::OutOfMemory(READ_BYTES as u32),
        }
    }

    /// The number of frames delivered when the last `undelivered` of those handed out were
    /// not (the reader of the output dropped it).
    pub fn delivered(&self, undelivered: usize) -> u64 {
        self.frames - undelivered as u64
    }

    fn count(&mut self, frames: &[Frame]) {
        self.frames += frames.len() as u64;
        self.offset += frames
            .iter()
            .map(|frame| (FRAME_OVERHEAD + frame.payload.len()) as u64)
            .sum::<u64>();
    }

    /// A record's error at the offset where the records not yet handed out begin: the reader
    /// hands out every good record before it reports a bad one, so that is where the bad one
    /// starts.
    fn at_offset(&self, error: DecodeError) -> FramingError {
        FramingError {
            offset: self.offset,
            error,
        }
    }
}

/// `assemble`: an upload of a known size read from a stream in order, checked like
/// [`ChunkAssembler::create`] and its `finish`.
#[derive(Debug)]
pub struct Assembly {
    assembler: ChunkAssembler,
}

impl Assembly {
    /// An assembly of `total_size` bytes, checked against `expected` at the end.
    ///
    /// # Errors
    /// Those of [`ChunkAssembler::create`] (`too-large`, `out-of-memory`), before any piece is
    /// read.
    pub fn new(total_size: u32, expected: Option<ExpectedDigest>) -> Result<Self, Error> {
        Ok(Assembly {
            assembler: ChunkAssembler::create(total_size, expected)?,
        })
    }

    /// Appends the next piece. The first error ends the assembly: the binding stops reading
    /// and answers with it.
    ///
    /// # Errors
    /// Those of [`ChunkAssembler::append`]: more bytes than announced (`out-of-bounds`),
    /// `out-of-memory`.
    pub fn piece(&mut self, piece: &[u8]) -> Result<(), Error> {
        self.assembler.append(piece)
    }

    /// The bytes, once the input has ended, with `room` asked first (for the handle they go
    /// into, see [`ChunkAssembler::finish_if`]).
    ///
    /// # Errors
    /// Fewer bytes than announced, a digest that does not match, or `room`'s error.
    pub fn finish(mut self, room: impl FnOnce() -> Result<(), Error>) -> Result<Vec<u8>, Error> {
        self.assembler.finish_if(room)
    }
}

/// `digest` and `hash-through`: a hasher fed the pieces of a stream in order.
#[derive(Debug)]
pub struct StreamHasher {
    hasher: Hasher,
}

impl StreamHasher {
    /// A hasher of `algorithm`. Cost: O(1); no allocation.
    pub fn new(algorithm: Algorithm) -> Self {
        StreamHasher {
            hasher: Hasher::new(algorithm),
        }
    }

    /// Hashes the next piece.
    pub fn piece(&mut self, piece: &[u8]) {
        self.hasher.update(piece);
    }

    /// The digest of every piece, once the input has ended.
    pub fn finish(&self) -> Vec<u8> {
        self.hasher.digest()
    }

    /// `hash-through`'s outcome when the reader of its output dropped it with `undelivered`
    /// bytes of the pieces hashed not delivered: `invalid`, with the bytes that were.
    pub fn output_dropped(&self, undelivered: usize) -> Error {
        let delivered = self.hasher.bytes_hashed() - undelivered as u64;
        Error::Invalid(format!(
            "hash-through: the reader of the output dropped it after {delivered} bytes"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::BinaryRecord;
    use proptest::prelude::*;

    fn record(kind: ChecksumKind, payload: &[u8]) -> Vec<u8> {
        let mut record = BinaryRecord::new(kind);
        record.set_header(&[7; 16]).unwrap();
        record.set_payload(payload).unwrap();
        record.serialize().unwrap()
    }

    /// Feeds `stream` in pieces cut at `cuts`; the frames, and the outcome.
    fn framed(
        stream: &[u8],
        cuts: &[usize],
        max_payload: u32,
    ) -> (Vec<Frame>, Result<u64, FramingError>) {
        let mut records = RecordStream::new(ChecksumKind::Crc32c, max_payload);
        let mut frames = Vec::new();
        let mut from = 0;
        for &cut in cuts.iter().chain([&stream.len()]) {
            match records.push(&stream[from..cut]) {
                Ok(more) => frames.extend(more),
                Err(error) => return (frames, Err(error)),
            }
            from = cut;
        }
        (frames, records.finish())
    }

    #[test]
    fn a_bad_record_is_reported_at_its_offset_after_the_good_ones() {
        let good = record(ChecksumKind::Crc32c, b"first");
        let mut bad = record(ChecksumKind::Crc32c, b"second");
        bad[20] ^= 1;
        let stream = [good.clone(), good.clone(), bad].concat();
        let (frames, outcome) = framed(&stream, &[3, 40], 100);
        assert_eq!(frames.len(), 2);
        let error = outcome.unwrap_err();
        assert_eq!(error.offset, 2 * good.len() as u64);
        assert!(matches!(error.error, DecodeError::ChecksumMismatch { .. }));
    }

    #[test]
    fn a_record_cut_off_by_the_end_is_reported_where_it_starts() {
        let good = record(ChecksumKind::Crc32c, b"payload");
        let stream = [&good[..], &good[..10]].concat();
        let (frames, outcome) = framed(&stream, &[5], 100);
        assert_eq!(frames.len(), 1);
        assert_eq!(
            outcome,
            Err(FramingError {
                offset: good.len() as u64,
                error: DecodeError::TooShort(10)
            })
        );
    }

    #[test]
    fn a_payload_over_the_limit_is_refused_at_its_record() {
        let small = record(ChecksumKind::Crc32c, b"ok");
        let large = record(ChecksumKind::Crc32c, &[1; 200]);
        let stream = [small.clone(), large].concat();
        let (frames, outcome) = framed(&stream, &[], 100);
        assert_eq!(frames.len(), 1);
        assert_eq!(
            outcome,
            Err(FramingError {
                offset: small.len() as u64,
                error: DecodeError::PayloadTooLarge(200)
            })
        );
    }

    proptest! {
        #[test]
        fn any_cuts_give_every_record_and_the_count(
            payloads in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..300), 0..12),
            cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..20),
        ) {
            let stream: Vec<u8> = payloads
                .iter()
                .flat_map(|payload| record(ChecksumKind::Crc32c, payload))
                .collect();
            let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(stream.len() + 1)).collect();
            cuts.sort_unstable();
            let (frames, outcome) = framed(&stream, &cuts, 300);
            prop_assert_eq!(outcome, Ok(payloads.len() as u64));
            let got: Vec<Vec<u8>> = frames.into_iter().map(|frame| frame.payload).collect();
            prop_assert_eq!(got, payloads);
        }
    }

    #[test]
    fn an_assembly_takes_pieces_in_order_and_refuses_more_than_announced() {
        let mut assembly = Assembly::new(6, None).unwrap();
        assembly.piece(b"abc").unwrap();
        assembly.piece(b"de").unwrap();
        assert!(matches!(
            assembly.piece(b"fg"),
            Err(Error::OutOfBounds { .. })
        ));
        let mut short = Assembly::new(4, None).unwrap();
        short.piece(b"ab").unwrap();
        assert!(short.finish(|| Ok(())).is_err(), "two bytes short");
        let mut whole = Assembly::new(3, None).unwrap();
        whole.piece(b"xyz").unwrap();
        assert_eq!(whole.finish(|| Ok(())).unwrap(), b"xyz");
        let mut refused = Assembly::new(1, None).unwrap();
        refused.piece(b"x").unwrap();
        assert_eq!(
            refused.finish(|| Err(Error::OutOfMemory(8))),
            Err(Error::OutOfMemory(8))
        );
    }

    proptest! {
        #[test]
        fn a_stream_hasher_digests_any_cut_as_the_whole(
            data in proptest::collection::vec(any::<u8>(), 0..3000),
            cuts in proptest::collection::vec(1usize..700, 0..10),
        ) {
            for algorithm in [Algorithm::Crc32c, Algorithm::Sha256] {
                let mut hasher = StreamHasher::new(algorithm);
                let mut rest = &data[..];
                for cut in &cuts {
                    let (piece, tail) = rest.split_at((*cut).min(rest.len()));
                    hasher.piece(piece);
                    rest = tail;
                }
                hasher.piece(rest);
                prop_assert_eq!(hasher.finish(), crate::checksums::digest(algorithm, &data));
            }
        }
    }

    #[test]
    fn hash_through_says_how_much_was_delivered_when_its_reader_left() {
        let mut hasher = StreamHasher::new(Algorithm::Crc32);
        hasher.piece(&[0; 100]);
        hasher.piece(&[0; 50]);
        assert_eq!(
            hasher.output_dropped(50),
            Error::Invalid(
                "hash-through: the reader of the output dropped it after 100 bytes".into()
            )
        );
    }

    #[test]
    fn a_read_buffer_is_a_piece_long_and_its_refusal_is_at_offset_zero() {
        assert!(read_buffer().unwrap().capacity() >= READ_BYTES);
        assert_eq!(
            RecordStream::read_buffer_refused(),
            FramingError {
                offset: 0,
                error: DecodeError::OutOfMemory(READ_BYTES as u32)
            }
        );
    }
}
