//! buffer-pool, point, point-pool and path-length: the pools' counters and the points'
//! coordinates, and an operation per method.

use fastrand::Rng;

use super::bytes::BytesModel;
use super::{
    close, pick, same_f64, Interface, Live, Operation, Resource, Run, Step, MAX_LIVE,
    MEMORY_LIMIT,
};
use crate::exports::memkit::core::pools::{Point3d, PoolStats};
use crate::{Error, LimitExceeded, MIB};

/// The article's buffer-pool classes and limit (pools.wit).
const DEFAULT_CLASSES: [u32; 6] = [64, 256, 1024, 4096, 16384, 65536];
const DEFAULT_MAX_PER_CLASS: u32 = 10;

/// A buffer-pool's counters and waiting buffers.
pub(super) struct BufferPoolModel {
    classes: Vec<u32>,
    max_per_class: u32,
    free: Vec<u32>,
    hits: u64,
    misses: u64,
    released: u64,
    discarded: u64,
    /// Made by the default constructor while memory was short: its free lists may not be
    /// reserved, so keeping a released buffer may need memory (and fail, discarding it).
    lists_may_grow: bool,
}

impl BufferPoolModel {
    fn new(classes: Vec<u32>, max_per_class: u32, lists_may_grow: bool) -> Self {
        Self {
            free: vec![0; classes.len()],
            classes,
            max_per_class,
            hits: 0,
            misses: 0,
            released: 0,
            discarded: 0,
            lists_may_grow,
        }
    }

    fn stats(&self) -> PoolStats {
        PoolStats {
            classes: self.classes.clone(),
            free: self.free.clone(),
            hits: self.hits,
            misses: self.misses,
            released: self.released,
            discarded: self.discarded,
            retained_bytes: self
                .free
                .iter()
                .zip(&self.classes)
                .map(|(&n, &c)| u64::from(n) * u64::from(c))
                .sum(),
        }
    }
}

/// A point-pool: points waiting.
pub(super) struct PointPoolModel {
    max_size: u32,
    waiting: u32,
}

fn distance(a: &Point3d, b: &Point3d) -> f64 {
    let (dx, dy, dz) = (a.x - b.x, a.y - b.y, a.z - b.z);
    (dx * dx + dy * dy + dz * dz).sqrt()
}

fn float64(rng: &mut Rng) -> f64 {
    const EDGES: [f64; 11] = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MAX,
        f64::MIN_POSITIVE,
        1e-310,
        1e154,
    ];
    if rng.u32(..5) == 0 {
        EDGES[rng.usize(..EDGES.len())]
    } else {
        (rng.f64() - 0.5) * 2000.0
    }
}

fn point3d(rng: &mut Rng) -> Point3d {
    Point3d {
        x: float64(rng),
        y: float64(rng),
        z: float64(rng),
    }
}

impl Run {
    fn pool_constructor(&mut self) -> Step<bool> {
        if self.handles.buffer_pools.len() >= MAX_LIVE {
            return Ok(false);
        }
        self.begin("buffer-pool.constructor()".into());
        let handle = self.call("buffer-pool.constructor", |s, m| {
            m.memkit_core_pools().buffer_pool().call_constructor(s)
        })?;
        let lists_may_grow = self.may_run_out(64 * 12 * u64::from(DEFAULT_MAX_PER_CLASS))?;
        let model = BufferPoolModel::new(
            DEFAULT_CLASSES.to_vec(),
            DEFAULT_MAX_PER_CLASS,
            lists_may_grow,
        );
        self.handles.buffer_pools.push(Live { handle, model });
        Ok(true)
    }

