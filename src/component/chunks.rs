//! Glue of `wit/chunks.wit` over `src/chunks.rs`.

use super::exports::memkit::core::{bytes, checksums, chunks};
use super::{Memkit, Rep, Result};
use crate::alloc::room_for_handle;
use crate::alloc::{make_room, try_map};
use crate::bytes::ByteBuffer;
use crate::checksums::ExpectedDigest;
use crate::chunks::{ChunkAssembler, Span};

impl chunks::Guest for Memkit {
    type ChunkAssembler = Rep<ChunkAssembler>;
}

impl chunks::GuestChunkAssembler for Rep<ChunkAssembler> {
    fn new(total_size: u32) -> Self {
        Rep::new(ChunkAssembler::new(total_size))
    }
    fn create(total_size: u32, expected_crc32c: Option<u32>) -> Result<chunks::ChunkAssembler> {
        let assembler =
            ChunkAssembler::create(total_size, expected_crc32c.map(ExpectedDigest::crc32c))?;
        room_for_handle::<Self>()?;
        Ok(chunks::ChunkAssembler::new(Rep::new(assembler)))
    }
    fn create_checked(
        total_size: u32,
        expected: checksums::ExpectedDigest,
    ) -> Result<chunks::ChunkAssembler> {
        let assembler = ChunkAssembler::create(total_size, Some(expected.into()))?;
        room_for_handle::<Self>()?;
        Ok(chunks::ChunkAssembler::new(Rep::new(assembler)))
    }
    fn append(&self, chunk: Vec<u8>) -> Result<()> {
        Ok(self.get_mut().append(&chunk)?)
    }
    fn write_at(&self, offset: u32, chunk: Vec<u8>) -> Result<()> {
        Ok(self.get_mut().write_at(offset, &chunk)?)
    }
    fn write_at_checked(
        &self,
        offset: u32,
        chunk: Vec<u8>,
        expected: checksums::ExpectedDigest,
    ) -> Result<()> {
        Ok(self
            .get_mut()
            .write_at_checked(offset, &chunk, &expected.into())?)
    }
    fn received(&self) -> u32 {
        self.get().received()
    }
    fn total_size(&self) -> u32 {
        self.get().total_size()
    }
    fn progress(&self) -> f64 {
        self.get().progress()
    }
    fn is_complete(&self) -> bool {
        self.get().is_complete()
    }
    fn missing(&self) -> Vec<chunks::Span> {
        let gaps = self.get().missing();
        let first = gaps.first().copied();
        // The bindings copy the returned list once more to lower it: room for that first.
        let lowered = try_map(gaps, chunks::Span::from).and_then(|list| {
            make_room(list.len() * size_of::<chunks::Span>())?;
            Ok(list)
        });
        // As documented: the first gap alone (8 bytes, served by the reserve) otherwise.
        lowered.unwrap_or_else(|_| first.map(chunks::Span::from).into_iter().collect())
    }
    fn finish(&self) -> Result<bytes::ByteBuffer> {
        let data = self
            .get_mut()
            .finish_if(room_for_handle::<Rep<ByteBuffer>>)?;
        Ok(super::bytes::handle(ByteBuffer::from_vec(data)))
    }
}

impl From<Span> for chunks::Span {
    fn from(gap: Span) -> Self {
        chunks::Span {
            offset: gap.offset,
            len: gap.len,
        }
    }
}
