//! The benchmark's baseline: the origin article's wasm-bindgen module ("Rust-Wasm 内存管理与数据
//! 交换"), rewritten from the article with its API and
//! its approach. It is a yardstick, not a product: it does what the article's code does, its
//! way, fixing only what would not compile or would crash.
//!
//! What was fixed (each marked `FIX:` where it is):
//! - `wasm_bindgen::memory()` is a `JsValue`: cast to `WebAssembly.Memory` (did not compile);
//! - the article's `lib.rs` never declares its other files: `mod` lines added (did not compile);
//! - `ByteBuffer.from_js_array` resizes instead of reserving (`copy_to` panicked on any
//!   non-empty input);
//! - `BinaryData.deserialize` adds the declared payload length to 24 with `checked_add` (a
//!   length near 4 GiB wrapped around and trapped the module on a slice index);
//! - `wee_alloc` (unmaintained) is replaced by Rust's default allocator.
//!
//! Kept on purpose, because they are what the benchmark measures: one call per object, copies
//! through typed arrays, the f32 running sum, the buffer pool that never reuses anything, the
//! checksum as a byte sum. Kept too, since nothing crashes: `get_memory_info` reports all of
//! linear memory as used, `set_header` ignores input that is not 16 bytes, and
//! `DataChunk(0).get_progress()` is NaN. `to_js_array` and `get_data` still return views into
//! linear memory, as the article does; they are detached as soon as the memory grows, so a
//! caller copies them at once (`buffer.to_js_array().slice()`) before calling the module again.

// The article's API as written: raw addresses from JS, `len` without `is_empty`.
#![allow(clippy::not_unsafe_ptr_arg_deref, clippy::len_without_is_empty)]

use std::alloc::{alloc, dealloc, Layout};
use std::ptr;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

// FIX: the article keeps these in their own files but never declares them.
mod complex_data;
mod data_transfer;
mod memory_pool;

pub use complex_data::{BinaryData, Company, Person};
pub use data_transfer::{process_string_zero_copy, ByteBuffer, DataChunk, FloatBuffer};
pub use memory_pool::{MemoryPool, Point3D, Point3DPool};

// FIX: no `#[global_allocator]` wee_alloc: the default allocator (dlmalloc on this target).

/// Installs the panic hook when the module is instantiated, as the article does.
#[wasm_bindgen(start)]
pub fn main() {
    console_error_panic_hook::set_once();
}

/// Memory figures, read through getters.
#[wasm_bindgen]
pub struct MemoryInfo {
    total_pages: u32,
    used_bytes: usize,
    free_bytes: usize,
}

#[wasm_bindgen]
impl MemoryInfo {
    #[wasm_bindgen(getter)]
    pub fn total_pages(&self) -> u32 {
        self.total_pages
    }

    #[wasm_bindgen(getter)]
    pub fn used_bytes(&self) -> usize {
        self.used_bytes
    }

    #[wasm_bindgen(getter)]
    pub fn free_bytes(&self) -> usize {
        self.free_bytes
    }
}

/// The size of linear memory in 64 KiB pages; like the article, every byte counts as used.
#[wasm_bindgen]
pub fn get_memory_info() -> MemoryInfo {
    // FIX: `memory()` returns a JsValue, and `Memory::buffer()` one too: cast both.
    let memory = wasm_bindgen::memory().unchecked_into::<js_sys::WebAssembly::Memory>();
    let buffer = memory.buffer().unchecked_into::<js_sys::ArrayBuffer>();
    let total = buffer.byte_length() as usize;
    MemoryInfo {
        total_pages: (total / 65536) as u32,
        used_bytes: total, // the article's simplification
        free_bytes: 0,
    }
}

// The article's raw-memory functions, as unchecked as it wrote them: JS passes addresses.

#[wasm_bindgen]
pub fn allocate_memory(size: usize) -> *mut u8 {
    let layout = Layout::from_size_align(size, 1).unwrap();
    unsafe { alloc(layout) }
}

#[wasm_bindgen]
pub fn deallocate_memory(ptr: *mut u8, size: usize) {
    let layout = Layout::from_size_align(size, 1).unwrap();
    unsafe { dealloc(ptr, layout) }
}

#[wasm_bindgen]
pub fn copy_memory(src: *const u8, dst: *mut u8, len: usize) {
    unsafe { ptr::copy_nonoverlapping(src, dst, len) }
}

#[wasm_bindgen]
pub fn fill_memory(ptr: *mut u8, value: u8, len: usize) {
    unsafe { ptr::write_bytes(ptr, value, len) }
}