    fn pool_with_classes(&mut self) -> Step<bool> {
        if self.handles.buffer_pools.len() >= MAX_LIVE {
            return Ok(false);
        }
        let rng = &mut self.rng;
        let mut classes: Vec<u32> = Vec::new();
        let mut class = rng.u32(1..=100);
        for _ in 0..rng.usize(1..=8) {
            if class > MIB as u32 {
                break;
            }
            classes.push(class);
            class *= rng.u32(2..=4);
        }
        let valid = match rng.u32(..10) {
            0 => {
                classes.clear();
                false
            }
            1 => {
                classes.insert(0, 0);
                false
            }
            2 => {
                classes.push(*classes.last().expect("one class"));
                false
            }
            3 => {
                classes.push((256 << 20) + 1);
                false
            }
            4 => {
                classes = (1..=65).map(|c| c * 64).collect();
                false
            }
            _ => true,
        };
        let max_per_class = [0, 1, 2, 10, 4096, 4097, u32::MAX, rng.u32(..20)][rng.usize(..8)];
        let want = if !valid {
            Err(Error::Invalid(String::new()))
        } else if max_per_class > 4096 {
            Err(Error::TooLarge(LimitExceeded {
                requested: max_per_class,
                limit: 4096,
            }))
        } else {
            Ok(())
        };
        let need = 12 * classes.len() as u64 * u64::from(max_per_class) + 64;
        self.begin(format!(
            "buffer-pool.with-classes({classes:?}, {max_per_class}) (model: {want:?})"
        ));
        let got = self.call("buffer-pool.with-classes", |s, m| {
            m.memkit_core_pools()
                .buffer_pool()
                .call_with_classes(s, &classes, max_per_class)
        })?;
        if let Some(handle) = self.judge(got, &want, need)? {
            let model = BufferPoolModel::new(classes, max_per_class, false);
            self.handles.buffer_pools.push(Live { handle, model });
        }
        Ok(true)
    }

    fn pool_acquire(&mut self) -> Step<bool> {
        if self.handles.bytes.len() >= MAX_LIVE {
            return Ok(false);
        }
        let Some((i, h)) = pick(&mut self.rng, &self.handles.buffer_pools) else {
            return Ok(false);
        };
        let rng = &mut self.rng;
        let model = &self.handles.buffer_pools[i].model;
        let some_class = model.classes[rng.usize(..model.classes.len())];
        let largest = *model.classes.last().expect("a class");
        let size = match rng.u32(..10) {
            0 => 0,
            1 => some_class - 1,
            2 | 3 => some_class,
            4 => some_class + 1,
            5 => largest + 1,
            6 => [u32::MAX, u32::MAX - 1][rng.usize(..2)],
            _ => rng.u32(..=largest.min(70_000)),
        };
        let class = model.classes.partition_point(|&c| c < size);
        let hit = model.free.get(class).is_some_and(|&n| n > 0);
        let capacity = model.classes.get(class).copied().unwrap_or(size);
        let (want, need) = if hit {
            (Ok(()), 64)
        } else if capacity as usize > MEMORY_LIMIT {
            (Err(Error::OutOfMemory(capacity)), 0)
        } else {
            (Ok(()), u64::from(capacity) + 64)
        };
        self.begin(format!(
            "buffer-pool.acquire({size}) on #{i} (model: {}, capacity {capacity})",
            if hit { "hit" } else { "miss" }
        ));
        let got = self.call("buffer-pool.acquire", |s, m| {
            m.memkit_core_pools().buffer_pool().call_acquire(s, h, size)
        })?;
        if let Some(buffer) = self.judge(got, &want, need)? {
            let model = &mut self.handles.buffer_pools[i].model;
            if hit {
                model.free[class] -= 1;
                model.hits += 1;
            } else {
                model.misses += 1;
            }
            let bytes = BytesModel::new(Vec::new(), Some(capacity));
            self.handles.bytes.push(Live {
                handle: buffer,
                model: bytes,
            });
        }
        Ok(true)
    }

