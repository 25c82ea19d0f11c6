use host_test::exports::memkit::core::records::{
    ChecksumKind, ChecksumMismatch, DecodeError, LengthMismatch,
};
use host_test::{Error, Host, Own, MIB};

fn frame(header: &[u8; 16], payload: &[u8], checksum: u32) -> Vec<u8> {
    [
        &header[..],
        &(payload.len() as u32).to_le_bytes(),
        payload,
        &checksum.to_le_bytes(),
    ]
    .concat()
}

fn sum32(parts: &[&[u8]]) -> u32 {
    parts
        .iter()
        .flat_map(|p| p.iter())
        .fold(0u32, |acc, &b| acc.wrapping_add(u32::from(b)))
}

#[test]
fn the_articles_trap_input_is_a_length_mismatch() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let record = h.api.memkit_core_records().binary_record();
    let mut input = vec![0u8; 24];
    input[16..20].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    assert_eq!(
        record
            .call_deserialize(&mut h.store, &input, ChecksumKind::Sum32)?
            .map(|_| ()),
        Err(DecodeError::LengthMismatch(LengthMismatch {
            declared: 0xFFFF_FFF0,
            available: 0
        }))
    );
    // The instance keeps answering.
    let frame = frame(&[0; 16], b"", 0);
    let _ok = record
        .call_deserialize(&mut h.store, &frame, ChecksumKind::Sum32)??
        .owned(&h.store);
    Ok(())
}

#[test]
fn serialize_is_the_articles_layout_and_round_trips() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let record = h.api.memkit_core_records().binary_record();
    let header = *b"memkit-record-01";
    let r = record
        .call_constructor(&mut h.store, ChecksumKind::Sum32)?
        .owned(&h.store);
    record.call_set_header(&mut h.store, *r, &header)??;
    record.call_set_payload(&mut h.store, *r, b"payload")??;
    let bytes = record.call_serialize(&mut h.store, *r)??;
    assert_eq!(
        bytes,
        frame(&header, b"payload", sum32(&[&header, b"payload"]))
    );
    let back = record
        .call_deserialize(&mut h.store, &bytes, ChecksumKind::Sum32)??
        .owned(&h.store);
    assert_eq!(record.call_header(&mut h.store, *back)??, header);
    assert_eq!(record.call_payload(&mut h.store, *back)??, b"payload");
    assert_eq!(
        record.call_checksum(&mut h.store, *back)?,
        record.call_checksum(&mut h.store, *r)?
    );
    Ok(())
}

#[test]
fn sum32_of_a_megabyte_matches_a_host_side_sum() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let record = h.api.memkit_core_records().binary_record();
    // Odd length and all-0xFF runs exercise the SIMD blocks, their tail and the u32 wrap-around.
    let payload: Vec<u8> = (0..MIB + 13)
        .map(|i| if i % 3 == 0 { 0xFF } else { (i * 31) as u8 })
        .collect();
    let r = record
        .call_constructor(&mut h.store, ChecksumKind::Sum32)?
        .owned(&h.store);
    record.call_set_payload(&mut h.store, *r, &payload)??;
    assert_eq!(
        record.call_checksum(&mut h.store, *r)?,
        sum32(&[&[0; 16], &payload])
    );
    Ok(())
}

#[test]
fn crc32c_records_round_trip_a_megabyte() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let record = h.api.memkit_core_records().binary_record();
    let payload: Vec<u8> = (0..MIB).map(|i| (i * 7) as u8).collect();
    let r = record
        .call_constructor(&mut h.store, ChecksumKind::Crc32c)?
        .owned(&h.store);
    record.call_set_payload(&mut h.store, *r, &payload)??;
    let bytes = record.call_serialize(&mut h.store, *r)??;
    let back = record
        .call_deserialize(&mut h.store, &bytes, ChecksumKind::Crc32c)??
        .owned(&h.store);
    assert_eq!(record.call_payload(&mut h.store, *back)??, payload);
    assert!(record
        .call_deserialize(&mut h.store, &bytes, ChecksumKind::Sum32)?
        .is_err());
    Ok(())
}

#[test]
fn wrong_header_lengths_are_invalid() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let record = h.api.memkit_core_records().binary_record();
    let r = record
        .call_constructor(&mut h.store, ChecksumKind::Sum32)?
        .owned(&h.store);
    for len in [0, 1, 15, 17, 64] {
        assert!(matches!(
            record.call_set_header(&mut h.store, *r, &vec![1; len])?,
            Err(Error::Invalid(_))
        ));
    }
    assert_eq!(record.call_header(&mut h.store, *r)??, vec![0; 16]);
    Ok(())
}

