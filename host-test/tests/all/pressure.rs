//! Memory pressure: every WIT function called with the heap filled to its last bytes
//! (`HostStore::squeeze`, which leaves the allocator's reserve intact), and caller-sized inputs up
//! to and past a 16 MiB cap. Each call must return (a trap is a wasmtime `Err`, which fails
//! the test) with a value or a typed error; afterwards the instance must still answer, and
//! once everything is dropped `used-bytes` is back at its baseline (the `Host` leak guard).

use host_test::exports::memkit::core::checksums::{Algorithm, ExpectedDigest};
use host_test::exports::memkit::core::records::{ChecksumKind, DecodeError};
use host_test::{Error, Host, Own, MIB};

const CAP: usize = 16 * MIB;

/// The value, or `None` for `out-of-memory`; any other error fails the test.
fn value_or_oom<T: std::fmt::Debug>(result: Result<T, Error>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(Error::OutOfMemory(_)) => None,
        Err(other) => panic!("expected a value or out-of-memory, got {other:?}"),
    }
}

/// The instance is usable: a call that allocates answers correctly once memory is back.
fn assert_still_answers(h: &mut Host) {
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let buffer = bytes
        .call_from_list(&mut h.store, b"still here")
        .expect("the instance answers")
        .owned(&h.store);
    let copy = bytes.call_to_list(&mut h.store, *buffer).expect("no trap");
    assert_eq!(copy.as_deref(), Ok(&b"still here"[..]));
}

/// Runs `calls` with the heap squeezed, then checks that the instance answers once the
/// memory is given back.
fn squeezed(h: &mut Host, calls: impl FnOnce(&mut Host) -> wasmtime::Result<()>) {
    let squeezed = h.store.squeeze();
    calls(h).expect("no call traps with memory full");
    h.store.release(squeezed);
    assert_still_answers(h);
}

#[test]
fn bytes_with_memory_full() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(CAP);
    let api = h.api.clone();
    let bytes = api.memkit_core_bytes().byte_buffer();
    let b = bytes.call_from_list(&mut h.store, &[b'a'; 100])?;
    let mut made = Vec::new();
    squeezed(&mut h, |h| {
        made.push(bytes.call_constructor(&mut h.store, 16)?);
        made.push(bytes.call_constructor(&mut h.store, u32::MAX)?);
        made.push(bytes.call_from_list(&mut h.store, &[])?);
        made.push(bytes.call_from_list(&mut h.store, &[7; 100])?);
        assert_eq!(bytes.call_len(&mut h.store, b)?, 100);
        assert!(bytes.call_capacity(&mut h.store, b)? >= 100);
        assert_eq!(
            value_or_oom(bytes.call_read(&mut h.store, b, 0, 0)?),
            Some(vec![])
        );
        if let Some(read) = value_or_oom(bytes.call_read(&mut h.store, b, 90, 10)?) {
            assert_eq!(read, [b'a'; 10]);
        }
        assert!(bytes.call_read(&mut h.store, b, u32::MAX, 2)?.is_err());
        bytes.call_write_at(&mut h.store, b, 0, b"xy")??;
        bytes.call_fill(&mut h.store, b, 2, 3, b'z')??;
        bytes.call_copy_within(&mut h.store, b, 0, 5, 5)??;
        let appended = value_or_oom(bytes.call_append(&mut h.store, b, &[1; 64])?).is_some();
        let listed = value_or_oom(bytes.call_to_list(&mut h.store, b)?);
        if let Some(list) = listed {
            assert_eq!(list.len(), if appended { 164 } else { 100 });
            assert_eq!(&list[..10], b"xyzzzxyzzz");
        }
        assert_eq!(
            bytes.call_reserve(&mut h.store, b, 1 << 20)?,
            Err(Error::OutOfMemory(1 << 20))
        );
        bytes.call_truncate(&mut h.store, b, 50)?;
        assert_eq!(bytes.call_len(&mut h.store, b)?, 50);
        bytes.call_clear(&mut h.store, b)?;
        assert_eq!(bytes.call_len(&mut h.store, b)?, 0);
        // `take` allocates nothing: it answers with memory full, and consumes the handle.
        let taken = made.pop().expect("a buffer of [7; 100]");
        assert_eq!(bytes.call_take(&mut h.store, taken)?, [7; 100]);
        Ok(())
    });
    for handle in made.into_iter().chain([b]) {
        h.store.drop_resource(handle);
    }
    Ok(())
}

