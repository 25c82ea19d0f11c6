//! The WIT binding layer (wasm only): one file per WIT interface, each converting between the
//! generated types and the core module of the same name and delegating to it.
//!
//! This file holds what every interface shares: the `generate!` call of the `article` world,
//! the canonical ABI's `cabi_realloc` and the [`Result`] alias. The resource representation
//! [`Rep`], the error conversions and the glue of `memkit:core/memory` are shared with memkit's
//! component (`memkit_alloc::glue`).

use crate::alloc;
pub use memkit_alloc::glue::Rep;

mod floats;
mod people;
mod points;
mod text;

// `wit/deps/core` is the repository's `wit/`: this world exports memkit:core's `types` and
// `memory` beside its own interfaces.
wit_bindgen::generate!({ path: "wit", world: "memkit:article/article" });

use exports::memkit::core::types;

struct Article;
export!(Article);

/// A WIT result whose error is `types.error` unless the interface names its own.
type Result<T, E = types::Error> = std::result::Result<T, E>;

/// The canonical ABI's allocator, which the host calls to place every list and string it
/// passes in: memkit's policy ([`alloc::place_argument`]; see memkit's `cabi_realloc` for why
/// it replaces wit-bindgen's), told of the one list this component copies before it runs,
/// `company.employees` ([`people::COPIED_PERSONS`]), so that room for the copy is held first.
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
    let copied = [people::COPIED_PERSONS];
    unsafe {
        alloc::place_argument(
            alloc::allocator(),
            &copied,
            old_ptr,
            old_len,
            align,
            new_len,
        )
    }
}

memkit_alloc::shared_glue! {
    component: Article,
    types: exports::memkit::core::types,
    memory: exports::memkit::core::memory,
}
