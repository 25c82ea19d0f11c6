//! The `points` interface of `memkit:article`: the article's Point3D, its object pool, and
//! `path_length`, which does in one call what the article's demo does in a thousand.

use memkit_alloc::error::{len_u32, Error};
use memkit_alloc::try_grow;

/// A point in 3D space. Mirrors WIT `points.point3d` (and holds a `points.point`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point3d {
    /// X coordinate.
    pub x: f64,
    /// Y coordinate.
    pub y: f64,
    /// Z coordinate.
    pub z: f64,
}

impl Point3d {
    /// A point at (x, y, z).
    pub fn new(x: f64, y: f64, z: f64) -> Self {
        Self { x, y, z }
    }

    /// Euclidean distance; NaN when any coordinate is NaN.
    pub fn distance_to(&self, other: &Point3d) -> f64 {
        let (dx, dy, dz) = (self.x - other.x, self.y - other.y, self.z - other.z);
        (dx * dx + dy * dy + dz * dz).sqrt()
    }
}

/// The article's object pool, of any object: it keeps at most `max_size` objects put back, and
/// hands the last one put back out again. The component pools its point handles in one
/// (`points.point-pool`), so a `get` after a `put` reuses a point's storage and allocates
/// nothing.
#[derive(Debug)]
pub struct ObjectPool<T> {
    waiting: Vec<T>,
    max_size: u32,
}

impl<T> ObjectPool<T> {
    /// A pool that keeps at most `max_size` objects waiting. The waiting list grows on demand
    /// (it is not reserved up front, so a huge `max_size` costs nothing until used).
    ///
    /// Cost: O(1); no allocation.
    pub fn new(max_size: u32) -> Self {
        Self {
            waiting: Vec::new(),
            max_size,
        }
    }

    /// The object put back last, if one waits.
    ///
    /// Cost: O(1); no allocation.
    pub fn take(&mut self) -> Option<T> {
        self.waiting.pop()
    }

    /// Keeps `object` while fewer than `max_size` wait; gives it back when it is not kept
    /// (when `max_size` wait, or when the waiting list cannot grow).
    ///
    /// Cost: amortised O(1); allocates only when the waiting list is full (it grows
    /// geometrically).
    pub fn put(&mut self, object: T) -> Result<(), T> {
        if self.waiting.len() >= self.max_size as usize || try_grow(&mut self.waiting, 1).is_err() {
            return Err(object);
        }
        self.waiting.push(object);
        Ok(())
    }

    /// Objects waiting. Cost: O(1).
    pub fn size(&self) -> u32 {
        len_u32(self.waiting.len())
    }
}

/// The sum of distances between neighbours; 0 for fewer than two points, NaN when a
/// coordinate is NaN. Cost: O(n), one pass; no allocation.
pub fn path_length(points: &[Point3d]) -> f64 {
    path_length_of(points.iter().copied())
}

/// [`path_length`] over points as they come, so a caller need not collect them first. Cost:
/// O(n), one pass; no allocation.
pub fn path_length_of(points: impl IntoIterator<Item = Point3d>) -> f64 {
    let mut points = points.into_iter();
    let Some(mut previous) = points.next() else {
        return 0.0;
    };
    // A fold from +0.0: `Iterator::sum` of no floats is -0.0, which JS callers can see.
    points.fold(0.0, |total, point| {
        let step = previous.distance_to(&point);
        previous = point;
        total + step
    })
}

/// [`path_length`] over interleaved coordinates `x0, y0, z0, x1, y1, z1, …`: the layout a
/// `Float64Array` crosses the boundary in, one copy, with no record per point. The same
/// result, bit for bit, as [`path_length`] of the same points. Cost: O(n), one pass; no
/// allocation.
///
/// # Errors
/// [`Error::Invalid`] unless `coords.len()` is a multiple of 3.
pub fn path_length_xyz(coords: &[f64]) -> Result<f64, Error> {
    if !coords.len().is_multiple_of(3) {
        return Err(Error::Invalid(format!(
            "coords: {} values is not a whole number of (x, y, z) points",
            coords.len()
        )));
    }
    let points = coords
        .as_chunks::<3>()
        .0
        .iter()
        .map(|&[x, y, z]| Point3d::new(x, y, z));
    Ok(path_length_of(points))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn path_length_xyz_refuses_a_partial_point() {
        assert!(matches!(
            path_length_xyz(&[1.0, 2.0]),
            Err(Error::Invalid(_))
        ));
        assert_eq!(path_length_xyz(&[]), Ok(0.0));
        assert_eq!(path_length_xyz(&[0.0, 0.0, 0.0, 3.0, 4.0, 0.0]), Ok(5.0));
    }

    proptest! {
        #[test]
        fn path_length_xyz_agrees_with_path_length(
            points in proptest::collection::vec((-1e6..1e6f64, -1e6..1e6f64, -1e6..1e6f64), 0..50)
        ) {
            let coords: Vec<f64> = points.iter().flat_map(|&(x, y, z)| [x, y, z]).collect();
            let points: Vec<Point3d> = points.iter().map(|&(x, y, z)| Point3d::new(x, y, z)).collect();
            prop_assert_eq!(path_length_xyz(&coords).unwrap().to_bits(), path_length(&points).to_bits());
        }
    }

    #[test]
    fn an_object_pool_keeps_up_to_max_size_and_hands_back_the_last() {
        let mut pool = ObjectPool::new(2);
        assert_eq!(pool.take(), None::<Box<u8>>);
        assert_eq!(pool.put(Box::new(1)), Ok(()));
        assert_eq!(pool.put(Box::new(2)), Ok(()));
        assert_eq!(pool.put(Box::new(3)), Err(Box::new(3)), "full: given back");
        assert_eq!(pool.size(), 2);
        assert_eq!(pool.take(), Some(Box::new(2)));
        assert_eq!(pool.take(), Some(Box::new(1)));
        assert_eq!((pool.take(), pool.size()), (None, 0));
    }

    #[test]
    fn path_length_sums_neighbour_distances() {
        let square = [
            Point3d::new(0.0, 0.0, 0.0),
            Point3d::new(3.0, 4.0, 0.0),
            Point3d::new(3.0, 4.0, 12.0),
        ];
        assert_eq!(path_length(&square), 5.0 + 12.0);
        assert_eq!(path_length(&square[..1]), 0.0);
        assert!(path_length(&[]).is_sign_positive(), "+0.0, not -0.0");
        assert!(path_length(&[Point3d::new(f64::NAN, 0.0, 0.0), Point3d::default()]).is_nan());
    }
}
