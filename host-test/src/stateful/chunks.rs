//! chunk-assembler: the model of received ranges and bytes, and an operation per method.

use fastrand::Rng;

use super::bytes::BytesModel;
use super::{Interface, Live, MAX_LIVE, MEMORY_LIMIT, Operation, Resource, Run, Step, Target, clip, edge, pick, random_bytes, show_bytes};
use super::checksums::model_digest;
use crate::exports::memkit::core::checksums::{Algorithm, ExpectedDigest};
use crate::exports::memkit::core::chunks::Span;
use crate::{Error, LimitExceeded, OutOfBounds};

/// The largest chunk-assembler (chunks.wit).
const MAX_TOTAL_SIZE: u32 = 1 << 30;

#[derive(Debug, Clone)]
enum AssemblerState {
    Open,
    /// Made by the constructor while memory was short: open, or refusing with the
    /// `out-of-memory` its creation met; the first answer that tells them apart decides.
    MaybeRefused,
    Refused(Error),
    Finished,
}

/// A chunk-assembler: the bytes received at their offsets and the received ranges.
pub(super) struct AssemblerModel {
    total: u32,
    /// The digest `finish` checks the payload against.
    expected: Option<ExpectedDigest>,
    /// The payload a well-behaved sender sends; chunks are cut from it.
    plan: Vec<u8>,
    /// Received bytes at their offsets, zeros elsewhere.
    data: Vec<u8>,
    /// Received ranges `[start, end)`, sorted and coalesced.
    received: Vec<(u32, u32)>,
    state: AssemblerState,
}

impl AssemblerModel {
    fn new(rng: &mut Rng, total: u32, expected: DigestChoice, state: AssemblerState) -> Self {
        let usable = matches!(state, AssemblerState::Open | AssemblerState::MaybeRefused);
        let plan = if usable {
            random_bytes(rng, total as usize)
        } else {
            Vec::new()
        };
        let expected = match expected {
            DigestChoice::None => None,
            DigestChoice::OfPlan(algorithm) => Some(ExpectedDigest {
                algorithm,
                digest: model_digest(algorithm, &plan),
            }),
            DigestChoice::Wrong(algorithm, digest) => Some(ExpectedDigest { algorithm, digest }),
        };
        Self {
            total,
            expected,
            data: vec![0; plan.len()],
            plan,
            received: Vec::new(),
            state,
        }
    }

    fn received_bytes(&self) -> u32 {
        self.received.iter().map(|&(s, e)| e - s).sum()
    }

    fn prefix_end(&self) -> u32 {
        match self.received.first() {
            Some(&(0, end)) => end,
            _ => 0,
        }
    }

    fn is_complete(&self) -> bool {
        matches!(
            self.state,
            AssemblerState::Open | AssemblerState::MaybeRefused
        ) && self.received_bytes() == self.total
    }

    fn gaps(&self) -> Vec<Span> {
        if matches!(self.state, AssemblerState::Finished) || self.is_complete() {
            return Vec::new();
        }
        let mut gaps = Vec::new();
        let mut at = 0;
        for &(s, e) in &self.received {
            if s > at {
                gaps.push(Span {
                    offset: at,
                    len: s - at,
                });
            }
            at = e;
        }
        if self.total > at {
            gaps.push(Span {
                offset: at,
                len: self.total - at,
            });
        }
        gaps
    }

    /// What `write-at(offset, chunk)` answers.
    fn write_answer(&self, offset: u32, chunk: &[u8]) -> Result<(), Error> {
        match &self.state {
            AssemblerState::Refused(error) => return Err(error.clone()),
            AssemblerState::Finished => return Err(Error::Invalid(String::new())),
            AssemblerState::Open | AssemblerState::MaybeRefused => {}
        }
        let len = chunk.len() as u32;
        let end = match offset.checked_add(len) {
            Some(end) if end <= self.total => end,
            _ => {
                return Err(Error::OutOfBounds(OutOfBounds {
                    offset,
                    len,
                    size: self.total,
                }))
            }
        };
        for &(s, e) in &self.received {
            for at in s.max(offset)..e.min(end) {
                if self.data[at as usize] != chunk[(at - offset) as usize] {
                    // The text names the first offset that differs.
                    return Err(Error::Invalid(format!("offset {at} ")));
                }
            }
        }
        Ok(())
    }

