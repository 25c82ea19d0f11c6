//! The `memory` interface: a snapshot of linear memory and of the counting allocator's
//! counters ([`crate::CountingAllocator`], where the out-of-memory policy lives).

use crate::{Counters, RESERVE_BYTES};

/// Size of a WebAssembly page.
pub const PAGE_BYTES: u64 = 65536;

/// A snapshot of linear memory and the allocator's counters. Mirrors WIT `memory.memory-info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryInfo {
    /// 64 KiB pages of linear memory.
    pub pages: u32,
    /// `pages * 65536`.
    pub total_bytes: u64,
    /// Payload bytes live in the allocator (as requested, without its overhead).
    pub used_bytes: u64,
    /// `total_bytes - used_bytes - reserve_bytes`, or 0 when that would be negative.
    pub free_bytes: u64,
    /// High-water mark of `used_bytes`.
    pub peak_used_bytes: u64,
    /// Allocations not yet freed.
    pub live_allocations: u64,
    /// [`RESERVE_BYTES`] while the reserve is held, else 0.
    pub reserve_bytes: u64,
    /// How many times the reserve has been drawn.
    pub reserve_draws: u64,
}

impl MemoryInfo {
    /// The snapshot of `counters` in a memory of `pages` (passed in so the core stays native).
    /// O(1); allocates nothing.
    pub fn new(counters: Counters, pages: u32) -> Self {
        let total_bytes = u64::from(pages) * PAGE_BYTES;
        debug_assert!(
            counters.reserve_bytes == 0 || counters.reserve_bytes == RESERVE_BYTES as u64
        );
        MemoryInfo {
            pages,
            total_bytes,
            used_bytes: counters.used_bytes,
            free_bytes: total_bytes.saturating_sub(counters.used_bytes + counters.reserve_bytes),
            peak_used_bytes: counters.peak_used_bytes,
            live_allocations: counters.live_allocations,
            reserve_bytes: counters.reserve_bytes,
            reserve_draws: counters.reserve_draws,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counters(used_bytes: u64, reserve_bytes: u64) -> Counters {
        Counters {
            used_bytes,
            peak_used_bytes: used_bytes,
            live_allocations: 1,
            reserve_bytes,
            reserve_draws: 0,
        }
    }

    #[test]
    fn free_bytes_exclude_the_used_bytes_and_the_reserve() {
        let info = MemoryInfo::new(counters(300, RESERVE_BYTES as u64), 2);
        assert_eq!(info.total_bytes, 2 * PAGE_BYTES);
        assert_eq!(info.free_bytes, 2 * PAGE_BYTES - 300 - RESERVE_BYTES as u64);
    }

    #[test]
    fn free_bytes_never_underflow() {
        let info = MemoryInfo::new(counters(2 * PAGE_BYTES, RESERVE_BYTES as u64), 1);
        assert_eq!(info.free_bytes, 0);
    }
}
