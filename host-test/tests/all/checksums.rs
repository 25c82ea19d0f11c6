//! `checksums` through wasmtime: published vectors, pieces against one shot, combine, a saved
//! state restored in another instance, and parts checked on arrival by a chunk assembler.

use host_test::exports::memkit::core::checksums::{Algorithm, ExpectedDigest};
use host_test::ALGORITHMS as ALL;
use host_test::{crc32c, Error, Host, Own};

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The check values of "123456789" (CRC catalogue), "abc" for SHA-256 (FIPS 180-4) and
/// "message digest" for MD5 (RFC 1321).
#[test]
fn digests_give_the_published_values() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let checksums = h.api.memkit_core_checksums();
    let cases: [(Algorithm, &[u8], &str); 5] = [
        (Algorithm::Crc32, b"123456789", "cbf43926"),
        (Algorithm::Crc32c, b"123456789", "e3069283"),
        (Algorithm::Crc64Nvme, b"123456789", "ae8b14860a799888"),
        (
            Algorithm::Sha256,
            b"abc",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
        (
            Algorithm::Md5,
            b"message digest",
            "f96b697d7cb7938d525a2f31aaf161d0",
        ),
    ];
    for (algorithm, data, expected) in cases {
        assert_eq!(
            hex(&checksums.call_digest(&mut h.store, algorithm, data)?),
            expected
        );
    }
    Ok(())
}

#[test]
fn a_hasher_fed_in_pieces_agrees_with_one_call() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let api = h.api.clone();
    let checksums = api.memkit_core_checksums();
    let hasher = checksums.hasher();
    let data: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 253) as u8).collect();
    for algorithm in ALL {
        let hr = hasher
            .call_constructor(&mut h.store, algorithm)?
            .owned(&h.store);
        for piece in data.chunks(65_537) {
            hasher.call_update(&mut h.store, *hr, piece)?;
        }
        assert_eq!(
            hasher.call_bytes_hashed(&mut h.store, *hr)?,
            data.len() as u64
        );
        let whole = checksums.call_digest(&mut h.store, algorithm, &data)?;
        assert_eq!(hasher.call_digest(&mut h.store, *hr)?, whole);
        // `digest` does not end the hashing.
        hasher.call_update(&mut h.store, *hr, b"")?;
        assert_eq!(hasher.call_digest(&mut h.store, *hr)?, whole);
        hasher.call_reset(&mut h.store, *hr)?;
        assert_eq!(hasher.call_bytes_hashed(&mut h.store, *hr)?, 0);
        assert_eq!(
            hasher.call_digest(&mut h.store, *hr)?,
            checksums.call_digest(&mut h.store, algorithm, b"")?
        );
    }
    Ok(())
}

/// The full-object CRC of a multipart upload from its parts' CRCs, as S3 computes it.
#[test]
fn combined_part_crcs_are_the_crc_of_the_whole() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let checksums = h.api.memkit_core_checksums();
    let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    for algorithm in [Algorithm::Crc32, Algorithm::Crc32c, Algorithm::Crc64Nvme] {
        let mut combined = checksums.call_digest(&mut h.store, algorithm, b"")?;
        for part in data.chunks(30_001) {
            let crc = checksums.call_digest(&mut h.store, algorithm, part)?;
            combined = checksums
                .call_combine(&mut h.store, algorithm, &combined, &crc, part.len() as u64)?
                .expect("CRCs combine");
        }
        assert_eq!(
            combined,
            checksums.call_digest(&mut h.store, algorithm, &data)?
        );
    }
    let sha = checksums.call_digest(&mut h.store, Algorithm::Sha256, b"x")?;
    let refused = checksums.call_combine(&mut h.store, Algorithm::Sha256, &sha, &sha, 1)?;
    assert!(matches!(refused, Err(Error::Invalid(_))), "{refused:?}");
    Ok(())
}

/// An upload paused in one instance (a page before a reload) resumes in another.
#[test]
fn a_saved_state_resumes_in_another_instance() -> wasmtime::Result<()> {
    let data: Vec<u8> = (0..10_000u32).map(|i| (i % 239) as u8).collect();
    for algorithm in ALL {
        let state = {
            let mut first = Host::new();
            let hasher = first.api.memkit_core_checksums().hasher();
            let hr = hasher
                .call_constructor(&mut first.store, algorithm)?
                .owned(&first.store);
            hasher.call_update(&mut first.store, *hr, &data[..4321])?;
            hasher.call_save(&mut first.store, *hr)?
        };
        let mut second = Host::new();
        let checksums = second.api.memkit_core_checksums();
        let hasher = checksums.hasher();
        let hr = hasher
            .call_restore(&mut second.store, &state)??
            .owned(&second.store);
        assert_eq!(hasher.call_bytes_hashed(&mut second.store, *hr)?, 4321);
        hasher.call_update(&mut second.store, *hr, &data[4321..])?;
        assert_eq!(
            hasher.call_digest(&mut second.store, *hr)?,
            checksums.call_digest(&mut second.store, algorithm, &data)?
        );
        let mut altered = state.clone();
        altered[12] ^= 0x40;
        let refused = hasher.call_restore(&mut second.store, &altered)?;
        assert!(matches!(refused, Err(Error::Invalid(_))), "{altered:?}");
    }
    Ok(())
}

#[test]
fn parts_are_checked_on_arrival_and_the_whole_at_finish() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let api = h.api.clone();
    let checksums = api.memkit_core_checksums();
    let chunks = api.memkit_core_chunks().chunk_assembler();
    let data: Vec<u8> = (0..50_000u32).map(|i| (i % 233) as u8).collect();
    for algorithm in ALL {
        let expected = |h: &mut Host, bytes: &[u8]| -> wasmtime::Result<ExpectedDigest> {
            Ok(ExpectedDigest {
                algorithm,
                digest: checksums.call_digest(&mut h.store, algorithm, bytes)?,
            })
        };
        let whole = expected(&mut h, &data)?;
        let a = chunks
            .call_create_checked(&mut h.store, data.len() as u32, &whole)??
            .owned(&h.store);
        // The parts in reverse order, each with its digest.
        for start in (0..data.len()).step_by(8192).rev() {
            let part = &data[start..(start + 8192).min(data.len())];
            let digest = expected(&mut h, part)?;
            chunks.call_write_at_checked(&mut h.store, *a, start as u32, part, &digest)??;
        }
        let buffer = chunks.call_finish(&mut h.store, *a)??.owned(&h.store);
        drop(buffer);
    }
    // A damaged part is refused with both digests, and changes nothing.
    let a = chunks
        .call_create(&mut h.store, 9, Some(crc32c(b"123456789")))??
        .owned(&h.store);
    let claimed = ExpectedDigest {
        algorithm: Algorithm::Crc32c,
        digest: crc32c(b"1234").to_be_bytes().to_vec(),
    };
    let refused = chunks.call_write_at_checked(&mut h.store, *a, 0, b"1235", &claimed)?;
    assert_eq!(
        refused,
        Err(Error::Invalid(format!(
            "part at offset 0: crc32c mismatch: expected 0x{:08x}, computed 0x{:08x}",
            crc32c(b"1234"),
            crc32c(b"1235")
        )))
    );
    assert_eq!(chunks.call_received(&mut h.store, *a)?, 0);
    Ok(())
}