#[test]
fn checksums_with_memory_full() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(CAP);
    let api = h.api.clone();
    let checksums = api.memkit_core_checksums();
    let hasher = checksums.hasher();
    let chunks = api.memkit_core_chunks().chunk_assembler();
    // Made before the squeeze: a hasher with a state to save, and an assembler to write into.
    let hr = hasher
        .call_constructor(&mut h.store, Algorithm::Sha256)?
        .owned(&h.store);
    let a = chunks.call_constructor(&mut h.store, 8)?.owned(&h.store);
    squeezed(&mut h, |h| {
        let crc = checksums.call_digest(&mut h.store, Algorithm::Crc64Nvme, b"123456789")?;
        assert_eq!(crc, 0xAE8B_1486_0A79_9888u64.to_be_bytes());
        let combined = checksums.call_combine(&mut h.store, Algorithm::Crc64Nvme, &crc, &crc, 9)?;
        assert_eq!(combined.map(|c| c.len()), Ok(8));
        let refused = checksums.call_combine(&mut h.store, Algorithm::Md5, &crc, &crc, 9)?;
        assert!(matches!(refused, Err(Error::Invalid(_))));
        hasher.call_update(&mut h.store, *hr, &[7; 4000])?;
        assert_eq!(hasher.call_digest(&mut h.store, *hr)?.len(), 32);
        assert_eq!(hasher.call_bytes_hashed(&mut h.store, *hr)?, 4000);
        let state = hasher.call_save(&mut h.store, *hr)?;
        if let Some(restored) = value_or_oom(hasher.call_restore(&mut h.store, &state)?) {
            h.store.drop_resource(restored);
        }
        let refused = hasher.call_restore(&mut h.store, &state[1..])?;
        assert!(matches!(refused, Err(Error::Invalid(_))));
        hasher.call_reset(&mut h.store, *hr)?;
        let part = ExpectedDigest {
            algorithm: Algorithm::Md5,
            digest: checksums.call_digest(&mut h.store, Algorithm::Md5, b"1234")?,
        };
        chunks.call_write_at_checked(&mut h.store, *a, 0, b"1234", &part)??;
        let created = chunks.call_create_checked(&mut h.store, 4, &part)?;
        if let Some(assembler) = value_or_oom(created) {
            h.store.drop_resource(assembler);
        }
        Ok(())
    });
    Ok(())
}

#[test]
fn chunks_with_memory_full() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(CAP);
    let api = h.api.clone();
    let chunks = api.memkit_core_chunks().chunk_assembler();
    let data = b"0123456789";
    let a = chunks.call_create(&mut h.store, 10, Some(host_test::crc32c(data)))??;
    let mut made = Vec::new();
    squeezed(&mut h, |h| {
        made.push(chunks.call_constructor(&mut h.store, 10)?);
        made.push(chunks.call_constructor(&mut h.store, u32::MAX)?);
        assert!(matches!(
            chunks.call_create(&mut h.store, 1 << 20, None)?,
            Err(Error::OutOfMemory(_))
        ));
        chunks.call_write_at(&mut h.store, a, 6, &data[6..])??;
        // One gap, listed while memory is full.
        assert_eq!(chunks.call_missing(&mut h.store, a)?.len(), 1);
        // A second range needs the range set to grow: that may be refused, never trap.
        value_or_oom(chunks.call_write_at(&mut h.store, a, 0, &data[..2])?);
        assert!(!chunks.call_missing(&mut h.store, a)?.is_empty());
        // The incomplete error formats a text.
        assert!(matches!(
            chunks.call_finish(&mut h.store, a)?,
            Err(Error::Invalid(_))
        ));
        value_or_oom(chunks.call_append(&mut h.store, a, &data[2..6])?);
        if chunks.call_received(&mut h.store, a)? < 10 {
            chunks.call_write_at(&mut h.store, a, 0, &data[..6])??;
        }
        assert_eq!(chunks.call_total_size(&mut h.store, a)?, 10);
        assert_eq!(chunks.call_progress(&mut h.store, a)?, 1.0);
        assert!(chunks.call_is_complete(&mut h.store, a)?);
        assert!(chunks.call_missing(&mut h.store, a)?.is_empty());
        if let Some(buffer) = value_or_oom(chunks.call_finish(&mut h.store, a)?) {
            made.push(buffer);
        }
        Ok(())
    });
    for handle in made.into_iter().chain([a]) {
        h.store.drop_resource(handle);
    }
    Ok(())
}

