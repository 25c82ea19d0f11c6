//! byte-buffer: the model of a buffer's bytes and capacity, and an operation per method.

use super::{Interface, Live, MAX_LIVE, MEMORY_LIMIT, Operation, Resource, Run, SMALL_ARGUMENT, Step, Target, edge, in_bounds, pick, show_bytes};
use crate::{Error, LimitExceeded, OutOfBounds, MIB};

/// A byte-buffer: its bytes, and its capacity as far as the contract lets the model know it.
pub(super) struct BytesModel {
    bytes: Vec<u8>,
    /// Exact when known: after `capacity()`, from a pool, and kept by calls that need no room.
    pub(super) capacity: Option<u32>,
    /// What the capacity is at least: `len`, or what `reserve` asked for.
    min_capacity: u32,
}

impl BytesModel {
    pub(super) fn new(bytes: Vec<u8>, capacity: Option<u32>) -> Self {
        let min_capacity = capacity.unwrap_or(bytes.len() as u32);
        Self {
            bytes,
            capacity,
            min_capacity,
        }
    }

    fn len(&self) -> u32 {
        self.bytes.len() as u32
    }

    /// Bytes growing to `new_len` may allocate: none when the capacity is known to have room.
    fn growth_need(&self, new_len: u64) -> u64 {
        match self.capacity {
            Some(capacity) if new_len <= u64::from(capacity) => 0,
            _ => 2 * new_len + self.bytes.len() as u64,
        }
    }

    /// The capacity after the buffer grew to hold `new_len`: unchanged when it had room.
    fn grew_to(&mut self, new_len: u64) {
        if self.capacity.is_some_and(|c| new_len > u64::from(c)) {
            self.capacity = None;
        }
        self.min_capacity = self.min_capacity.max(new_len as u32);
    }
}

impl Run {
    fn bytes_constructor(&mut self) -> Step<bool> {
        if self.handles.bytes.len() >= MAX_LIVE {
            return Ok(false);
        }
        let capacity = self.capacity_hint();
        self.begin(format!("byte-buffer.constructor({capacity})"));
        let handle = self.call("byte-buffer.constructor", |s, m| {
            m.memkit_core_bytes()
                .byte_buffer()
                .call_constructor(s, capacity)
        })?;
        let model = BytesModel::new(Vec::new(), None);
        self.handles.bytes.push(Live { handle, model });
        Ok(true)
    }

    fn bytes_from_list(&mut self) -> Step<bool> {
        if self.handles.bytes.len() >= MAX_LIVE {
            return Ok(false);
        }
        let data = self.payload()?;
        self.begin(format!("byte-buffer.from-list({})", show_bytes(&data)));
        let handle = self.call("byte-buffer.from-list", |s, m| {
            m.memkit_core_bytes().byte_buffer().call_from_list(s, &data)
        })?;
        let model = BytesModel::new(data, None);
        self.handles.bytes.push(Live { handle, model });
        Ok(true)
    }

