//! Glue of `wit/bytes.wit` over `src/bytes.rs`.

use super::exports::memkit::core::bytes;
use super::{Memkit, Rep, Result};
use crate::bytes::ByteBuffer;

impl bytes::Guest for Memkit {
    type ByteBuffer = Rep<ByteBuffer>;
}

/// A new `byte-buffer` handle owning `buffer`.
pub(super) fn handle(buffer: ByteBuffer) -> bytes::ByteBuffer {
    bytes::ByteBuffer::new(Rep::new(buffer))
}

impl bytes::GuestByteBuffer for Rep<ByteBuffer> {
    fn new(capacity: u32) -> Self {
        Rep::new(ByteBuffer::with_capacity_hint(capacity))
    }
    fn from_list(data: Vec<u8>) -> bytes::ByteBuffer {
        handle(ByteBuffer::from_vec(data))
    }
    fn len(&self) -> u32 {
        self.get().len()
    }
    fn capacity(&self) -> u32 {
        self.get().capacity()
    }
    fn append(&self, data: Vec<u8>) -> Result<()> {
        Ok(self.get_mut().append(&data)?)
    }
    fn read(&self, offset: u32, len: u32) -> Result<Vec<u8>> {
        Ok(self.get().read(offset, len)?)
    }
    fn write_at(&self, offset: u32, data: Vec<u8>) -> Result<()> {
        Ok(self.get_mut().write_at(offset, &data)?)
    }
    fn fill(&self, offset: u32, len: u32, value: u8) -> Result<()> {
        Ok(self.get_mut().fill(offset, len, value)?)
    }
    fn copy_within(&self, src: u32, dst: u32, len: u32) -> Result<()> {
        Ok(self.get_mut().copy_within(src, dst, len)?)
    }
    fn to_list(&self) -> Result<Vec<u8>> {
        Ok(self.get().to_vec()?)
    }
    fn take(this: bytes::ByteBuffer) -> Vec<u8> {
        this.into_inner::<Self>().into_inner().into_vec()
    }
    fn truncate(&self, len: u32) {
        self.get_mut().truncate(len)
    }
    fn clear(&self) {
        self.get_mut().clear()
    }
    fn reserve(&self, additional: u32) -> Result<()> {
        Ok(self.get_mut().reserve(additional)?)
    }
}