#[test]
fn records_with_memory_full() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(CAP);
    let api = h.api.clone();
    let record = api.memkit_core_records().binary_record();
    let reader = api.memkit_core_records().record_reader();
    let r = record.call_constructor(&mut h.store, ChecksumKind::Crc32c)?;
    record.call_set_payload(&mut h.store, r, b"payload")??;
    let frame = record.call_serialize(&mut h.store, r)??;
    let rr = reader.call_constructor(&mut h.store, ChecksumKind::Crc32c, 1024)?;
    let mut made = Vec::new();
    squeezed(&mut h, |h| {
        made.push(record.call_constructor(&mut h.store, ChecksumKind::Sum32)?);
        made.push(reader.call_constructor(&mut h.store, ChecksumKind::Sum32, 0)?);
        assert!(matches!(
            record.call_set_header(&mut h.store, r, &[1; 15])?,
            Err(Error::Invalid(_))
        ));
        record.call_set_header(&mut h.store, r, &[2; 16])??;
        value_or_oom(record.call_set_payload(&mut h.store, r, &[3; 100])?);
        value_or_oom(record.call_header(&mut h.store, r)?);
        value_or_oom(record.call_payload(&mut h.store, r)?);
        record.call_checksum(&mut h.store, r)?;
        value_or_oom(record.call_serialize(&mut h.store, r)?);
        match record.call_deserialize(&mut h.store, &frame, ChecksumKind::Crc32c)? {
            Ok(back) => made.push(back),
            Err(DecodeError::OutOfMemory(_)) => {}
            Err(other) => panic!("{other:?}"),
        }
        assert!(matches!(
            record.call_deserialize(&mut h.store, &frame[..10], ChecksumKind::Crc32c)?,
            Err(DecodeError::TooShort(10))
        ));
        // Refused for memory, a feed changes nothing: then no partial record is pending.
        match reader.call_feed(&mut h.store, rr, &frame[..30])? {
            Ok(done) => {
                assert!(done.is_empty());
                assert_eq!(reader.call_buffered(&mut h.store, rr)?, 30);
                reader.call_finish(&mut h.store, rr)?.unwrap_err();
            }
            Err(DecodeError::OutOfMemory(_)) => {
                assert_eq!(reader.call_buffered(&mut h.store, rr)?, 0);
                reader.call_finish(&mut h.store, rr)??;
            }
            Err(other) => panic!("{other:?}"),
        }
        Ok(())
    });
    for handle in made.into_iter().chain([r, rr]) {
        h.store.drop_resource(handle);
    }
    Ok(())
}

#[test]
fn pools_with_memory_full() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(CAP);
    let api = h.api.clone();
    let pool = api.memkit_core_pools().buffer_pool();
    let p = pool.call_constructor(&mut h.store)?;
    let warm = pool.call_acquire(&mut h.store, p, 100)??;
    pool.call_release(&mut h.store, p, warm)?;
    let mut made = Vec::new();
    squeezed(&mut h, |h| {
        made.push(pool.call_constructor(&mut h.store)?);
        assert!(matches!(
            pool.call_with_classes(&mut h.store, &[], 1)?,
            Err(Error::Invalid(_))
        ));
        if let Some(q) = value_or_oom(pool.call_with_classes(&mut h.store, &[64], 4096)?) {
            made.push(q);
        }
        // A hit reuses the pooled buffer; a miss of a megabyte cannot be had.
        if let Some(reused) = value_or_oom(pool.call_acquire(&mut h.store, p, 100)?) {
            pool.call_release(&mut h.store, p, reused)?;
        }
        assert!(pool.call_acquire(&mut h.store, p, 1 << 20)?.is_err());
        let stats = pool.call_stats(&mut h.store, p)?;
        assert_eq!(stats.classes.len(), 6);
        Ok(())
    });
    for handle in made.into_iter().chain([p]) {
        h.store.drop_resource(handle);
    }
    Ok(())
}

/// With memory full, a creator that can answer `out-of-memory` makes its handle from the
/// reserve only while the reserve is intact (once), then answers `out-of-memory` rather than
/// eat further into what is left for the calls that cannot fail.
#[test]
fn fallible_creators_answer_out_of_memory_once_the_reserve_is_drawn() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(CAP);
    let chunks = h.api.memkit_core_chunks().chunk_assembler();
    let squeezed = h.store.squeeze();
    let mut made = Vec::new();
    let mut refused = 0;
    for _ in 0..1000 {
        match chunks.call_create(&mut h.store, 0, None)? {
            Ok(a) => made.push(a),
            Err(Error::OutOfMemory(_)) => refused += 1,
            Err(other) => panic!("{other:?}"),
        }
    }
    assert!(made.len() <= 2, "{} created with memory full", made.len());
    assert!(refused >= 998);
    assert!(h.store.memory_info().reserve_draws <= 1);
    h.store.release(squeezed);
    for a in made {
        h.store.drop_resource(a);
    }
    assert_eq!(
        h.store.memory_info().reserve_bytes,
        65536,
        "retaken once memory is back"
    );
    Ok(())
}

