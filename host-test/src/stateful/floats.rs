//! float-buffer: the model of a buffer's floats, and an operation per method.

use fastrand::Rng;

use super::{MEMORY_LIMIT, Interface, Live, MAX_LIVE, Operation, Resource, Run, Step, Target, close, edge, in_bounds, pick};
use crate::article::floats::UnaryOp;
use crate::article::{Error, LimitExceeded};

/// A float-buffer: its length, and its values unless a transcendental function (computed by
/// wasm's libm, which may differ from the host's in the last bit) made them approximate.
pub(super) struct FloatsModel {
    len: u32,
    values: Option<Vec<f32>>,
}

impl FloatsModel {
    fn new(values: Vec<f32>) -> Self {
        Self {
            len: values.len() as u32,
            values: Some(values),
        }
    }
}

fn same_f32(a: f32, b: f32) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

fn show_floats(data: &[f32]) -> String {
    let head: Vec<String> = data.iter().take(4).map(|x| format!("{x:?}")).collect();
    let more = if data.len() > 4 { ", …" } else { "" };
    format!("[{} floats: {}{more}]", data.len(), head.join(", "))
}

fn float32(rng: &mut Rng) -> f32 {
    const EDGES: [f32; 13] = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::MAX,
        f32::MIN,
        f32::MIN_POSITIVE,
        1e-45,
        0.5,
        1e20,
    ];
    if rng.u32(..4) == 0 {
        EDGES[rng.usize(..EDGES.len())]
    } else {
        (rng.f32() - 0.5) * 200.0
    }
}

/// The f64 sum of `values` in order, and the sum of their magnitudes.
fn sum_and_scale(values: &[f32]) -> (f64, f64) {
    values.iter().fold((0.0, 0.0), |(sum, scale), &x| {
        (sum + f64::from(x), scale + f64::from(x).abs())
    })
}

impl Run {
    fn float_list(&mut self) -> Step<Vec<f32>> {
        let len = self.size()? / 4;
        Ok((0..len).map(|_| float32(&mut self.rng)).collect())
    }

    fn floats_constructor(&mut self) -> Step<bool> {
        if self.handles.floats.len() >= MAX_LIVE {
            return Ok(false);
        }
        let capacity = self.capacity_hint();
        self.begin(format!("float-buffer.constructor({capacity})"));
        let handle = self.call_article("float-buffer.constructor", |s, m| {
            m.memkit_article_floats()
                .float_buffer()
                .call_constructor(s, capacity)
        })?;
        let model = FloatsModel::new(Vec::new());
        self.handles.floats.push(Live { handle, model });
        Ok(true)
    }

    fn floats_from_list(&mut self) -> Step<bool> {
        if self.handles.floats.len() >= MAX_LIVE {
            return Ok(false);
        }
        let data = self.float_list()?;
        self.begin(format!("float-buffer.from-list({})", show_floats(&data)));
        let handle = self.call_article("float-buffer.from-list", |s, m| {
            m.memkit_article_floats()
                .float_buffer()
                .call_from_list(s, &data)
        })?;
        let model = FloatsModel::new(data);
        self.handles.floats.push(Live { handle, model });
        Ok(true)
    }

