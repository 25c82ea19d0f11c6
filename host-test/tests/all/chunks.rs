use host_test::exports::memkit::core::chunks::Span;
use host_test::{crc32c, Error, Host, LimitExceeded, OutOfBounds, Own, MIB};

const ONE_GIB: u32 = 1 << 30;

#[test]
fn out_of_order_chunks_complete_and_finish_hands_over_a_byte_buffer() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let chunks = h.api.memkit_core_chunks().chunk_assembler();
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let data: Vec<u8> = (0..100_000u32).map(|i| (i % 241) as u8).collect();
    let a = chunks
        .call_create(&mut h.store, data.len() as u32, Some(crc32c(&data)))??
        .owned(&h.store);
    let pieces: Vec<(usize, usize)> = (0..data.len())
        .step_by(7000)
        .map(|s| (s, (s + 7000).min(data.len())))
        .collect();
    for &(start, end) in pieces.iter().rev() {
        chunks.call_write_at(&mut h.store, *a, start as u32, &data[start..end])??;
    }
    assert!(chunks.call_is_complete(&mut h.store, *a)?);
    assert_eq!(chunks.call_progress(&mut h.store, *a)?, 1.0);
    let buffer = chunks.call_finish(&mut h.store, *a)??.owned(&h.store);
    assert_eq!(bytes.call_to_list(&mut h.store, *buffer)??, data);
    Ok(())
}

#[test]
fn progress_of_an_empty_transfer_is_one_not_nan() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let chunks = h.api.memkit_core_chunks().chunk_assembler();
    let a = chunks.call_constructor(&mut h.store, 0)?.owned(&h.store);
    assert_eq!(chunks.call_progress(&mut h.store, *a)?, 1.0);
    assert!(chunks.call_is_complete(&mut h.store, *a)?);
    Ok(())
}

#[test]
fn missing_reports_coalesced_gaps() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let chunks = h.api.memkit_core_chunks().chunk_assembler();
    let a = chunks.call_constructor(&mut h.store, 100)?.owned(&h.store);
    chunks.call_write_at(&mut h.store, *a, 10, &[1; 10])??;
    chunks.call_write_at(&mut h.store, *a, 20, &[1; 10])??;
    chunks.call_write_at(&mut h.store, *a, 50, &[1; 5])??;
    assert_eq!(
        chunks.call_missing(&mut h.store, *a)?,
        vec![
            Span { offset: 0, len: 10 },
            Span {
                offset: 30,
                len: 20
            },
            Span {
                offset: 55,
                len: 45
            }
        ]
    );
    assert_eq!(chunks.call_received(&mut h.store, *a)?, 25);
    assert_eq!(chunks.call_total_size(&mut h.store, *a)?, 100);
    assert!(!chunks.call_is_complete(&mut h.store, *a)?);
    assert_eq!(chunks.call_progress(&mut h.store, *a)?, 0.25);
    Ok(())
}

#[test]
fn a_differing_overlap_is_invalid_and_an_identical_retry_is_fine() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let chunks = h.api.memkit_core_chunks().chunk_assembler();
    let a = chunks.call_constructor(&mut h.store, 8)?.owned(&h.store);
    chunks.call_append(&mut h.store, *a, b"abcd")??;
    chunks.call_write_at(&mut h.store, *a, 2, b"cdef")??;
    match chunks.call_write_at(&mut h.store, *a, 0, b"abXd")? {
        Err(Error::Invalid(why)) => assert!(why.contains("offset 2"), "{why}"),
        other => panic!("expected invalid, got {other:?}"),
    }
    assert_eq!(chunks.call_received(&mut h.store, *a)?, 6);
    Ok(())
}

#[test]
fn u32_max_offsets_and_sizes_are_refused() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let chunks = h.api.memkit_core_chunks().chunk_assembler();
    let a = chunks.call_constructor(&mut h.store, 16)?.owned(&h.store);
    assert_eq!(
        chunks.call_write_at(&mut h.store, *a, u32::MAX, b"x")?,
        Err(Error::OutOfBounds(OutOfBounds {
            offset: u32::MAX,
            len: 1,
            size: 16
        }))
    );
    assert_eq!(
        chunks
            .call_create(&mut h.store, u32::MAX, None)?
            .map(|_| ()),
        Err(Error::TooLarge(LimitExceeded {
            requested: u32::MAX,
            limit: ONE_GIB
        }))
    );
    let refusing = chunks
        .call_constructor(&mut h.store, u32::MAX)?
        .owned(&h.store);
    let too_large = Error::TooLarge(LimitExceeded {
        requested: u32::MAX,
        limit: ONE_GIB,
    });
    assert_eq!(
        chunks.call_append(&mut h.store, *refusing, b"x")?,
        Err(too_large.clone())
    );
    assert_eq!(
        chunks.call_finish(&mut h.store, *refusing)?.map(|_| ()),
        Err(too_large)
    );
    assert!(!chunks.call_is_complete(&mut h.store, *refusing)?);
    Ok(())
}

#[test]
fn finish_refuses_incomplete_and_wrong_crc() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let chunks = h.api.memkit_core_chunks().chunk_assembler();
    let a = chunks
        .call_create(&mut h.store, 9, Some(0xE306_9283))??
        .owned(&h.store);
    chunks.call_append(&mut h.store, *a, b"1234")??;
    assert!(
        matches!(chunks.call_finish(&mut h.store, *a)?, Err(Error::Invalid(why)) if why.contains("incomplete"))
    );
    chunks.call_append(&mut h.store, *a, b"56789")??;
    let buffer = chunks.call_finish(&mut h.store, *a)??.owned(&h.store);
    drop(buffer);
    let wrong = chunks
        .call_create(&mut h.store, 9, Some(0))??
        .owned(&h.store);
    chunks.call_append(&mut h.store, *wrong, b"123456789")??;
    assert!(
        matches!(chunks.call_finish(&mut h.store, *wrong)?, Err(Error::Invalid(why)) if why.contains("crc32c mismatch"))
    );
    Ok(())
}

#[test]
fn capped_store_answers_a_1_gib_create_with_out_of_memory_then_keeps_answering(
) -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(16 * MIB);
    let chunks = h.api.memkit_core_chunks().chunk_assembler();
    assert_eq!(
        chunks.call_create(&mut h.store, ONE_GIB, None)?.map(|_| ()),
        Err(Error::OutOfMemory(ONE_GIB))
    );
    let refusing = chunks
        .call_constructor(&mut h.store, ONE_GIB)?
        .owned(&h.store);
    assert_eq!(
        chunks.call_append(&mut h.store, *refusing, b"x")?,
        Err(Error::OutOfMemory(ONE_GIB))
    );
    drop(refusing);
    let small = chunks
        .call_create(&mut h.store, 4 * MIB as u32, None)??
        .owned(&h.store);
    chunks.call_append(&mut h.store, *small, &vec![3; 4 * MIB])??;
    assert!(chunks.call_is_complete(&mut h.store, *small)?);
    Ok(())
}
