//! What the service answers, whichever wasi:http version carries it: the route, the limits, and
//! each answer's status, headers and JSON body. The 0.3 service (`lib.rs`) and the 0.2 one
//! (`main.rs`) each compile this module over their own memkit bindings (`crate::bindings`), so
//! that the two answer alike and differ only in how they carry the body to memkit.

use base64::prelude::{Engine, BASE64_STANDARD};
use serde_json::{json, Value};

use crate::bindings::memkit::core::records::{ChecksumKind, DecodeError, Frame};

/// The largest request body accepted, in bytes: 16 MiB.
pub const MAX_BODY: u64 = 16 << 20;
/// The largest record payload accepted, in bytes.
pub const MAX_PAYLOAD: u32 = 1 << 20;
/// A record's bytes besides its payload.
const FRAME_OVERHEAD: u64 = 24;
/// The header of a 200 answer that carries the CRC-32C of the request body, as S3 answers an
/// upload: base64 of the big-endian CRC.
pub const CHECKSUM_HEADER: &str = "x-amz-checksum-crc32c";

/// One answer: its status, its JSON body and, for a checked body, the body's CRC-32C.
pub struct Answer {
    pub status: u16,
    body: Value,
    crc32c: Option<Vec<u8>>,
}

impl Answer {
    /// An answer without a checksum header.
    pub fn new(status: u16, body: Value) -> Answer {
        Answer {
            status,
            body,
            crc32c: None,
        }
    }

    /// The headers: the content type, and [`CHECKSUM_HEADER`] when the body was checked whole.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let mut headers = vec![("content-type", "application/json".to_string())];
        if let Some(crc32c) = &self.crc32c {
            headers.push((CHECKSUM_HEADER, BASE64_STANDARD.encode(crc32c)));
        }
        headers
    }

    /// The JSON body, as text.
    pub fn body(&self) -> String {
        self.body.to_string()
    }
}

/// The checksum kind a request asks for, or the answer that refuses it without reading its
/// body: 404 off `/records`, 405 for another method than POST, 400 for an unknown `checksum`
/// (`crc32c`, the default, or `sum32`), 413 for a declared length over [`MAX_BODY`].
pub fn route(
    is_post: bool,
    path: &str,
    query: &str,
    content_length: Option<u64>,
) -> Result<ChecksumKind, Answer> {
    if path != "/records" {
        return Err(Answer::new(
            404,
            json!({ "error": "not found: POST /records" }),
        ));
    }
    if !is_post {
        return Err(Answer::new(405, json!({ "error": "POST only" })));
    }
    let value = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("checksum="))
        .unwrap_or("crc32c");
    let kind = match value {
        "crc32c" => ChecksumKind::Crc32c,
        "sum32" => ChecksumKind::Sum32,
        other => {
            return Err(Answer::new(
                400,
                json!({ "error": format!("checksum must be crc32c or sum32, not {other:?}") }),
            ))
        }
    };
    if content_length.is_some_and(|len| len > MAX_BODY) {
        return Err(too_large());
    }
    Ok(kind)
}

/// The records checked so far.
#[derive(Default)]
pub struct Tally {
    records: u64,
    payload_bytes: u64,
}

impl Tally {
    /// Counts one more record.
    pub fn add(&mut self, frame: &Frame) {
        self.records += 1;
        self.payload_bytes += frame.payload.len() as u64;
    }

    /// The bytes of the records counted: where the next record starts in the body.
    pub fn bytes(&self) -> u64 {
        self.payload_bytes + FRAME_OVERHEAD * self.records
    }
}

/// 200: every record checked, with the CRC-32C of the whole body (big-endian).
pub fn valid(tally: &Tally, crc32c: Vec<u8>) -> Answer {
    Answer {
        crc32c: Some(crc32c),
        ..Answer::new(
            200,
            json!({ "records": tally.records, "payload_bytes": tally.payload_bytes }),
        )
    }
}

/// 400 for a bad or cut-off record at `offset`, after the records in `tally`; 503 when memkit
/// ran out of memory.
pub fn bad_stream(error: &DecodeError, tally: &Tally, offset: u64) -> Answer {
    let status = match error {
        DecodeError::OutOfMemory(_) => 503,
        _ => 400,
    };
    Answer::new(
        status,
        json!({
            "records": tally.records,
            "payload_bytes": tally.payload_bytes,
            "error": decode_error(error),
            "offset": offset,
        }),
    )
}

/// 413: the body is over [`MAX_BODY`].
pub fn too_large() -> Answer {
    Answer::new(
        413,
        json!({ "error": format!("the body is over {MAX_BODY} bytes") }),
    )
}

/// memkit's decode error as JSON: `{"tag": …}` and its values.
fn decode_error(error: &DecodeError) -> Value {
    match error {
        DecodeError::TooShort(n) => json!({ "tag": "too-short", "bytes": n }),
        DecodeError::LengthMismatch(m) => {
            json!({ "tag": "length-mismatch", "declared": m.declared, "available": m.available })
        }
        DecodeError::ChecksumMismatch(m) => {
            json!({ "tag": "checksum-mismatch", "expected": m.expected, "actual": m.actual })
        }
        DecodeError::TrailingBytes(n) => json!({ "tag": "trailing-bytes", "bytes": n }),
        DecodeError::PayloadTooLarge(n) => json!({ "tag": "payload-too-large", "declared": n }),
        DecodeError::OutOfMemory(n) => json!({ "tag": "out-of-memory", "bytes": n }),
    }
}
