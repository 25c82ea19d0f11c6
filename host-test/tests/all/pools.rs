use host_test::{Error, Host, LimitExceeded, Own};

#[test]
fn acquire_release_reuses_and_counts() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let pool = h.api.memkit_core_pools().buffer_pool();
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let p = pool.call_constructor(&mut h.store)?.owned(&h.store);
    let b = pool.call_acquire(&mut h.store, *p, 100)??;
    assert_eq!(bytes.call_len(&mut h.store, b)?, 0);
    assert_eq!(bytes.call_capacity(&mut h.store, b)?, 256);
    // A pooled buffer is an ordinary byte-buffer between acquire and release.
    bytes.call_append(&mut h.store, b, b"pooled bytes")??;
    bytes.call_write_at(&mut h.store, b, 0, b"POOLED")??;
    assert_eq!(bytes.call_read(&mut h.store, b, 0, 12)??, b"POOLED bytes");
    pool.call_release(&mut h.store, *p, b)?;
    let again = pool.call_acquire(&mut h.store, *p, 200)??.owned(&h.store);
    assert_eq!(
        bytes.call_len(&mut h.store, *again)?,
        0,
        "released buffers come back cleared"
    );
    let stats = pool.call_stats(&mut h.store, *p)?;
    assert_eq!(stats.classes, vec![64, 256, 1024, 4096, 16384, 65536]);
    assert_eq!(
        (stats.hits, stats.misses, stats.released, stats.discarded),
        (1, 1, 1, 0)
    );
    Ok(())
}

#[test]
fn ten_thousand_cycles_miss_only_for_buffers_live_at_once() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let pool = h.api.memkit_core_pools().buffer_pool();
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let p = pool.call_constructor(&mut h.store)?.owned(&h.store);
    const LIVE: usize = 3;
    for round in 0..10_000 / LIVE {
        let held: Vec<_> = (0..LIVE)
            .map(|i| pool.call_acquire(&mut h.store, *p, 1000 + i as u32))
            .collect::<wasmtime::Result<Result<_, _>>>()??;
        for &b in &held {
            bytes.call_append(&mut h.store, b, &[round as u8; 500])??;
        }
        for b in held {
            pool.call_release(&mut h.store, *p, b)?;
        }
    }
    let stats = pool.call_stats(&mut h.store, *p)?;
    let cycles = (10_000 / LIVE * LIVE) as u64;
    assert_eq!(stats.misses, LIVE as u64);
    assert_eq!(stats.hits, cycles - LIVE as u64);
    assert_eq!(stats.discarded, 0);
    assert_eq!(stats.free, vec![0, 0, 3, 0, 0, 0]);
    assert_eq!(stats.retained_bytes, 3 * 1024);
    Ok(())
}

#[test]
fn a_hundred_thousand_cycles_leak_nothing_beyond_retained_bytes() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let pool = h.api.memkit_core_pools().buffer_pool();
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let start = h.store.memory_info().used_bytes;
    let p = pool.call_constructor(&mut h.store)?.owned(&h.store);
    let with_empty_pool = h.store.memory_info().used_bytes;
    for i in 0..100_000u32 {
        let b = pool.call_acquire(&mut h.store, *p, i % 70_000)??;
        if i % 10 == 0 {
            bytes.call_append(&mut h.store, b, &[1; 300])??; // may outgrow its class: discarded
        }
        pool.call_release(&mut h.store, *p, b)?;
        let plain = bytes.call_constructor(&mut h.store, 64)?.owned(&h.store);
        drop(plain);
    }
    let stats = pool.call_stats(&mut h.store, *p)?;
    assert!(stats.hits > 90_000, "{stats:?}");
    assert_eq!(
        h.store.memory_info().used_bytes,
        with_empty_pool + stats.retained_bytes
    );
    drop(p);
    assert_eq!(h.store.memory_info().used_bytes, start);
    Ok(())
}

#[test]
fn released_buffers_that_fit_no_class_are_discarded() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let pool = h.api.memkit_core_pools().buffer_pool();
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let p = pool
        .call_with_classes(&mut h.store, &[16, 32], 1)??
        .owned(&h.store);
    let foreign = bytes.call_constructor(&mut h.store, 20)?;
    pool.call_release(&mut h.store, *p, foreign)?;
    let huge = pool.call_acquire(&mut h.store, *p, 1000)??;
    assert_eq!(bytes.call_capacity(&mut h.store, huge)?, 1000);
    pool.call_release(&mut h.store, *p, huge)?;
    let a = pool.call_acquire(&mut h.store, *p, 10)??;
    let b = pool.call_acquire(&mut h.store, *p, 10)??;
    pool.call_release(&mut h.store, *p, a)?;
    pool.call_release(&mut h.store, *p, b)?; // the 16-byte class is full (max 1)
    let stats = pool.call_stats(&mut h.store, *p)?;
    assert_eq!(
        (stats.released, stats.discarded, stats.retained_bytes),
        (4, 3, 16)
    );
    Ok(())
}

#[test]
fn with_classes_refuses_bad_input() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let pool = h.api.memkit_core_pools().buffer_pool();
    for classes in [&[][..], &[0, 64], &[64, 64], &[128, 64], &[u32::MAX]] {
        match pool.call_with_classes(&mut h.store, classes, 4)? {
            Err(Error::Invalid(_)) => {}
            other => panic!("{classes:?}: expected invalid, got {:?}", other.map(|_| ())),
        }
    }
    assert_eq!(
        pool.call_with_classes(&mut h.store, &[64], u32::MAX)?
            .map(|_| ()),
        Err(Error::TooLarge(LimitExceeded {
            requested: u32::MAX,
            limit: 4096
        }))
    );
    Ok(())
}

#[test]
fn acquire_of_u32_max_is_out_of_memory() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let pool = h.api.memkit_core_pools().buffer_pool();
    let p = pool.call_constructor(&mut h.store)?.owned(&h.store);
    assert_eq!(
        pool.call_acquire(&mut h.store, *p, u32::MAX)?.map(|_| ()),
        Err(Error::OutOfMemory(u32::MAX))
    );
    let _small = pool.call_acquire(&mut h.store, *p, 1)??.owned(&h.store);
    Ok(())
}

#[test]
fn with_classes_under_a_tight_memory_cap_is_out_of_memory_not_a_trap() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(2 * host_test::MIB);
    let pool = h.api.memkit_core_pools().buffer_pool();
    let classes: Vec<u32> = (1..=64).map(|i| i * 64).collect();
    // 64 free lists of 4096 entries: about 3 MiB of bookkeeping, more than the cap allows.
    match pool.call_with_classes(&mut h.store, &classes, 4096)? {
        Err(Error::OutOfMemory(_)) => {}
        other => panic!("expected out-of-memory, got {:?}", other.map(|_| ())),
    }
    let _small = pool
        .call_with_classes(&mut h.store, &classes, 4)??
        .owned(&h.store);
    Ok(())
}
