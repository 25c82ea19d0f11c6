//! Byte and float buffers, the string swap-case and chunked assembly (the article's
//! `data_transfer.rs`).

use js_sys::{Float32Array, Uint8Array};
use wasm_bindgen::prelude::*;

/// Bytes held in the module.
#[wasm_bindgen]
pub struct ByteBuffer {
    data: Vec<u8>,
}

#[wasm_bindgen]
impl ByteBuffer {
    #[wasm_bindgen(constructor)]
    pub fn new(capacity: usize) -> ByteBuffer {
        ByteBuffer {
            data: Vec::with_capacity(capacity),
        }
    }

    /// The address of the bytes in linear memory.
    pub fn as_ptr(&self) -> *const u8 {
        self.data.as_ptr()
    }

    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// Replaces the contents with a copy of `array`.
    pub fn from_js_array(&mut self, array: &Uint8Array) {
        self.data.clear();
        // FIX: the article reserves here, leaving the length 0, and `copy_to` panics when the
        // lengths differ; resizing gives it a slice of the array's length.
        self.data.resize(array.length() as usize, 0);
        array.copy_to(&mut self.data);
    }

    /// A view of the bytes in linear memory (no copy): detached when memory grows, so copy it
    /// (`.slice()`) before the next call into the module.
    pub fn to_js_array(&self) -> Uint8Array {
        unsafe { Uint8Array::view(&self.data) }
    }

    pub fn append(&mut self, data: &[u8]) {
        self.data.extend_from_slice(data);
    }

    pub fn clear(&mut self) {
        self.data.clear();
    }
}

/// f32 values held in the module.
#[wasm_bindgen]
pub struct FloatBuffer {
    data: Vec<f32>,
}

#[wasm_bindgen]
impl FloatBuffer {
    #[wasm_bindgen(constructor)]
    pub fn new(capacity: usize) -> FloatBuffer {
        FloatBuffer {
            data: Vec::with_capacity(capacity),
        }
    }

    pub fn from_js_array(&mut self, array: &Float32Array) {
        self.data.clear();
        self.data.resize(array.length() as usize, 0.0);
        array.copy_to(&mut self.data);
    }

    /// A view, like `ByteBuffer.to_js_array`: copy it at once.
    pub fn to_js_array(&self) -> Float32Array {
        unsafe { Float32Array::view(&self.data) }
    }

    /// Each value becomes tan(cos(sin(x))), in f32 (libm's sinf, cosf, tanf on wasm).
    pub fn process_data(&mut self) {
        for value in &mut self.data {
            *value = value.sin().cos().tan();
        }
    }

    /// The sum as an f32 running total, in order.
    pub fn sum(&self) -> f32 {
        self.data.iter().sum()
    }
}

/// Swaps the case: ASCII lowercase becomes uppercase, everything else goes through
/// `to_ascii_lowercase` (so non-ASCII characters are unchanged). The name is the article's;
/// the string is copied in and out.
#[wasm_bindgen]
pub fn process_string_zero_copy(input: &str) -> String {
    input
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// A block of a known size, filled by chunks in order.
#[wasm_bindgen]
pub struct DataChunk {
    data: Vec<u8>,
    offset: usize,
    total_size: usize,
}

#[wasm_bindgen]
impl DataChunk {
    #[wasm_bindgen(constructor)]
    pub fn new(total_size: usize) -> DataChunk {
        DataChunk {
            data: Vec::with_capacity(total_size),
            offset: 0,
            total_size,
        }
    }

    /// Appends `chunk` when it fits in what remains; false (and nothing kept) when not.
    pub fn append_chunk(&mut self, chunk: &[u8]) -> bool {
        if self.offset + chunk.len() <= self.total_size {
            self.data.extend_from_slice(chunk);
            self.offset += chunk.len();
            true
        } else {
            false
        }
    }

    pub fn is_complete(&self) -> bool {
        self.offset == self.total_size
    }

    /// The share received, 0 to 1 (NaN for a DataChunk of size 0, as in the article).
    pub fn get_progress(&self) -> f32 {
        self.offset as f32 / self.total_size as f32
    }

    /// A view of the bytes received: copy it at once (`.slice()`).
    pub fn get_data(&self) -> Uint8Array {
        unsafe { Uint8Array::view(&self.data) }
    }
}
