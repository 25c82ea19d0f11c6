//! Memory pressure: every WIT function called with the heap filled to its last bytes
//! (`HostStore::squeeze`, which leaves the allocator's reserve intact), and caller-sized inputs up
//! to and past a 16 MiB cap. Each call must return (a trap is a wasmtime `Err`, which fails
//! the test) with a value or a typed error; afterwards the instance must still answer, and
//! once everything is dropped `used-bytes` is back at its baseline (the `Host` leak guard).

use host_test::exports::memkit::core::checksums::{Algorithm, ExpectedDigest};
use host_test::exports::memkit::core::floats::UnaryOp;
use host_test::exports::memkit::core::people::{Company, JsonError, Person};
use host_test::exports::memkit::core::pools::Point3d;
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
    let text = h.api.memkit_core_text();
    assert_eq!(
        text.call_swap_case(&mut h.store, "still Here")
            .expect("the instance answers"),
        "STILL hERE"
    );
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
fn floats_with_memory_full() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(CAP);
    let api = h.api.clone();
    let floats = api.memkit_core_floats().float_buffer();
    let f = floats.call_from_list(&mut h.store, &[1.0, 2.0, 3.0])?;
    let g = floats.call_from_list(&mut h.store, &[1.0, 1.0])?;
    let mut made = Vec::new();
    squeezed(&mut h, |h| {
        made.push(floats.call_constructor(&mut h.store, 8)?);
        made.push(floats.call_from_list(&mut h.store, &[])?);
        assert_eq!(floats.call_len(&mut h.store, f)?, 3);
        floats.call_set(&mut h.store, f, &[1.0, 2.0, 3.0, 4.0])??;
        value_or_oom(floats.call_append(&mut h.store, f, &[5.0; 1000])?);
        if let Some(list) = value_or_oom(floats.call_to_list(&mut h.store, f)?) {
            assert_eq!(&list[..4], [1.0, 2.0, 3.0, 4.0]);
        }
        value_or_oom(floats.call_read(&mut h.store, f, 0, 2)?);
        floats.call_process(&mut h.store, f)?;
        floats.call_apply(&mut h.store, f, UnaryOp::Abs)?;
        floats.call_scale(&mut h.store, f, 2.0)?;
        assert!(floats.call_sum(&mut h.store, f)?.is_finite());
        assert!(floats.call_stats(&mut h.store, f)?.is_some());
        // An error whose text is formatted while memory is full.
        assert!(matches!(
            floats.call_dot(&mut h.store, f, g)?,
            Err(Error::Invalid(why)) if why.contains("length")
        ));
        let empty = made.pop().expect("an empty buffer");
        assert_eq!(floats.call_take(&mut h.store, empty)?, Vec::<f32>::new());
        Ok(())
    });
    for handle in made.into_iter().chain([f, g]) {
        h.store.drop_resource(handle);
    }
    Ok(())
}

#[test]
fn text_and_memory_with_memory_full() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(CAP);
    let api = h.api.clone();
    squeezed(&mut h, |h| {
        assert_eq!(
            api.memkit_core_text().call_swap_case(&mut h.store, "aB")?,
            "Ab"
        );
        // The argument above drew on the reserve; freed again, it let the reserve be retaken.
        let info = api.memkit_core_memory().call_info(&mut h.store)?;
        assert_eq!(info.reserve_bytes, 65536, "{info:?}");
        Ok(())
    });
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
    let pools = api.memkit_core_pools();
    let pool = pools.buffer_pool();
    let point = pools.point();
    let point_pool = pools.point_pool();
    let p = pool.call_constructor(&mut h.store)?;
    let warm = pool.call_acquire(&mut h.store, p, 100)??;
    pool.call_release(&mut h.store, p, warm)?;
    let pp = point_pool.call_constructor(&mut h.store, 4)?;
    let a = point.call_constructor(&mut h.store, 0.0, 0.0, 0.0)?;
    let mut made = Vec::new();
    squeezed(&mut h, |h| {
        made.push(pool.call_constructor(&mut h.store)?);
        made.push(point_pool.call_constructor(&mut h.store, u32::MAX)?);
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
        let q = point_pool.call_get(&mut h.store, pp, 3.0, 4.0, 0.0)?;
        assert_eq!(point.call_distance_to(&mut h.store, q, a)?, 5.0);
        point.call_reset(&mut h.store, q, 1.0, 2.0, 3.0)?;
        assert_eq!(
            point.call_to_record(&mut h.store, q)?,
            Point3d {
                x: 1.0,
                y: 2.0,
                z: 3.0
            }
        );
        assert_eq!(
            (
                point.call_x(&mut h.store, q)?,
                point.call_y(&mut h.store, q)?,
                point.call_z(&mut h.store, q)?
            ),
            (1.0, 2.0, 3.0)
        );
        point_pool.call_put(&mut h.store, pp, q)?;
        point_pool.call_size(&mut h.store, pp)?;
        made.push(point.call_constructor(&mut h.store, 1.0, 1.0, 1.0)?);
        let path = [
            Point3d {
                x: 0.0,
                y: 0.0,
                z: 0.0,
            },
            Point3d {
                x: 0.0,
                y: 3.0,
                z: 4.0,
            },
        ];
        assert_eq!(pools.call_path_length(&mut h.store, &path)?, 5.0);
        assert_eq!(
            pools.call_path_length_xyz(&mut h.store, &[0.0, 0.0, 0.0, 0.0, 3.0, 4.0])?,
            Ok(5.0)
        );
        // An error whose text is formatted while memory is full.
        assert!(matches!(
            pools.call_path_length_xyz(&mut h.store, &[1.0])?,
            Err(Error::Invalid(_))
        ));
        Ok(())
    });
    for handle in made.into_iter().chain([p, pp, a]) {
        h.store.drop_resource(handle);
    }
    Ok(())
}

