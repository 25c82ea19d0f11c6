//! The WIT binding layer (wasm only): converts between the generated types and the core
//! modules and delegates. No logic lives here beyond conversion.
//!
//! Resources hold their core value in a `RefCell` because wit-bindgen hands methods `&self`;
//! the component is single-threaded and no method re-enters another, so no borrow can clash
//! (two shared borrows, as in `dot` of a buffer with itself, are fine).

use std::alloc::System;
use std::cell::{Cell, RefCell};

use crate::bytes::ByteBuffer;
use crate::chunks::ChunkAssembler;
use crate::floats::{FloatBuffer, UnaryOp};
use crate::memory::CountingAllocator;
use crate::people::{Company, Person};
use crate::pools::{BufferPool, Point3d, PointPool};
use crate::records::{BinaryRecord, ChecksumKind, DecodeError, RecordReader};

wit_bindgen::generate!({ path: "wit", world: "memkit" });

use exports::memkit::core::{bytes, chunks, floats, memory, people, pools, records, text, types};

#[global_allocator]
static ALLOCATOR: CountingAllocator<System> = CountingAllocator::new(System);

struct Memkit;
export!(Memkit);

/// The canonical ABI's allocator, which the host calls to place every list and string it
/// passes in. It replaces wit-bindgen's, which traps when the allocator fails and so would
/// poison the instance when a host sends a list larger than the memory it allows. This one
/// answers failure with an address where nothing fits: the host's lowering then fails with an
/// error for that one call, and the instance stays usable.
///
/// # Safety
/// The canonical ABI contract of `cabi_realloc`: `old_ptr`/`old_len`/`align` describe an
/// allocation this function returned earlier (or `old_len` is 0), and `align` is a power of two.
#[no_mangle]
unsafe extern "C" fn cabi_realloc(
    old_ptr: *mut u8,
    old_len: usize,
    align: usize,
    new_len: usize,
) -> *mut u8 {
    use std::alloc::{alloc, dealloc, realloc, Layout};
    if new_len == 0 {
        if old_len != 0 {
            unsafe { dealloc(old_ptr, Layout::from_size_align_unchecked(old_len, align)) };
        }
        return align as *mut u8;
    }
    let ptr = unsafe {
        if old_len == 0 {
            alloc(Layout::from_size_align_unchecked(new_len, align))
        } else {
            realloc(
                old_ptr,
                Layout::from_size_align_unchecked(old_len, align),
                new_len,
            )
        }
    };
    if ptr.is_null() {
        // The highest aligned address: `ptr + new_len` lies past the end of any linear memory.
        return (usize::MAX & !(align - 1)) as *mut u8;
    }
    ptr
}

/// The one conversion from core errors to WIT errors.
impl From<crate::Error> for types::Error {
    fn from(error: crate::Error) -> Self {
        match error {
            crate::Error::OutOfBounds { offset, len, size } => {
                types::Error::OutOfBounds(types::OutOfBounds { offset, len, size })
            }
            crate::Error::TooLarge { requested, limit } => {
                types::Error::TooLarge(types::LimitExceeded { requested, limit })
            }
            crate::Error::OutOfMemory(bytes) => types::Error::OutOfMemory(bytes),
            crate::Error::Invalid(why) => types::Error::Invalid(why),
        }
    }
}

type Result<T> = std::result::Result<T, types::Error>;

impl memory::Guest for Memkit {
    fn info() -> memory::MemoryInfo {
        let pages = core::arch::wasm32::memory_size(0) as u32;
        let info = ALLOCATOR.info(pages);
        memory::MemoryInfo {
            pages: info.pages,
            total_bytes: info.total_bytes,
            used_bytes: info.used_bytes,
            free_bytes: info.free_bytes,
            peak_used_bytes: info.peak_used_bytes,
            live_allocations: info.live_allocations,
        }
    }
}

impl text::Guest for Memkit {
    fn swap_case(s: String) -> String {
        crate::text::swap_case(s)
    }
}

pub struct ByteBufferResource(RefCell<ByteBuffer>);

impl ByteBufferResource {
    /// A new `byte-buffer` handle owning `buffer`.
    fn handle(buffer: ByteBuffer) -> bytes::ByteBuffer {
        bytes::ByteBuffer::new(Self(RefCell::new(buffer)))
    }
}

impl bytes::Guest for Memkit {
    type ByteBuffer = ByteBufferResource;
}

