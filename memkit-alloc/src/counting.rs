//! The counting allocator: a global allocator that counts what passes through it to an inner
//! one, and keeps the emergency reserve and the lift hold (see [the crate's docs](crate) for the
//! argument they serve).
//!
//! Invariants: `used_bytes <= peak_used_bytes`, and after a workload has dropped everything it
//! allocated, `used_bytes` and `live_allocations` are back where they were.

use std::alloc::{GlobalAlloc, Layout};
use std::ptr::null_mut;
use std::sync::atomic::{AtomicPtr, AtomicU64, AtomicUsize, Ordering::Relaxed};

use super::scope::{fallible, in_fallible_scope};

/// Bytes held aside for allocations that cannot fail gracefully (a resource's representation,
/// an error's text, a small returned list, a small argument): 64 KiB, one wasm page.
pub const RESERVE_BYTES: usize = 64 * 1024;

// Aligned like any small allocation (8 on wasm32): a larger alignment would make the inner
// allocator ask for more than the block it was given back, and the reserve could not be
// retaken from exactly the space it left.
const RESERVE_LAYOUT: Layout = match Layout::from_size_align(RESERVE_BYTES, 8) {
    Ok(layout) => layout,
    Err(_) => panic!("the reserve layout is valid"),
};

/// What the allocator has counted, at one moment. `memory.memory-info` is made of these and
/// the number of pages ([`crate::memory::MemoryInfo::new`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counters {
    /// Payload bytes live (as requested, without the inner allocator's overhead).
    pub used_bytes: u64,
    /// High-water mark of `used_bytes`.
    pub peak_used_bytes: u64,
    /// Allocations not yet freed.
    pub live_allocations: u64,
    /// [`RESERVE_BYTES`] while the reserve is held, else 0.
    pub reserve_bytes: u64,
    /// How many times the reserve has been drawn.
    pub reserve_draws: u64,
}

/// A global allocator that counts what passes through it to `inner`, and keeps an emergency
/// reserve of [`RESERVE_BYTES`] taken from `inner`.
///
/// The reserve's rules:
/// - It is taken on the first allocation and retaken (refilled) on any later allocation or
///   free while it is not held, as soon as `inner` can provide it again.
/// - An allocation outside a [`fallible`] scope (infallible: Rust would abort on failure) that
///   `inner` cannot serve *draws* the reserve: the reserve is given back to `inner` and the
///   allocation retried, so it is served from that space. Only requests of at most
///   [`RESERVE_BYTES`] draw it.
/// - An allocation inside a [`fallible`] scope never draws the reserve and fails while the
///   reserve is not held, so caller-sized work cannot eat into the space held for what must
///   not fail.
///
/// So while the reserve is held, infallible allocations totalling less than [`RESERVE_BYTES`]
/// (minus the inner allocator's per-allocation overhead) succeed however full memory is; the
/// module docs ([the crate's docs](crate)) give the rest of the no-trap argument.
///
/// The reserve is not counted in `used_bytes` (it holds no payload); it shows in
/// `reserve_bytes`, and `free_bytes` excludes it.
pub struct CountingAllocator<A> {
    inner: A,
    used_bytes: AtomicU64,
    peak_used_bytes: AtomicU64,
    live_allocations: AtomicU64,
    reserve: AtomicPtr<u8>,
    reserve_draws: AtomicU64,
    lift_hold: AtomicPtr<u8>,
    lift_hold_bytes: AtomicUsize,
}

impl<A> CountingAllocator<A> {
    /// An allocator counting what passes through to `inner`, with every counter at 0. It
    /// allocates nothing: the reserve is taken on the first allocation.
    pub const fn new(inner: A) -> Self {
        Self {
            inner,
            used_bytes: AtomicU64::new(0),
            peak_used_bytes: AtomicU64::new(0),
            live_allocations: AtomicU64::new(0),
            reserve: AtomicPtr::new(null_mut()),
            reserve_draws: AtomicU64::new(0),
            lift_hold: AtomicPtr::new(null_mut()),
            lift_hold_bytes: AtomicUsize::new(0),
        }
    }

    /// The counters now. O(1); allocates nothing.
    pub fn counters(&self) -> Counters {
        Counters {
            used_bytes: self.used_bytes.load(Relaxed),
            peak_used_bytes: self.peak_used_bytes.load(Relaxed),
            live_allocations: self.live_allocations.load(Relaxed),
            reserve_bytes: self.reserve_bytes(),
            reserve_draws: self.reserve_draws.load(Relaxed),
        }
    }

    /// [`RESERVE_BYTES`] while the reserve is held, else 0.
    pub fn reserve_bytes(&self) -> u64 {
        if self.reserve.load(Relaxed).is_null() {
            0
        } else {
            RESERVE_BYTES as u64
        }
    }

    fn grew(&self, bytes: usize) {
        let used = self.used_bytes.fetch_add(bytes as u64, Relaxed) + bytes as u64;
        self.peak_used_bytes.fetch_max(used, Relaxed);
    }