    fn write(&mut self, offset: u32, chunk: &[u8]) {
        let (start, end) = (offset, offset + chunk.len() as u32);
        self.data[start as usize..end as usize].copy_from_slice(chunk);
        if start == end {
            return;
        }
        let mut merged = (start, end);
        let mut ranges = Vec::with_capacity(self.received.len() + 1);
        for &(s, e) in &self.received {
            if e < merged.0 || s > merged.1 {
                ranges.push((s, e));
            } else {
                merged = (merged.0.min(s), merged.1.max(e));
            }
        }
        ranges.push(merged);
        ranges.sort_unstable();
        self.received = ranges;
    }

    /// What `finish` answers when it has room for the buffer handle.
    fn finish_answer(&self) -> Result<(), Error> {
        match &self.state {
            AssemblerState::Refused(error) => return Err(error.clone()),
            AssemblerState::Finished => return Err(Error::Invalid(String::new())),
            AssemblerState::Open | AssemblerState::MaybeRefused => {}
        }
        if !self.is_complete() {
            return Err(Error::Invalid("incomplete".into()));
        }
        match &self.expected {
            Some(expected) if expected.digest != model_digest(expected.algorithm, &self.data) => {
                Err(Error::Invalid("mismatch: expected 0x".into()))
            }
            _ => Ok(()),
        }
    }

    /// The CRC-32C a `create` was given.
    fn expected_crc32c(&self) -> Option<u32> {
        self.expected.as_ref().map(|expected| {
            u32::from_be_bytes(expected.digest[..].try_into().expect("a CRC-32C"))
        })
    }
}

/// What `create` or `create-checked` answers for `total` (with an expected digest of the right
/// length).
fn create_answer(total: u32) -> Result<(), Error> {
    if total > MAX_TOTAL_SIZE {
        Err(Error::TooLarge(LimitExceeded {
            requested: total,
            limit: MAX_TOTAL_SIZE,
        }))
    } else if total as usize > MEMORY_LIMIT {
        Err(Error::OutOfMemory(total))
    } else {
        Ok(())
    }
}

/// The state of an assembler a creation answered `want` for.
fn created_state(want: &Result<(), Error>) -> AssemblerState {
    if want.is_ok() {
        AssemblerState::Open
    } else {
        AssemblerState::Finished // unused: no handle is made
    }
}

/// The digest an assembler is created with.
enum DigestChoice {
    None,
    /// The digest of the planned payload.
    OfPlan(Algorithm),
    /// Another: almost surely not the payload's.
    Wrong(Algorithm, Vec<u8>),
}

impl Run {
    /// A total size: small, rarely large, and the limits: 1 GiB (more than the cap holds),
    /// 1 GiB + 1 and u32::MAX (too large), 64 MiB (over the cap).
    fn total_size(&mut self) -> Step<u32> {
        Ok(match self.rng.u32(..24) {
            0 => 0,
            1 => 1,
            2 => 8,
            3 => MAX_TOTAL_SIZE,
            4 => MAX_TOTAL_SIZE + 1,
            5 => u32::MAX,
            6 => 64 << 20,
            _ => self.size()? as u32,
        })
    }

    fn chunks_constructor(&mut self) -> Step<bool> {
        if self.handles.assemblers.len() >= MAX_LIVE {
            return Ok(false);
        }
        let total = self.total_size()?;
        let state = if total > MAX_TOTAL_SIZE {
            AssemblerState::Refused(Error::TooLarge(LimitExceeded {
                requested: total,
                limit: MAX_TOTAL_SIZE,
            }))
        } else if total as usize > MEMORY_LIMIT {
            AssemblerState::Refused(Error::OutOfMemory(total))
        } else if self.may_run_out(u64::from(total) + 64)? {
            AssemblerState::MaybeRefused
        } else {
            AssemblerState::Open
        };
        self.begin(format!("chunk-assembler.constructor({total})"));
        let handle = self.call("chunk-assembler.constructor", |s, m| {
            m.memkit_core_chunks()
                .chunk_assembler()
                .call_constructor(s, total)
        })?;
        let model = AssemblerModel::new(&mut self.rng, total, DigestChoice::None, state);
        self.handles.assemblers.push(Live { handle, model });
        Ok(true)
    }

    fn chunks_create(&mut self) -> Step<bool> {
        if self.handles.assemblers.len() >= MAX_LIVE {
            return Ok(false);
        }
        let total = self.total_size()?;
        let crc = match self.rng.u32(..10) {
            0..=2 => DigestChoice::None,
            3..=7 => DigestChoice::OfPlan(Algorithm::Crc32c),
            _ => DigestChoice::Wrong(Algorithm::Crc32c, self.rng.u32(..).to_be_bytes().to_vec()),
        };
        let want = create_answer(total);
        let state = created_state(&want);
        let model = AssemblerModel::new(&mut self.rng, total, crc, state);
        let expected = model.expected_crc32c();
        self.begin(format!("chunk-assembler.create({total}, {expected:?})"));
        let got = self.call("chunk-assembler.create", |s, m| {
            m.memkit_core_chunks()
                .chunk_assembler()
                .call_create(s, total, expected)
        })?;
        if let Some(handle) = self.judge(got, &want, u64::from(total) + 64)? {
            self.handles.assemblers.push(Live { handle, model });
        }
        Ok(true)
    }