#[test]
fn a_range_set_that_cannot_grow_is_out_of_memory_and_the_upload_survives() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(CAP);
    let chunks = h.api.memkit_core_chunks().chunk_assembler();
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let total = 4 * MIB as u32;
    let a = chunks
        .call_create(&mut h.store, total, None)??
        .owned(&h.store);
    // A byte at every other offset: one more range each, 8 bytes a range, until it cannot grow.
    let mut offset = 0;
    let refused = loop {
        match chunks.call_write_at(&mut h.store, *a, offset, &[1])? {
            Ok(()) => offset += 2,
            Err(error) => break error,
        }
        assert!(offset < total, "the range set never filled the cap");
    };
    assert!(matches!(refused, Error::OutOfMemory(_)), "{refused:?}");
    assert_eq!(chunks.call_received(&mut h.store, *a)?, offset / 2);
    // Hundreds of thousands of gaps cannot be listed now: the first one is.
    let missing = chunks.call_missing(&mut h.store, *a)?;
    assert!(!missing.is_empty());
    assert_eq!(missing[0].offset, 1);
    // Nothing was lost: filling the gaps in large writes merges the ranges as it goes.
    let data = vec![1u8; total as usize];
    for start in (0..total).step_by(MIB) {
        chunks.call_write_at(&mut h.store, *a, start, &data[start as usize..][..MIB])??;
    }
    assert!(chunks.call_is_complete(&mut h.store, *a)?);
    let buffer = chunks.call_finish(&mut h.store, *a)??.owned(&h.store);
    assert_eq!(bytes.call_len(&mut h.store, *buffer)?, total);
    Ok(())
}

#[test]
fn sixty_thousand_gaps_are_listed() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(CAP);
    let chunks = h.api.memkit_core_chunks().chunk_assembler();
    let a = chunks
        .call_create(&mut h.store, 120_000, None)??
        .owned(&h.store);
    for offset in (1..120_000).step_by(2) {
        chunks.call_write_at(&mut h.store, *a, offset, &[0])??;
    }
    assert_eq!(chunks.call_missing(&mut h.store, *a)?.len(), 60_000);
    Ok(())
}

#[test]
fn feeding_twenty_thousand_records_near_the_cap_never_traps() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(CAP);
    let api = h.api.clone();
    let record = api.memkit_core_records().binary_record();
    let reader = api.memkit_core_records().record_reader();
    let r = record
        .call_constructor(&mut h.store, ChecksumKind::Sum32)?
        .owned(&h.store);
    record.call_set_payload(&mut h.store, *r, &[5; 100])??;
    let frame = record.call_serialize(&mut h.store, *r)??;
    drop(r);
    let stream = frame.repeat(20_000);
    // Leave only a little more than the stream itself free.
    let bytes = api.memkit_core_bytes().byte_buffer();
    let ballast = bytes.call_constructor(&mut h.store, 0)?.owned(&h.store);
    bytes.call_reserve(&mut h.store, *ballast, 9 * MIB as u32)??;
    let rr = reader
        .call_constructor(&mut h.store, ChecksumKind::Sum32, 1024)?
        .owned(&h.store);
    match reader.call_feed(&mut h.store, *rr, &stream)? {
        Ok(frames) => assert_eq!(frames.len(), 20_000),
        Err(error) => assert!(matches!(error, DecodeError::OutOfMemory(_)), "{error:?}"),
    }
    assert_still_answers(&mut h);
    Ok(())
}

#[test]
fn a_feed_refused_for_memory_changes_nothing_and_can_be_repeated() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(CAP);
    let record = h.api.memkit_core_records().binary_record();
    let reader = h.api.memkit_core_records().record_reader();
    let r = record
        .call_constructor(&mut h.store, ChecksumKind::Crc32c)?
        .owned(&h.store);
    record.call_set_payload(&mut h.store, *r, &[9; 1000])??;
    let frame = record.call_serialize(&mut h.store, *r)??;
    drop(r);
    let rr = reader
        .call_constructor(&mut h.store, ChecksumKind::Crc32c, 1 << 20)?
        .owned(&h.store);
    // A tail is pending before memory fills up. (The stream stays under 4 KiB, an argument
    // the reserve can place with memory full.)
    assert!(reader
        .call_feed(&mut h.store, *rr, &frame[..100])??
        .is_empty());
    let stream: Vec<u8> = [&frame[100..], &frame, &frame].concat();
    let squeezed = h.store.squeeze();
    let refused = reader
        .call_feed(&mut h.store, *rr, &stream)
        .expect("no trap");
    assert!(
        matches!(refused, Err(DecodeError::OutOfMemory(_))),
        "{refused:?}"
    );
    assert_eq!(
        reader.call_buffered(&mut h.store, *rr)?,
        100,
        "the tail is as it was"
    );
    h.store.release(squeezed);
    // The same bytes again: every record, the first completed from the kept tail.
    let frames = reader.call_feed(&mut h.store, *rr, &stream)?;
    let frames = frames.unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(frames.len(), 3);
    for frame in frames {
        assert_eq!(frame.payload, [9; 1000]);
    }
    reader.call_finish(&mut h.store, *rr)??;
    Ok(())
}