    fn floats_len(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.floats) else {
            return Ok(false);
        };
        let want = self.handles.floats[i].model.len;
        self.begin(format!("float-buffer.len() of #{i} (model: {want})"));
        let got = self.call_article("float-buffer.len", |s, m| {
            m.memkit_article_floats().float_buffer().call_len(s, h)
        })?;
        ensure!(got == want, "len is {got}, the model says {want}");
        Ok(true)
    }

    fn floats_set(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.floats) else {
            return Ok(false);
        };
        let data = self.float_list()?;
        self.begin(format!("float-buffer.set({}) on #{i}", show_floats(&data)));
        let got = self.call_article("float-buffer.set", |s, m| {
            m.memkit_article_floats().float_buffer().call_set(s, h, &data)
        })?;
        // The list is adopted, not copied: nothing to allocate, so nothing can fail.
        if self.judge(got, &Ok(()), 0)?.is_some() {
            self.handles.floats[i].model = FloatsModel::new(data);
        }
        Ok(true)
    }

    fn floats_append(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.floats) else {
            return Ok(false);
        };
        let data = self.float_list()?;
        let len = self.handles.floats[i].model.len;
        let need = 4 * (2 * (u64::from(len) + data.len() as u64) + u64::from(len));
        self.begin(format!(
            "float-buffer.append({}) on #{i} (len {len})",
            show_floats(&data)
        ));
        let got = self.call_article("float-buffer.append", |s, m| {
            m.memkit_article_floats()
                .float_buffer()
                .call_append(s, h, &data)
        })?;
        if self.judge(got, &Ok(()), need)?.is_some() {
            let model = &mut self.handles.floats[i].model;
            model.len += data.len() as u32;
            if let Some(values) = &mut model.values {
                values.extend_from_slice(&data);
            }
        }
        Ok(true)
    }

    /// `reserve` changes no value: it is refused past `u32::MAX` floats and past the memory cap,
    /// and may run out of memory below it.
    fn floats_reserve(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.floats) else {
            return Ok(false);
        };
        let len = self.handles.floats[i].model.len;
        let room_left = u32::MAX - len;
        let additional = match self.rng.u32(..8) {
            0 => 0,
            1 => 1,
            2 => u32::MAX,
            3 => room_left,
            4 => room_left.saturating_add(1),
            5 => 1 << 28,
            _ => self.rng.u32(..=64 * 1024),
        };
        let new_len = u64::from(len) + u64::from(additional);
        let (want, need) = if new_len > u64::from(u32::MAX) {
            let limit = LimitExceeded {
                requested: additional,
                limit: room_left,
            };
            (Err(Error::TooLarge(limit)), 0)
        } else if 4 * new_len > MEMORY_LIMIT as u64 {
            let bytes = (4 * u64::from(additional)).min(u64::from(u32::MAX)) as u32;
            (Err(Error::OutOfMemory(bytes)), 0)
        } else {
            (Ok(()), 4 * (2 * new_len + u64::from(len)))
        };
        self.begin(format!(
            "float-buffer.reserve({additional}) on #{i} (len {len})"
        ));
        let got = self.call_article("float-buffer.reserve", |s, m| {
            m.memkit_article_floats()
                .float_buffer()
                .call_reserve(s, h, additional)
        })?;
        self.judge(got, &want, need)?;
        Ok(true)
    }

    /// `take` consumes the handle and answers with every float, allocating nothing.
    fn floats_take(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.floats) else {
            return Ok(false);
        };
        let model = self.handles.floats.swap_remove(i).model;
        self.begin(format!("float-buffer.take(#{i}) (len {})", model.len));
        let got = self.call_article("float-buffer.take", |s, m| {
            m.memkit_article_floats().float_buffer().call_take(s, h)
        })?;
        ensure!(
            got.len() == model.len as usize,
            "take gave {} floats, len was {}",
            got.len(),
            model.len
        );
        if let Some(known) = &model.values {
            let differs = known.iter().zip(&got).position(|(&a, &b)| !same_f32(a, b));
            ensure!(
                differs.is_none(),
                "take differs from the model at {differs:?}"
            );
        }
        Ok(true)
    }

    fn floats_to_list(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.floats) else {
            return Ok(false);
        };
        let len = self.handles.floats[i].model.len;
        self.begin(format!("float-buffer.to-list() of #{i} (len {len})"));
        let got = self.call_article("float-buffer.to-list", |s, m| {
            m.memkit_article_floats().float_buffer().call_to_list(s, h)
        })?;
        if let Some(values) = self.judge(got, &Ok(()), 4 * u64::from(len))? {
            ensure!(
                values.len() == len as usize,
                "to-list gave {} floats, len is {len}",
                values.len()
            );
            let model = &mut self.handles.floats[i].model;
            if let Some(known) = &model.values {
                let differs = known
                    .iter()
                    .zip(&values)
                    .position(|(&a, &b)| !same_f32(a, b));
                ensure!(
                    differs.is_none(),
                    "to-list differs from the model at {differs:?}: {} vs {}",
                    show_floats(&values),
                    show_floats(known)
                );
            }
            // Approximate values become known again.
            model.values = Some(values);
        }
        Ok(true)
    }

    fn floats_read(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.floats) else {
            return Ok(false);
        };
        let len = self.handles.floats[i].model.len;
        let offset = edge(&mut self.rng, len);
        let count = edge(&mut self.rng, len.saturating_sub(offset));
        self.begin(format!(
            "float-buffer.read({offset}, {count}) on #{i} (len {len})"
        ));
        let range = in_bounds(offset, count, len);
        let want = range.clone().map(|_| ()).map_err(|o| {
            Error::OutOfBounds(crate::article::OutOfBounds {
                offset: o.offset,
                len: o.len,
                size: o.size,
            })
        });
        let got = self.call_article("float-buffer.read", |s, m| {
            m.memkit_article_floats()
                .float_buffer()
                .call_read(s, h, offset, count)
        })?;
        if let Some(values) = self.judge(got, &want, 4 * u64::from(count))? {
            ensure!(
                values.len() == count as usize,
                "read gave {} floats, asked {count}",
                values.len()
            );
            if let Some(known) = &self.handles.floats[i].model.values {
                let known = &known[range.expect("in bounds")];
                ensure!(
                    known.iter().zip(&values).all(|(&a, &b)| same_f32(a, b)),
                    "read({offset}, {count}) gave {}, the model holds {}",
                    show_floats(&values),
                    show_floats(known)
                );
            }
        }
        Ok(true)
    }

    fn floats_process(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.floats) else {
            return Ok(false);
        };
        self.begin(format!("float-buffer.process() on #{i}"));
        self.call_article("float-buffer.process", |s, m| {
            m.memkit_article_floats().float_buffer().call_process(s, h)
        })?;
        self.handles.floats[i].model.values = None;
        Ok(true)
    }

    fn floats_apply(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.floats) else {
            return Ok(false);
        };
        const OPS: [UnaryOp; 7] = [
            UnaryOp::Sin,
            UnaryOp::Cos,
            UnaryOp::Tan,
            UnaryOp::Abs,
            UnaryOp::Sqrt,
            UnaryOp::Square,
            UnaryOp::Neg,
        ];
        let op = OPS[self.rng.usize(..OPS.len())];
        self.begin(format!("float-buffer.apply({op:?}) on #{i}"));
        self.call_article("float-buffer.apply", |s, m| {
            m.memkit_article_floats().float_buffer().call_apply(s, h, op)
        })?;
        let model = &mut self.handles.floats[i].model;
        // Exactly rounded in IEEE 754 (wasm's sqrt too); the transcendental ones are not.
        let exact: Option<fn(f32) -> f32> = match op {
            UnaryOp::Abs => Some(f32::abs),
            UnaryOp::Sqrt => Some(f32::sqrt),
            UnaryOp::Square => Some(|x| x * x),
            UnaryOp::Neg => Some(|x| -x),
            UnaryOp::Sin | UnaryOp::Cos | UnaryOp::Tan => None,
        };
        match (exact, &mut model.values) {
            (Some(f), Some(values)) => values.iter_mut().for_each(|x| *x = f(*x)),
            _ => model.values = None,
        }
        Ok(true)
    }

    fn floats_scale(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.floats) else {
            return Ok(false);
        };
        let factor = float32(&mut self.rng);
        self.begin(format!("float-buffer.scale({factor:?}) on #{i}"));
        self.call_article("float-buffer.scale", |s, m| {
            m.memkit_article_floats()
                .float_buffer()
                .call_scale(s, h, factor)
        })?;
        if let Some(values) = &mut self.handles.floats[i].model.values {
            values.iter_mut().for_each(|x| *x *= factor);
        }
        Ok(true)
    }

    fn floats_sum(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.floats) else {
            return Ok(false);
        };
        self.begin(format!("float-buffer.sum() of #{i}"));
        let got = self.call_article("float-buffer.sum", |s, m| {
            m.memkit_article_floats().float_buffer().call_sum(s, h)
        })?;
        if let Some(values) = &self.handles.floats[i].model.values {
            let (want, scale) = sum_and_scale(values);
            ensure!(
                close(got, want, scale),
                "sum is {got}, the model says {want}"
            );
        }
        Ok(true)
    }

    fn floats_stats(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.floats) else {
            return Ok(false);
        };
        self.begin(format!("float-buffer.stats() of #{i}"));
        let got = self.call_article("float-buffer.stats", |s, m| {
            m.memkit_article_floats().float_buffer().call_stats(s, h)
        })?;
        let model = &self.handles.floats[i].model;
        let Some(stats) = got else {
            ensure!(model.len == 0, "stats is none for len {}", model.len);
            return Ok(true);
        };
        ensure!(
            stats.len == model.len && model.len > 0,
            "stats of len {} for a model of len {}",
            stats.len,
            model.len
        );
        if let Some(values) = &model.values {
            let (sum, scale) = sum_and_scale(values);
            let min = values.iter().fold(f32::NAN, |lo, &x| lo.min(x));
            let max = values.iter().fold(f32::NAN, |hi, &x| hi.max(x));
            let mean = sum / values.len() as f64;
            ensure!(
                same_f32(stats.min, min)
                    && same_f32(stats.max, max)
                    && close(stats.sum, sum, scale)
                    && close(stats.mean, mean, scale / values.len() as f64),
                "stats {stats:?}, the model says min {min}, max {max}, sum {sum}, mean {mean}"
            );
        }
        Ok(true)
    }

    fn floats_dot(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.floats) else {
            return Ok(false);
        };
        let (j, other) = pick(&mut self.rng, &self.handles.floats).expect("i is live");
        let (a, b) = (&self.handles.floats[i].model, &self.handles.floats[j].model);
        let want = if a.len == b.len {
            Ok(())
        } else {
            Err(Error::Invalid(format!("{} and {}", a.len, b.len)))
        };
        let expected = match (&a.values, &b.values) {
            (Some(x), Some(y)) if a.len == b.len => {
                let products: Vec<f64> = x
                    .iter()
                    .zip(y)
                    .map(|(&p, &q)| f64::from(p) * f64::from(q))
                    .collect();
                Some((
                    products.iter().sum::<f64>(),
                    products.iter().map(|p| p.abs()).sum::<f64>(),
                ))
            }
            _ => None,
        };
        self.begin(format!(
            "float-buffer.dot(#{j}) on #{i} (lens {} and {})",
            a.len, b.len
        ));
        let got = self.call_article("float-buffer.dot", |s, m| {
            m.memkit_article_floats().float_buffer().call_dot(s, h, other)
        })?;
        if let Some(dot) = self.judge(got, &want, 0)? {
            if let Some((want, scale)) = expected {
                ensure!(
                    close(dot, want, scale),
                    "dot is {dot}, the model says {want}"
                );
            }
        }
        Ok(true)
    }
}

