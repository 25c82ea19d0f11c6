//! The `floats` interface: a growable `f32` buffer and the kernels that run over it in place.
//!
//! Sums accumulate in f64 across eight (`LANES`) independent accumulators: f64 keeps 29 more
//! bits than f32, and independent lanes let LLVM vectorise the loop (a single running sum
//! cannot be reordered). Element-wise kernels are plain loops over slices so they vectorise
//! where the operation has a SIMD instruction (abs, neg, sqrt, square, scale). wasm has no
//! transcendental instructions, so sin, cos and tan (and `process`) run the `trig` kernels:
//! polynomials four lanes at a time, within 2 ulp of the exact result for |x| ≤ 12288 (3 ulp
//! for `process`, against the same composition in f64) and the scalar libm functions beyond
//! that.
//!
//! Costs are stated per method: `n` is the buffer's length in floats. Every kernel runs in
//! place and allocates nothing.

use crate::alloc::{try_copy_range, try_extend, try_grow, try_to_vec, with_capacity_hint};
use crate::error::{len_u32, Error};

/// The SIMD sin, cos and tan kernels behind `apply` and `process`.
mod trig;

/// Independent f64 accumulators in sums: enough to fill two SIMD registers of f64x2 twice.
const LANES: usize = 8;

/// An element-wise function for [`FloatBuffer::apply`]. Mirrors WIT `floats.unary-op`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// Sine, argument in radians.
    Sin,
    /// Cosine, argument in radians.
    Cos,
    /// Tangent, argument in radians.
    Tan,
    /// Absolute value.
    Abs,
    /// Square root (NaN for a negative value).
    Sqrt,
    /// `x * x`.
    Square,
    /// `-x`.
    Neg,
}

/// Summary of a non-empty buffer. Mirrors WIT `floats.stats`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// Number of values.
    pub len: u32,
    /// Smallest value, ignoring NaN (NaN only when every value is NaN).
    pub min: f32,
    /// Largest value, ignoring NaN (NaN only when every value is NaN).
    pub max: f32,
    /// `sum / len`.
    pub mean: f64,
    /// The same f64 lane sum as [`FloatBuffer::sum`].
    pub sum: f64,
}

/// A growable run of `f32`. Mirrors WIT `floats.float-buffer`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FloatBuffer {
    data: Vec<f32>,
}

impl FloatBuffer {
    /// An empty buffer with room for `capacity` floats, or for none when that much cannot be
    /// reserved. Never fails.
    ///
    /// Cost: one allocation of exactly `4 * capacity` bytes (none when it is 0 or refused).
    pub fn with_capacity_hint(capacity: u32) -> Self {
        Self {
            data: with_capacity_hint(capacity),
        }
    }

    /// A buffer that adopts `data` without copying it.
    ///
    /// Cost: O(1); moves the vector in, no allocation, no copy.
    pub fn from_vec(data: Vec<f32>) -> Self {
        Self { data }
    }

    /// The floats held, moved out without copying.
    ///
    /// Cost: O(1); moves the vector out (capacity included), no allocation, no copy.
    pub fn into_vec(self) -> Vec<f32> {
        self.data
    }

    /// The floats held, borrowed. Cost: O(1), no copy.
    pub fn as_slice(&self) -> &[f32] {
        &self.data
    }

    /// Number of floats held. Cost: O(1).
    pub fn len(&self) -> u32 {
        len_u32(self.data.len())
    }

    /// Whether no float is held. Cost: O(1).
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Replaces the contents, adopting `data`.
    ///
    /// Cost: O(1); moves `data` in without copying and frees the old allocation.
    pub fn set(&mut self, data: Vec<f32>) {
        self.data = data;
    }

    /// Adds `values` at the end.
    ///
    /// Cost: copies `values.len()` floats; amortised O(1) per float appended. Allocates only
    /// when the capacity is short (geometric growth, which may copy the `n` floats held).
    ///
    /// # Errors
    /// - [`Error::TooLarge`] when `len() + values.len()` would pass `u32::MAX` floats
    ///   (`requested`: `values.len()`, `limit`: the room left).
    /// - [`Error::OutOfMemory`]`(4 * values.len())` when the allocator refuses to grow.
    ///
    /// On error the buffer is unchanged.
    pub fn append(&mut self, values: &[f32]) -> Result<(), Error> {
        try_extend(&mut self.data, values)
    }

    /// Makes room for at least `additional` more values.
    ///
    /// # Errors
    /// [`Error::TooLarge`] past `u32::MAX` values, [`Error::OutOfMemory`] when the allocator
    /// refuses to grow; on error the buffer is unchanged.
    pub fn reserve(&mut self, additional: u32) -> Result<(), Error> {
        try_grow(&mut self.data, additional as usize)
    }

    /// A copy of every value.
    ///
    /// Cost: one allocation of exactly `4 * n` bytes; copies `n` floats.
    ///
    /// # Errors
    /// [`Error::OutOfMemory`]`(4 * n)` when the allocator refuses the copy.
    pub fn to_vec(&self) -> Result<Vec<f32>, Error> {
        try_to_vec(&self.data)
    }

