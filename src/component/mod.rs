//! The WIT binding layer (wasm only): one file per WIT interface, each converting between the
//! generated types and the core module of the same name and delegating to it. No logic lives
//! here beyond conversion and the memory checks the bindings' own copies need.
//!
//! This file holds what every interface shares: the `generate!` call (of the `memkit` world, or
//! with the `memkit-async` feature of `memkit-async`), the canonical ABI's
//! `cabi_realloc`, the resource representation [`Rep`], the [`Result`] alias and the error
//! conversions. The global allocator and the out-of-memory policy are `crate::alloc`'s.

use std::cell::{Ref, RefCell, RefMut};

use crate::alloc;

mod bytes;
mod checksums;
mod chunks;
mod floats;
mod memory;
mod people;
mod pools;
mod records;
#[cfg(feature = "memkit-async")]
mod streams;
mod text;

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

/// The representation of every resource: its core value in a `RefCell`, because wit-bindgen
/// hands methods `&self`. The component is single-threaded and no method re-enters another,
/// so no borrow can clash (two shared borrows, as in `dot` of a buffer with itself, are fine).
pub struct Rep<T>(RefCell<T>);

impl<T> Rep<T> {
    fn new(value: T) -> Self {
        Self(RefCell::new(value))
    }

    fn get(&self) -> Ref<'_, T> {
        self.0.borrow()
    }

    fn get_mut(&self) -> RefMut<'_, T> {
        self.0.borrow_mut()
    }

    fn into_inner(self) -> T {
        self.0.into_inner()
    }
}

/// The canonical ABI's allocator, which the host calls to place every list and string it
/// passes in. It replaces wit-bindgen's, which traps when the allocator fails and so would
/// poison the instance when a host sends a list larger than the memory it allows: this one
/// answers failure with an address where nothing fits, and the host's lowering fails for that
/// call instead (README, "When memory runs out", says what each host does then). The policy
/// is [`alloc::place_argument`]'s; this file adds only which lists the bindings copy.
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

impl From<crate::Error> for types::Error {
    fn from(error: crate::Error) -> Self {
        match error {
            crate::Error::OutOfBounds { offset, len, size } => {
                types::Error::OutOfBounds(types::OutOfBounds { offset, len, size })
            }
            crate::Error::TooLarge { requested, limit } => {
                types::Error::TooLarge(types::LimitExceeded { requested, limit })
            }
            crate::Error::OutOfMemory(bytes) => types::Error::OutOfMemory(bytes),
            crate::Error::Invalid(why) => types::Error::Invalid(why),
        }
    }
}

impl From<types::Error> for crate::Error {
    fn from(error: types::Error) -> Self {
        match error {
            types::Error::OutOfBounds(types::OutOfBounds { offset, len, size }) => {
                crate::Error::OutOfBounds { offset, len, size }
            }
            types::Error::TooLarge(types::LimitExceeded { requested, limit }) => {
                crate::Error::TooLarge { requested, limit }
            }
            types::Error::OutOfMemory(bytes) => crate::Error::OutOfMemory(bytes),
            types::Error::Invalid(why) => crate::Error::Invalid(why),
        }
    }
}
