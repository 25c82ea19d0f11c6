//! The `memory` interface: a counting global allocator and the snapshot it feeds.
//!
//! [`CountingAllocator`] wraps another allocator and counts every allocation, free and
//! reallocation, so `used_bytes` is exact (payload bytes as requested, without the inner
//! allocator's own overhead). Invariants: `used_bytes <= peak_used_bytes`, and after a workload
//! has dropped everything it allocated, `used_bytes` and `live_allocations` are back where they
//! were.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Size of a WebAssembly page.
pub const PAGE_BYTES: u64 = 65536;

/// A snapshot of linear memory and the allocator's counters. Mirrors WIT `memory.memory-info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryInfo {
    pub pages: u32,
    pub total_bytes: u64,
    pub used_bytes: u64,
    pub free_bytes: u64,
    pub peak_used_bytes: u64,
    pub live_allocations: u64,
}

/// A global allocator that counts what passes through it to `inner`.
pub struct CountingAllocator<A> {
    inner: A,
    used_bytes: AtomicU64,
    peak_used_bytes: AtomicU64,
    live_allocations: AtomicU64,
}

impl<A> CountingAllocator<A> {
    pub const fn new(inner: A) -> Self {
        Self {
            inner,
            used_bytes: AtomicU64::new(0),
            peak_used_bytes: AtomicU64::new(0),
            live_allocations: AtomicU64::new(0),
        }
    }

    /// The counters, with `pages` of linear memory (passed in so the core stays native).
    pub fn info(&self, pages: u32) -> MemoryInfo {
        let total_bytes = u64::from(pages) * PAGE_BYTES;
        let used_bytes = self.used_bytes.load(Relaxed);
        MemoryInfo {
            pages,
            total_bytes,
            used_bytes,
            free_bytes: total_bytes.saturating_sub(used_bytes),
            peak_used_bytes: self.peak_used_bytes.load(Relaxed),
            live_allocations: self.live_allocations.load(Relaxed),
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

// SAFETY: every call is forwarded to `inner` with the caller's arguments unchanged; the
// counters are updated only after the inner call succeeded.
unsafe impl<A: GlobalAlloc> GlobalAlloc for CountingAllocator<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { self.inner.alloc(layout) };
        if !ptr.is_null() {
            self.grew(layout.size());
            self.live_allocations.fetch_add(1, Relaxed);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { self.inner.alloc_zeroed(layout) };
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
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new_ptr = unsafe { self.inner.realloc(ptr, layout, new_size) };
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
mod tests {
    use super::*;
    use std::alloc::System;

    #[test]
    fn counts_alloc_realloc_and_free() {
        let counter = CountingAllocator::new(System);
        let layout = Layout::from_size_align(100, 8).unwrap();
        unsafe {
            let p = counter.alloc(layout);
            assert_eq!(counter.info(1).used_bytes, 100);
            let p = counter.realloc(p, layout, 300);
            let info = counter.info(1);
            assert_eq!((info.used_bytes, info.live_allocations), (300, 1));
            let bigger = Layout::from_size_align(300, 8).unwrap();
            let p = counter.realloc(p, bigger, 50);
            assert_eq!(counter.info(1).used_bytes, 50);
            counter.dealloc(p, Layout::from_size_align(50, 8).unwrap());
        }
        let info = counter.info(2);
        assert_eq!(info.used_bytes, 0);
        assert_eq!(info.live_allocations, 0);
        assert_eq!(info.peak_used_bytes, 300);
        assert_eq!(info.total_bytes, 2 * PAGE_BYTES);
        assert_eq!(info.free_bytes, 2 * PAGE_BYTES);
    }

    #[test]
    fn free_bytes_never_underflow() {
        let counter = CountingAllocator::new(System);
        let layout = Layout::from_size_align(PAGE_BYTES as usize * 2, 8).unwrap();
        unsafe {
            let p = counter.alloc(layout);
            assert_eq!(counter.info(1).free_bytes, 0);
            counter.dealloc(p, layout);
        }
    }
}
