//! The service itself (wasm32-wasip2 only).

use http_body_util::BodyExt;
use serde_json::{json, Value};
use wstd::http::body::Body;
use wstd::http::{Error, Method, Request, Response, StatusCode};

// `generate_all`: bindings for memkit's interfaces, from `wit/deps/memkit` (a link to the
// repository's `wit/`).
wit_bindgen::generate!({ path: "wit", world: "record-service", generate_all });

use memkit::core::records::{ChecksumKind, DecodeError, RecordReader};

/// The largest request body accepted, in bytes: 16 MiB.
pub const MAX_BODY: u64 = 16 << 20;
/// The largest record payload accepted, in bytes.
const MAX_PAYLOAD: u32 = 1 << 20;
/// A record's bytes besides its payload.
const FRAME_OVERHEAD: u64 = 24;

/// Answers one request (see the crate's docs).
pub async fn handle(request: Request<Body>) -> Result<Response<Body>, Error> {
    if request.uri().path() != "/records" {
        return answer(
            StatusCode::NOT_FOUND,
            json!({ "error": "not found: POST /records" }),
        );
    }
    if request.method() != Method::POST {
        return answer(
            StatusCode::METHOD_NOT_ALLOWED,
            json!({ "error": "POST only" }),
        );
    }
    let kind = match checksum_kind(request.uri().query().unwrap_or("")) {
        Ok(kind) => kind,
        Err(why) => return answer(StatusCode::BAD_REQUEST, json!({ "error": why })),
    };
    if request
        .body()
        .content_length()
        .is_some_and(|len| len > MAX_BODY)
    {
        return too_large();
    }
    check(request.into_body(), kind).await
}

/// `checksum=crc32c` (the default) or `checksum=sum32` from the query string.
fn checksum_kind(query: &str) -> Result<ChecksumKind, String> {
    let value = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("checksum="))
        .unwrap_or("crc32c");
    match value {
        "crc32c" => Ok(ChecksumKind::Crc32c),
        "sum32" => Ok(ChecksumKind::Sum32),
        other => Err(format!("checksum must be crc32c or sum32, not {other:?}")),
    }
}

/// Feeds the body to memkit frame by frame and answers with what it found.
async fn check(body: Body, kind: ChecksumKind) -> Result<Response<Body>, Error> {
    let reader = RecordReader::new(kind, MAX_PAYLOAD);
    let mut body = body.into_boxed_body();
    let (mut received, mut records, mut payload_bytes) = (0u64, 0u32, 0u64);
    let summary = |records: u32, payload_bytes: u64| json!({ "records": records, "payload_bytes": payload_bytes });
    loop {
        // A last, empty feed reports an error met after good records in the same piece.
        let data = match body.frame().await.transpose()? {
            Some(frame) => match frame.into_data() {
                Ok(data) => data,
                Err(_) => continue, // trailers
            },
            None => Default::default(),
        };
        let last = data.is_empty();
        received += data.len() as u64;
        if received > MAX_BODY {
            return too_large();
        }
        match reader.feed(&data) {
            Ok(done) => {
                for frame in done {
                    records += 1;
                    payload_bytes += frame.payload.len() as u64;
                }
            }
            Err(error) => return bad_stream(error, records, payload_bytes),
        }
        if last {
            break;
        }
    }
    if let Err(error) = reader.finish() {
        return bad_stream(error, records, payload_bytes);
    }
    answer(StatusCode::OK, summary(records, payload_bytes))
}

fn bad_stream(
    error: DecodeError,
    records: u32,
    payload_bytes: u64,
) -> Result<Response<Body>, Error> {
    let status = match error {
        DecodeError::OutOfMemory(_) => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::BAD_REQUEST,
    };
    answer(
        status,
        json!({
            "records": records,
            "payload_bytes": payload_bytes,
            "error": decode_error(&error),
            "offset": payload_bytes + FRAME_OVERHEAD * u64::from(records),
        }),
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

fn too_large() -> Result<Response<Body>, Error> {
    answer(
        StatusCode::PAYLOAD_TOO_LARGE,
        json!({ "error": format!("the body is over {MAX_BODY} bytes") }),
    )
}

fn answer(status: StatusCode, body: Value) -> Result<Response<Body>, Error> {
    Ok(Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))?)
}