    fn pool_release(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.buffer_pools) else {
            return Ok(false);
        };
        let Some((j, buffer)) = pick(&mut self.rng, &self.handles.bytes) else {
            return Ok(false);
        };
        self.begin(format!("buffer-pool.release(byte-buffer #{j}) on #{i}"));
        let capacity = match self.handles.bytes[j].model.capacity {
            Some(capacity) => capacity,
            None => self.observe_capacity(j)?,
        };
        self.handles.bytes.swap_remove(j);
        self.call("buffer-pool.release", |s, m| {
            m.memkit_core_pools()
                .buffer_pool()
                .call_release(s, h, buffer)
        })?;
        let squeezed = self.squeezed.is_some();
        let model = &mut self.handles.buffer_pools[i].model;
        model.released += 1;
        let class = model.classes.binary_search(&capacity).ok();
        let room = class.filter(|&c| model.free[c] < model.max_per_class);
        match room {
            None => model.discarded += 1,
            Some(c) if !(model.lists_may_grow && squeezed) => model.free[c] += 1,
            Some(c) => {
                // Keeping it may need memory the squeeze does not leave: ask which it was.
                let got = self.call("buffer-pool.stats", |s, m| {
                    m.memkit_core_pools().buffer_pool().call_stats(s, h)
                })?;
                let model = &mut self.handles.buffer_pools[i].model;
                if got.discarded == model.discarded + 1 {
                    model.discarded += 1;
                } else {
                    model.free[c] += 1;
                }
                let want = model.stats();
                ensure!(got == want, "stats are {got:?}, the model says {want:?}");
            }
        }
        Ok(true)
    }

    fn pool_stats(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.buffer_pools) else {
            return Ok(false);
        };
        self.begin(format!("buffer-pool.stats() of #{i}"));
        let got = self.call("buffer-pool.stats", |s, m| {
            m.memkit_core_pools().buffer_pool().call_stats(s, h)
        })?;
        let want = self.handles.buffer_pools[i].model.stats();
        ensure!(got == want, "stats are {got:?}, the model says {want:?}");
        Ok(true)
    }

    fn point_constructor(&mut self) -> Step<bool> {
        if self.handles.points.len() >= MAX_LIVE {
            return Ok(false);
        }
        let p = point3d(&mut self.rng);
        self.begin(format!(
            "point.constructor({:?}, {:?}, {:?})",
            p.x, p.y, p.z
        ));
        let handle = self.call("point.constructor", |s, m| {
            m.memkit_core_pools()
                .point()
                .call_constructor(s, p.x, p.y, p.z)
        })?;
        self.handles.points.push(Live { handle, model: p });
        Ok(true)
    }

    fn point_coordinate(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.points) else {
            return Ok(false);
        };
        let p = self.handles.points[i].model;
        let (function, want) = match self.rng.u32(..3) {
            0 => ("point.x", p.x),
            1 => ("point.y", p.y),
            _ => ("point.z", p.z),
        };
        self.begin(format!("{function}() of #{i} (model: {want:?})"));
        let got = self.call(function, |s, m| {
            let point = m.memkit_core_pools().point();
            match function {
                "point.x" => point.call_x(s, h),
                "point.y" => point.call_y(s, h),
                _ => point.call_z(s, h),
            }
        })?;
        ensure!(
            same_f64(got, want),
            "{function} is {got:?}, the model says {want:?}"
        );
        Ok(true)
    }

    fn point_reset(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.points) else {
            return Ok(false);
        };
        let p = point3d(&mut self.rng);
        self.begin(format!(
            "point.reset({:?}, {:?}, {:?}) on #{i}",
            p.x, p.y, p.z
        ));
        self.call("point.reset", |s, m| {
            m.memkit_core_pools()
                .point()
                .call_reset(s, h, p.x, p.y, p.z)
        })?;
        self.handles.points[i].model = p;
        Ok(true)
    }

    fn point_distance_to(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.points) else {
            return Ok(false);
        };
        let (j, other) = pick(&mut self.rng, &self.handles.points).expect("i is live");
        let want = distance(&self.handles.points[i].model, &self.handles.points[j].model);
        self.begin(format!("point.distance-to(#{j}) on #{i} (model: {want:?})"));
        let got = self.call("point.distance-to", |s, m| {
            m.memkit_core_pools().point().call_distance_to(s, h, other)
        })?;
        ensure!(
            close(got, want, want),
            "distance-to is {got:?}, the model says {want:?}"
        );
        Ok(true)
    }

    fn point_to_record(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.points) else {
            return Ok(false);
        };
        let want = self.handles.points[i].model;
        self.begin(format!("point.to-record() of #{i} (model: {want:?})"));
        let got = self.call("point.to-record", |s, m| {
            m.memkit_core_pools().point().call_to_record(s, h)
        })?;
        ensure!(
            same_f64(got.x, want.x) && same_f64(got.y, want.y) && same_f64(got.z, want.z),
            "to-record is {got:?}, the model says {want:?}"
        );
        Ok(true)
    }

    fn point_pool_constructor(&mut self) -> Step<bool> {
        if self.handles.point_pools.len() >= MAX_LIVE {
            return Ok(false);
        }
        let max_size = [0, 1, 2, 5, 100, u32::MAX][self.rng.usize(..6)];
        self.begin(format!("point-pool.constructor({max_size})"));
        let handle = self.call("point-pool.constructor", |s, m| {
            m.memkit_core_pools()
                .point_pool()
                .call_constructor(s, max_size)
        })?;
        let model = PointPoolModel {
            max_size,
            waiting: 0,
        };
        self.handles.point_pools.push(Live { handle, model });
        Ok(true)
    }

    fn point_pool_get(&mut self) -> Step<bool> {
        if self.handles.points.len() >= MAX_LIVE {
            return Ok(false);
        }
        let Some((i, h)) = pick(&mut self.rng, &self.handles.point_pools) else {
            return Ok(false);
        };
        let p = point3d(&mut self.rng);
        self.begin(format!(
            "point-pool.get({:?}, {:?}, {:?}) on #{i}",
            p.x, p.y, p.z
        ));
        let handle = self.call("point-pool.get", |s, m| {
            m.memkit_core_pools()
                .point_pool()
                .call_get(s, h, p.x, p.y, p.z)
        })?;
        let model = &mut self.handles.point_pools[i].model;
        model.waiting = model.waiting.saturating_sub(1);
        self.handles.points.push(Live { handle, model: p });
        Ok(true)
    }

    fn point_pool_put(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.point_pools) else {
            return Ok(false);
        };
        let Some((j, point)) = pick(&mut self.rng, &self.handles.points) else {
            return Ok(false);
        };
        self.begin(format!("point-pool.put(point #{j}) on #{i}"));
        self.handles.points.swap_remove(j);
        self.call("point-pool.put", |s, m| {
            m.memkit_core_pools().point_pool().call_put(s, h, point)
        })?;
        let model = &mut self.handles.point_pools[i].model;
        if model.waiting >= model.max_size {
            return Ok(true);
        }
        if self.squeezed.is_none() {
            model.waiting += 1;
            return Ok(true);
        }
        // The waiting list grows on demand, which a squeeze may not allow: ask.
        let got = self.call("point-pool.size", |s, m| {
            m.memkit_core_pools().point_pool().call_size(s, h)
        })?;
        let model = &mut self.handles.point_pools[i].model;
        ensure!(
            got == model.waiting || got == model.waiting + 1,
            "size after put is {got}, the model had {} waiting",
            model.waiting
        );
        model.waiting = got;
        Ok(true)
    }

    fn point_pool_size(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.point_pools) else {
            return Ok(false);
        };
        let want = self.handles.point_pools[i].model.waiting;
        self.begin(format!("point-pool.size() of #{i} (model: {want:?})"));
        let got = self.call("point-pool.size", |s, m| {
            m.memkit_core_pools().point_pool().call_size(s, h)
        })?;
        ensure!(got == want, "size is {got}, the model says {want}");
        Ok(true)
    }

    fn path_length(&mut self) -> Step<bool> {
        // 24 bytes a point in the canonical ABI.
        let count = self.size()? / 24;
        let points: Vec<Point3d> = (0..count).map(|_| point3d(&mut self.rng)).collect();
        let want = points
            .windows(2)
            .fold(0.0, |total, pair| total + distance(&pair[0], &pair[1]));
        self.begin(format!(
            "pools.path-length({} points) (model: {want:?})",
            points.len()
        ));
        let got = self.call("pools.path-length", |s, m| {
            m.memkit_core_pools().call_path_length(s, &points)
        })?;
        ensure!(
            close(got, want, want),
            "path-length is {got:?}, the model says {want:?}"
        );
        Ok(true)
    }

    /// `path-length-xyz` over interleaved coordinates, a partial point now and then.
    fn path_length_xyz(&mut self) -> Step<bool> {
        // 8 bytes a coordinate.
        let count = self.size()? / 24;
        let points: Vec<Point3d> = (0..count).map(|_| point3d(&mut self.rng)).collect();
        let mut coords: Vec<f64> = points.iter().flat_map(|p| [p.x, p.y, p.z]).collect();
        let partial = !coords.is_empty() && self.rng.u32(..4) == 0;
        if partial {
            coords.pop();
        }
        let want = points
            .windows(2)
            .fold(0.0, |total, pair| total + distance(&pair[0], &pair[1]));
        self.begin(format!(
            "pools.path-length-xyz({} values) (model: {})",
            coords.len(),
            if partial {
                "invalid".to_string()
            } else {
                format!("{want:?}")
            }
        ));
        let got = self.call("pools.path-length-xyz", |s, m| {
            m.memkit_core_pools().call_path_length_xyz(s, &coords)
        })?;
        match got {
            Ok(length) => ensure!(
                !partial && close(length, want, want),
                "path-length-xyz is {length:?}, the model says {}",
                if partial {
                    "invalid".to_string()
                } else {
                    format!("{want:?}")
                }
            ),
            Err(Error::Invalid(_)) => ensure!(partial, "path-length-xyz refused whole points"),
            Err(Error::OutOfMemory(_)) => self.report.out_of_memory_answers += 1,
            Err(other) => ensure!(false, "path-length-xyz answered {other:?}"),
        }
        Ok(true)
    }
}