    fn shrank(&self, bytes: usize) {
        self.used_bytes.fetch_sub(bytes as u64, Relaxed);
    }
}

impl<A: GlobalAlloc> CountingAllocator<A> {
    /// Takes the reserve from `inner` when it is not held; true when it is held afterwards.
    fn refill(&self) -> bool {
        if !self.reserve.load(Relaxed).is_null() {
            return true;
        }
        // SAFETY: RESERVE_LAYOUT has a non-zero size.
        let block = unsafe { self.inner.alloc(RESERVE_LAYOUT) };
        self.reserve.store(block, Relaxed);
        !block.is_null()
    }

    /// Gives the reserve back to `inner` so that an infallible request of `size` bytes can be
    /// served; false when there is nothing to draw or the reserve could not serve it anyway.
    fn draw(&self, size: usize) -> bool {
        if size > RESERVE_BYTES {
            return false;
        }
        let block = self.reserve.swap(null_mut(), Relaxed);
        if block.is_null() {
            return false;
        }
        // SAFETY: `block` came from `inner.alloc(RESERVE_LAYOUT)` and was held only here.
        unsafe { self.inner.dealloc(block, RESERVE_LAYOUT) };
        self.reserve_draws.fetch_add(1, Relaxed);
        true
    }

    /// Holds `bytes` aside (as a caller-sized request) until the next free or the next
    /// allocation the heap cannot serve, whichever comes first; false when they cannot be
    /// had. For [`place_argument`](super::place_argument): a list the bindings copy into a Rust
    /// vector is copied right after it is placed, with an allocation that cannot fail
    /// gracefully, and this keeps room for it.
    /// A block held from an earlier call is given back first. The held block is not counted
    /// in `used_bytes` or `live_allocations`.
    ///
    /// Holding 0 bytes holds nothing and succeeds (the block comes straight from `inner`,
    /// where a zero-size layout is not allowed).
    pub fn hold_for_lift(&self, bytes: usize) -> bool {
        self.release_lift_hold();
        if bytes == 0 {
            return true;
        }
        let Ok(layout) = Layout::from_size_align(bytes, 8) else {
            return false;
        };
        // SAFETY: `layout` has a non-zero size (checked above).
        let block = fallible(|| self.allocate(bytes, || unsafe { self.inner.alloc(layout) }));
        if block.is_null() {
            return false;
        }
        self.lift_hold_bytes.store(bytes, Relaxed);
        self.lift_hold.store(block, Relaxed);
        true
    }

    /// Frees the block [`hold_for_lift`](Self::hold_for_lift) holds; false when none was held.
    fn release_lift_hold(&self) -> bool {
        let block = self.lift_hold.swap(null_mut(), Relaxed);
        if block.is_null() {
            return false;
        }
        let bytes = self.lift_hold_bytes.load(Relaxed);
        // SAFETY: `block` came from `inner.alloc` with this layout and was held only here.
        unsafe {
            self.inner
                .dealloc(block, Layout::from_size_align_unchecked(bytes, 8))
        };
        true
    }

    /// Runs one allocation attempt under the reserve's rules (see the type's docs). A held
    /// lift block is given back first when the heap cannot serve the request.
    fn allocate(&self, size: usize, attempt: impl Fn() -> *mut u8) -> *mut u8 {
        let held = self.refill();
        let fallible = in_fallible_scope();
        let ptr = if fallible && !held {
            null_mut()
        } else {
            attempt()
        };
        if !ptr.is_null() {
            return ptr;
        }
        if self.release_lift_hold() {
            return self.allocate(size, attempt);
        }
        if !fallible && self.draw(size) {
            return attempt();
        }
        null_mut()
    }
}

