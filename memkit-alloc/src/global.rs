//! The component's global allocator (wasm only): the counting allocator over `System`
//! (dlmalloc on wasm32), and what the binding layer asks of it.

use std::alloc::System;

use super::counting::CountingAllocator;
use super::try_alloc::make_room_for;
use crate::error::Error;
use crate::memory::MemoryInfo;

#[global_allocator]
static ALLOCATOR: CountingAllocator<System> = CountingAllocator::new(System);

/// The allocator, for `cabi_realloc`'s [`place_argument`](super::place_argument).
pub fn allocator() -> &'static CountingAllocator<System> {
    &ALLOCATOR
}

/// `memory.info()`: the counters, in the linear memory as large as it is now.
pub fn memory_info() -> MemoryInfo {
    let pages = core::arch::wasm32::memory_size(0) as u32;
    MemoryInfo::new(ALLOCATOR.counters(), pages)
}

/// Makes sure a new handle whose representation is `T` can be made without trapping: the heap
/// has room for the box wit-bindgen puts it in (an `Option<T>`), or the reserve is intact (and
/// may serve it). For the calls that create a handle and can answer `out-of-memory`, so that
/// only the infallible constructors ever eat into the reserve. Call it before the call changes
/// anything.
///
/// # Errors
/// [`Error::OutOfMemory`] with the box's size when neither holds.
pub fn room_for_handle<T>() -> Result<(), Error> {
    // The reserve check first: it is a load, where the probe is an allocation and a free.
    if ALLOCATOR.reserve_bytes() > 0 {
        return Ok(());
    }
    make_room_for::<Option<T>>()
}
