//! Placing the arguments a host passes in: the body of the canonical ABI's `cabi_realloc`,
//! written against any [`CountingAllocator`] so that it is tested natively. The component's
//! `cabi_realloc` (`src/component/mod.rs`) calls it with the global allocator.

use std::alloc::{GlobalAlloc, Layout};

use super::abi::CopiedList;
use super::counting::CountingAllocator;
use super::scope::fallible;

/// Arguments up to this size may draw on the allocator's reserve (see `memory.wit`); larger
/// ones are caller-sized requests, served only while the reserve is intact.
pub const SMALL_ARGUMENT_BYTES: usize = 4096;

/// Places (or moves, or frees) an argument of `new_len` bytes aligned to `align`, as
/// `cabi_realloc` must. When there is no room it answers with an address where nothing fits
/// (the highest aligned one: `ptr + new_len` lies past the end of any linear memory), so the
/// host's lowering of that call fails instead of the component trapping.
///
/// - Up to [`SMALL_ARGUMENT_BYTES`], the argument is placed like any allocation that cannot
///   fail gracefully, and may draw on the reserve.
/// - Larger, it is a caller-sized request, placed only while the reserve is intact.
/// - A larger list that may be one of `copied` (the lists the bindings copy into a Rust vector
///   before the export runs) is placed only if room for that copy can be held too
///   ([`CountingAllocator::hold_for_lift`]); other lists are adopted by the bindings as they
///   are and need only their own room.
///
/// # Safety
/// The canonical ABI contract of `cabi_realloc`: `old_ptr`/`old_len`/`align` describe an
/// allocation this function returned earlier from `heap` (or `old_len` is 0), and `align` is a
/// power of two.
pub unsafe fn place_argument<A: GlobalAlloc>(
    heap: &CountingAllocator<A>,
    copied: &[CopiedList],
    old_ptr: *mut u8,
    old_len: usize,
    align: usize,
    new_len: usize,
) -> *mut u8 {
    // SAFETY (every layout below): `align` is a power of two, and sizes come from the host,
    // which cannot name more than a 32-bit memory holds.
    let layout = |len| unsafe { Layout::from_size_align_unchecked(len, align) };
    if new_len == 0 {
        if old_len != 0 {
            unsafe { heap.dealloc(old_ptr, layout(old_len)) };
        }
        return align as *mut u8;
    }
    let place = || unsafe {
        if old_len == 0 {
            heap.alloc(layout(new_len))
        } else {
            heap.realloc(old_ptr, layout(old_len), new_len)
        }
    };
    let small = new_len <= SMALL_ARGUMENT_BYTES;
    let ptr = if small { place() } else { fallible(place) };
    if ptr.is_null() {
        return nowhere(align);
    }
    let copy = copied
        .iter()
        .filter_map(|list| list.copy_of(align, new_len))
        .max();
    if let (false, Some(copy)) = (small, copy) {
        if !heap.hold_for_lift(copy) {
            unsafe { heap.dealloc(ptr, layout(new_len)) };
            return nowhere(align);
        }
    }
    ptr
}

/// The highest address aligned to `align`: no argument placed there fits in linear memory.
fn nowhere(align: usize) -> *mut u8 {
    (usize::MAX & !(align - 1)) as *mut u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::{record, STRING, U32};
    use crate::counting::tests::Capped;
    use crate::RESERVE_BYTES;

    const MIB: usize = 1 << 20;

    /// `people.person`: copied into a 28-byte Rust struct (two `String`s and a `u32` on wasm32).
    const PERSONS: CopiedList = CopiedList {
        element: record(&[STRING, U32, STRING]),
        copy_bytes: 28,
    };

    /// Whether an argument was placed (`nowhere` is the highest aligned address for any
    /// alignment up to 8, so this needs no alignment).
    fn placed(ptr: *mut u8) -> bool {
        (ptr as usize) < nowhere(8) as usize
    }

    #[test]
    fn a_list_the_bindings_adopt_needs_only_its_own_room() {
        // 32 MiB of f32 under a 64 MiB cap: adopted in place, so it fits.
        let heap = CountingAllocator::new(Capped::new(64 * MIB));
        unsafe {
            let floats = place_argument(&heap, &[PERSONS], std::ptr::null_mut(), 0, 4, 32 * MIB);
            assert!(placed(floats));
            heap.dealloc(floats, Layout::from_size_align(32 * MIB, 4).unwrap());
        }
    }

    #[test]
    fn a_list_the_bindings_copy_needs_room_for_the_copy_too() {
        let heap = CountingAllocator::new(Capped::new(RESERVE_BYTES + 2 * MIB));
        let persons = |count: usize| count * PERSONS.element.size;
        unsafe {
            // 1.4 MB of copy does not fit beside 1 MB of persons in 2 MiB.
            let refused = place_argument(
                &heap,
                &[PERSONS],
                std::ptr::null_mut(),
                0,
                4,
                persons(50_000),
            );
            assert!(!placed(refused));
            assert_eq!(heap.counters().used_bytes, 0, "the refused list was freed");
            // 0.5 MB and 0.7 MB of copy do.
            let list = place_argument(
                &heap,
                &[PERSONS],
                std::ptr::null_mut(),
                0,
                4,
                persons(25_000),
            );
            assert!(placed(list));
            // The copy the hold was made for is served, without the reserve.
            let copy = heap.alloc(Layout::from_size_align(25_000 * 28, 4).unwrap());
            assert!(!copy.is_null());
            assert_eq!(heap.counters().reserve_draws, 0);
            heap.dealloc(copy, Layout::from_size_align(25_000 * 28, 4).unwrap());
            heap.dealloc(list, Layout::from_size_align(persons(25_000), 4).unwrap());
        }
    }

    #[test]
    fn small_arguments_may_use_the_reserve_and_large_ones_never_do() {
        let heap = CountingAllocator::new(Capped::new(RESERVE_BYTES + 100));
        unsafe {
            let filler = heap.alloc(Layout::from_size_align(100, 8).unwrap());
            let large = place_argument(
                &heap,
                &[],
                std::ptr::null_mut(),
                0,
                1,
                SMALL_ARGUMENT_BYTES + 1,
            );
            assert!(!placed(large));
            assert_eq!(heap.counters().reserve_draws, 0);
            let small =
                place_argument(&heap, &[], std::ptr::null_mut(), 0, 1, SMALL_ARGUMENT_BYTES);
            assert!(placed(small));
            assert_eq!(heap.counters().reserve_draws, 1);
            heap.dealloc(
                small,
                Layout::from_size_align(SMALL_ARGUMENT_BYTES, 1).unwrap(),
            );
            heap.dealloc(filler, Layout::from_size_align(100, 8).unwrap());
        }
    }

    #[test]
    fn an_empty_argument_takes_nothing() {
        let heap = CountingAllocator::new(Capped::new(RESERVE_BYTES));
        let ptr = unsafe { place_argument(&heap, &[PERSONS], std::ptr::null_mut(), 0, 8, 0) };
        assert_eq!(ptr as usize, 8);
        assert_eq!(heap.counters().live_allocations, 0);
    }
}