/// buffer-pool, point, point-pool and the path lengths: each operation and the functions it
/// drives, and where the handles live.
pub(super) const INTERFACE: Interface = Interface {
    resources: &[
        Resource {
            name: "buffer-pool",
            live: |handles| &mut handles.buffer_pools,
        },
        Resource {
            name: "point",
            live: |handles| &mut handles.points,
        },
        Resource {
            name: "point-pool",
            live: |handles| &mut handles.point_pools,
        },
    ],
    operations: &[
        Operation::new(&["buffer-pool.constructor"], Run::pool_constructor, 1),
        Operation::new(&["buffer-pool.with-classes"], Run::pool_with_classes, 2),
        Operation::new(&["buffer-pool.acquire"], Run::pool_acquire, 5),
        Operation::new(
            &["buffer-pool.release", "buffer-pool.stats", "byte-buffer.capacity"],
            Run::pool_release,
            5,
        ),
        Operation::new(&["buffer-pool.stats"], Run::pool_stats, 2),
        Operation::new(&["point.constructor"], Run::point_constructor, 2),
        Operation::new(&["point.x", "point.y", "point.z"], Run::point_coordinate, 3),
        Operation::new(&["point.reset"], Run::point_reset, 2),
        Operation::new(&["point.distance-to"], Run::point_distance_to, 2),
        Operation::new(&["point.to-record"], Run::point_to_record, 2),
        Operation::new(&["point-pool.constructor"], Run::point_pool_constructor, 1),
        Operation::new(&["point-pool.get"], Run::point_pool_get, 3),
        Operation::new(&["point-pool.put", "point-pool.size"], Run::point_pool_put, 3),
        Operation::new(&["point-pool.size"], Run::point_pool_size, 1),
        Operation::new(&["pools.path-length"], Run::path_length, 2),
        Operation::new(&["pools.path-length-xyz"], Run::path_length_xyz, 2),
    ],
};