#[test]
fn truncated_trailing_and_corrupt_data_get_precise_errors() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let api = h.api.clone();
    let record = api.memkit_core_records().binary_record();
    let good = frame(&[2; 16], b"abc", sum32(&[&[2; 16], b"abc"]));
    let decode = |h: &mut Host, data: &[u8]| {
        record
            .call_deserialize(&mut h.store, data, ChecksumKind::Sum32)
            .map(|r| r.map(|_| ()))
    };
    assert_eq!(decode(&mut h, &[])?, Err(DecodeError::TooShort(0)));
    assert_eq!(decode(&mut h, &good[..23])?, Err(DecodeError::TooShort(23)));
    assert_eq!(
        decode(&mut h, &good[..25])?,
        Err(DecodeError::LengthMismatch(LengthMismatch {
            declared: 3,
            available: 1
        }))
    );
    assert_eq!(
        decode(&mut h, &[&good[..], b"!!!"].concat())?,
        Err(DecodeError::TrailingBytes(3))
    );
    let mut corrupt = good.clone();
    corrupt[0] = 3;
    let stored = sum32(&[&[2; 16], b"abc"]);
    assert_eq!(
        decode(&mut h, &corrupt)?,
        Err(DecodeError::ChecksumMismatch(ChecksumMismatch {
            expected: stored,
            actual: stored + 1
        }))
    );
    Ok(())
}

#[test]
fn reader_frames_a_stream_fed_one_byte_then_one_mebibyte_at_a_time() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let reader = h.api.memkit_core_records().record_reader();
    let payloads: Vec<Vec<u8>> = (0..40).map(|i| vec![i as u8; i * 997]).collect();
    let stream: Vec<u8> = payloads
        .iter()
        .flat_map(|p| frame(&[9; 16], p, sum32(&[&[9; 16], p])))
        .collect();
    for piece in [1, MIB] {
        let rd = reader
            .call_constructor(&mut h.store, ChecksumKind::Sum32, 64 * 1024)?
            .owned(&h.store);
        let mut got = Vec::new();
        for chunk in stream.chunks(piece) {
            for frame in reader.call_feed(&mut h.store, *rd, chunk)?? {
                assert_eq!(frame.header, [9; 16]);
                assert_eq!(frame.checksum, sum32(&[&[9; 16], &frame.payload]));
                got.push(frame.payload);
            }
        }
        assert_eq!(got, payloads, "pieces of {piece}");
        assert_eq!(reader.call_buffered(&mut h.store, *rd)?, 0);
        assert_eq!(reader.call_finish(&mut h.store, *rd)?, Ok(()));
        drop(rd);
    }
    Ok(())
}

#[test]
fn reader_refuses_an_oversized_payload_before_buffering_it() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let reader = h.api.memkit_core_records().record_reader();
    let rd = reader
        .call_constructor(&mut h.store, ChecksumKind::Sum32, 1024)?
        .owned(&h.store);
    let mut head = vec![0u8; 20];
    head[16..20].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_eq!(
        reader.call_feed(&mut h.store, *rd, &head)?.map(|_| ()),
        Err(DecodeError::PayloadTooLarge(u32::MAX))
    );
    assert_eq!(reader.call_buffered(&mut h.store, *rd)?, 0);
    assert_eq!(
        reader.call_finish(&mut h.store, *rd)?,
        Err(DecodeError::PayloadTooLarge(u32::MAX))
    );
    Ok(())
}

#[test]
fn reader_finish_reports_a_partial_tail() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let reader = h.api.memkit_core_records().record_reader();
    let rd = reader
        .call_constructor(&mut h.store, ChecksumKind::Sum32, 1024)?
        .owned(&h.store);
    let whole = frame(&[1; 16], b"abcdef", sum32(&[&[1; 16], b"abcdef"]));
    assert!(reader
        .call_feed(&mut h.store, *rd, &whole[..27])??
        .is_empty());
    assert_eq!(
        reader.call_finish(&mut h.store, *rd)?,
        Err(DecodeError::LengthMismatch(LengthMismatch {
            declared: 6,
            available: 3
        }))
    );
    Ok(())
}

#[test]
fn reader_hands_back_good_records_before_a_corrupt_one() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let reader = h.api.memkit_core_records().record_reader();
    let rd = reader
        .call_constructor(&mut h.store, ChecksumKind::Sum32, 1024)?
        .owned(&h.store);
    let good = frame(&[1; 16], b"ok", sum32(&[&[1; 16], b"ok"]));
    let bad = frame(&[1; 16], b"ok", 0);
    let frames = reader.call_feed(&mut h.store, *rd, &[good.clone(), bad].concat())??;
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].payload, b"ok");
    assert!(matches!(
        reader.call_feed(&mut h.store, *rd, &good)?,
        Err(DecodeError::ChecksumMismatch(_))
    ));
    Ok(())
}
