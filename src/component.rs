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
use crate::error::{len_u32, make_room, try_map, try_to_vec, try_with_capacity};
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

/// Arguments up to this size may draw on the allocator's reserve (see `memory.wit`); larger
/// ones are caller-sized requests, served only while the reserve is intact.
const SMALL_ARGUMENT_BYTES: usize = 4096;

/// The canonical ABI's allocator, which the host calls to place every list and string it
/// passes in. It replaces wit-bindgen's, which traps when the allocator fails and so would
/// poison the instance when a host sends a list larger than the memory it allows. This one
/// answers failure with an address where nothing fits: the host's lowering then fails for
/// that call (what happens to the instance then depends on the host; see README).
///
/// A list of 4- or 8-byte-aligned elements over [`SMALL_ARGUMENT_BYTES`] may be a list of
/// records, which the bindings copy into a Rust vector with an allocation that cannot fail
/// gracefully. For those, room for that copy is held too (see
/// [`CountingAllocator::hold_for_lift`](crate::memory::CountingAllocator::hold_for_lift));
/// without it the argument is refused here rather than trapping later.
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
    let allocate = || unsafe {
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
    let mut ptr = if new_len <= SMALL_ARGUMENT_BYTES {
        allocate()
    } else {
        crate::memory::fallible(allocate)
    };
    if !ptr.is_null() && align >= 4 && new_len > SMALL_ARGUMENT_BYTES {
        let lift_copy = new_len.saturating_add(new_len / 2);
        if !ALLOCATOR.hold_for_lift(lift_copy) {
            unsafe { dealloc(ptr, Layout::from_size_align_unchecked(new_len, align)) };
            ptr = std::ptr::null_mut();
        }
    }
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

/// Makes sure a new handle of representation `T` can be made without trapping: the heap has
/// room for its box, or the reserve is intact (and may serve it). For the calls that create a
/// handle and can answer `out-of-memory`, so that only the infallible constructors ever eat
/// into the reserve. Checked before the call changes anything.
fn room_for_handle<T>() -> std::result::Result<(), crate::Error> {
    // The reserve check first: it is a load, where the probe is an allocation and a free.
    if ALLOCATOR.reserve_bytes() > 0 {
        return Ok(());
    }
    make_room(size_of::<Option<T>>() + 16)
}

/// What one boxed `binary-record` representation takes from the allocator, with its overhead.
const BOXED_RECORD_BYTES: usize = size_of::<Option<BinaryRecordResource>>() + 16;
/// A `person` in the canonical ABI: two strings (pointer and length each) and a u32.
const LOWERED_PERSON_BYTES: usize = 20;

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
            reserve_bytes: info.reserve_bytes,
            reserve_draws: info.reserve_draws,
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
    fn to_list(&self) -> Result<Vec<u8>> {
        Ok(self.0.borrow().to_vec()?)
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
    fn to_list(&self) -> Result<Vec<f32>> {
        Ok(self.0.borrow().to_vec()?)
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
        room_for_handle::<Self>()?;
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
        let first = gaps.first().copied();
        let span = |gap: crate::chunks::Span| chunks::Span {
            offset: gap.offset,
            len: gap.len,
        };
        // The bindings copy the returned list once more to lower it: room for that first.
        let lowered = try_map(gaps, span).and_then(|list| {
            make_room(list.len() * size_of::<chunks::Span>())?;
            Ok(list)
        });
        // As documented: the first gap alone (8 bytes, served by the reserve) otherwise.
        lowered.unwrap_or_else(|_| first.map(span).into_iter().collect())
    }
    fn finish(&self) -> Result<bytes::ByteBuffer> {
        let data = self
            .0
            .borrow_mut()
            .finish_if(room_for_handle::<ByteBufferResource>)?;
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
    fn header(&self) -> Result<Vec<u8>> {
        Ok(try_to_vec(self.0.borrow().header())?)
    }
    fn payload(&self) -> Result<Vec<u8>> {
        Ok(try_to_vec(self.0.borrow().payload())?)
    }
    fn checksum(&self) -> u32 {
        self.0.borrow().checksum()
    }
    fn serialize(&self) -> Result<Vec<u8>> {
        Ok(self.0.borrow().serialize()?)
    }
    fn deserialize(
        data: Vec<u8>,
        kind: records::ChecksumKind,
    ) -> std::result::Result<records::BinaryRecord, records::DecodeError> {
        let record = BinaryRecord::deserialize(data, kind.into())?;
        room_for_handle::<BinaryRecordResource>()
            .map_err(|_| records::DecodeError::OutOfMemory(BOXED_RECORD_BYTES as u32))?;
        Ok(BinaryRecordResource::handle(record))
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
        // Room for the handles is made before the reader lets go of its bytes: each handle
        // boxes its record with an allocation that cannot fail gracefully, more than the
        // reserve holds for a long list. Refused, the call changes nothing.
        let (completed, mut handles) = self.0.borrow_mut().feed_if(&data, |count| {
            let out_of_memory = |_| DecodeError::OutOfMemory(len_u32(count * 4));
            let handles = try_with_capacity(count).map_err(out_of_memory)?;
            make_room(count * BOXED_RECORD_BYTES).map_err(out_of_memory)?;
            Ok(handles)
        })?;
        handles.extend(completed.into_iter().map(BinaryRecordResource::handle));
        Ok(handles)
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
        crate::pools::path_length_of(points.into_iter().map(Point3d::from))
    }
}

impl pools::GuestBufferPool for BufferPoolResource {
    fn new() -> Self {
        Self(RefCell::new(BufferPool::default()))
    }
    fn with_classes(classes: Vec<u32>, max_per_class: u32) -> Result<pools::BufferPool> {
        let pool = BufferPool::with_classes(&classes, max_per_class)?;
        room_for_handle::<Self>()?;
        Ok(pools::BufferPool::new(Self(RefCell::new(pool))))
    }
    fn acquire(&self, size: u32) -> Result<bytes::ByteBuffer> {
        room_for_handle::<ByteBufferResource>()?;
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
    fn person_to_json(p: people::Person) -> Result<String> {
        Ok(crate::people::person_to_json(&p.into())?)
    }
    fn person_from_json(json: String) -> std::result::Result<people::Person, people::JsonError> {
        Ok(crate::people::person_from_json(&json)?.into())
    }
    fn company_to_json(c: people::Company) -> Result<String> {
        Ok(crate::people::company_to_json(&Company {
            name: c.name,
            founded_year: c.founded_year,
            employees: try_map(c.employees, Person::from)?,
        })?)
    }
    fn company_from_json(json: String) -> std::result::Result<people::Company, people::JsonError> {
        let c = crate::people::company_from_json(&json)?;
        let out_of_memory = |error: crate::Error| people::JsonError {
            message: format!("{}: {error}", crate::people::OUT_OF_MEMORY),
            line: 1,
            column: 0,
        };
        let employees = try_map(c.employees, people::Person::from).map_err(out_of_memory)?;
        // The bindings copy the list once more to lower it (20 bytes a person): room first.
        make_room(employees.len() * LOWERED_PERSON_BYTES).map_err(out_of_memory)?;
        Ok(people::Company {
            name: c.name,
            founded_year: c.founded_year,
            employees,
        })
    }
}
