use host_test::{Error, Host, LimitExceeded, OutOfBounds, Own, MIB};

fn oob(offset: u32, len: u32, size: u32) -> Error {
    Error::OutOfBounds(OutOfBounds { offset, len, size })
}

#[test]
fn from_list_round_trips_a_mebibyte() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let data: Vec<u8> = (0..MIB).map(|i| (i * 31 % 251) as u8).collect();
    let b = bytes.call_from_list(&mut h.store, &data)?.owned(&h.store);
    assert_eq!(bytes.call_len(&mut h.store, *b)?, MIB as u32);
    assert_eq!(bytes.call_to_list(&mut h.store, *b)??, data);
    Ok(())
}

#[test]
fn constructor_reserves_capacity_without_length() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let b = bytes.call_constructor(&mut h.store, 1000)?.owned(&h.store);
    assert_eq!(bytes.call_len(&mut h.store, *b)?, 0);
    assert!(bytes.call_capacity(&mut h.store, *b)? >= 1000);
    Ok(())
}

#[test]
fn every_method_on_a_small_buffer() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let b = bytes.call_constructor(&mut h.store, 0)?.owned(&h.store);
    bytes.call_append(&mut h.store, *b, b"hello world")??;
    assert_eq!(bytes.call_read(&mut h.store, *b, 6, 5)??, b"world");
    bytes.call_write_at(&mut h.store, *b, 6, b"WASM!!")??;
    assert_eq!(bytes.call_to_list(&mut h.store, *b)??, b"hello WASM!!");
    bytes.call_fill(&mut h.store, *b, 0, 5, b'*')??;
    bytes.call_copy_within(&mut h.store, *b, 6, 0, 4)??;
    assert_eq!(bytes.call_to_list(&mut h.store, *b)??, b"WASM* WASM!!");
    bytes.call_truncate(&mut h.store, *b, 4)?;
    assert_eq!(bytes.call_to_list(&mut h.store, *b)??, b"WASM");
    bytes.call_reserve(&mut h.store, *b, 4096)??;
    assert!(bytes.call_capacity(&mut h.store, *b)? >= 4100);
    bytes.call_clear(&mut h.store, *b)?;
    assert_eq!(bytes.call_len(&mut h.store, *b)?, 0);
    Ok(())
}

#[test]
fn read_past_end_is_out_of_bounds() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let b = bytes.call_from_list(&mut h.store, b"abc")?.owned(&h.store);
    assert_eq!(bytes.call_read(&mut h.store, *b, 2, 2)?, Err(oob(2, 2, 3)));
    assert_eq!(bytes.call_read(&mut h.store, *b, 4, 0)?, Err(oob(4, 0, 3)));
    assert_eq!(bytes.call_read(&mut h.store, *b, 3, 0)??, b"");
    Ok(())
}

#[test]
fn ranges_that_overflow_u32_are_out_of_bounds() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let b = bytes
        .call_from_list(&mut h.store, b"abcdef")?
        .owned(&h.store);
    let max = u32::MAX;
    assert_eq!(
        bytes.call_read(&mut h.store, *b, max, 2)?,
        Err(oob(max, 2, 6))
    );
    assert_eq!(
        bytes.call_read(&mut h.store, *b, 2, max)?,
        Err(oob(2, max, 6))
    );
    assert_eq!(
        bytes.call_fill(&mut h.store, *b, max, max, 0)?,
        Err(oob(max, max, 6))
    );
    assert_eq!(
        bytes.call_copy_within(&mut h.store, *b, 1, max, 2)?,
        Err(oob(max, 2, 6))
    );
    assert_eq!(
        bytes.call_copy_within(&mut h.store, *b, max, 0, 2)?,
        Err(oob(max, 2, 6))
    );
    assert_eq!(
        bytes.call_write_at(&mut h.store, *b, max, b"x")?,
        Err(oob(max, 1, 6))
    );
    assert_eq!(
        bytes.call_to_list(&mut h.store, *b)??,
        b"abcdef",
        "failed calls change nothing"
    );
    Ok(())
}

