//! A component that imports memkit and uses it: it holds no buffer, framing or checksum code
//! of its own. `check` feeds a stream to memkit's `record-reader`; `check-upload` assembles
//! pieces with memkit's `chunk-assembler` first. See `wit/world.wit`.

#![cfg(target_arch = "wasm32")]

// `wit/` holds only this component's own package: memkit's WIT comes from memkit-bindings,
// and every memkit interface the world reaches is memkit-bindings' module, whose types
// `check` uses.
memkit_bindings::generate!({
    world: "memkit:record-check/record-check",
    with: {
        "memkit:core/types@0.4.0": memkit_bindings::memkit::core::types,
        "memkit:core/checksums@0.4.0": memkit_bindings::memkit::core::checksums,
        "memkit:core/bytes@0.4.0": memkit_bindings::memkit::core::bytes,
        "memkit:core/chunks@0.4.0": memkit_bindings::memkit::core::chunks,
        "memkit:core/records@0.4.0": memkit_bindings::memkit::core::records,
    },
});

use exports::memkit::record_check::check::{CheckError, Guest, Piece, Summary, UploadError};
use memkit_bindings::memkit::core::chunks::ChunkAssembler;
use memkit_bindings::memkit::core::records::{ChecksumKind, DecodeError, RecordReader};

/// How much of the stream goes to the reader per call, as a network reader would hand it on.
const FEED_BYTES: usize = 64 * 1024;
/// The largest payload accepted, in bytes.
const MAX_PAYLOAD: u32 = 16 << 20;
/// A record's bytes besides its payload: 16 of header, 4 of length, 4 of checksum.
const FRAME_OVERHEAD: u64 = 24;

struct RecordCheck;
export!(RecordCheck);

impl Guest for RecordCheck {
    fn check(stream: Vec<u8>, kind: ChecksumKind) -> Result<Summary, CheckError> {
        let reader = RecordReader::new(kind, MAX_PAYLOAD);
        let mut summary = Summary {
            records: 0,
            payload_bytes: 0,
        };
        let failed = |error: DecodeError, summary: &Summary| CheckError {
            error,
            offset: summary.payload_bytes + FRAME_OVERHEAD * u64::from(summary.records),
            records_before: summary.records,
        };
        // The last, empty feed reports an error met after good records in the same piece.
        for piece in stream.chunks(FEED_BYTES).chain([&[][..]]) {
            let frames = reader.feed(piece).map_err(|e| failed(e, &summary))?;
            for frame in frames {
                summary.records += 1;
                summary.payload_bytes += frame.payload.len() as u64;
            }
        }
        reader.finish().map_err(|e| failed(e, &summary))?;
        Ok(summary)
    }

    fn check_upload(
        pieces: Vec<Piece>,
        total_size: u32,
        crc32c: Option<u32>,
        kind: ChecksumKind,
    ) -> Result<Summary, UploadError> {
        let assembler =
            ChunkAssembler::create(total_size, crc32c).map_err(UploadError::Transfer)?;
        for piece in &pieces {
            assembler
                .write_at(piece.offset, &piece.data)
                .map_err(UploadError::Transfer)?;
        }
        let assembled = assembler.finish().map_err(UploadError::Transfer)?;
        let stream = assembled.to_list().map_err(UploadError::Transfer)?;
        Self::check(stream, kind).map_err(UploadError::Stream)
    }
}