/// float-buffer: each operation and the functions it drives, and where its handles live.
pub(super) const INTERFACE: Interface = Interface {
    target: Target::Article,
    resources: &[
        Resource {
            name: "float-buffer",
            live: |handles| &mut handles.floats,
        },
    ],
    operations: &[
        Operation::new(&["float-buffer.constructor"], Run::floats_constructor, 2),
        Operation::new(&["float-buffer.from-list"], Run::floats_from_list, 3),
        Operation::new(&["float-buffer.len"], Run::floats_len, 2),
        Operation::new(&["float-buffer.set"], Run::floats_set, 3),
        Operation::new(&["float-buffer.append"], Run::floats_append, 4),
        Operation::new(&["float-buffer.reserve"], Run::floats_reserve, 2),
        Operation::new(&["float-buffer.to-list"], Run::floats_to_list, 3),
        Operation::new(&["float-buffer.take"], Run::floats_take, 2),
        Operation::new(&["float-buffer.read"], Run::floats_read, 3),
        Operation::new(&["float-buffer.process"], Run::floats_process, 2),
        Operation::new(&["float-buffer.apply"], Run::floats_apply, 3),
        Operation::new(&["float-buffer.scale"], Run::floats_scale, 2),
        Operation::new(&["float-buffer.sum"], Run::floats_sum, 2),
        Operation::new(&["float-buffer.stats"], Run::floats_stats, 2),
        Operation::new(&["float-buffer.dot"], Run::floats_dot, 2),
    ],
};