impl bytes::GuestByteBuffer for ByteBufferResource {
    fn new(capacity: u32) -> Self {
        Self(RefCell::new(ByteBuffer::with_capacity_hint(capacity)))
    }
    fn from_list(data: Vec<u8>) -> bytes::ByteBuffer {
        ByteBufferResource::handle(ByteBuffer::from_vec(data))
    }
    fn len(&self) -> u32 {
        self.0.borrow().len()
    }
    fn capacity(&self) -> u32 {
        self.0.borrow().capacity()
    }
    fn append(&self, data: Vec<u8>) -> Result<()> {
        Ok(self.0.borrow_mut().append(&data)?)
    }
    fn read(&self, offset: u32, len: u32) -> Result<Vec<u8>> {
        Ok(self.0.borrow().read(offset, len)?)
    }
    fn write_at(&self, offset: u32, data: Vec<u8>) -> Result<()> {
        Ok(self.0.borrow_mut().write_at(offset, &data)?)
    }
    fn fill(&self, offset: u32, len: u32, value: u8) -> Result<()> {
        Ok(self.0.borrow_mut().fill(offset, len, value)?)
    }
    fn copy_within(&self, src: u32, dst: u32, len: u32) -> Result<()> {
        Ok(self.0.borrow_mut().copy_within(src, dst, len)?)
    }
    fn to_list(&self) -> Vec<u8> {
        // Documented in the WIT: an empty list when the copy cannot be allocated.
        self.0.borrow().to_vec().unwrap_or_default()
    }
    fn truncate(&self, len: u32) {
        self.0.borrow_mut().truncate(len)
    }
    fn clear(&self) {
        self.0.borrow_mut().clear()
    }
    fn reserve(&self, additional: u32) -> Result<()> {
        Ok(self.0.borrow_mut().reserve(additional)?)
    }
}

pub struct FloatBufferResource(RefCell<FloatBuffer>);

impl floats::Guest for Memkit {
    type FloatBuffer = FloatBufferResource;
}

impl From<floats::UnaryOp> for UnaryOp {
    fn from(op: floats::UnaryOp) -> Self {
        match op {
            floats::UnaryOp::Sin => UnaryOp::Sin,
            floats::UnaryOp::Cos => UnaryOp::Cos,
            floats::UnaryOp::Tan => UnaryOp::Tan,
            floats::UnaryOp::Abs => UnaryOp::Abs,
            floats::UnaryOp::Sqrt => UnaryOp::Sqrt,
            floats::UnaryOp::Square => UnaryOp::Square,
            floats::UnaryOp::Neg => UnaryOp::Neg,
        }
    }
}

impl floats::GuestFloatBuffer for FloatBufferResource {
    fn new(capacity: u32) -> Self {
        Self(RefCell::new(FloatBuffer::with_capacity_hint(capacity)))
    }
    fn from_list(data: Vec<f32>) -> floats::FloatBuffer {
        floats::FloatBuffer::new(Self(RefCell::new(FloatBuffer::from_vec(data))))
    }
    fn len(&self) -> u32 {
        self.0.borrow().len()
    }
    fn set(&self, data: Vec<f32>) -> Result<()> {
        self.0.borrow_mut().set(data);
        Ok(())
    }
    fn append(&self, data: Vec<f32>) -> Result<()> {
        Ok(self.0.borrow_mut().append(&data)?)
    }
    fn to_list(&self) -> Vec<f32> {
        // Documented in the WIT: an empty list when the copy cannot be allocated.
        self.0.borrow().to_vec().unwrap_or_default()
    }
    fn read(&self, offset: u32, len: u32) -> Result<Vec<f32>> {
        Ok(self.0.borrow().read(offset, len)?)
    }
    fn process(&self) {
        self.0.borrow_mut().process()
    }
    fn apply(&self, op: floats::UnaryOp) {
        self.0.borrow_mut().apply(op.into())
    }
    fn scale(&self, factor: f32) {
        self.0.borrow_mut().scale(factor)
    }
    fn sum(&self) -> f64 {
        self.0.borrow().sum()
    }
    fn stats(&self) -> Option<floats::Stats> {
        self.0.borrow().stats().map(|s| floats::Stats {
            len: s.len,
            min: s.min,
            max: s.max,
            mean: s.mean,
            sum: s.sum,
        })
    }
    fn dot(&self, other: floats::FloatBufferBorrow<'_>) -> Result<f64> {
        let other = other.get::<FloatBufferResource>();
        Ok(self.0.borrow().dot(&other.0.borrow())?)
    }
}

pub struct ChunkAssemblerResource(RefCell<ChunkAssembler>);

impl chunks::Guest for Memkit {
    type ChunkAssembler = ChunkAssemblerResource;
}

