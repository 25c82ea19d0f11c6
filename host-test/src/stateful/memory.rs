//! memory: `memory.info`, whose numbers must add up and stay under the cap, of memkit and of the
//! article's component (both export `memkit:core/memory`).

use super::{Interface, Operation, Run, Step, Target, MEMORY_LIMIT, RESERVE_BYTES};

impl Run {
    fn memory_info_op(&mut self) -> Step<bool> {
        self.begin("memory.info()".into());
        let info = self.memory_info()?;
        ensure!(
            info.total_bytes == u64::from(info.pages) * 65536,
            "total-bytes is not pages * 65536: {info:?}"
        );
        ensure!(
            info.total_bytes <= MEMORY_LIMIT as u64,
            "memory grew past the cap: {info:?}"
        );
        ensure!(
            info.free_bytes
                == info
                    .total_bytes
                    .saturating_sub(info.used_bytes + info.reserve_bytes),
            "free-bytes is not total - used - reserve: {info:?}"
        );
        ensure!(
            info.peak_used_bytes >= info.used_bytes,
            "peak below used: {info:?}"
        );
        ensure!(
            info.reserve_bytes == 0 || info.reserve_bytes == RESERVE_BYTES,
            "reserve-bytes is neither 0 nor 65536: {info:?}"
        );
        Ok(true)
    }
}

/// `memory.info` has an operation of its own, and the driver also calls it to judge answers and
/// to check that dropping every handle gives all memory back.
pub(super) const INTERFACE: Interface = Interface {
    target: Target::Memkit,
    resources: &[],
    operations: &[Operation::new(&["memory.info"], Run::memory_info_op, 2)],
};

/// The same of the article's component.
pub(super) const ARTICLE_INTERFACE: Interface = Interface {
    target: Target::Article,
    ..INTERFACE
};