    fn bytes_len(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.bytes) else {
            return Ok(false);
        };
        let want = self.handles.bytes[i].model.len();
        self.begin(format!("byte-buffer.len() of #{i} (model: {want})"));
        let got = self.call("byte-buffer.len", |s, m| {
            m.memkit_core_bytes().byte_buffer().call_len(s, h)
        })?;
        ensure!(got == want, "len is {got}, the model says {want}");
        Ok(true)
    }

    fn bytes_capacity(&mut self) -> Step<bool> {
        let Some((i, _)) = pick(&mut self.rng, &self.handles.bytes) else {
            return Ok(false);
        };
        self.begin(format!("byte-buffer.capacity() of #{i}"));
        self.observe_capacity(i)?;
        Ok(true)
    }

    /// Asks byte buffer `i` its capacity, checks it against the model and learns it.
    pub(super) fn observe_capacity(&mut self, i: usize) -> Step<u32> {
        let h = self.handles.bytes[i].handle;
        let got = self.call("byte-buffer.capacity", |s, m| {
            m.memkit_core_bytes().byte_buffer().call_capacity(s, h)
        })?;
        let model = &mut self.handles.bytes[i].model;
        ensure!(
            got >= model.len() && got >= model.min_capacity,
            "capacity {got} is below len {} or what was reserved ({})",
            model.len(),
            model.min_capacity
        );
        if let Some(known) = model.capacity {
            ensure!(
                got == known,
                "capacity changed from {known} to {got} by calls that needed no room"
            );
        }
        model.capacity = Some(got);
        model.min_capacity = got;
        Ok(got)
    }

    fn bytes_append(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.bytes) else {
            return Ok(false);
        };
        let data = self.payload()?;
        let model = &self.handles.bytes[i].model;
        let new_len = u64::from(model.len()) + data.len() as u64;
        let need = model.growth_need(new_len);
        self.begin(format!(
            "byte-buffer.append({}) on #{i} (len {})",
            show_bytes(&data),
            model.len()
        ));
        let got = self.call("byte-buffer.append", |s, m| {
            m.memkit_core_bytes().byte_buffer().call_append(s, h, &data)
        })?;
        if self.judge(got, &Ok(()), need)?.is_some() {
            let model = &mut self.handles.bytes[i].model;
            model.bytes.extend_from_slice(&data);
            model.grew_to(new_len);
        }
        Ok(true)
    }

    fn bytes_read(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.bytes) else {
            return Ok(false);
        };
        let len = self.handles.bytes[i].model.len();
        let offset = edge(&mut self.rng, len);
        let count = edge(&mut self.rng, len.saturating_sub(offset));
        self.begin(format!(
            "byte-buffer.read({offset}, {count}) on #{i} (len {len})"
        ));
        let range = in_bounds(offset, count, len);
        let want = range.clone().map(|_| ()).map_err(Error::OutOfBounds);
        let got = self.call("byte-buffer.read", |s, m| {
            m.memkit_core_bytes()
                .byte_buffer()
                .call_read(s, h, offset, count)
        })?;
        if let Some(bytes) = self.judge(got, &want, u64::from(count))? {
            let range = range.expect("in bounds");
            let model = &self.handles.bytes[i].model;
            ensure!(
                bytes == model.bytes[range],
                "read({offset}, {count}) gave {}, the model holds {}",
                show_bytes(&bytes),
                show_bytes(&model.bytes[in_bounds(offset, count, len).expect("in bounds")])
            );
        }
        Ok(true)
    }

    fn bytes_write_at(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.bytes) else {
            return Ok(false);
        };
        let data = self.payload()?;
        let len = self.handles.bytes[i].model.len();
        let offset = edge(&mut self.rng, len);
        let new_len = u64::from(len).max(u64::from(offset) + data.len() as u64);
        let (want, need) = if offset > len {
            let oob = OutOfBounds {
                offset,
                len: data.len() as u32,
                size: len,
            };
            (Err(Error::OutOfBounds(oob)), 0)
        } else {
            (Ok(()), self.handles.bytes[i].model.growth_need(new_len))
        };
        self.begin(format!(
            "byte-buffer.write-at({offset}, {}) on #{i} (len {len})",
            show_bytes(&data)
        ));
        let got = self.call("byte-buffer.write-at", |s, m| {
            m.memkit_core_bytes()
                .byte_buffer()
                .call_write_at(s, h, offset, &data)
        })?;
        if self.judge(got, &want, need)?.is_some() {
            let model = &mut self.handles.bytes[i].model;
            let start = offset as usize;
            let overlap = data.len().min(model.bytes.len() - start);
            model.bytes[start..start + overlap].copy_from_slice(&data[..overlap]);
            model.bytes.extend_from_slice(&data[overlap..]);
            model.grew_to(new_len);
        }
        Ok(true)
    }

    fn bytes_fill(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.bytes) else {
            return Ok(false);
        };
        let len = self.handles.bytes[i].model.len();
        let offset = edge(&mut self.rng, len);
        let count = edge(&mut self.rng, len.saturating_sub(offset));
        let value = self.rng.u8(..);
        self.begin(format!(
            "byte-buffer.fill({offset}, {count}, {value}) on #{i} (len {len})"
        ));
        let range = in_bounds(offset, count, len);
        let want = range.clone().map(|_| ()).map_err(Error::OutOfBounds);
        let got = self.call("byte-buffer.fill", |s, m| {
            m.memkit_core_bytes()
                .byte_buffer()
                .call_fill(s, h, offset, count, value)
        })?;
        if self.judge(got, &want, 0)?.is_some() {
            self.handles.bytes[i].model.bytes[range.expect("in bounds")].fill(value);
        }
        Ok(true)
    }

    fn bytes_copy_within(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.bytes) else {
            return Ok(false);
        };
        let len = self.handles.bytes[i].model.len();
        let src = edge(&mut self.rng, len);
        let dst = edge(&mut self.rng, len);
        let count = edge(&mut self.rng, len.saturating_sub(src.max(dst)));
        self.begin(format!(
            "byte-buffer.copy-within({src}, {dst}, {count}) on #{i} (len {len})"
        ));
        let ranges = in_bounds(src, count, len).and_then(|from| {
            in_bounds(dst, count, len)?;
            Ok(from)
        });
        let want = ranges.clone().map(|_| ()).map_err(Error::OutOfBounds);
        let got = self.call("byte-buffer.copy-within", |s, m| {
            m.memkit_core_bytes()
                .byte_buffer()
                .call_copy_within(s, h, src, dst, count)
        })?;
        if self.judge(got, &want, 0)?.is_some() {
            let from = ranges.expect("in bounds");
            self.handles.bytes[i]
                .model
                .bytes
                .copy_within(from, dst as usize);
        }
        Ok(true)
    }

    fn bytes_to_list(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.bytes) else {
            return Ok(false);
        };
        let len = self.handles.bytes[i].model.len();
        self.begin(format!("byte-buffer.to-list() of #{i} (len {len})"));
        let got = self.call("byte-buffer.to-list", |s, m| {
            m.memkit_core_bytes().byte_buffer().call_to_list(s, h)
        })?;
        if let Some(bytes) = self.judge(got, &Ok(()), u64::from(len))? {
            let model = &self.handles.bytes[i].model;
            ensure!(
                bytes == model.bytes,
                "to-list gave {}, the model holds {}",
                show_bytes(&bytes),
                show_bytes(&model.bytes)
            );
        }
        Ok(true)
    }

    /// `take` consumes the handle and answers with every byte, allocating nothing.
    fn bytes_take(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.bytes) else {
            return Ok(false);
        };
        let want = self.handles.bytes.swap_remove(i).model.bytes;
        self.begin(format!("byte-buffer.take(#{i}) (len {})", want.len()));
        let got = self.call("byte-buffer.take", |s, m| {
            m.memkit_core_bytes().byte_buffer().call_take(s, h)
        })?;
        ensure!(
            got == want,
            "take gave {}, the model held {}",
            show_bytes(&got),
            show_bytes(&want)
        );
        Ok(true)
    }

    fn bytes_truncate(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.bytes) else {
            return Ok(false);
        };
        let len = self.handles.bytes[i].model.len();
        let to = edge(&mut self.rng, len);
        self.begin(format!("byte-buffer.truncate({to}) on #{i} (len {len})"));
        self.call("byte-buffer.truncate", |s, m| {
            m.memkit_core_bytes().byte_buffer().call_truncate(s, h, to)
        })?;
        self.handles.bytes[i].model.bytes.truncate(to as usize);
        Ok(true)
    }

    fn bytes_clear(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.bytes) else {
            return Ok(false);
        };
        self.begin(format!("byte-buffer.clear() on #{i}"));
        self.call("byte-buffer.clear", |s, m| {
            m.memkit_core_bytes().byte_buffer().call_clear(s, h)
        })?;
        self.handles.bytes[i].model.bytes.clear();
        Ok(true)
    }

    fn bytes_reserve(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.bytes) else {
            return Ok(false);
        };
        let len = self.handles.bytes[i].model.len();
        let room_left = u32::MAX - len;
        let additional = match self.rng.u32(..10) {
            0 => 0,
            1 => 1,
            2 => u32::MAX,
            3 => u32::MAX - 1,
            4 => room_left,
            5 => room_left.saturating_add(1),
            6 => 1 << 30,
            7 => self.rng.u32(..MIB as u32),
            _ => self.rng.u32(..=SMALL_ARGUMENT as u32),
        };
        let new_len = u64::from(len) + u64::from(additional);
        let model = &self.handles.bytes[i].model;
        let (want, need) = if new_len > u64::from(u32::MAX) {
            let limit = LimitExceeded {
                requested: additional,
                limit: room_left,
            };
            (Err(Error::TooLarge(limit)), 0)
        } else if model.growth_need(new_len) == 0 {
            (Ok(()), 0)
        } else if new_len > MEMORY_LIMIT as u64 {
            (Err(Error::OutOfMemory(additional)), 0)
        } else {
            (Ok(()), model.growth_need(new_len))
        };
        self.begin(format!(
            "byte-buffer.reserve({additional}) on #{i} (len {len})"
        ));
        let got = self.call("byte-buffer.reserve", |s, m| {
            m.memkit_core_bytes()
                .byte_buffer()
                .call_reserve(s, h, additional)
        })?;
        if self.judge(got, &want, need)?.is_some() {
            self.handles.bytes[i].model.grew_to(new_len);
        }
        Ok(true)
    }
}