#[test]
fn people_with_memory_full() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(CAP);
    let api = h.api.clone();
    let people = api.memkit_core_people();
    let ada = Person {
        name: "Ada".into(),
        age: 36,
        email: "ada@example.com".into(),
    };
    let empty = Person {
        name: String::new(),
        age: 0,
        email: String::new(),
    };
    let company = Company {
        name: "Analytical".into(),
        founded_year: 1843,
        employees: vec![ada.clone(), empty.clone()],
    };
    squeezed(&mut h, |h| {
        for person in [&ada, &empty] {
            if let Some(json) = value_or_oom(people.call_person_to_json(&mut h.store, person)?) {
                assert!(json.starts_with("{\"name\":"));
            }
        }
        value_or_oom(people.call_company_to_json(&mut h.store, &company)?);
        match people.call_person_from_json(&mut h.store, "")? {
            Err(JsonError::Invalid(error)) => assert_eq!((error.line, error.column), (1, 0)),
            other => panic!("{other:?}"),
        }
        match people.call_person_from_json(&mut h.store, r#"{"name":"A","age":1,"email":"e"}"#)? {
            Ok(person) => assert_eq!(person.name, "A"),
            Err(error) => assert!(matches!(error, JsonError::OutOfMemory(_)), "{error:?}"),
        }
        let json =
            r#"{"name":"C","employees":[{"name":"A","age":1,"email":"e"}],"founded_year":1}"#;
        match people.call_company_from_json(&mut h.store, json)? {
            Ok(c) => assert_eq!(c.employees.len(), 1),
            Err(error) => assert!(matches!(error, JsonError::OutOfMemory(_)), "{error:?}"),
        }
        Ok(())
    });
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
fn json_past_the_cap_is_out_of_memory() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(CAP);
    let api = h.api.clone();
    let people = api.memkit_core_people();
    // The name fits as an argument, but not twice: the document cannot be written.
    let huge = Person {
        name: "n".repeat(9 * MIB),
        age: 1,
        email: String::new(),
    };
    assert!(matches!(
        people.call_person_to_json(&mut h.store, &huge)?,
        Err(Error::OutOfMemory(_))
    ));
    let company = Company {
        name: "c".repeat(9 * MIB),
        founded_year: 1,
        employees: vec![],
    };
    assert!(matches!(
        people.call_company_to_json(&mut h.store, &company)?,
        Err(Error::OutOfMemory(_))
    ));
    // An 8 MiB document whose name cannot be copied out of it: the copy is what failed.
    let document = format!(r#"{{"name":"{}","age":1,"email":""}}"#, "n".repeat(8 * MIB));
    assert_eq!(
        people.call_person_from_json(&mut h.store, &document)?,
        Err(JsonError::OutOfMemory(8 * MIB as u32))
    );
    // The same with escapes: the room for serde_json's scratch buffer (twice the document),
    // made before parsing, is what failed.
    let escaped = format!(
        r#"{{"name":"{}","age":1,"email":""}}"#,
        "\\n".repeat(4 * MIB)
    );
    assert_eq!(
        people.call_person_from_json(&mut h.store, &escaped)?,
        Err(JsonError::OutOfMemory(2 * escaped.len() as u32))
    );
    // 200 000 empty employees: 6.2 MB of JSON, more than 5 MB of people twice over.
    let employee = r#"{"name":"","age":0,"email":""},"#;
    let mut document = String::from(r#"{"name":"C","founded_year":1,"employees":["#);
    document.push_str(&employee.repeat(200_000));
    document.pop();
    document.push_str("]}");
    match people.call_company_from_json(&mut h.store, &document)? {
        Ok(c) => assert_eq!(c.employees.len(), 200_000),
        Err(error) => assert!(matches!(error, JsonError::OutOfMemory(_)), "{error:?}"),
    }
    assert_still_answers(&mut h);
    // Below the cap the same calls succeed.
    let ada = Person {
        name: "n".repeat(MIB),
        age: 1,
        email: "e".into(),
    };
    let json = people.call_person_to_json(&mut h.store, &ada)??;
    assert_eq!(
        people.call_person_from_json(&mut h.store, &json)?.unwrap(),
        ada
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

/// Each case: `call` under a fresh instance with the 16 MiB cap, and whether its argument fits.
/// One that fits is answered; one that does not is refused at lowering (the host's error
/// names `realloc`), before memkit runs, never a trap in memkit.
fn near_the_cap<T: std::fmt::Debug>(
    cases: &[(u32, bool)],
    mut call: impl FnMut(&mut Host, u32) -> wasmtime::Result<T>,
    check: impl Fn(u32, T),
) {
    for &(count, fits) in cases {
        let mut h = Host::with_memory_limit(CAP);
        match call(&mut h, count) {
            Ok(answer) => {
                assert!(fits, "{count} fit");
                check(count, answer);
                assert_still_answers(&mut h);
            }
            Err(error) => {
                assert!(!fits, "{count}: {error:?}");
                assert!(format!("{error:?}").contains("realloc"), "{error:?}");
                h.store.assert_poisoned();
            }
        }
    }
}

/// `point3d` is three f64, so the bindings adopt a `list<point3d>` in place: it needs only its
/// own room. 400 000 points (9.6 MB) fit under the cap, 700 000 (16.8 MB) cannot.
#[test]
fn points_past_the_cap_are_refused_at_lowering() {
    let cases = [(700_000, false), (400_000, true), (100_000, true)];
    let call = |h: &mut Host, points: u32| {
        let path: Vec<Point3d> = (0..points)
            .map(|i| Point3d {
                x: f64::from(i),
                y: 0.0,
                z: 0.0,
            })
            .collect();
        let pools = h.api.clone();
        pools
            .memkit_core_pools()
            .call_path_length(&mut h.store, &path)
    };
    near_the_cap(&cases, call, |points, length| {
        assert_eq!(length, f64::from(points - 1))
    });
}

/// A `list<f64>` is adopted, not copied, so it needs only its own size free; past the cap the
/// lowering fails, before memkit runs.
#[test]
fn coordinates_past_the_cap_are_refused_at_lowering() {
    let call = |h: &mut Host, points: u32| {
        let coords: Vec<f64> = (0..points).flat_map(|i| [f64::from(i), 0.0, 0.0]).collect();
        let pools = h.api.clone();
        let length = pools
            .memkit_core_pools()
            .call_path_length_xyz(&mut h.store, &coords)?;
        Ok(length.expect("whole points are valid"))
    };
    near_the_cap(
        &[(1_000_000, false), (100_000, true)],
        call,
        |points, length| assert_eq!(length, f64::from(points - 1)),
    );
}

/// The bindings copy `company.employees` into a vector of Rust persons (28 bytes each against
/// the 20 the host places), with an allocation that cannot fail gracefully; memkit's
/// `cabi_realloc` places the list only with room held for that copy. 400 000 persons need
/// 8 MB + 11.2 MB and are refused at lowering, where without the hold the copy would trap;
/// 100 000 are answered.
#[test]
fn employees_whose_copy_cannot_fit_are_refused_at_lowering() {
    let call = |h: &mut Host, count: u32| {
        let company = Company {
            name: "Many".into(),
            founded_year: 2026,
            employees: vec![
                Person {
                    name: String::new(),
                    age: 1,
                    email: String::new(),
                };
                count as usize
            ],
        };
        let people = h.api.clone();
        people
            .memkit_core_people()
            .call_company_to_json(&mut h.store, &company)
    };
    near_the_cap(&[(400_000, false), (100_000, true)], call, |_, json| {
        let json = json.expect("the JSON fits");
        assert!(json.ends_with(r#"{"name":"","age":1,"email":""}],"founded_year":2026}"#));
    });
}

/// A list of numbers that fits is accepted however large: 32 MiB of f32 under a 64 MiB cap
/// (before issue 17, every list of 4-byte elements over 4 KiB needed 1.5 times its size free
/// besides itself, in case the bindings copied it, and this one was refused).
#[test]
fn a_float_list_of_half_the_cap_is_accepted() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(64 * MIB);
    let floats = h.api.memkit_core_floats().float_buffer();
    let values = vec![0.5f32; 8 * MIB];
    let buffer = floats
        .call_from_list(&mut h.store, &values)?
        .owned(&h.store);
    assert_eq!(floats.call_len(&mut h.store, *buffer)?, 8 * MIB as u32);
    assert_eq!(floats.call_sum(&mut h.store, *buffer)?, 4.0 * MIB as f64);
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
