//! The buffer pool and the Point3D object pool (the article's `memory_pool.rs`).

use std::collections::VecDeque;

use wasm_bindgen::prelude::*;

/// Buffers by size class (64 B to 64 KiB), at most 10 kept per class. As written it never
/// reuses anything: `get_buffer` hands JS an empty Vec (an empty Uint8Array), and what JS
/// hands back has no capacity, which matches no class. Kept so: that is the baseline.
#[wasm_bindgen]
pub struct MemoryPool {
    pools: Vec<VecDeque<Vec<u8>>>,
    sizes: Vec<usize>,
}

#[wasm_bindgen]
impl MemoryPool {
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> MemoryPool {
        let sizes = vec![64, 256, 1024, 4096, 16384, 65536];
        let pools = sizes.iter().map(|_| VecDeque::new()).collect();
        MemoryPool { pools, sizes }
    }

    /// An empty buffer with room for `size` bytes: a pooled one of the first class that fits,
    /// else a new one of that class's capacity, else one of exactly `size`.
    pub fn get_buffer(&mut self, size: usize) -> Option<Vec<u8>> {
        for (i, &class) in self.sizes.iter().enumerate() {
            if size <= class {
                if let Some(mut buffer) = self.pools[i].pop_front() {
                    buffer.clear();
                    buffer.reserve(size);
                    return Some(buffer);
                }
                return Some(Vec::with_capacity(class));
            }
        }
        Some(Vec::with_capacity(size))
    }

    /// Keeps `buffer` when its capacity is exactly a class size and that class holds fewer
    /// than 10; drops it otherwise.
    pub fn return_buffer(&mut self, buffer: Vec<u8>) {
        let capacity = buffer.capacity();
        for (i, &class) in self.sizes.iter().enumerate() {
            if capacity == class && self.pools[i].len() < 10 {
                self.pools[i].push_back(buffer);
                return;
            }
        }
    }

    /// How many buffers each class holds, smallest class first.
    pub fn get_pool_stats(&self) -> Vec<usize> {
        self.pools.iter().map(VecDeque::len).collect()
    }
}

#[wasm_bindgen]
pub struct Point3D {
    pub x: f64,
    pub y: f64,
    pub z: f64,
}

#[wasm_bindgen]
impl Point3D {
    #[wasm_bindgen(constructor)]
    pub fn new(x: f64, y: f64, z: f64) -> Point3D {
        Point3D { x, y, z }
    }

    pub fn reset(&mut self, x: f64, y: f64, z: f64) {
        self.x = x;
        self.y = y;
        self.z = z;
    }

    pub fn distance_to(&self, other: &Point3D) -> f64 {
        let dx = self.x - other.x;
        let dy = self.y - other.y;
        let dz = self.z - other.z;
        (dx * dx + dy * dy + dz * dz).sqrt()
    }
}

/// Up to `max_size` spare points, reused by `get_point`.
#[wasm_bindgen]
pub struct Point3DPool {
    pool: VecDeque<Point3D>,
    max_size: usize,
}

#[wasm_bindgen]
impl Point3DPool {
    #[wasm_bindgen(constructor)]
    pub fn new(max_size: usize) -> Point3DPool {
        Point3DPool {
            pool: VecDeque::new(),
            max_size,
        }
    }

    pub fn get_point(&mut self, x: f64, y: f64, z: f64) -> Point3D {
        match self.pool.pop_front() {
            Some(mut point) => {
                point.reset(x, y, z);
                point
            }
            None => Point3D::new(x, y, z),
        }
    }

    /// Takes the point (the JS object is spent); keeps it while the pool has room.
    pub fn return_point(&mut self, point: Point3D) {
        if self.pool.len() < self.max_size {
            self.pool.push_back(point);
        }
    }

    pub fn pool_size(&self) -> usize {
        self.pool.len()
    }
}
