//! Glue of `wit/pools.wit` over `src/pools.rs`.

use super::exports::memkit::core::{bytes, pools};
use super::{Memkit, Rep, Result};
use crate::alloc::room_for_handle;
use crate::bytes::ByteBuffer;
use crate::pools::{BufferPool, Point3d, PointPool, PoolStats};

impl pools::Guest for Memkit {
    type BufferPool = Rep<BufferPool>;
    type Point = Rep<Point3d>;
    type PointPool = Rep<PointPool>;

    fn path_length(points: Vec<pools::Point3d>) -> f64 {
        crate::pools::path_length_of(points.into_iter().map(Point3d::from))
    }
    fn path_length_xyz(coords: Vec<f64>) -> Result<f64> {
        Ok(crate::pools::path_length_xyz(&coords)?)
    }
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

impl pools::GuestPoint for Rep<Point3d> {
    fn new(x: f64, y: f64, z: f64) -> Self {
        Rep::new(Point3d::new(x, y, z))
    }
    fn x(&self) -> f64 {
        self.get().x
    }
    fn y(&self) -> f64 {
        self.get().y
    }
    fn z(&self) -> f64 {
        self.get().z
    }
    fn reset(&self, x: f64, y: f64, z: f64) {
        *self.get_mut() = Point3d::new(x, y, z)
    }
    fn distance_to(&self, other: pools::PointBorrow<'_>) -> f64 {
        self.get().distance_to(&other.get::<Rep<Point3d>>().get())
    }
    fn to_record(&self) -> pools::Point3d {
        (*self.get()).into()
    }
}

impl pools::GuestPointPool for Rep<PointPool> {
    fn new(max_size: u32) -> Self {
        Rep::new(PointPool::new(max_size))
    }
    fn get(&self, x: f64, y: f64, z: f64) -> pools::Point {
        let point = self.get_mut().get(x, y, z);
        pools::Point::new(Rep::new(point))
    }
    fn put(&self, p: pools::Point) {
        let point = p.into_inner::<Rep<Point3d>>().into_inner();
        self.get_mut().put(point);
    }
    fn size(&self) -> u32 {
        self.get().size()
    }
}

impl From<pools::Point3d> for Point3d {
    fn from(p: pools::Point3d) -> Self {
        Point3d::new(p.x, p.y, p.z)
    }
}

impl From<Point3d> for pools::Point3d {
    fn from(p: Point3d) -> Self {
        pools::Point3d {
            x: p.x,
            y: p.y,
            z: p.z,
        }
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