impl chunks::GuestChunkAssembler for ChunkAssemblerResource {
    fn new(total_size: u32) -> Self {
        Self(RefCell::new(ChunkAssembler::new(total_size)))
    }
    fn create(total_size: u32, expected_crc32c: Option<u32>) -> Result<chunks::ChunkAssembler> {
        let assembler = ChunkAssembler::create(total_size, expected_crc32c)?;
        Ok(chunks::ChunkAssembler::new(Self(RefCell::new(assembler))))
    }
    fn append(&self, chunk: Vec<u8>) -> Result<()> {
        Ok(self.0.borrow_mut().append(&chunk)?)
    }
    fn write_at(&self, offset: u32, chunk: Vec<u8>) -> Result<()> {
        Ok(self.0.borrow_mut().write_at(offset, &chunk)?)
    }
    fn received(&self) -> u32 {
        self.0.borrow().received()
    }
    fn total_size(&self) -> u32 {
        self.0.borrow().total_size()
    }
    fn progress(&self) -> f64 {
        self.0.borrow().progress()
    }
    fn is_complete(&self) -> bool {
        self.0.borrow().is_complete()
    }
    fn missing(&self) -> Vec<chunks::Span> {
        let gaps = self.0.borrow().missing();
        gaps.into_iter()
            .map(|gap| chunks::Span {
                offset: gap.offset,
                len: gap.len,
            })
            .collect()
    }
    fn finish(&self) -> Result<bytes::ByteBuffer> {
        let data = self.0.borrow_mut().finish()?;
        Ok(ByteBufferResource::handle(ByteBuffer::from_vec(data)))
    }
}

impl From<records::ChecksumKind> for ChecksumKind {
    fn from(kind: records::ChecksumKind) -> Self {
        match kind {
            records::ChecksumKind::Sum32 => ChecksumKind::Sum32,
            records::ChecksumKind::Crc32c => ChecksumKind::Crc32c,
        }
    }
}

impl From<DecodeError> for records::DecodeError {
    fn from(error: DecodeError) -> Self {
        match error {
            DecodeError::TooShort(n) => records::DecodeError::TooShort(n),
            DecodeError::LengthMismatch {
                declared,
                available,
            } => records::DecodeError::LengthMismatch(records::LengthMismatch {
                declared,
                available,
            }),
            DecodeError::ChecksumMismatch { expected, actual } => {
                records::DecodeError::ChecksumMismatch(records::ChecksumMismatch {
                    expected,
                    actual,
                })
            }
            DecodeError::TrailingBytes(n) => records::DecodeError::TrailingBytes(n),
            DecodeError::PayloadTooLarge(n) => records::DecodeError::PayloadTooLarge(n),
            DecodeError::OutOfMemory(n) => records::DecodeError::OutOfMemory(n),
        }
    }
}

pub struct BinaryRecordResource(RefCell<BinaryRecord>);

impl BinaryRecordResource {
    fn handle(record: BinaryRecord) -> records::BinaryRecord {
        records::BinaryRecord::new(Self(RefCell::new(record)))
    }
}

pub struct RecordReaderResource(RefCell<RecordReader>);

impl records::Guest for Memkit {
    type BinaryRecord = BinaryRecordResource;
    type RecordReader = RecordReaderResource;
}

impl records::GuestBinaryRecord for BinaryRecordResource {
    fn new(kind: records::ChecksumKind) -> Self {
        Self(RefCell::new(BinaryRecord::new(kind.into())))
    }
    fn set_header(&self, header: Vec<u8>) -> Result<()> {
        Ok(self.0.borrow_mut().set_header(&header)?)
    }
    fn set_payload(&self, payload: Vec<u8>) -> Result<()> {
        Ok(self.0.borrow_mut().set_payload(&payload)?)
    }
    fn header(&self) -> Vec<u8> {
        self.0.borrow().header().to_vec()
    }
    fn payload(&self) -> Vec<u8> {
        // Documented in the WIT: an empty list when the copy cannot be allocated.
        crate::error::try_to_vec(self.0.borrow().payload()).unwrap_or_default()
    }
    fn checksum(&self) -> u32 {
        self.0.borrow().checksum()
    }
    fn serialize(&self) -> Vec<u8> {
        // Documented in the WIT: an empty list when the copy cannot be allocated.
        self.0.borrow().serialize().unwrap_or_default()
    }
    fn deserialize(
        data: Vec<u8>,
        kind: records::ChecksumKind,
    ) -> std::result::Result<records::BinaryRecord, records::DecodeError> {
        Ok(BinaryRecordResource::handle(BinaryRecord::deserialize(
            data,
            kind.into(),
        )?))
    }
}

impl records::GuestRecordReader for RecordReaderResource {
    fn new(kind: records::ChecksumKind, max_payload: u32) -> Self {
        Self(RefCell::new(RecordReader::new(kind.into(), max_payload)))
    }
    fn feed(
        &self,
        data: Vec<u8>,
    ) -> std::result::Result<Vec<records::BinaryRecord>, records::DecodeError> {
        let completed = self.0.borrow_mut().feed(&data)?;
        Ok(completed
            .into_iter()
            .map(BinaryRecordResource::handle)
            .collect())
    }
    fn buffered(&self) -> u32 {
        self.0.borrow().buffered()
    }
    fn finish(&self) -> std::result::Result<(), records::DecodeError> {
        Ok(self.0.borrow().finish()?)
    }
}

