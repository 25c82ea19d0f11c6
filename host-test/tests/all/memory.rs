use host_test::{Host, Own, MIB};

#[test]
fn info_reports_pages_and_counted_bytes() {
    let mut h = Host::new();
    let info = h.store.memory_info();
    assert!(info.pages > 0);
    assert_eq!(info.total_bytes, u64::from(info.pages) * 65536);
    assert_eq!(
        info.free_bytes,
        info.total_bytes - info.used_bytes - info.reserve_bytes
    );
    assert!(info.peak_used_bytes >= info.used_bytes);
}

#[test]
fn used_bytes_follow_a_buffer_and_return_after_drop() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let before = h.store.memory_info();
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let buffer = bytes
        .call_constructor(&mut h.store, MIB as u32)?
        .owned(&h.store);
    let during = h.store.memory_info();
    assert!(during.used_bytes >= before.used_bytes + MIB as u64);
    assert_eq!(during.live_allocations, before.live_allocations + 2); // the Box and its Vec
    drop(buffer);
    let after = h.store.memory_info();
    assert_eq!(after.used_bytes, before.used_bytes);
    assert!(after.peak_used_bytes >= during.used_bytes);
    Ok(())
}

#[test]
fn ten_thousand_create_fill_drop_cycles_leak_nothing() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let start = h.store.memory_info().used_bytes;
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let article_start = h.store.article_memory_info().used_bytes;
    let floats = h.article.memkit_article_floats().float_buffer();
    for i in 0..10_000u32 {
        let b = bytes
            .call_from_list(&mut h.store, &[7; 100])?
            .owned(&h.store);
        bytes.call_append(&mut h.store, *b, &[1; 300])??;
        bytes.call_fill(&mut h.store, *b, 0, 400, i as u8)??;
        drop(b);
        let f = floats.call_constructor(&mut h.store, 64)?.owned(&h.store);
        floats.call_append(&mut h.store, *f, &[1.0; 64])??;
        drop(f);
    }
    assert_eq!(h.store.memory_info().used_bytes, start);
    assert_eq!(h.store.article_memory_info().used_bytes, article_start);
    Ok(())
}

#[test]
fn squeezing_fills_the_heap_and_leaves_the_reserve_intact() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(16 * MIB);
    let squeezed = h.store.squeeze();
    let info = h.store.memory_info();
    assert_eq!(
        info.reserve_bytes, 65536,
        "caller-sized requests never draw it"
    );
    assert!(
        info.pages >= 255,
        "memory grew to the cap: {} pages",
        info.pages
    );
    // Not one more caller-sized byte fits.
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let b = bytes.call_constructor(&mut h.store, 0)?.owned(&h.store);
    assert_eq!(
        bytes.call_reserve(&mut h.store, *b, 1)?,
        Err(host_test::Error::OutOfMemory(1))
    );
    drop(b);
    h.store.release(squeezed);
    assert_eq!(h.store.memory_info().reserve_bytes, 65536);
    Ok(())
}
