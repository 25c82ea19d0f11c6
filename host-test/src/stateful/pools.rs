//! buffer-pool: the pool's counters, and an operation per method.


use super::bytes::BytesModel;
use super::{pick, Interface, Live, Operation, Resource, Run, Step, Target, MAX_LIVE, MEMORY_LIMIT};
use crate::exports::memkit::core::pools::PoolStats;
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
}

/// buffer-pool: each operation and the functions it drives, and where the handles live.
pub(super) const INTERFACE: Interface = Interface {
    target: Target::Memkit,
    resources: &[
        Resource {
            name: "buffer-pool",
            live: |handles| &mut handles.buffer_pools,
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
    ],
};
