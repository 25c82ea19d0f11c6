//! What a host does when memkit cannot place an argument (its `cabi_realloc` answers with an
//! address where nothing fits), in both of wasmtime's modes. README's "When memory runs out"
//! quotes these results.

use host_test::exports::memkit::core::records::ChecksumKind;
use host_test::{Host, Own, MIB};

/// Concurrency support off (how `Host` runs by default): only the call fails. The same case
/// for a method is `bytes::list_larger_than_the_memory_cap_fails_the_call_not_the_instance`.
#[test]
fn without_concurrency_support_a_refused_argument_fails_only_its_call() -> wasmtime::Result<()> {
    let mut h = Host::with_options(16 * MIB, false);
    let text = h.api.memkit_core_text();
    let refused = text.call_swap_case(&mut h.store, &"a".repeat(20 * MIB));
    assert!(refused.unwrap_err().to_string().contains("realloc"));
    assert_eq!(text.call_swap_case(&mut h.store, "ok")?, "OK");
    Ok(())
}

/// Concurrency support on (wasmtime's default when built with component-model async, and
/// how wasmtime-py behaves): the failed lowering leaves the instance unusable. Nothing the
/// component does can prevent it; hosts in this mode should send large data in pieces.
#[test]
fn with_concurrency_support_a_refused_argument_leaves_the_instance_unusable() {
    let mut h = Host::with_options(16 * MIB, true);
    let text = h.api.memkit_core_text();
    assert_eq!(text.call_swap_case(&mut h.store, "ok").unwrap(), "OK");
    let refused = text.call_swap_case(&mut h.store, &"a".repeat(20 * MIB));
    assert!(refused.unwrap_err().to_string().contains("realloc"));
    let after = text.call_swap_case(&mut h.store, "ok").unwrap_err();
    assert!(
        format!("{after:?}").contains("cannot enter component instance"),
        "{after:?}"
    );
    h.store.skip_leak_check();
}

/// In either mode, small arguments (up to 4 KiB each) are placed from the reserve when the
/// heap is full, so their lowering does not fail and the instance stays usable.
#[test]
fn with_concurrency_support_small_arguments_with_memory_full_are_served() -> wasmtime::Result<()> {
    let mut h = Host::with_options(16 * MIB, true);
    let text = h.api.memkit_core_text();
    let record = h.api.memkit_core_records().binary_record();
    let r = record
        .call_constructor(&mut h.store, ChecksumKind::Crc32c)?
        .owned(&h.store);
    let squeezed = h.store.squeeze();
    for _ in 0..100 {
        assert_eq!(
            text.call_swap_case(&mut h.store, &"a".repeat(4096))?.len(),
            4096
        );
        record.call_set_header(&mut h.store, *r, &[7; 16])??;
        assert!(record.call_set_header(&mut h.store, *r, &[7; 15])?.is_err());
    }
    h.store.release(squeezed);
    assert_eq!(text.call_swap_case(&mut h.store, "ok")?, "OK");
    drop(r);
    Ok(())
}

/// An argument placed before a refused one is never freed: the component is not entered, so
/// it cannot see it. A leak of the host's lowering, shown here so the README can say so.
#[test]
fn arguments_placed_before_a_refused_one_stay_allocated() -> wasmtime::Result<()> {
    use host_test::exports::memkit::core::people::Person;
    let mut h = Host::with_options(16 * MIB, false);
    let before = h.store.memory_info().used_bytes;
    let person = Person {
        name: "abc".into(),
        age: 1,
        email: "e".repeat(20 * MIB),
    };
    let refused = h
        .api
        .memkit_core_people()
        .call_person_to_json(&mut h.store, &person);
    assert!(refused.unwrap_err().to_string().contains("realloc"));
    assert_eq!(
        h.store.memory_info().used_bytes,
        before + 3,
        "the name stays behind"
    );
    h.store.skip_leak_check();
    Ok(())
}
