//! Glue of `wit/pools.wit` over `src/pools.rs`.

use super::exports::memkit::core::{bytes, pools};
use super::{Memkit, Rep, Result};
use crate::alloc::room_for_handle;
use crate::bytes::ByteBuffer;
use crate::pools::{BufferPool, PoolStats};

impl pools::Guest for Memkit {
    type BufferPool = Rep<BufferPool>;
}

impl pools::GuestBufferPool for Rep<BufferPool> {
    fn new() -> Self {
        Rep::new(BufferPool::default())
    }
    fn with_classes(classes: Vec<u32>, max_per_class: u32) -> Result<pools::BufferPool> {
        let pool = BufferPool::with_classes(&classes, max_per_class)?;
        room_for_handle::<Self>()?;
        Ok(pools::BufferPool::new(Rep::new(pool)))
    }
    fn acquire(&self, size: u32) -> Result<bytes::ByteBuffer> {
        room_for_handle::<Rep<ByteBuffer>>()?;
        let buffer = self.get_mut().acquire(size)?;
        Ok(super::bytes::handle(ByteBuffer::from_vec(buffer)))
    }
    fn release(&self, buffer: bytes::ByteBuffer) {
        let buffer = buffer.into_inner::<Rep<ByteBuffer>>().into_inner();
        self.get_mut().release(buffer.into_vec())
    }
    fn stats(&self) -> pools::PoolStats {
        self.get().stats().into()
    }
}

impl From<PoolStats> for pools::PoolStats {
    fn from(stats: PoolStats) -> Self {
        pools::PoolStats {
            classes: stats.classes,
            free: stats.free,
            hits: stats.hits,
            misses: stats.misses,
            released: stats.released,
            discarded: stats.discarded,
            retained_bytes: stats.retained_bytes,
        }
    }
}