    /// `create-checked` with a digest of any algorithm: of the planned payload, a wrong one, or
    /// one of the wrong length (`invalid`, checked first).
    fn chunks_create_checked(&mut self) -> Step<bool> {
        if self.handles.assemblers.len() >= MAX_LIVE {
            return Ok(false);
        }
        let total = self.total_size()?;
        let algorithm = self.algorithm();
        let len = model_digest(algorithm, &[]).len();
        let (choice, right_length) = match self.rng.u32(..10) {
            0..=6 => (DigestChoice::OfPlan(algorithm), true),
            7..=8 => (DigestChoice::Wrong(algorithm, vec![0xA5; len]), true),
            _ => {
                let wrong = self.rng.usize(..len + 4);
                (DigestChoice::Wrong(algorithm, vec![0; wrong]), wrong == len)
            }
        };
        let want = if right_length {
            create_answer(total)
        } else {
            Err(Error::Invalid("expected digest: ".into()))
        };
        let state = created_state(&want);
        let model = AssemblerModel::new(&mut self.rng, total, choice, state);
        let expected = model.expected.clone().expect("a digest");
        self.begin(format!(
            "chunk-assembler.create-checked({total}, {:?} {})",
            expected.algorithm,
            show_bytes(&expected.digest)
        ));
        let got = self.call("chunk-assembler.create-checked", |s, m| {
            m.memkit_core_chunks()
                .chunk_assembler()
                .call_create_checked(s, total, &expected)
        })?;
        if let Some(handle) = self.judge(got, &want, u64::from(total) + 64)? {
            self.handles.assemblers.push(Live { handle, model });
        }
        Ok(true)
    }

