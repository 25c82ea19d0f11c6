//! streams (the `memkit-async` world): each function fed a random input in random pieces,
//! sometimes by a writer that stops early, its output read whole, slowly, or dropped early
//! (sometimes unread), and judged against the native core: `RecordStream` for `read-records`,
//! `ChunkAssembler` for `assemble`, `digest` for `digest` and `hash-through`.
//!
//! An input stream needs no room in memkit's memory (it reads 64 KiB at a time), so inputs are
//! large now and then even while squeezed; what a call may run out of memory for is its read
//! buffer and what it keeps (a record being framed, the assembled bytes).

use memkit::chunks::ChunkAssembler;
use memkit::streams::{RecordStream, READ_BYTES};

use super::bytes::BytesModel;
use super::checksums::{model_digest, native};
use super::records::{checksum_kind, RecordModel};
use super::{Interface, Live, MAX_LIVE, Operation, Refusal, Run, Step, Target, clip, random_bytes};
use crate::exports::memkit::core::checksums::ExpectedDigest;
use crate::exports::memkit::core::records::{ChecksumKind, DecodeError, Frame};
use crate::streams::{FramingError, Input, Reader};
use crate::{Error, LimitExceeded, OutOfBounds, MIB};

/// The most reads of memkit's one input takes: a large input gets larger pieces, so that a
/// run stays quick (a piece is a turn of the event loop).
const MOST_PIECES: usize = 2048;
/// The largest input the driver streams.
const MAX_INPUT: usize = 4 * MIB;

/// What a call's output reader does: take everything, a few items a poll, or drop the
/// output after `k` items (0: unread).
#[derive(Debug, Clone, Copy)]
enum ReaderChoice {
    All,
    Slow(u64),
    DroppingAfter(u64),
}

impl ReaderChoice {
    fn reader(self) -> Reader {
        match self {
            ReaderChoice::All => Reader::ALL,
            ReaderChoice::Slow(items) => Reader::slow(items),
            ReaderChoice::DroppingAfter(items) => Reader::dropping_after(items),
        }
    }

    /// How many of `len` output items the reader takes before it drops the output: `None`
    /// when it takes them all.
    fn stops_at(self, len: usize) -> Option<usize> {
        match self {
            ReaderChoice::DroppingAfter(k) if (k as usize) < len => Some(k as usize),
            _ => None,
        }
    }
}

impl Refusal for FramingError {
    fn is_out_of_memory(&self) -> bool {
        matches!(self.error, DecodeError::OutOfMemory(_))
    }

    fn agrees_with(&self, want: &Self) -> bool {
        self == want
    }
}

/// The native core's error, as the bindings carry it.
fn model_error(error: memkit::Error) -> Error {
    match error {
        memkit::Error::OutOfBounds { offset, len, size } => {
            Error::OutOfBounds(OutOfBounds { offset, len, size })
        }
        memkit::Error::TooLarge { requested, limit } => {
            Error::TooLarge(LimitExceeded { requested, limit })
        }
        memkit::Error::OutOfMemory(n) => Error::OutOfMemory(n),
        memkit::Error::Invalid(text) => Error::Invalid(text),
    }
}

impl Run {
    /// The length of an input stream: mostly of an argument's size, now and then up to
    /// 4 MiB.
    fn stream_len(&mut self) -> Step<usize> {
        if self.rng.u32(..20) == 0 {
            return Ok(self.rng.usize(..=MAX_INPUT));
        }
        self.size()
    }

    fn stream_data(&mut self) -> Step<Vec<u8>> {
        let len = self.stream_len()?;
        Ok(random_bytes(&mut self.rng, len))
    }

    /// How the host writes `data`: in pieces of a byte to 1 MiB (at most `MOST_PIECES` of
    /// them), and one time in eight by a writer that stops early.
    fn stream_input(&mut self, data: Vec<u8>) -> Input {
        let rng = &mut self.rng;
        let len = data.len();
        let piece = match rng.u32(..8) {
            0 => 1,
            1 => rng.usize(2..64),
            2 => 4096,
            3 => READ_BYTES,
            4 => MIB,
            _ => rng.usize(1..=2 * READ_BYTES),
        };
        let input = Input::new(data, piece.max(len.div_ceil(MOST_PIECES)));
        if len > 0 && rng.u32(..8) == 0 {
            let end = rng.usize(..len);
            input.ending_at(end)
        } else {
            input
        }
    }

    /// How the host reads an output of about `len` items.
    fn stream_reader(&mut self, len: usize) -> ReaderChoice {
        let rng = &mut self.rng;
        match rng.u32(..10) {
            0 => ReaderChoice::DroppingAfter(0),
            1..=3 => ReaderChoice::DroppingAfter(rng.u64(..=len as u64 + 1)),
            // At most about a thousand polls, however large the output.
            4 => {
                let least = (len / 1024).max(1) as u64;
                ReaderChoice::Slow(rng.u64(least..=16 * least))
            }
            _ => ReaderChoice::All,
        }
    }

