//! Glue of `wit/records.wit` over `src/records.rs` (and the checksum kinds of
//! `src/checksum.rs`).

use super::exports::memkit::core::records;
use super::{boxed_bytes, room_for_handle, Memkit, Rep, Result};
use crate::error::len_u32;
use crate::fallible::{make_room, try_to_vec, try_with_capacity};
use crate::records::{BinaryRecord, ChecksumKind, DecodeError, RecordReader};

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
    fn feed(&self, data: Vec<u8>) -> Result<Vec<records::BinaryRecord>, records::DecodeError> {
        // Room for the handles is made before the reader lets go of its bytes: each handle
        // boxes its record with an allocation that cannot fail gracefully, more than the
        // reserve holds for a long list. Refused, the call changes nothing.
        let (completed, mut handles) = self.get_mut().feed_if(&data, |count| {
            let out_of_memory = |_| DecodeError::OutOfMemory(len_u32(count * 4));
            let handles = try_with_capacity(count).map_err(out_of_memory)?;
            make_room(count * boxed_bytes::<Rep<BinaryRecord>>()).map_err(out_of_memory)?;
            Ok(handles)
        })?;
        handles.extend(completed.into_iter().map(handle));
        Ok(handles)
    }
    fn buffered(&self) -> u32 {
        self.get().buffered()
    }
    fn finish(&self) -> Result<(), records::DecodeError> {
        Ok(self.get().finish()?)
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