pub struct BufferPoolResource(RefCell<BufferPool>);

impl pools::Guest for Memkit {
    type BufferPool = BufferPoolResource;
    type Point = PointResource;
    type PointPool = PointPoolResource;

    fn path_length(points: Vec<pools::Point3d>) -> f64 {
        let points: Vec<Point3d> = points.into_iter().map(Point3d::from).collect();
        crate::pools::path_length(&points)
    }
}

impl pools::GuestBufferPool for BufferPoolResource {
    fn new() -> Self {
        Self(RefCell::new(BufferPool::default()))
    }
    fn with_classes(classes: Vec<u32>, max_per_class: u32) -> Result<pools::BufferPool> {
        let pool = BufferPool::with_classes(&classes, max_per_class)?;
        Ok(pools::BufferPool::new(Self(RefCell::new(pool))))
    }
    fn acquire(&self, size: u32) -> Result<bytes::ByteBuffer> {
        let buffer = self.0.borrow_mut().acquire(size)?;
        Ok(ByteBufferResource::handle(ByteBuffer::from_vec(buffer)))
    }
    fn release(&self, buffer: bytes::ByteBuffer) {
        let buffer = buffer.into_inner::<ByteBufferResource>().0.into_inner();
        self.0.borrow_mut().release(buffer.into_vec())
    }
    fn stats(&self) -> pools::PoolStats {
        let stats = self.0.borrow().stats();
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

impl From<pools::Point3d> for Point3d {
    fn from(p: pools::Point3d) -> Self {
        Point3d::new(p.x, p.y, p.z)
    }
}

pub struct PointResource(Cell<Point3d>);

impl pools::GuestPoint for PointResource {
    fn new(x: f64, y: f64, z: f64) -> Self {
        Self(Cell::new(Point3d::new(x, y, z)))
    }
    fn x(&self) -> f64 {
        self.0.get().x
    }
    fn y(&self) -> f64 {
        self.0.get().y
    }
    fn z(&self) -> f64 {
        self.0.get().z
    }
    fn reset(&self, x: f64, y: f64, z: f64) {
        self.0.set(Point3d::new(x, y, z))
    }
    fn distance_to(&self, other: pools::PointBorrow<'_>) -> f64 {
        self.0
            .get()
            .distance_to(&other.get::<PointResource>().0.get())
    }
    fn to_record(&self) -> pools::Point3d {
        let p = self.0.get();
        pools::Point3d {
            x: p.x,
            y: p.y,
            z: p.z,
        }
    }
}

pub struct PointPoolResource(RefCell<PointPool>);

impl pools::GuestPointPool for PointPoolResource {
    fn new(max_size: u32) -> Self {
        Self(RefCell::new(PointPool::new(max_size)))
    }
    fn get(&self, x: f64, y: f64, z: f64) -> pools::Point {
        let point = self.0.borrow_mut().get(x, y, z);
        pools::Point::new(PointResource(Cell::new(point)))
    }
    fn put(&self, p: pools::Point) {
        let point = p.into_inner::<PointResource>().0.get();
        self.0.borrow_mut().put(point);
    }
    fn size(&self) -> u32 {
        self.0.borrow().size()
    }
}

impl From<people::Person> for Person {
    fn from(p: people::Person) -> Self {
        Person {
            name: p.name,
            age: p.age,
            email: p.email,
        }
    }
}

impl From<Person> for people::Person {
    fn from(p: Person) -> Self {
        people::Person {
            name: p.name,
            age: p.age,
            email: p.email,
        }
    }
}

impl From<crate::people::JsonError> for people::JsonError {
    fn from(e: crate::people::JsonError) -> Self {
        people::JsonError {
            message: e.message,
            line: e.line,
            column: e.column,
        }
    }
}

impl people::Guest for Memkit {
    fn person_to_json(p: people::Person) -> String {
        crate::people::person_to_json(&p.into())
    }
    fn person_from_json(json: String) -> std::result::Result<people::Person, people::JsonError> {
        Ok(crate::people::person_from_json(&json)?.into())
    }
    fn company_to_json(c: people::Company) -> String {
        crate::people::company_to_json(&Company {
            name: c.name,
            founded_year: c.founded_year,
            employees: c.employees.into_iter().map(Person::from).collect(),
        })
    }
    fn company_from_json(json: String) -> std::result::Result<people::Company, people::JsonError> {
        let c = crate::people::company_from_json(&json)?;
        Ok(people::Company {
            name: c.name,
            founded_year: c.founded_year,
            employees: c.employees.into_iter().map(people::Person::from).collect(),
        })
    }
}