    /// A stream of records: mostly good, some with a flipped byte, a length over the limit or
    /// junk.
    fn record_stream(&mut self, kind: ChecksumKind, max_payload: u32) -> Step<Vec<u8>> {
        let mut stream = Vec::new();
        for _ in 0..self.rng.usize(..=5) {
            let len = self.stream_len()?.min(max_payload as usize);
            let rng = &mut self.rng;
            let mut record = RecordModel::new(kind);
            rng.fill(&mut record.header);
            record.payload = random_bytes(rng, len);
            let mut frame = record.frame();
            match rng.u32(..12) {
                0 => {
                    let at = rng.usize(..frame.len());
                    frame[at] ^= rng.u8(1..);
                }
                1 => {
                    let declared = [max_payload.saturating_add(1), u32::MAX][rng.usize(..2)];
                    frame[16..20].copy_from_slice(&declared.to_le_bytes());
                }
                2 => {
                    frame.clear();
                    frame.extend((0..rng.usize(1..64)).map(|_| rng.u8(..)));
                }
                _ => {}
            }
            stream.extend(frame);
        }
        Ok(stream)
    }

    fn streams_read_records(&mut self) -> Step<bool> {
        let kind = checksum_kind(&mut self.rng);
        let max_payload = match self.rng.u32(..6) {
            0 => 0,
            1 => 100,
            2 => 4096,
            3 => u32::MAX,
            _ => self.rng.u32(..=8 * MIB as u32),
        };
        let stream = self.record_stream(kind, max_payload)?;
        let input = self.stream_input(stream);
        // The model: the native core's framing of everything the writer writes.
        let mut records = RecordStream::new(kind.into(), max_payload);
        let (frames, outcome) = match records.push(input.bytes()) {
            Ok(frames) => (frames, records.finish()),
            Err(error) => (Vec::new(), Err(error)),
        };
        let frames: Vec<Frame> = frames.into_iter().map(Into::into).collect();
        let outcome: Result<u64, FramingError> = outcome.map_err(Into::into);
        let choice = self.stream_reader(frames.len());
        let (want_frames, want) = match choice.stops_at(frames.len()) {
            // The reader dropped the frames: the count delivered.
            Some(k) => (&frames[..k], Ok(k as u64)),
            None => (&frames[..], outcome.clone()),
        };
        self.begin(format!(
            "streams.read-records({input:?}, {kind:?}, max-payload {max_payload}), reader {choice:?} (model: {} frames, {want:?})",
            want_frames.len()
        ));
        let got = self.call_streams("streams.read-records", |s, streams| {
            streams.read_records(s, &input, kind, max_payload, choice.reader())
        })?;
        if let Err(error) = &got.outcome {
            if error.is_out_of_memory() && got.outcome != want {
                // Out of memory at a record, where memory may run out: the frames before it
                // delivered, and the error at its offset.
                self.report.out_of_memory_answers += 1;
                // A record being framed may hold all of the input (a length field that lies
                // keeps it buffering), and its frames a copy.
                let need = (READ_BYTES + 2 * input.bytes().len()) as u64;
                ensure!(
                    self.may_run_out(need)?,
                    "read-records ran out of memory with room to spare: {error:?}"
                );
                let delivered = got.output.len();
                let at: u64 = frames[..delivered.min(frames.len())]
                    .iter()
                    .map(|f| 24 + f.payload.len() as u64)
                    .sum();
                ensure!(
                    delivered <= want_frames.len()
                        && got.output[..] == want_frames[..delivered]
                        && error.offset == at,
                    "read-records ran out of memory at {error:?} after {delivered} frames, the model has {} frames and {want:?}",
                    want_frames.len()
                );
                return Ok(true);
            }
        }
        ensure!(
            got.outcome == want,
            "read-records gave {:?}, the model says {want:?}",
            got.outcome
        );
        ensure!(
            got.output[..] == want_frames[..],
            "read-records delivered {}, the model says {}",
            clip(format!("{:?}", got.output)),
            clip(format!("{want_frames:?}"))
        );
        Ok(true)
    }

