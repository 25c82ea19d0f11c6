//! Glue of `article/wit/floats.wit` over `article/src/floats/`.

use super::exports::memkit::article::floats;
use super::{Article, Rep, Result};
use crate::floats::{FloatBuffer, Stats, UnaryOp};

impl floats::Guest for Article {
    type FloatBuffer = Rep<FloatBuffer>;
}

impl floats::GuestFloatBuffer for Rep<FloatBuffer> {
    fn new(capacity: u32) -> Self {
        Rep::new(FloatBuffer::with_capacity_hint(capacity))
    }
    fn from_list(data: Vec<f32>) -> floats::FloatBuffer {
        floats::FloatBuffer::new(Rep::new(FloatBuffer::from_vec(data)))
    }
    fn len(&self) -> u32 {
        self.get().len()
    }
    fn set(&self, data: Vec<f32>) -> Result<()> {
        self.get_mut().set(data);
        Ok(())
    }
    fn append(&self, data: Vec<f32>) -> Result<()> {
        Ok(self.get_mut().append(&data)?)
    }
    fn reserve(&self, additional: u32) -> Result<()> {
        Ok(self.get_mut().reserve(additional)?)
    }
    fn to_list(&self) -> Result<Vec<f32>> {
        Ok(self.get().to_vec()?)
    }
    fn take(this: floats::FloatBuffer) -> Vec<f32> {
        this.into_inner::<Self>().into_inner().into_vec()
    }
    fn read(&self, offset: u32, len: u32) -> Result<Vec<f32>> {
        Ok(self.get().read(offset, len)?)
    }
    fn process(&self) {
        self.get_mut().process()
    }
    fn apply(&self, op: floats::UnaryOp) {
        self.get_mut().apply(op.into())
    }
    fn scale(&self, factor: f32) {
        self.get_mut().scale(factor)
    }
    fn sum(&self) -> f64 {
        self.get().sum()
    }
    fn stats(&self) -> Option<floats::Stats> {
        self.get().stats().map(Into::into)
    }
    fn dot(&self, other: floats::FloatBufferBorrow<'_>) -> Result<f64> {
        let other = other.get::<Rep<FloatBuffer>>();
        Ok(self.get().dot(&other.get())?)
    }
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

impl From<Stats> for floats::Stats {
    fn from(s: Stats) -> Self {
        floats::Stats {
            len: s.len,
            min: s.min,
            max: s.max,
            mean: s.mean,
            sum: s.sum,
        }
    }
}
