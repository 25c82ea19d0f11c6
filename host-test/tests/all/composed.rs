//! The compositions of `cargo xtask compose` in wasmtime: memkit plugged into a Rust component
//! (record-check, which then imports nothing) and into a Python one (python-guest, which
//! imports WASI).

use std::time::Instant;

use host_test::composed::python_guest::memkit::article::people::{InvalidDocument, JsonError};
use host_test::composed::record_check::exports::memkit::record_check::check::{
    CheckError, Piece, Summary, UploadError,
};
use host_test::composed::record_check::memkit::core::records::{
    ChecksumKind, ChecksumMismatch, DecodeError,
};
use host_test::composed::record_check::memkit::core::types::Error;
use host_test::composed::{PythonGuest, RecordCheck};
use host_test::{crc32c, MIB};

/// One record in memkit's layout with a CRC-32C computed on the host.
fn record(header: u8, payload: &[u8]) -> Vec<u8> {
    let mut frame = vec![header; 16];
    frame.extend_from_slice(&(payload.len() as u32).to_le_bytes());
    frame.extend_from_slice(payload);
    let mut covered = vec![header; 16];
    covered.extend_from_slice(payload);
    frame.extend_from_slice(&crc32c(&covered).to_le_bytes());
    frame
}

fn stream(payloads: &[&[u8]]) -> Vec<u8> {
    payloads
        .iter()
        .enumerate()
        .flat_map(|(i, p)| record(i as u8, p))
        .collect()
}

fn check(stream: &[u8]) -> Result<Summary, CheckError> {
    let mut c = RecordCheck::new();
    c.api
        .memkit_record_check_check()
        .call_check(&mut c.store, stream, ChecksumKind::Crc32c)
        .expect("check never traps")
}

#[test]
fn record_check_counts_a_valid_stream() {
    let summary = check(&stream(&[b"one", b"", b"three"])).unwrap();
    assert_eq!(
        summary,
        Summary {
            records: 3,
            payload_bytes: 8
        }
    );
}

#[test]
fn record_check_finds_a_corrupted_checksum_and_its_offset() {
    let mut bad = stream(&[b"one", b"two", b"three"]);
    bad[27 + 20] ^= 0x20; // a payload byte of the second record (the first is 27 bytes)
    let error = check(&bad).unwrap_err();
    assert_eq!((error.offset, error.records_before), (27, 1));
    assert!(
        matches!(error.error, DecodeError::ChecksumMismatch(ChecksumMismatch { expected, actual }) if expected != actual),
        "{error:?}"
    );
}

#[test]
fn record_check_reports_a_truncated_stream_at_its_last_record() {
    let whole = stream(&[b"one", b"two", b"three"]);
    let error = check(&whole[..whole.len() - 5]).unwrap_err();
    assert_eq!((error.offset, error.records_before), (54, 2));
    assert!(
        matches!(error.error, DecodeError::LengthMismatch(_)),
        "{error:?}"
    );
    let error = check(&whole[..60]).unwrap_err();
    assert_eq!(error.error, DecodeError::TooShort(6));
}

#[test]
fn record_check_accepts_an_empty_stream() {
    assert_eq!(
        check(&[]).unwrap(),
        Summary {
            records: 0,
            payload_bytes: 0
        }
    );
}

#[test]
fn record_check_frames_a_mebibyte_cut_into_64_kib_pieces() {
    // 256 records of 4 KiB each (4072 bytes of payload), so frames straddle the pieces.
    let payload: Vec<u8> = (0..4072u32).map(|i| (i * 7) as u8).collect();
    let payloads: Vec<&[u8]> = vec![&payload; 256];
    let big = stream(&payloads);
    assert_eq!(big.len(), MIB);
    let started = Instant::now();
    let summary = check(&big).unwrap();
    eprintln!("record-check of 1 MiB: {:?}", started.elapsed());
    assert_eq!(
        summary,
        Summary {
            records: 256,
            payload_bytes: 256 * 4072
        }
    );
}

#[test]
fn record_check_assembles_an_upload_in_any_order() {
    let whole = stream(&[b"alpha", b"beta", b"gamma"]);
    let pieces: Vec<Piece> = whole
        .chunks(10)
        .enumerate()
        .rev()
        .map(|(i, data)| Piece {
            offset: (i * 10) as u32,
            data: data.to_vec(),
        })
        .collect();
    let mut c = RecordCheck::new();
    let check = c.api.memkit_record_check_check();
    let total = whole.len() as u32;
    let summary = check
        .call_check_upload(
            &mut c.store,
            &pieces,
            total,
            Some(crc32c(&whole)),
            ChecksumKind::Crc32c,
        )
        .unwrap()
        .unwrap();
    assert_eq!(summary.records, 3);
    // A wrong CRC-32C is memkit's chunk error, carried through as a transfer error.
    let wrong = check
        .call_check_upload(&mut c.store, &pieces, total, Some(1), ChecksumKind::Crc32c)
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(&wrong, UploadError::Transfer(Error::Invalid(why)) if why.contains("crc32c")),
        "{wrong:?}"
    );
    // A missing piece, likewise.
    let gap = check
        .call_check_upload(
            &mut c.store,
            &pieces[1..],
            total,
            None,
            ChecksumKind::Crc32c,
        )
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(gap, UploadError::Transfer(Error::Invalid(_))),
        "{gap:?}"
    );
}

#[test]
fn python_guest_makes_a_badge_with_memkit() {
    let started = Instant::now();
    let mut guest = PythonGuest::new();
    eprintln!("python-guest instantiation: {:?}", started.elapsed());
    let json = r#"{"name":"Ada Lovelace","age":36,"email":"ada@example.com"}"#;
    let badge = guest
        .api
        .call_make_badge(&mut guest.store, json)
        .expect("no trap")
        .expect("a person");
    assert_eq!(badge.shout, "aDA lOVELACE");
    assert_eq!(badge.json, json);
    // The record: 16 zero header bytes, the length, the JSON, the CRC-32C of header ++ JSON.
    let mut covered = vec![0u8; 16];
    covered.extend_from_slice(json.as_bytes());
    assert_eq!(badge.checksum, crc32c(&covered));
    let mut expected = vec![0u8; 16];
    expected.extend_from_slice(&(json.len() as u32).to_le_bytes());
    expected.extend_from_slice(json.as_bytes());
    expected.extend_from_slice(&badge.checksum.to_le_bytes());
    assert_eq!(badge.record, expected);
}

#[test]
fn python_guest_carries_memkits_json_error_through() {
    let mut guest = PythonGuest::new();
    let error = guest
        .api
        .call_make_badge(&mut guest.store, r#"{"name":"Ada","age":36}"#)
        .expect("no trap")
        .unwrap_err();
    assert_eq!(
        error,
        JsonError::Invalid(InvalidDocument {
            message: "missing field `email` at line 1 column 23".into(),
            line: 1,
            column: 23,
        })
    );
    // The instance keeps answering.
    let badge = guest
        .api
        .call_make_badge(&mut guest.store, r#"{"name":"B","age":1,"email":""}"#)
        .expect("no trap");
    assert_eq!(badge.unwrap().shout, "b");
}