    fn streams_assemble(&mut self) -> Step<bool> {
        if self.handles.bytes.len() >= MAX_LIVE {
            return Ok(false);
        }
        let data = self.stream_data()?;
        let input = self.stream_input(data);
        let written = input.bytes().len() as u32;
        let rng = &mut self.rng;
        let total_size = match rng.u32(..10) {
            0 => written.saturating_add(rng.u32(1..100)),
            1 => written.saturating_sub(rng.u32(1..100)),
            2 => [(1 << 30) + 1, u32::MAX][rng.usize(..2)],
            _ => written,
        };
        let algorithm = self.algorithm();
        let expected = match self.rng.u32(..6) {
            0 => Some(model_digest(algorithm, input.bytes())),
            1 => {
                let mut digest = model_digest(algorithm, input.bytes());
                digest[0] ^= 1;
                Some(digest)
            }
            2 => Some(random_bytes(&mut self.rng, 3)),
            _ => None,
        }
        .map(|digest| ExpectedDigest { algorithm, digest });
        // The model: the native core's assembler, given everything the writer writes.
        let want = ChunkAssembler::create(
            total_size,
            expected.clone().map(|e| memkit::checksums::ExpectedDigest {
                algorithm: native(e.algorithm),
                digest: e.digest,
            }),
        )
        .and_then(|mut assembler| {
            assembler.append(input.bytes())?;
            assembler.finish()
        })
        .map_err(model_error);
        self.begin(format!(
            "streams.assemble({input:?}, {total_size}, {expected:?}) (model: {:?})",
            want.as_ref().map(Vec::len)
        ));
        let got = self.call_streams("streams.assemble", |s, streams| {
            streams.assemble(s, &input, total_size, expected)
        })?;
        let need = u64::from(total_size) + READ_BYTES as u64;
        match (got.outcome, want) {
            (Ok(handle), Ok(bytes)) => {
                let model = BytesModel::new(bytes, None);
                self.handles.bytes.push(Live { handle, model });
            }
            // memkit appends a piece at a time, the model the whole input: the range past the
            // end differs, the size does not.
            (Err(Error::OutOfBounds(got)), Err(Error::OutOfBounds(want))) => ensure!(
                got.size == want.size && u64::from(got.offset) + u64::from(got.len) > u64::from(got.size),
                "assemble gave {got:?}, the model says {want:?}"
            ),
            (got, want) => {
                let want = want.map(drop);
                if let Some(handle) = self.judge(got, &want, need)? {
                    // Only an `Ok` the model also gives comes back from `judge`.
                    unreachable!("assemble gave {handle:?} where the model says {want:?}");
                }
            }
        }
        Ok(true)
    }

    fn streams_digest(&mut self) -> Step<bool> {
        let algorithm = self.algorithm();
        let data = self.stream_data()?;
        let input = self.stream_input(data);
        let want = model_digest(algorithm, input.bytes());
        self.begin(format!(
            "streams.digest({input:?}, {algorithm:?}) (model: {want:02x?})"
        ));
        let got = self.call_streams("streams.digest", |s, streams| {
            streams.digest(s, &input, algorithm)
        })?;
        if let Some(digest) = self.judge(got.outcome, &Ok(()), READ_BYTES as u64)? {
            ensure!(
                digest == want,
                "digest {digest:02x?}, the model says {want:02x?}"
            );
        }
        Ok(true)
    }

    fn streams_hash_through(&mut self) -> Step<bool> {
        let algorithm = self.algorithm();
        let data = self.stream_data()?;
        let input = self.stream_input(data);
        let bytes = input.bytes();
        let choice = self.stream_reader(bytes.len());
        let (want_bytes, want) = match choice.stops_at(bytes.len()) {
            Some(k) => (
                &bytes[..k],
                Err(Error::Invalid(
                    "hash-through: the reader of the output dropped it after".into(),
                )),
            ),
            None => (bytes, Ok(model_digest(algorithm, bytes))),
        };
        self.begin(format!(
            "streams.hash-through({input:?}, {algorithm:?}), reader {choice:?} (model: {} bytes, {want:02x?})",
            want_bytes.len()
        ));
        let got = self.call_streams("streams.hash-through", |s, streams| {
            streams.hash_through(s, &input, algorithm, choice.reader())
        })?;
        let out_of_memory = got.outcome.as_ref().is_err_and(Refusal::is_out_of_memory);
        ensure!(
            got.output[..] == want_bytes[..] || (out_of_memory && got.output.is_empty()),
            "hash-through forwarded {} bytes, the model says {}",
            got.output.len(),
            want_bytes.len()
        );
        let want_refusal = want.clone().map(drop);
        if let Some(digest) = self.judge(got.outcome, &want_refusal, READ_BYTES as u64)? {
            ensure!(
                Ok(&digest) == want.as_ref(),
                "hash-through's digest {digest:02x?}, the model says {want:02x?}"
            );
        }
        Ok(true)
    }
}

/// streams: its four functions, each an operation; no resources of its own (`assemble`'s byte
/// buffers join the `byte-buffer` handles).
pub(super) const INTERFACE: Interface = Interface {
    target: Target::Memkit,
    resources: &[],
    operations: &[
        Operation::new(&["streams.read-records"], Run::streams_read_records, 4),
        Operation::new(&["streams.assemble"], Run::streams_assemble, 3),
        Operation::new(&["streams.digest"], Run::streams_digest, 3),
        Operation::new(&["streams.hash-through"], Run::streams_hash_through, 3),
    ],
};