/// byte-buffer: each operation and the functions it drives, and where its handles live.
pub(super) const INTERFACE: Interface = Interface {
    target: Target::Memkit,
    resources: &[
        Resource {
            name: "byte-buffer",
            live: |handles| &mut handles.bytes,
        },
    ],
    operations: &[
        Operation::new(&["byte-buffer.constructor"], Run::bytes_constructor, 3),
        Operation::new(&["byte-buffer.from-list"], Run::bytes_from_list, 4),
        Operation::new(&["byte-buffer.len"], Run::bytes_len, 3),
        Operation::new(&["byte-buffer.capacity"], Run::bytes_capacity, 3),
        Operation::new(&["byte-buffer.append"], Run::bytes_append, 8),
        Operation::new(&["byte-buffer.read"], Run::bytes_read, 6),
        Operation::new(&["byte-buffer.write-at"], Run::bytes_write_at, 8),
        Operation::new(&["byte-buffer.fill"], Run::bytes_fill, 4),
        Operation::new(&["byte-buffer.copy-within"], Run::bytes_copy_within, 4),
        Operation::new(&["byte-buffer.to-list"], Run::bytes_to_list, 4),
        Operation::new(&["byte-buffer.take"], Run::bytes_take, 2),
        Operation::new(&["byte-buffer.truncate"], Run::bytes_truncate, 3),
        Operation::new(&["byte-buffer.clear"], Run::bytes_clear, 2),
        Operation::new(&["byte-buffer.reserve"], Run::bytes_reserve, 4),
    ],
};