    /// A copy of `len` values from `offset`.
    ///
    /// Cost: one allocation of exactly `4 * len` bytes; copies `len` floats.
    ///
    /// # Errors
    /// - [`Error::OutOfBounds`] when `offset + len` overflows or is over `len()`.
    /// - [`Error::OutOfMemory`]`(4 * len)` when the allocator refuses the copy.
    pub fn read(&self, offset: u32, len: u32) -> Result<Vec<f32>, Error> {
        try_copy_range(&self.data, offset, len)
    }

    /// x -> tan(cos(sin(x))), the article's `process_data`.
    ///
    /// Cost: O(n), in place; no allocation.
    pub fn process(&mut self) {
        trig::tan_cos_sin(&mut self.data);
    }

    /// x -> op(x) for every value.
    ///
    /// Cost: O(n), one pass in place; no allocation.
    pub fn apply(&mut self, op: UnaryOp) {
        // One loop per operation, so each is a tight loop the compiler can vectorise.
        let data = &mut self.data[..];
        match op {
            UnaryOp::Sin => trig::sin(data),
            UnaryOp::Cos => trig::cos(data),
            UnaryOp::Tan => trig::tan(data),
            UnaryOp::Abs => data.iter_mut().for_each(|x| *x = x.abs()),
            UnaryOp::Sqrt => data.iter_mut().for_each(|x| *x = x.sqrt()),
            UnaryOp::Square => data.iter_mut().for_each(|x| *x *= *x),
            UnaryOp::Neg => data.iter_mut().for_each(|x| *x = -*x),
        }
    }

    /// Multiplies every value by `factor`.
    ///
    /// Cost: O(n), one pass in place; no allocation.
    pub fn scale(&mut self, factor: f32) {
        for x in &mut self.data {
            *x *= factor;
        }
    }

    /// The sum in f64 lanes; 0 when empty, NaN when any value is NaN.
    ///
    /// Cost: O(n), one pass; no allocation.
    pub fn sum(&self) -> f64 {
        lane_sum(&self.data)
    }

