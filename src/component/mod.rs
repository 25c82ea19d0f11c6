//! The WIT binding layer (wasm only): one file per WIT interface, each converting between the
//! generated types and the core module of the same name and delegating to it. No logic lives
//! here beyond conversion and the memory checks the bindings' own copies need.
//!
//! This file holds what every interface shares: the `generate!` call (of the `memkit` world, or
//! with the `memkit-async` feature of `memkit-async`), the canonical ABI's `cabi_realloc`, and
//! the [`Result`] alias. The resource representation [`Rep`], the error conversions and the
//! glue of `memory` are shared with the article's component (`memkit_alloc::glue`); the global
//! allocator and the out-of-memory policy are `memkit_alloc`'s.

use crate::alloc;
pub use memkit_alloc::glue::Rep;

mod bytes;
mod checksums;
mod chunks;
mod pools;
mod records;
#[cfg(feature = "memkit-async")]
mod streams;

// One crate, two worlds: the same glue serves both, since `memkit-async` includes `memkit`
// and the generated modules have the same paths.
#[cfg(not(feature = "memkit-async"))]
wit_bindgen::generate!({ path: "wit", world: "memkit" });
#[cfg(feature = "memkit-async")]
wit_bindgen::generate!({ path: "wit", world: "memkit-async" });

use exports::memkit::core::types;

struct Memkit;
export!(Memkit);

/// A WIT result whose error is `types.error` unless the interface names its own.
type Result<T, E = types::Error> = std::result::Result<T, E>;

/// The canonical ABI's allocator, which the host calls to place every list and string it
/// passes in. It replaces wit-bindgen's, which traps when the allocator fails and so would
/// poison the instance when a host sends a list larger than the memory it allows: this one
/// answers failure with an address where nothing fits, and the host's lowering fails for that
/// call instead (README, "When memory runs out", says what each host does then). The policy
/// is [`alloc::place_argument`]'s; this file adds only which lists the bindings copy: none,
/// since every list memkit:core takes is adopted in place (bytes, numbers, records of numbers).
///
/// # Safety
/// The canonical ABI contract of `cabi_realloc`: `old_ptr`/`old_len`/`align` describe an
/// allocation this function returned earlier (or `old_len` is 0), and `align` is a power of two.
#[no_mangle]
unsafe extern "C" fn cabi_realloc(
    old_ptr: *mut u8,
    old_len: usize,
    align: usize,
    new_len: usize,
) -> *mut u8 {
    unsafe { alloc::place_argument(alloc::allocator(), &[], old_ptr, old_len, align, new_len) }
}

memkit_alloc::shared_glue! {
    component: Memkit,
    types: exports::memkit::core::types,
    memory: exports::memkit::core::memory,
}
