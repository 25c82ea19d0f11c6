//! What a host does when memkit cannot place an argument (its `cabi_realloc` answers with an
//! address where nothing fits), in both of wasmtime's modes. README's "When memory runs out"
//! quotes these results.

use host_test::exports::memkit::core::checksums::Algorithm;
use host_test::exports::memkit::core::records::ChecksumKind;
use host_test::{Host, Own, MIB};

/// In either mode the call fails, and wasmtime 50 then poisons the store: `TypedFunc::call`
/// marks it trapped on any error, a failed lowering included, so every later call is refused.
/// (wasmtime 48 with concurrency support off failed only the call.) Nothing the component
/// does can prevent it: hosts should send large data in pieces, and treat a failed call as
/// the loss of the instance.
#[test]
fn a_refused_argument_fails_its_call_and_poisons_the_store() {
    for concurrency in [false, true] {
        let mut h = Host::with_options(16 * MIB, concurrency);
        let checksums = h.api.memkit_core_checksums();
        let crc = checksums
            .call_digest(&mut h.store, Algorithm::Crc32, b"ok")
            .unwrap();
        assert_eq!(crc.len(), 4);
        let refused = checksums.call_digest(&mut h.store, Algorithm::Crc32, &vec![b'a'; 20 * MIB]);
        assert!(refused.unwrap_err().to_string().contains("realloc"));
        h.store.assert_poisoned();
    }
}

/// In either mode, small arguments (up to 4 KiB each) are placed from the reserve when the
/// heap is full, so their lowering does not fail and the instance stays usable.
#[test]
fn with_concurrency_support_small_arguments_with_memory_full_are_served() -> wasmtime::Result<()> {
    let mut h = Host::with_options(16 * MIB, true);
    let checksums = h.api.memkit_core_checksums();
    let record = h.api.memkit_core_records().binary_record();
    let r = record
        .call_constructor(&mut h.store, ChecksumKind::Crc32c)?
        .owned(&h.store);
    let squeezed = h.store.squeeze();
    for _ in 0..100 {
        let digest = checksums.call_digest(&mut h.store, Algorithm::Sha256, &[b'a'; 4096])?;
        assert_eq!(digest.len(), 32);
        record.call_set_header(&mut h.store, *r, &[7; 16])??;
        assert!(record.call_set_header(&mut h.store, *r, &[7; 15])?.is_err());
    }
    h.store.release(squeezed);
    assert_eq!(
        checksums
            .call_digest(&mut h.store, Algorithm::Crc32, b"ok")?
            .len(),
        4
    );
    drop(r);
    Ok(())
}
