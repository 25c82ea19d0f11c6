//! Glue of `wit/records.wit` over `src/records.rs` (and the checksum kinds of
//! `src/checksum.rs`).

use super::exports::memkit::core::records;
use super::{boxed_bytes, room_for_handle, Memkit, Rep, Result};
use crate::error::len_u32;
use crate::fallible::{make_room, try_to_vec};
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
        room_for_handle::<Self>()
            .map_err(|_| records::DecodeError::OutOfMemory(boxed_bytes::<Self>() as u32))?;
        Ok(handle(record))
    }
}

impl records::GuestRecordReader for Rep<RecordReader> {
    fn new(kind: records::ChecksumKind, max_payload: u32) -> Self {
        Rep::new(RecordReader::new(kind.into(), max_payload))
    }
    fn feed(&self, data: Vec<u8>) -> Result<Vec<records::Frame>, records::DecodeError> {
        // The bindings lower the returned list into a new allocation that cannot fail
        // gracefully: room for it is made before the reader lets go of its bytes. Refused, the
        // call changes nothing.
        let (frames, ()) = self.get_mut().feed_if(&data, |count| {
            make_room(count * LOWERED_FRAME_BYTES)
                .map_err(|_| DecodeError::OutOfMemory(len_u32(count * LOWERED_FRAME_BYTES)))
        })?;
        // Same layout on both sides: `collect` reuses the vector in place.
        Ok(frames.into_iter().map(records::Frame::from).collect())
    }
    fn buffered(&self) -> u32 {
        self.get().buffered()
    }
    fn finish(&self) -> Result<(), records::DecodeError> {
        Ok(self.get().finish()?)
    }
}

/// A `frame` in the canonical ABI: two lists (pointer and length each) and a u32.
const LOWERED_FRAME_BYTES: usize = 20;

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
