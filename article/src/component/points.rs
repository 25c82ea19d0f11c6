//! Glue of `article/wit/points.wit` over `article/src/points.rs`.

use super::exports::memkit::article::points;
use super::{Article, Rep, Result};
use crate::points::{ObjectPool, Point3d};

impl points::Guest for Article {
    type Point = Rep<Point3d>;
    type PointPool = Rep<ObjectPool<points::Point>>;

    fn path_length(points: Vec<points::Point3d>) -> f64 {
        crate::points::path_length_of(points.into_iter().map(Point3d::from))
    }
    fn path_length_xyz(coords: Vec<f64>) -> Result<f64> {
        Ok(crate::points::path_length_xyz(&coords)?)
    }
}

impl points::GuestPoint for Rep<Point3d> {
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
    fn distance_to(&self, other: points::PointBorrow<'_>) -> f64 {
        self.get().distance_to(&other.get::<Rep<Point3d>>().get())
    }
    fn to_record(&self) -> points::Point3d {
        (*self.get()).into()
    }
}

/// The pool keeps the handles put back, so a `get` hands one out again, reset, and allocates
/// nothing: the handle's storage is what is reused.
impl points::GuestPointPool for Rep<ObjectPool<points::Point>> {
    fn new(max_size: u32) -> Self {
        Rep::new(ObjectPool::new(max_size))
    }
    fn get(&self, x: f64, y: f64, z: f64) -> points::Point {
        match self.get_mut().take() {
            Some(point) => {
                *point.get::<Rep<Point3d>>().get_mut() = Point3d::new(x, y, z);
                point
            }
            None => points::Point::new(Rep::new(Point3d::new(x, y, z))),
        }
    }
    fn put(&self, p: points::Point) {
        // A point the pool does not keep is dropped here, as the host would have.
        drop(self.get_mut().put(p));
    }
    fn size(&self) -> u32 {
        self.get().size()
    }
}

impl From<points::Point3d> for Point3d {
    fn from(p: points::Point3d) -> Self {
        Point3d::new(p.x, p.y, p.z)
    }
}

impl From<Point3d> for points::Point3d {
    fn from(p: Point3d) -> Self {
        points::Point3d {
            x: p.x,
            y: p.y,
            z: p.z,
        }
    }
}