    /// `write-at-checked`: a chunk as `write-at` sends it, with the digest of the planned bytes
    /// (which a changed byte no longer has), or with a digest of the wrong length.
    fn chunks_write_at_checked(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.assemblers) else {
            return Ok(false);
        };
        let (offset, chunk) = self.chunk_for(i, false)?;
        let algorithm = self.algorithm();
        let model = &self.handles.assemblers[i].model;
        let planned: Vec<u8> = (0..chunk.len())
            .map(|k| model.plan.get(offset as usize + k).copied().unwrap_or(chunk[k]))
            .collect();
        let mut digest = model_digest(algorithm, &planned);
        let right_length = self.rng.u32(..12) != 0;
        if !right_length {
            digest.pop();
        }
        let expected = ExpectedDigest { algorithm, digest };
        let base = model.write_answer(offset, &chunk);
        let want = if !right_length {
            Err(Error::Invalid("expected digest: ".into()))
        } else {
            match base {
                Err(Error::Invalid(_)) | Ok(()) if planned != chunk => Err(Error::Invalid(
                    format!("part at offset {offset}: "),
                )),
                other => other,
            }
        };
        self.begin(format!(
            "chunk-assembler.write-at-checked({offset}, {}, {algorithm:?}) on #{i} (total {}, {:?})",
            show_bytes(&chunk),
            model.total,
            model.state
        ));
        let got = self.call("chunk-assembler.write-at-checked", |s, m| {
            m.memkit_core_chunks()
                .chunk_assembler()
                .call_write_at_checked(s, h, offset, &chunk, &expected)
        })?;
        if right_length && self.settle_maybe_refused(i, &got) {
            return Ok(true);
        }
        if self.judge(got, &want, 64)?.is_some() {
            self.handles.assemblers[i].model.write(offset, &chunk);
        }
        Ok(true)
    }

    /// A chunk for assembler `i`: mostly planned bytes into a gap or over received ones (a
    /// retry), sometimes with one byte changed, sometimes at an edge offset or past the end.
    fn chunk_for(&mut self, i: usize, at_prefix: bool) -> Step<(u32, Vec<u8>)> {
        let size = self.size()?;
        let rng = &mut self.rng;
        let model = &self.handles.assemblers[i].model;
        let total = model.total;
        let gaps = model.gaps();
        let (offset, len) = if at_prefix {
            let offset = model.prefix_end();
            let room = total.saturating_sub(offset) as usize;
            let len = if rng.u32(..4) == 0 {
                size
            } else {
                size.min(room)
            };
            (offset, len)
        } else {
            match rng.u32(..10) {
                0..=4 if !gaps.is_empty() => {
                    let gap = gaps[rng.usize(..gaps.len())];
                    let offset = gap.offset + rng.u32(..gap.len);
                    let room = (gap.offset + gap.len - offset) as usize;
                    let spill = if rng.u32(..4) == 0 {
                        rng.usize(..16)
                    } else {
                        0
                    };
                    (offset, size.min(room) + spill)
                }
                5..=6 if !model.received.is_empty() => {
                    let (s, e) = model.received[rng.usize(..model.received.len())];
                    let offset = rng.u32(s..e);
                    (offset, size.min((e - offset) as usize))
                }
                7 => (edge(rng, total), size),
                _ => (rng.u32(..=total), size.min(total as usize)),
            }
        };
        let mut chunk: Vec<u8> = (0..len)
            .map(|k| {
                let at = offset as usize + k;
                model.plan.get(at).copied().unwrap_or_else(|| rng.u8(..))
            })
            .collect();
        if !chunk.is_empty() && rng.u32(..8) == 0 {
            let at = rng.usize(..chunk.len());
            chunk[at] ^= rng.u8(1..);
        }
        let room = self.list_room(chunk.len())?;
        chunk.truncate(room);
        Ok((offset, chunk))
    }

    fn chunks_write(&mut self, function: &'static str, at_prefix: bool) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.assemblers) else {
            return Ok(false);
        };
        let (offset, chunk) = self.chunk_for(i, at_prefix)?;
        let model = &self.handles.assemblers[i].model;
        let want = model.write_answer(offset, &chunk);
        let total = model.total;
        let args = if at_prefix {
            show_bytes(&chunk)
        } else {
            format!("{offset}, {}", show_bytes(&chunk))
        };
        self.begin(format!(
            "{function}({args}) on #{i} (total {total}, received {}, {:?})",
            clip(format!("{:?}", model.received)),
            model.state
        ));
        let got = self.call(function, |s, m| {
            let assembler = m.memkit_core_chunks().chunk_assembler();
            if at_prefix {
                assembler.call_append(s, h, &chunk)
            } else {
                assembler.call_write_at(s, h, offset, &chunk)
            }
        })?;
        if self.settle_maybe_refused(i, &got) {
            return Ok(true);
        }
        if self.judge(got, &want, 64)?.is_some() {
            self.handles.assemblers[i].model.write(offset, &chunk);
        }
        Ok(true)
    }

    /// Settles the state of assembler `i` when its constructor ran while memory was short: an
    /// `out-of-memory` answer out of a squeeze shows that it refuses for good, any other answer
    /// that it is open. True when `got` is thereby explained (then there is nothing to judge).
    fn settle_maybe_refused<T>(&mut self, i: usize, got: &Result<T, Error>) -> bool {
        let model = &mut self.handles.assemblers[i].model;
        if !matches!(model.state, AssemblerState::MaybeRefused) {
            return false;
        }
        match got {
            Err(refused @ Error::OutOfMemory(_)) => {
                self.report.out_of_memory_answers += 1;
                if self.squeezed.is_none() {
                    model.state = AssemblerState::Refused(refused.clone());
                }
                true
            }
            _ => {
                model.state = AssemblerState::Open;
                false
            }
        }
    }

    fn chunks_append(&mut self) -> Step<bool> {
        self.chunks_write("chunk-assembler.append", true)
    }

    fn chunks_write_at(&mut self) -> Step<bool> {
        self.chunks_write("chunk-assembler.write-at", false)
    }

    fn chunks_received(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.assemblers) else {
            return Ok(false);
        };
        let want = self.handles.assemblers[i].model.received_bytes();
        self.begin(format!(
            "chunk-assembler.received() of #{i} (model: {want})"
        ));
        let got = self.call("chunk-assembler.received", |s, m| {
            m.memkit_core_chunks().chunk_assembler().call_received(s, h)
        })?;
        ensure!(got == want, "received is {got}, the model says {want}");
        Ok(true)
    }

    fn chunks_total_size(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.assemblers) else {
            return Ok(false);
        };
        let want = self.handles.assemblers[i].model.total;
        self.begin(format!(
            "chunk-assembler.total-size() of #{i} (model: {want})"
        ));
        let got = self.call("chunk-assembler.total-size", |s, m| {
            m.memkit_core_chunks()
                .chunk_assembler()
                .call_total_size(s, h)
        })?;
        ensure!(got == want, "total-size is {got}, the model says {want}");
        Ok(true)
    }

    fn chunks_progress(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.assemblers) else {
            return Ok(false);
        };
        let model = &self.handles.assemblers[i].model;
        let want = if model.total == 0 {
            1.0
        } else {
            f64::from(model.received_bytes()) / f64::from(model.total)
        };
        self.begin(format!(
            "chunk-assembler.progress() of #{i} (model: {want})"
        ));
        let got = self.call("chunk-assembler.progress", |s, m| {
            m.memkit_core_chunks().chunk_assembler().call_progress(s, h)
        })?;
        ensure!(got == want, "progress is {got}, the model says {want}");
        Ok(true)
    }

    fn chunks_is_complete(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.assemblers) else {
            return Ok(false);
        };
        let model = &self.handles.assemblers[i].model;
        let want = model.is_complete();
        // Of an empty transfer, only a refusing one is not complete.
        let either = model.total == 0 && matches!(model.state, AssemblerState::MaybeRefused);
        self.begin(format!(
            "chunk-assembler.is-complete() of #{i} (model: {want})"
        ));
        let got = self.call("chunk-assembler.is-complete", |s, m| {
            m.memkit_core_chunks()
                .chunk_assembler()
                .call_is_complete(s, h)
        })?;
        ensure!(
            got == want || either,
            "is-complete is {got}, the model says {want}"
        );
        Ok(true)
    }

    fn chunks_missing(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.assemblers) else {
            return Ok(false);
        };
        let want = self.handles.assemblers[i].model.gaps();
        self.begin(format!(
            "chunk-assembler.missing() of #{i} (model: {})",
            clip(format!("{want:?}"))
        ));
        let got = self.call("chunk-assembler.missing", |s, m| {
            m.memkit_core_chunks().chunk_assembler().call_missing(s, h)
        })?;
        if got == want {
            return Ok(true);
        }
        // When memory cannot hold the whole list, the first gap alone.
        let first_only = want.len() > 1 && got[..] == want[..1];
        ensure!(
            first_only && self.may_run_out(8 * want.len() as u64)?,
            "missing is {}, the model says {}",
            clip(format!("{got:?}")),
            clip(format!("{want:?}"))
        );
        self.report.out_of_memory_answers += 1;
        Ok(true)
    }

    fn chunks_finish(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.assemblers) else {
            return Ok(false);
        };
        let model = &self.handles.assemblers[i].model;
        let want = model.finish_answer();
        let total = model.total;
        self.begin(format!(
            "chunk-assembler.finish() of #{i} (total {total}, received {}, {:?})",
            model.received_bytes(),
            model.state
        ));
        let got = self.call("chunk-assembler.finish", |s, m| {
            m.memkit_core_chunks().chunk_assembler().call_finish(s, h)
        })?;
        if self.settle_maybe_refused(i, &got) {
            return Ok(true);
        }
        if let Some(buffer) = self.judge(got, &want, 64)? {
            let model = &mut self.handles.assemblers[i].model;
            model.state = AssemblerState::Finished;
            let data = std::mem::take(&mut model.data);
            model.plan = Vec::new();
            let bytes = BytesModel::new(data, None);
            self.handles.bytes.push(Live {
                handle: buffer,
                model: bytes,
            });
        }
        Ok(true)
    }
}

