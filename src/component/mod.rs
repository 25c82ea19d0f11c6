//! The WIT binding layer (wasm only): one file per WIT interface, each converting between the
//! generated types and the core module of the same name and delegating to it. No logic lives
//! here beyond conversion and the memory checks the bindings' own copies need.
//!
//! This file holds what every interface shares: the `generate!` call, the global allocator,
//! the canonical ABI's `cabi_realloc`, the resource representation [`Rep`], the [`Result`]
//! alias and the error conversions.

use std::alloc::System;
use std::cell::{Ref, RefCell, RefMut};

use crate::fallible::make_room;
use crate::memory::CountingAllocator;

mod bytes;
mod chunks;
mod floats;
mod memory;
mod people;
mod pools;
mod records;
mod text;

wit_bindgen::generate!({ path: "wit", world: "memkit" });

use exports::memkit::core::types;

#[global_allocator]
static ALLOCATOR: CountingAllocator<System> = CountingAllocator::new(System);

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

/// Makes sure a new handle of representation `T` can be made without trapping: the heap has
/// room for its box, or the reserve is intact (and may serve it). For the calls that create a
/// handle and can answer `out-of-memory`, so that only the infallible constructors ever eat
/// into the reserve. Checked before the call changes anything.
fn room_for_handle<T>() -> std::result::Result<(), crate::Error> {
    // The reserve check first: it is a load, where the probe is an allocation and a free.
    if ALLOCATOR.reserve_bytes() > 0 {
        return Ok(());
    }
    make_room(boxed_bytes::<T>())
}

/// What one boxed handle representation `T` takes from the allocator, with its overhead.
const fn boxed_bytes<T>() -> usize {
    size_of::<Option<T>>() + 16
}

/// Arguments up to this size may draw on the allocator's reserve (see `memory.wit`); larger
/// ones are caller-sized requests, served only while the reserve is intact.
const SMALL_ARGUMENT_BYTES: usize = 4096;

/// The canonical ABI's allocator, which the host calls to place every list and string it
/// passes in. It replaces wit-bindgen's, which traps when the allocator fails and so would
/// poison the instance when a host sends a list larger than the memory it allows. This one
/// answers failure with an address where nothing fits: the host's lowering then fails for
/// that call (what happens to the instance then depends on the host; see README).
///
/// A list of 4- or 8-byte-aligned elements over [`SMALL_ARGUMENT_BYTES`] may be a list of
/// records, which the bindings copy into a Rust vector with an allocation that cannot fail
/// gracefully. For those, room for that copy is held too (see
/// [`CountingAllocator::hold_for_lift`](crate::memory::CountingAllocator::hold_for_lift));
/// without it the argument is refused here rather than trapping later.
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
    use std::alloc::{alloc, dealloc, realloc, Layout};
    if new_len == 0 {
        if old_len != 0 {
            unsafe { dealloc(old_ptr, Layout::from_size_align_unchecked(old_len, align)) };
        }
        return align as *mut u8;
    }
    let allocate = || unsafe {
        if old_len == 0 {
            alloc(Layout::from_size_align_unchecked(new_len, align))
        } else {
            realloc(
                old_ptr,
                Layout::from_size_align_unchecked(old_len, align),
                new_len,
            )
        }
    };
    let mut ptr = if new_len <= SMALL_ARGUMENT_BYTES {
        allocate()
    } else {
        crate::memory::fallible(allocate)
    };
    if !ptr.is_null() && align >= 4 && new_len > SMALL_ARGUMENT_BYTES {
        let lift_copy = new_len.saturating_add(new_len / 2);
        if !ALLOCATOR.hold_for_lift(lift_copy) {
            unsafe { dealloc(ptr, Layout::from_size_align_unchecked(new_len, align)) };
            ptr = std::ptr::null_mut();
        }
    }
    if ptr.is_null() {
        // The highest aligned address: `ptr + new_len` lies past the end of any linear memory.
        return (usize::MAX & !(align - 1)) as *mut u8;
    }
    ptr
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
