//! What the JS package must agree with, written to `target/js-fixture.json` for
//! `js/test/errors.test.mjs`: every case of every error type in `wit/` and `article/wit/`
//! (memkit's and the article's), as jco hands it to JS
//! (`{ tag, val }`) with the text of its Rust `Display`, which `describeError` must reproduce;
//! and the record layout, which `recordLayout` must equal.
//!
//! The cases come from the WIT: every `variant` whose name ends in `error`, case by case. A
//! case without a sample here fails this test by name, and so does a sample of no case.

use std::collections::BTreeMap;
use std::path::Path;

use memkit::records::{DecodeError, FRAME_OVERHEAD, HEADER_LEN, PAYLOAD_AT};
use memkit::Error;
use memkit_article::people::JsonError;
use serde_json::{json, Value};

/// A `types.error` as jco lifts it.
fn lifted_error(error: &Error) -> Value {
    match error {
        Error::OutOfBounds { offset, len, size } => {
            json!({ "tag": "out-of-bounds", "val": { "offset": offset, "len": len, "size": size } })
        }
        Error::TooLarge { requested, limit } => {
            json!({ "tag": "too-large", "val": { "requested": requested, "limit": limit } })
        }
        Error::OutOfMemory(bytes) => json!({ "tag": "out-of-memory", "val": bytes }),
        Error::Invalid(why) => json!({ "tag": "invalid", "val": why }),
    }
}

/// A `records.decode-error` as jco lifts it.
fn lifted_decode_error(error: &DecodeError) -> Value {
    match error {
        DecodeError::TooShort(n) => json!({ "tag": "too-short", "val": n }),
        DecodeError::LengthMismatch {
            declared,
            available,
        } => {
            json!({ "tag": "length-mismatch", "val": { "declared": declared, "available": available } })
        }
        DecodeError::ChecksumMismatch { expected, actual } => {
            json!({ "tag": "checksum-mismatch", "val": { "expected": expected, "actual": actual } })
        }
        DecodeError::TrailingBytes(n) => json!({ "tag": "trailing-bytes", "val": n }),
        DecodeError::PayloadTooLarge(n) => json!({ "tag": "payload-too-large", "val": n }),
        DecodeError::OutOfMemory(n) => json!({ "tag": "out-of-memory", "val": n }),
    }
}

/// A `people.json-error` as jco lifts it.
fn lifted_json_error(error: &JsonError) -> Value {
    match error {
        JsonError::Invalid {
            message,
            line,
            column,
        } => {
            json!({ "tag": "invalid", "val": { "message": message, "line": line, "column": column } })
        }
        JsonError::OutOfMemory(bytes) => json!({ "tag": "out-of-memory", "val": bytes }),
    }
}

/// One sample of each case, keyed by `interface.type` as the WIT names them: `(value as jco
/// lifts it, Display)`. The numbers are ones a formatter could get wrong: past `i32::MAX`,
/// checksums with leading zeros and with the high bit set.
fn samples() -> BTreeMap<&'static str, Vec<(Value, String)>> {
    let errors = [
        Error::OutOfBounds {
            offset: u32::MAX,
            len: 2,
            size: 1 << 20,
        },
        Error::TooLarge {
            requested: 1 << 31,
            limit: 1 << 30,
        },
        Error::OutOfMemory(3 << 30),
        Error::Invalid("header: must be exactly 16 bytes, got 15".into()),
    ];
    let decode_errors = [
        DecodeError::TooShort(10),
        DecodeError::LengthMismatch {
            declared: 0xffff_fff0,
            available: 0,
        },
        DecodeError::ChecksumMismatch {
            expected: 0x994,
            actual: 0xdead_beef,
        },
        DecodeError::TrailingBytes(3),
        DecodeError::PayloadTooLarge(1 << 24),
        DecodeError::OutOfMemory(u32::MAX),
    ];
    let json_errors = [
        JsonError::Invalid {
            message: "missing field `email` at line 1 column 23".into(),
            line: 1,
            column: 23,
        },
        JsonError::OutOfMemory(65_536),
    ];
    BTreeMap::from([
        (
            "types.error",
            errors
                .iter()
                .map(|e| (lifted_error(e), e.to_string()))
                .collect(),
        ),
        (
            "records.decode-error",
            decode_errors
                .iter()
                .map(|e| (lifted_decode_error(e), e.to_string()))
                .collect(),
        ),
        (
            "people.json-error",
            json_errors
                .iter()
                .map(|e| (lifted_json_error(e), e.to_string()))
                .collect(),
        ),
    ])
}

/// The cases of every error variant in `wit/` and `article/wit/` (whose `deps/core` is
/// `wit/`), keyed by `interface.type`.
fn wit_error_cases() -> BTreeMap<String, Vec<String>> {
    let mut resolve = wit_parser::Resolve::new();
    resolve
        .push_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("article/wit"))
        .expect("article/wit/ parses");
    let mut cases = BTreeMap::new();
    for (_, interface) in resolve.interfaces.iter() {
        for (name, id) in &interface.types {
            if let wit_parser::TypeDefKind::Variant(variant) = &resolve.types[*id].kind {
                if name.ends_with("error") {
                    let interface = interface.name.as_deref().expect("a named interface");
                    let names = variant.cases.iter().map(|c| c.name.clone()).collect();
                    cases.insert(format!("{interface}.{name}"), names);
                }
            }
        }
    }
    cases
}

#[test]
fn every_error_case_is_written_with_its_display_for_js() {
    let samples = samples();
    let wit = wit_error_cases();
    let sampled: BTreeMap<String, Vec<String>> = samples
        .iter()
        .map(|(ty, values)| {
            let tags = values
                .iter()
                .map(|(value, _)| value["tag"].as_str().unwrap().to_string());
            (ty.to_string(), tags.collect())
        })
        .collect();
    assert_eq!(
        sampled, wit,
        "tests/js_fixture.rs needs one sample of each WIT error case (left: samples, right: the WIT)"
    );
    let errors: Vec<Value> = samples
        .into_iter()
        .flat_map(|(ty, values)| {
            values.into_iter().map(
                move |(value, display)| json!({ "type": ty, "value": value, "display": display }),
            )
        })
        .collect();
    let fixture = json!({
        "errors": errors,
        "recordLayout": {
            "headerBytes": HEADER_LEN,
            "lengthBytes": PAYLOAD_AT - HEADER_LEN,
            "checksumBytes": FRAME_OVERHEAD - PAYLOAD_AT,
            "payloadOffset": PAYLOAD_AT,
            "overheadBytes": FRAME_OVERHEAD,
        },
    });
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(
        target.join("js-fixture.json"),
        serde_json::to_string_pretty(&fixture).unwrap(),
    )
    .unwrap();
}