/// chunk-assembler: each operation and the functions it drives, and where its handles
/// live.
pub(super) const INTERFACE: Interface = Interface {
    target: Target::Memkit,
    resources: &[
        Resource {
            name: "chunk-assembler",
            live: |handles| &mut handles.assemblers,
        },
    ],
    operations: &[
        Operation::new(&["chunk-assembler.constructor"], Run::chunks_constructor, 2),
        Operation::new(&["chunk-assembler.create"], Run::chunks_create, 3),
        Operation::new(
            &["chunk-assembler.create-checked"],
            Run::chunks_create_checked,
            2,
        ),
        Operation::new(
            &["chunk-assembler.write-at-checked"],
            Run::chunks_write_at_checked,
            4,
        ),
        Operation::new(&["chunk-assembler.append"], Run::chunks_append, 6),
        Operation::new(&["chunk-assembler.write-at"], Run::chunks_write_at, 10),
        Operation::new(&["chunk-assembler.received"], Run::chunks_received, 2),
        Operation::new(&["chunk-assembler.total-size"], Run::chunks_total_size, 1),
        Operation::new(&["chunk-assembler.progress"], Run::chunks_progress, 2),
        Operation::new(&["chunk-assembler.is-complete"], Run::chunks_is_complete, 2),
        Operation::new(&["chunk-assembler.missing"], Run::chunks_missing, 3),
        Operation::new(&["chunk-assembler.finish"], Run::chunks_finish, 3),
    ],
};