// SAFETY: every call is forwarded to `inner` with the caller's arguments unchanged (retried at
// most once after the reserve, a separate block of `inner`'s, was given back); the counters
// are updated only after the inner call succeeded.
unsafe impl<A: GlobalAlloc> GlobalAlloc for CountingAllocator<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = self.allocate(layout.size(), || unsafe { self.inner.alloc(layout) });
        if !ptr.is_null() {
            self.grew(layout.size());
            self.live_allocations.fetch_add(1, Relaxed);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let ptr = self.allocate(layout.size(), || unsafe { self.inner.alloc_zeroed(layout) });
        if !ptr.is_null() {
            self.grew(layout.size());
            self.live_allocations.fetch_add(1, Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { self.inner.dealloc(ptr, layout) };
        self.shrank(layout.size());
        self.live_allocations.fetch_sub(1, Relaxed);
        self.release_lift_hold();
        self.refill();
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new_ptr = self.allocate(new_size, || unsafe {
            self.inner.realloc(ptr, layout, new_size)
        });
        if !new_ptr.is_null() {
            if new_size >= layout.size() {
                self.grew(new_size - layout.size());
            } else {
                self.shrank(layout.size() - new_size);
            }
        }
        new_ptr
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use std::alloc::System;

    #[test]
    fn counts_alloc_realloc_and_free() {
        let counter = CountingAllocator::new(System);
        let layout = Layout::from_size_align(100, 8).unwrap();
        unsafe {
            let p = counter.alloc(layout);
            assert_eq!(counter.counters().used_bytes, 100);
            let p = counter.realloc(p, layout, 300);
            let info = counter.counters();
            assert_eq!((info.used_bytes, info.live_allocations), (300, 1));
            let bigger = Layout::from_size_align(300, 8).unwrap();
            let p = counter.realloc(p, bigger, 50);
            assert_eq!(counter.counters().used_bytes, 50);
            counter.dealloc(p, Layout::from_size_align(50, 8).unwrap());
        }
        let info = counter.counters();
        assert_eq!(info.used_bytes, 0);
        assert_eq!(info.live_allocations, 0);
        assert_eq!(info.peak_used_bytes, 300);
        assert_eq!(
            info.reserve_bytes, RESERVE_BYTES as u64,
            "taken on the first allocation"
        );
    }

    /// `System` with a budget of bytes live at once, as a capped linear memory is.
    pub(crate) struct Capped {
        budget: usize,
        live: AtomicUsize,
    }

    impl Capped {
        pub(crate) fn new(budget: usize) -> Self {
            Self {
                budget,
                live: AtomicUsize::new(0),
            }
        }
    }

    unsafe impl GlobalAlloc for Capped {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            if self.live.load(Relaxed) + layout.size() > self.budget {
                return null_mut();
            }
            self.live.fetch_add(layout.size(), Relaxed);
            unsafe { System.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            self.live.fetch_sub(layout.size(), Relaxed);
            unsafe { System.dealloc(ptr, layout) }
        }
    }

    fn bytes(n: usize) -> Layout {
        Layout::from_size_align(n, 8).unwrap()
    }

    #[test]
    fn infallible_requests_draw_the_reserve_and_fallible_ones_never_do() {
        let heap = CountingAllocator::new(Capped::new(RESERVE_BYTES + 1000));
        unsafe {
            // Takes the reserve, then fills the rest of the budget.
            let filler = heap.alloc(bytes(1000));
            assert!(!filler.is_null());
            assert_eq!(heap.counters().reserve_bytes, RESERVE_BYTES as u64);

            // A caller-sized request the heap cannot serve fails and leaves the reserve alone.
            assert!(fallible(|| heap.alloc(bytes(100))).is_null());
            assert_eq!(heap.counters().reserve_bytes, RESERVE_BYTES as u64);

            // One that cannot fail gracefully is served from the reserve.
            let small = heap.alloc(bytes(100));
            assert!(!small.is_null());
            let info = heap.counters();
            assert_eq!((info.reserve_bytes, info.reserve_draws), (0, 1));

            // While the reserve is drawn, caller-sized requests fail even where space is left.
            assert!(fallible(|| heap.alloc(bytes(10))).is_null());
            // Others still get the rest of the drawn space.
            let more = heap.alloc(bytes(1000));
            assert!(!more.is_null());

            // Freeing enough takes the reserve back; then caller-sized requests work again.
            heap.dealloc(small, bytes(100));
            assert_eq!(heap.counters().reserve_bytes, 0, "1100 bytes are still out");
            heap.dealloc(more, bytes(1000));
            assert_eq!(heap.counters().reserve_bytes, RESERVE_BYTES as u64);
            heap.dealloc(filler, bytes(1000));
            let again = fallible(|| heap.alloc(bytes(500)));
            assert!(!again.is_null());
            heap.dealloc(again, bytes(500));
        }
        let info = heap.counters();
        assert_eq!((info.used_bytes, info.live_allocations), (0, 0));
    }

    #[test]
    fn requests_larger_than_the_reserve_never_draw_it() {
        let heap = CountingAllocator::new(Capped::new(RESERVE_BYTES + 10));
        unsafe {
            let first = heap.alloc(bytes(8));
            assert!(heap.alloc(bytes(RESERVE_BYTES + 1)).is_null());
            assert_eq!(heap.counters().reserve_draws, 0);
            heap.dealloc(first, bytes(8));
        }
    }

    #[test]
    fn a_lift_hold_is_given_back_on_the_next_free_or_failed_request() {
        let heap = CountingAllocator::new(Capped::new(RESERVE_BYTES + 10_000));
        unsafe {
            let first = heap.alloc(bytes(8));
            assert!(heap.hold_for_lift(6000));
            assert!(!heap.hold_for_lift(20_000), "more than there is");
            assert!(heap.hold_for_lift(6000));
            // The copy the hold was made for: the heap alone cannot serve it, the hold can.
            let copy = heap.alloc(bytes(5000));
            assert!(!copy.is_null());
            assert_eq!(
                heap.counters().reserve_draws,
                0,
                "served by the hold, not the reserve"
            );
            assert!(heap.hold_for_lift(3000));
            heap.dealloc(copy, bytes(5000));
            // The free gave the hold back: all the budget but the reserve and 8 bytes is there.
            let rest = fallible(|| heap.alloc(bytes(9000)));
            assert!(!rest.is_null());
            heap.dealloc(rest, bytes(9000));
            heap.dealloc(first, bytes(8));
        }
    }
}
