//! The WIT binding layer (wasm only): converts between the generated types and the core
//! modules and delegates. No logic lives here beyond conversion.
//!
//! Resources hold their core value in a `RefCell` because wit-bindgen hands methods `&self`;
//! the component is single-threaded and no method re-enters another, so no borrow can clash
//! (two shared borrows, as in `dot` of a buffer with itself, are fine).

use std::alloc::System;
use std::cell::RefCell;

use crate::bytes::ByteBuffer;
use crate::floats::{FloatBuffer, UnaryOp};
use crate::memory::CountingAllocator;

wit_bindgen::generate!({ path: "wit", world: "memkit" });

use exports::memkit::core::{bytes, floats, memory, text, types};

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
    use std::alloc::{alloc, realloc, Layout};
    if new_len == 0 {
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

impl bytes::Guest for Memkit {
    type ByteBuffer = ByteBufferResource;
}

impl bytes::GuestByteBuffer for ByteBufferResource {
    fn new(capacity: u32) -> Self {
        Self(RefCell::new(ByteBuffer::with_capacity_hint(capacity)))
    }
    fn from_list(data: Vec<u8>) -> bytes::ByteBuffer {
        bytes::ByteBuffer::new(Self(RefCell::new(ByteBuffer::from_vec(data))))
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