#[test]
fn write_at_past_len_is_out_of_bounds() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let b = bytes.call_from_list(&mut h.store, b"ab")?.owned(&h.store);
    assert_eq!(
        bytes.call_write_at(&mut h.store, *b, 3, b"x")?,
        Err(oob(3, 1, 2))
    );
    bytes.call_write_at(&mut h.store, *b, 2, b"c")??;
    assert_eq!(bytes.call_to_list(&mut h.store, *b)??, b"abc");
    Ok(())
}

#[test]
fn empty_buffer_answers_every_call() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let b = bytes.call_from_list(&mut h.store, &[])?.owned(&h.store);
    assert_eq!(bytes.call_len(&mut h.store, *b)?, 0);
    assert_eq!(bytes.call_to_list(&mut h.store, *b)??, b"");
    assert_eq!(bytes.call_read(&mut h.store, *b, 0, 0)??, b"");
    assert_eq!(bytes.call_read(&mut h.store, *b, 0, 1)?, Err(oob(0, 1, 0)));
    bytes.call_fill(&mut h.store, *b, 0, 0, 9)??;
    assert_eq!(
        bytes.call_fill(&mut h.store, *b, 0, 1, 9)?,
        Err(oob(0, 1, 0))
    );
    bytes.call_copy_within(&mut h.store, *b, 0, 0, 0)??;
    bytes.call_truncate(&mut h.store, *b, 0)?;
    bytes.call_truncate(&mut h.store, *b, u32::MAX)?;
    bytes.call_clear(&mut h.store, *b)?;
    bytes.call_append(&mut h.store, *b, &[])??;
    Ok(())
}

#[test]
fn reserve_past_u32_is_too_large() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let b = bytes.call_from_list(&mut h.store, b"abc")?.owned(&h.store);
    assert_eq!(
        bytes.call_reserve(&mut h.store, *b, u32::MAX)?,
        Err(Error::TooLarge(LimitExceeded {
            requested: u32::MAX,
            limit: u32::MAX - 3
        }))
    );
    Ok(())
}

#[test]
fn capped_store_refuses_100_mib_with_out_of_memory_then_keeps_answering() -> wasmtime::Result<()> {
    let mut h = Host::with_memory_limit(16 * MIB);
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let b = bytes
        .call_from_list(&mut h.store, b"still here")?
        .owned(&h.store);
    let hundred_mib = 100 * MIB as u32;
    assert_eq!(
        bytes.call_reserve(&mut h.store, *b, hundred_mib)?,
        Err(Error::OutOfMemory(hundred_mib))
    );
    // The constructor's capacity is a hint: it never traps, it gives what it can.
    let big = bytes
        .call_constructor(&mut h.store, hundred_mib)?
        .owned(&h.store);
    assert_eq!(bytes.call_capacity(&mut h.store, *big)?, 0);
    drop(big);
    // The same instance keeps answering, and still grows within its cap.
    assert_eq!(bytes.call_to_list(&mut h.store, *b)??, b"still here");
    bytes.call_append(&mut h.store, *b, &vec![1; 4 * MIB])??;
    assert_eq!(bytes.call_len(&mut h.store, *b)?, 4 * MIB as u32 + 10);
    assert!(h.store.memory_info().total_bytes <= 16 * MIB as u64);
    Ok(())
}

#[test]
fn take_moves_the_bytes_out_and_consumes_the_handle() -> wasmtime::Result<()> {
    let mut h = Host::new();
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let data: Vec<u8> = (0..MIB).map(|i| (i * 7 % 253) as u8).collect();
    let before = h.store.memory_info();
    let b = bytes.call_from_list(&mut h.store, &data)?;
    assert_eq!(bytes.call_take(&mut h.store, b)?, data);
    let after = h.store.memory_info();
    assert_eq!(
        (after.used_bytes, after.live_allocations),
        (before.used_bytes, before.live_allocations),
        "the handle and its bytes are gone"
    );
    let empty = bytes.call_constructor(&mut h.store, 64)?;
    assert_eq!(bytes.call_take(&mut h.store, empty)?, b"");
    // Last, as wasmtime poisons the store after this failed call (see lowering.rs).
    assert!(
        bytes.call_len(&mut h.store, b).is_err(),
        "a taken handle is no longer valid"
    );
    h.store.assert_poisoned();
    Ok(())
}