    /// `len`, `min`, `max`, `mean`, `sum`; `None` when empty.
    ///
    /// Cost: O(n), two passes (min and max, then the sum); no allocation.
    pub fn stats(&self) -> Option<Stats> {
        if self.data.is_empty() {
            return None;
        }
        // f32::min/max return the other operand when one is NaN, so NaN is skipped unless
        // every value is NaN.
        let (min, max) = self
            .data
            .iter()
            .fold((f32::NAN, f32::NAN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        let sum = self.sum();
        Some(Stats {
            len: self.len(),
            min,
            max,
            mean: sum / self.data.len() as f64,
            sum,
        })
    }

    /// `sum(self[i] * other[i])` in f64; the lengths must match.
    ///
    /// Cost: O(n), one pass over both; no allocation (error text aside).
    ///
    /// # Errors
    /// [`Error::Invalid`] when `other.len() != self.len()`.
    pub fn dot(&self, other: &FloatBuffer) -> Result<f64, Error> {
        if self.data.len() != other.data.len() {
            return Err(Error::Invalid(format!(
                "other: dot needs buffers of equal length, got {} and {}",
                self.data.len(),
                other.data.len()
            )));
        }
        let ((a_blocks, a_tail), (b_blocks, b_tail)) = (
            self.data.as_chunks::<LANES>(),
            other.data.as_chunks::<LANES>(),
        );
        let tail: f64 = a_tail
            .iter()
            .zip(b_tail)
            .map(|(&a, &b)| f64::from(a) * f64::from(b))
            .sum();
        let mut lanes = [0f64; LANES];
        for (a, b) in a_blocks.iter().zip(b_blocks) {
            for i in 0..LANES {
                lanes[i] += f64::from(a[i]) * f64::from(b[i]);
            }
        }
        Ok(lanes.iter().sum::<f64>() + tail)
    }
}

/// Sums `values` in [`LANES`] f64 accumulators.
fn lane_sum(values: &[f32]) -> f64 {
    let mut lanes = [0f64; LANES];
    let (chunks, tail) = values.as_chunks::<LANES>();
    let tail: f64 = tail.iter().map(|&x| f64::from(x)).sum();
    for chunk in chunks {
        for i in 0..LANES {
            lanes[i] += f64::from(chunk[i]);
        }
    }
    lanes.iter().sum::<f64>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn buffer(values: &[f32]) -> FloatBuffer {
        FloatBuffer::from_vec(values.to_vec())
    }

    #[test]
    fn process_is_tan_cos_sin() {
        // Within the documented 3 ulp of tan(cos(sin x)) computed in f64 (the kernels' own
        // tests check every f32; this checks that `process` runs them).
        let inputs = [0.0f32, 1.0, -2.5, 3.9112835, 1e5];
        let mut b = buffer(&inputs);
        b.process();
        for (&x, &got) in inputs.iter().zip(b.as_slice()) {
            let exact = f64::from(x).sin().cos().tan();
            // The spacing of f32 values around `exact` (never 0 here: tan∘cos∘sin ≥ 0.6).
            let ulp = f64::from(f32::EPSILON) * 2f64.powi(exact.abs().log2().floor() as i32);
            let error = (f64::from(got) - exact).abs() / ulp;
            assert!(
                error <= 3.0,
                "process({x}) = {got}, exact {exact}: {error:.2} ulp"
            );
        }
    }

    #[test]
    fn apply_runs_each_op() {
        let cases = [
            (UnaryOp::Abs, -2.0, 2.0),
            (UnaryOp::Sqrt, 9.0, 3.0),
            (UnaryOp::Square, -3.0, 9.0),
            (UnaryOp::Neg, 1.5, -1.5),
            (UnaryOp::Sin, 0.0, 0.0),
            (UnaryOp::Cos, 0.0, 1.0),
            (UnaryOp::Tan, 0.0, 0.0),
        ];
        for (op, x, y) in cases {
            let mut b = buffer(&[x]);
            b.apply(op);
            assert_eq!(b.as_slice(), &[y], "{op:?}");
        }
        let mut b = buffer(&[-1.0]);
        b.apply(UnaryOp::Sqrt);
        assert!(b.as_slice()[0].is_nan());
    }

    #[test]
    fn sum_is_more_precise_than_f32() {
        // 1e8 absorbs 1.0 in f32; the f64 lanes keep every one of them.
        let mut values = vec![1.0f32; 1000];
        values[0] = 1e8;
        let b = buffer(&values);
        assert_eq!(b.sum(), 1e8 + 999.0);
        let naive: f32 = values.iter().sum();
        assert_ne!(f64::from(naive), b.sum());
    }

    #[test]
    fn sum_of_empty_is_zero_and_stats_none() {
        assert_eq!(buffer(&[]).sum(), 0.0);
        assert_eq!(buffer(&[]).stats(), None);
    }

    #[test]
    fn nan_and_infinities_propagate_into_sum() {
        assert!(buffer(&[1.0, f32::NAN]).sum().is_nan());
        assert_eq!(buffer(&[1.0, f32::INFINITY]).sum(), f64::INFINITY);
        assert!(buffer(&[f32::INFINITY, f32::NEG_INFINITY]).sum().is_nan());
    }

    #[test]
    fn stats_skip_nan_in_min_and_max() {
        let s = buffer(&[3.0, f32::NAN, -1.0, 2.0]).stats().unwrap();
        assert_eq!((s.len, s.min, s.max), (4, -1.0, 3.0));
        assert!(s.mean.is_nan());
        let all_nan = buffer(&[f32::NAN]).stats().unwrap();
        assert!(all_nan.min.is_nan() && all_nan.max.is_nan());
    }

    #[test]
    fn stats_of_plain_values() {
        let s = buffer(&[1.0, 2.0, 3.0, 6.0]).stats().unwrap();
        assert_eq!(
            s,
            Stats {
                len: 4,
                min: 1.0,
                max: 6.0,
                mean: 3.0,
                sum: 12.0
            }
        );
    }

    #[test]
    fn dot_of_mismatched_lengths_is_invalid() {
        assert!(matches!(
            buffer(&[1.0]).dot(&buffer(&[1.0, 2.0])),
            Err(Error::Invalid(_))
        ));
    }

    #[test]
    fn dot_multiplies_and_sums() {
        let a = buffer(&(1..=20).map(|x| x as f32).collect::<Vec<_>>());
        assert_eq!(
            a.dot(&a).unwrap(),
            (1..=20).map(|x| (x * x) as f64).sum::<f64>()
        );
        assert_eq!(buffer(&[]).dot(&buffer(&[])).unwrap(), 0.0);
    }

    #[test]
    fn read_checks_its_range() {
        let b = buffer(&[1.0, 2.0, 3.0]);
        assert_eq!(b.read(1, 2).unwrap(), vec![2.0, 3.0]);
        assert!(b.read(2, 2).is_err());
        assert!(b.read(u32::MAX, 2).is_err());
    }

    proptest! {
        #[test]
        fn sum_matches_exact_f64_sum_closely(values in proptest::collection::vec(-1e6f32..1e6, 0..200)) {
            let exact: f64 = values.iter().map(|&x| f64::from(x)).sum();
            let got = buffer(&values).sum();
            prop_assert!((got - exact).abs() <= 1e-6 * (1.0 + exact.abs()));
        }

        #[test]
        fn scale_multiplies_each_value(values in proptest::collection::vec(any::<f32>(), 0..50), factor: f32) {
            let mut b = buffer(&values);
            b.scale(factor);
            for (got, x) in b.as_slice().iter().zip(&values) {
                let want = x * factor;
                prop_assert!(got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()));
            }
        }
    }
}
