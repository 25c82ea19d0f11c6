//! Glue of `wit/records.wit` over `src/records.rs` (and the checksum kinds of
//! `src/checksum.rs`).

use super::exports::memkit::core::records;
use super::{Memkit, Rep, Result};
use crate::alloc::abi::{self, AbiLayout};
use crate::alloc::{make_room, room_for_handle, try_to_vec, try_with_capacity};
use crate::records::{BinaryRecord, ChecksumKind, DecodeError, Frame, RecordReader};

impl records::Guest for Memkit {
    type BinaryRecord = Rep<BinaryRecord>;
    type RecordReader = Rep<RecordReader>;
}

fn handle(record: BinaryRecord) -> records::BinaryRecord {
    records::BinaryRecord::new(Rep::new(record))
}

impl records::GuestBinaryRecord for Rep<BinaryRecord> {
    fn new(kind: records::ChecksumKind) -> Self {
        Rep::new(BinaryRecord::new(kind.into()))
    }
    fn set_header(&self, header: Vec<u8>) -> Result<()> {
        Ok(self.get_mut().set_header(&header)?)
    }
    fn set_payload(&self, payload: Vec<u8>) -> Result<()> {
        Ok(self.get_mut().set_payload(&payload)?)
    }
    fn header(&self) -> Result<Vec<u8>> {
        Ok(try_to_vec(self.get().header())?)
    }
    fn payload(&self) -> Result<Vec<u8>> {
        Ok(try_to_vec(self.get().payload())?)
    }
    fn checksum(&self) -> u32 {
        self.get().checksum()
    }
    fn serialize(&self) -> Result<Vec<u8>> {
        Ok(self.get().serialize()?)
    }
    fn deserialize(
        data: Vec<u8>,
        kind: records::ChecksumKind,
    ) -> Result<records::BinaryRecord, records::DecodeError> {
        let record = BinaryRecord::deserialize(data, kind.into())?;
        room_for_handle::<Self>().map_err(decode_out_of_memory)?;
        Ok(handle(record))
    }
}

impl records::GuestRecordReader for Rep<RecordReader> {
    fn new(kind: records::ChecksumKind, max_payload: u32) -> Self {
        Rep::new(RecordReader::new(kind.into(), max_payload))
    }
    fn feed(&self, data: Vec<u8>) -> Result<Vec<records::Frame>, records::DecodeError> {
        let (frames, out) = self.get_mut().feed_if(&data, room_for_frames)?;
        Ok(hand_over(frames, out))
    }
    fn buffered(&self) -> u32 {
        self.get().buffered()
    }
    fn finish(&self) -> Result<(), records::DecodeError> {
        Ok(self.get().finish()?)
    }
}

/// A `frame` as the bindings lower it: `header`, `payload`, `checksum`.
const LOWERED_FRAME: AbiLayout = abi::record(&[abi::LIST, abi::LIST, abi::U32]);

/// Before a reader lets go of `count` records (`feed_if`'s `admit`): the vector of the
/// bindings' frames, and room for the list the bindings lower them into (an allocation that
/// cannot fail gracefully). Refused, the call changes nothing.
pub(super) fn room_for_frames(count: usize) -> Result<Vec<records::Frame>, DecodeError> {
    let out = try_with_capacity::<records::Frame>(count).map_err(core_out_of_memory)?;
    make_room(count * LOWERED_FRAME.size).map_err(core_out_of_memory)?;
    Ok(out)
}

/// `frames` as the bindings' frames, in `out` (from [`room_for_frames`]): within its capacity,
/// `push` never allocates.
pub(super) fn hand_over(frames: Vec<Frame>, mut out: Vec<records::Frame>) -> Vec<records::Frame> {
    for frame in frames {
        out.push(frame.into());
    }
    out
}

/// A refused allocation as a `decode-error`, for calls that answer with one. The allocation
/// helpers used with it fail only with `out-of-memory`; anything else would still be reported
/// as that, with no byte count, rather than trap.
fn decode_out_of_memory(error: crate::Error) -> records::DecodeError {
    core_out_of_memory(error).into()
}

/// [`decode_out_of_memory`] as the core's `DecodeError`.
fn core_out_of_memory(error: crate::Error) -> DecodeError {
    DecodeError::OutOfMemory(match error {
        crate::Error::OutOfMemory(bytes) => bytes,
        _ => 0,
    })
}

impl From<Frame> for records::Frame {
    fn from(frame: Frame) -> Self {
        records::Frame {
            header: frame.header,
            payload: frame.payload,
            checksum: frame.checksum,
        }
    }
}

impl From<records::ChecksumKind> for ChecksumKind {
    fn from(kind: records::ChecksumKind) -> Self {
        match kind {
            records::ChecksumKind::Sum32 => ChecksumKind::Sum32,
            records::ChecksumKind::Crc32c => ChecksumKind::Crc32c,
        }
    }
}

impl From<DecodeError> for records::DecodeError {
    fn from(error: DecodeError) -> Self {
        match error {
            DecodeError::TooShort(n) => records::DecodeError::TooShort(n),
            DecodeError::LengthMismatch {
                declared,
                available,
            } => records::DecodeError::LengthMismatch(records::LengthMismatch {
                declared,
                available,
            }),
            DecodeError::ChecksumMismatch { expected, actual } => {
                records::DecodeError::ChecksumMismatch(records::ChecksumMismatch {
                    expected,
                    actual,
                })
            }
            DecodeError::TrailingBytes(n) => records::DecodeError::TrailingBytes(n),
            DecodeError::PayloadTooLarge(n) => records::DecodeError::PayloadTooLarge(n),
            DecodeError::OutOfMemory(n) => records::DecodeError::OutOfMemory(n),
        }
    }
}
