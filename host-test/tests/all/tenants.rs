//! Many tenants in one process (host_test::tenants): ten thousand live at once, and one
//! tenant's exhaustion, trap and runaway loop leaving another's upload intact.

use std::time::Instant;

use host_test::exports::memkit::core::checksums::Algorithm;
use host_test::tenants::{instantiation_time, Fleet, Tenants};
use host_test::{crc32c, Error, MIB};

#[test]
fn ten_thousand_tenants_live_at_once_and_each_answers() -> wasmtime::Result<()> {
    let tenants = Tenants::new(Fleet {
        tenants: 10_000,
        memory_per_tenant: 4 * MIB,
        fuel_per_call: 100_000_000,
        ..Fleet::default()
    })?;
    let started = Instant::now();
    let mut live = Vec::with_capacity(10_000);
    for _ in 0..10_000 {
        live.push(tenants.tenant()?);
    }
    let took = started.elapsed();
    for (i, tenant) in live.iter_mut().enumerate() {
        let checksums = tenant.checksums()?;
        let word = format!("Tenant{i}");
        assert_eq!(
            checksums.call_digest(&mut tenant.store, Algorithm::Crc32c, word.as_bytes())?,
            crc32c(word.as_bytes()).to_be_bytes()
        );
    }
    let pages = live[0].memory_info()?.pages;
    eprintln!(
        "10 000 tenants instantiated in {took:?} ({:?} each); linear memory of one: {pages} pages",
        took / 10_000
    );
    // A slot freed is reused.
    live.truncate(9_999);
    live.push(tenants.tenant()?);
    drop(live);
    eprintln!(
        "instantiation, median of 2000: {:?}",
        instantiation_time(&tenants, 2000)?
    );
    Ok(())
}

#[test]
fn a_tenant_that_exhausts_memory_traps_and_loops_leaves_another_upload_intact(
) -> wasmtime::Result<()> {
    let tenants = Tenants::new(Fleet {
        tenants: 4,
        memory_per_tenant: 16 * MIB,
        fuel_per_call: 2_000_000_000,
        ..Fleet::default()
    })?;
    let data: Vec<u8> = (0..4 * MIB as u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let half = data.len() / 2;

    // Tenant A is halfway through an upload.
    let mut a = tenants.tenant()?;
    let a_chunks = a.chunks()?;
    let chunks_a = a_chunks.chunk_assembler();
    let upload = chunks_a.call_create(&mut a.store, data.len() as u32, Some(crc32c(&data)))??;
    chunks_a.call_write_at(&mut a.store, upload, 0, &data[..half])??;

    // Tenant B exhausts its memory: typed errors, no trap.
    let mut b = tenants.tenant()?;
    let b_bytes = b.bytes()?;
    let bytes_b = b_bytes.byte_buffer();
    let mut refused = 0;
    for _ in 0..64 {
        // Each hoard is a new buffer (reserve counts from a buffer's length).
        let hoard = bytes_b.call_constructor(&mut b.store, 0)?;
        match bytes_b.call_reserve(&mut b.store, hoard, 4 * MIB as u32)? {
            Ok(()) => {}
            Err(Error::OutOfMemory(_)) => refused += 1,
            Err(other) => panic!("{other:?}"),
        }
    }
    assert!(refused > 0, "B never ran out of memory");
    // Then B spins: work without end, until its fuel runs out and wasmtime cuts it off.
    let b_checksums = b.checksums()?;
    let block = vec![0x5a; MIB];
    b.store.set_fuel(200_000_000)?;
    let cut_off = (0..10_000).find_map(|_| {
        b_checksums
            .call_digest(&mut b.store, Algorithm::Sha256, &block)
            .err()
    });
    let cut_off = cut_off.expect("fuel ends B's loop");
    assert!(
        format!("{cut_off:?}").contains("fuel"),
        "B was stopped by its fuel: {cut_off:?}"
    );
    // B is gone for good; A is untouched and finishes with the right CRC-32C.
    assert!(b
        .checksums()
        .and_then(|checksums| checksums.call_digest(&mut b.store, Algorithm::Crc32, b"b"))
        .is_err());
    a.store.set_fuel(2_000_000_000)?;
    chunks_a.call_write_at(&mut a.store, upload, half as u32, &data[half..])??;
    let buffer = chunks_a.call_finish(&mut a.store, upload)??;
    let a_bytes = a.bytes()?;
    let bytes_a = a_bytes.byte_buffer();
    assert_eq!(
        crc32c(&bytes_a.call_to_list(&mut a.store, buffer)??),
        crc32c(&data)
    );
    buffer.resource_drop(&mut a.store)?;
    upload.resource_drop(&mut a.store)?;
    Ok(())
}
