//! Glue of `wit/memory.wit` over `src/memory.rs`.

use super::exports::memkit::core::memory;
use super::Memkit;

impl memory::Guest for Memkit {
    fn info() -> memory::MemoryInfo {
        crate::alloc::memory_info().into()
    }
}

impl From<crate::memory::MemoryInfo> for memory::MemoryInfo {
    fn from(info: crate::memory::MemoryInfo) -> Self {
        memory::MemoryInfo {
            pages: info.pages,
            total_bytes: info.total_bytes,
            used_bytes: info.used_bytes,
            free_bytes: info.free_bytes,
            peak_used_bytes: info.peak_used_bytes,
            live_allocations: info.live_allocations,
            reserve_bytes: info.reserve_bytes,
            reserve_draws: info.reserve_draws,
        }
    }
}
