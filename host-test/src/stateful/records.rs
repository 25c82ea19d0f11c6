//! binary-record and record-reader: the record layout and the stream framing as records.wit
//! says, and an operation per method.

use std::collections::VecDeque;

use fastrand::Rng;

use super::{Interface, Live, MAX_LIVE, Operation, Refusal, Resource, Run, SMALL_ARGUMENT, Step, Target, clip, pick, random_bytes, show_bytes};
use crate::exports::memkit::core::records::{
    ChecksumKind, ChecksumMismatch, DecodeError, LengthMismatch,
};
use crate::{crc32c, Error};

/// A binary-record.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct RecordModel {
    kind: ChecksumKind,
    pub(super) header: [u8; 16],
    pub(super) payload: Vec<u8>,
}

impl RecordModel {
    pub(super) fn new(kind: ChecksumKind) -> Self {
        Self {
            kind,
            header: [0; 16],
            payload: Vec::new(),
        }
    }

    fn checksum(&self) -> u32 {
        checksum(self.kind, &self.header, &self.payload)
    }

    /// `header | payload-len u32 LE | payload | checksum u32 LE`.
    pub(super) fn frame(&self) -> Vec<u8> {
        let mut frame = Vec::with_capacity(24 + self.payload.len());
        frame.extend_from_slice(&self.header);
        frame.extend_from_slice(&(self.payload.len() as u32).to_le_bytes());
        frame.extend_from_slice(&self.payload);
        frame.extend_from_slice(&self.checksum().to_le_bytes());
        frame
    }

    /// Parses exactly one record as records.wit says `deserialize` does.
    fn decode(data: &[u8], kind: ChecksumKind) -> Result<Self, DecodeError> {
        if data.len() < 24 {
            return Err(DecodeError::TooShort(data.len() as u32));
        }
        let declared = u32::from_le_bytes(data[16..20].try_into().expect("4 bytes"));
        let needed = 24 + u64::from(declared);
        let have = data.len() as u64;
        if have < needed {
            return Err(DecodeError::LengthMismatch(LengthMismatch {
                declared,
                available: (have - 24) as u32,
            }));
        }
        if have > needed {
            return Err(DecodeError::TrailingBytes((have - needed) as u32));
        }
        let record = Self {
            kind,
            header: data[..16].try_into().expect("16 bytes"),
            payload: data[20..data.len() - 4].to_vec(),
        };
        let stored = u32::from_le_bytes(data[data.len() - 4..].try_into().expect("4 bytes"));
        let actual = record.checksum();
        if stored != actual {
            return Err(DecodeError::ChecksumMismatch(ChecksumMismatch {
                expected: stored,
                actual,
            }));
        }
        Ok(record)
    }
}

fn checksum(kind: ChecksumKind, header: &[u8], payload: &[u8]) -> u32 {
    match kind {
        ChecksumKind::Sum32 => header
            .iter()
            .chain(payload)
            .fold(0u32, |sum, &b| sum.wrapping_add(u32::from(b))),
        ChecksumKind::Crc32c => crc32c(&[header, payload].concat()),
    }
}

/// A record-reader: the unfinished frame it holds, and whether it has failed for good.
pub(super) struct ReaderModel {
    kind: ChecksumKind,
    max_payload: u32,
    pending: Vec<u8>,
    failed: Option<DecodeError>,
    /// Bytes planned for the stream and not fed yet.
    stream: VecDeque<u8>,
}

impl ReaderModel {
    /// What `feed(data)` answers, and the records it completes (also when a bad record after
    /// them makes the error come with the next call). Applies the call to the model.
    fn feed(&mut self, data: &[u8]) -> (Vec<RecordModel>, Result<(), DecodeError>) {
        if let Some(error) = &self.failed {
            return (Vec::new(), Err(*error));
        }
        let mut stream = std::mem::take(&mut self.pending);
        stream.extend_from_slice(data);
        let mut records = Vec::new();
        let mut at = 0;
        let outcome = loop {
            let rest = &stream[at..];
            if rest.len() < 20 {
                break Ok(());
            }
            let declared = u32::from_le_bytes(rest[16..20].try_into().expect("4 bytes"));
            if declared > self.max_payload {
                break Err(DecodeError::PayloadTooLarge(declared));
            }
            let frame_len = 24 + declared as usize;
            if rest.len() < frame_len {
                break Ok(());
            }
            match RecordModel::decode(&rest[..frame_len], self.kind) {
                Ok(record) => records.push(record),
                Err(error) => break Err(error),
            }
            at += frame_len;
        };
        match outcome {
            Ok(()) => {
                self.pending = stream[at..].to_vec();
                (records, Ok(()))
            }
            Err(error) => {
                self.failed = Some(error);
                (records, Err(error))
            }
        }
    }

    /// What `finish` answers.
    fn finish_answer(&self) -> Result<(), DecodeError> {
        if let Some(error) = &self.failed {
            return Err(*error);
        }
        if self.pending.is_empty() {
            return Ok(());
        }
        match RecordModel::decode(&self.pending, self.kind) {
            Err(error) => Err(error),
            Ok(_) => unreachable!("a whole frame is never left pending"),
        }
    }
}

impl Refusal for DecodeError {
    fn is_out_of_memory(&self) -> bool {
        matches!(self, DecodeError::OutOfMemory(_))
    }

    fn agrees_with(&self, want: &Self) -> bool {
        self == want
    }
}

pub(super) fn checksum_kind(rng: &mut Rng) -> ChecksumKind {
    if rng.bool() {
        ChecksumKind::Sum32
    } else {
        ChecksumKind::Crc32c
    }
}

impl Run {
    fn records_constructor(&mut self) -> Step<bool> {
        if self.handles.records.len() >= MAX_LIVE {
            return Ok(false);
        }
        let kind = checksum_kind(&mut self.rng);
        self.begin(format!("binary-record.constructor({kind:?})"));
        let handle = self.call("binary-record.constructor", |s, m| {
            m.memkit_core_records()
                .binary_record()
                .call_constructor(s, kind)
        })?;
        let model = RecordModel::new(kind);
        self.handles.records.push(Live { handle, model });
        Ok(true)
    }

    fn records_set_header(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.records) else {
            return Ok(false);
        };
        let len = [16, 16, 16, 0, 1, 15, 17, 64][self.rng.usize(..8)];
        let header = random_bytes(&mut self.rng, len);
        let want = if len == 16 {
            Ok(())
        } else {
            Err(Error::Invalid(String::new()))
        };
        self.begin(format!(
            "binary-record.set-header({}) on #{i}",
            show_bytes(&header)
        ));
        let got = self.call("binary-record.set-header", |s, m| {
            m.memkit_core_records()
                .binary_record()
                .call_set_header(s, h, &header)
        })?;
        if self.judge(got, &want, 0)?.is_some() {
            let header = header.try_into().expect("16 bytes");
            self.handles.records[i].model.header = header;
        }
        Ok(true)
    }

    fn records_set_payload(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.records) else {
            return Ok(false);
        };
        let payload = self.payload()?;
        self.begin(format!(
            "binary-record.set-payload({}) on #{i}",
            show_bytes(&payload)
        ));
        let got = self.call("binary-record.set-payload", |s, m| {
            m.memkit_core_records()
                .binary_record()
                .call_set_payload(s, h, &payload)
        })?;
        let need = payload.len() as u64 + 24;
        if self.judge(got, &Ok(()), need)?.is_some() {
            self.handles.records[i].model.payload = payload;
        }
        Ok(true)
    }

    fn records_header(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.records) else {
            return Ok(false);
        };
        self.begin(format!("binary-record.header() of #{i}"));
        let got = self.call("binary-record.header", |s, m| {
            m.memkit_core_records().binary_record().call_header(s, h)
        })?;
        if let Some(header) = self.judge(got, &Ok(()), 16)? {
            let want = self.handles.records[i].model.header;
            ensure!(
                header == want,
                "header is {}, the model says {}",
                show_bytes(&header),
                show_bytes(&want)
            );
        }
        Ok(true)
    }

    fn records_payload(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.records) else {
            return Ok(false);
        };
        let len = self.handles.records[i].model.payload.len();
        self.begin(format!("binary-record.payload() of #{i} (len {len})"));
        let got = self.call("binary-record.payload", |s, m| {
            m.memkit_core_records().binary_record().call_payload(s, h)
        })?;
        if let Some(payload) = self.judge(got, &Ok(()), len as u64)? {
            let want = &self.handles.records[i].model.payload;
            ensure!(
                &payload == want,
                "payload is {}, the model says {}",
                show_bytes(&payload),
                show_bytes(want)
            );
        }
        Ok(true)
    }

    fn records_checksum(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.records) else {
            return Ok(false);
        };
        let want = self.handles.records[i].model.checksum();
        self.begin(format!(
            "binary-record.checksum() of #{i} (model: {want:#x})"
        ));
        let got = self.call("binary-record.checksum", |s, m| {
            m.memkit_core_records().binary_record().call_checksum(s, h)
        })?;
        ensure!(
            got == want,
            "checksum is {got:#x}, the model says {want:#x}"
        );
        Ok(true)
    }

    fn records_serialize(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.records) else {
            return Ok(false);
        };
        let want = self.handles.records[i].model.frame();
        self.begin(format!(
            "binary-record.serialize() of #{i} (len {})",
            want.len()
        ));
        let got = self.call("binary-record.serialize", |s, m| {
            m.memkit_core_records().binary_record().call_serialize(s, h)
        })?;
        if let Some(frame) = self.judge(got, &Ok(()), want.len() as u64)? {
            ensure!(
                frame == want,
                "serialize gave {}, the model says {}",
                show_bytes(&frame),
                show_bytes(&want)
            );
        }
        Ok(true)
    }

    /// A new record's frame, or a live one's, often corrupted: cut short (also under 24
    /// bytes), with bytes after it, a byte flipped, a length field that lies, or empty.
    fn record_bytes(&mut self) -> Step<(Vec<u8>, ChecksumKind)> {
        let mut record = RecordModel::new(checksum_kind(&mut self.rng));
        match pick(&mut self.rng, &self.handles.records) {
            Some((i, _)) if self.rng.bool() => record = self.handles.records[i].model.clone(),
            _ => {
                record.payload = self.payload()?;
                self.rng.fill(&mut record.header);
            }
        }
        let mut data = record.frame();
        let rng = &mut self.rng;
        let kind = if rng.u32(..5) == 0 {
            checksum_kind(rng)
        } else {
            record.kind
        };
        match rng.u32(..12) {
            0 => data.truncate(rng.usize(..data.len())),
            1 => data.truncate(rng.usize(..24)),
            2 => data.extend((0..rng.usize(1..16)).map(|_| rng.u8(..))),
            3 => {
                let at = rng.usize(..data.len());
                data[at] ^= rng.u8(1..);
            }
            4 => {
                let declared = record.payload.len() as u32;
                let lie = [
                    0xFFFF_FFF0,
                    u32::MAX,
                    declared + 1,
                    declared.wrapping_sub(1),
                ][rng.usize(..4)];
                data[16..20].copy_from_slice(&lie.to_le_bytes());
            }
            5 => data.clear(),
            _ => {}
        }
        let room = self.list_room(data.len())?;
        data.truncate(room);
        Ok((data, kind))
    }

    fn records_deserialize(&mut self) -> Step<bool> {
        if self.handles.records.len() >= MAX_LIVE {
            return Ok(false);
        }
        let (data, kind) = self.record_bytes()?;
        let decoded = RecordModel::decode(&data, kind);
        let want = decoded.as_ref().map(|_| ()).map_err(Clone::clone);
        self.begin(format!(
            "binary-record.deserialize({}, {kind:?}) (model: {want:?})",
            show_bytes(&data)
        ));
        let got = self.call("binary-record.deserialize", |s, m| {
            m.memkit_core_records()
                .binary_record()
                .call_deserialize(s, &data, kind)
        })?;
        if let Some(handle) = self.judge(got, &want, data.len() as u64 + 64)? {
            let model = decoded.expect("decoded");
            self.handles.records.push(Live { handle, model });
        }
        Ok(true)
    }

    fn reader_constructor(&mut self) -> Step<bool> {
        if self.handles.readers.len() >= MAX_LIVE {
            return Ok(false);
        }
        let kind = checksum_kind(&mut self.rng);
        let max_payload = match self.rng.u32(..9) {
            0 => 0,
            1 => 1,
            2 => 16,
            3 => 100,
            4 => 4096,
            5 => 65536,
            6 => u32::MAX,
            7 => u32::MAX - 1,
            _ => self.rng.u32(..=8192),
        };
        self.begin(format!(
            "record-reader.constructor({kind:?}, {max_payload})"
        ));
        let handle = self.call("record-reader.constructor", |s, m| {
            m.memkit_core_records()
                .record_reader()
                .call_constructor(s, kind, max_payload)
        })?;
        let model = ReaderModel {
            kind,
            max_payload,
            pending: Vec::new(),
            failed: None,
            stream: VecDeque::new(),
        };
        self.handles.readers.push(Live { handle, model });
        Ok(true)
    }

    /// Plans the next frames of reader `i`'s stream: mostly valid, some with a bad checksum,
    /// a payload over the reader's limit, or junk.
    fn plan_frames(&mut self, i: usize) -> Step<()> {
        let size = self.size()?;
        let rng = &mut self.rng;
        let model = &mut self.handles.readers[i].model;
        let frames = if size > SMALL_ARGUMENT {
            1
        } else {
            rng.usize(1..=3)
        };
        for _ in 0..frames {
            let mut record = RecordModel::new(model.kind);
            rng.fill(&mut record.header);
            let len = size.min(model.max_payload as usize);
            record.payload = random_bytes(rng, len);
            let mut frame = record.frame();
            match rng.u32(..10) {
                0 => {
                    let at = frame.len() - 4;
                    frame[at] ^= rng.u8(1..);
                }
                1 if model.max_payload < u32::MAX => {
                    let declared = [model.max_payload + 1, u32::MAX][rng.usize(..2)];
                    frame.truncate(20 + rng.usize(..8).min(record.payload.len()));
                    frame[16..20].copy_from_slice(&declared.to_le_bytes());
                }
                2 => {
                    frame.clear();
                    frame.extend((0..rng.usize(1..64)).map(|_| rng.u8(..)));
                }
                _ => {}
            }
            model.stream.extend(frame);
        }
        Ok(())
    }

    fn reader_feed(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.readers) else {
            return Ok(false);
        };
        if self.handles.readers[i].model.stream.is_empty() {
            self.plan_frames(i)?;
        }
        let available = self.handles.readers[i].model.stream.len();
        let rng = &mut self.rng;
        let piece = match rng.u32(..10) {
            0 => 0,
            1 => 1,
            2 => [19, 20, 23, 24][rng.usize(..4)],
            3 | 4 => rng.usize(..64),
            5 | 6 => rng.usize(..=SMALL_ARGUMENT),
            _ => available,
        };
        let piece = self.list_room(piece.min(available))?;
        let model = &mut self.handles.readers[i].model;
        let data: Vec<u8> = model.stream.drain(..piece).collect();
        let before = (model.pending.clone(), model.failed);
        let call = format!(
            "record-reader.feed({}) on #{i} ({:?}, max-payload {}, {} buffered, failed: {:?})",
            show_bytes(&data),
            model.kind,
            model.max_payload,
            before.0.len(),
            before.1
        );
        let (records, want) = model.feed(&data);
        self.begin(format!(
            "{call} (model: {} records, {want:?})",
            records.len()
        ));
        let got = self.call("record-reader.feed", |s, m| {
            m.memkit_core_records()
                .record_reader()
                .call_feed(s, h, &data)
        })?;
        // As the model says: the records, then the error if one came after them; or the
        // error alone.
        let agrees = match &got {
            Ok(frames) => frames.len() == records.len() && (want.is_ok() || !records.is_empty()),
            Err(error) => records.is_empty() && want.as_ref().err() == Some(error),
        };
        if !agrees {
            let need = (before.0.len() + data.len()) as u64 + 64;
            let out_of_memory = got.as_ref().is_err_and(Refusal::is_out_of_memory);
            ensure!(
                out_of_memory && self.may_run_out(need)?,
                "feed answered {}, the model says {} records and {want:?}",
                clip(format!("{got:?}")),
                records.len()
            );
            // Out of memory changes nothing: the tail is as before, and the same data can be
            // fed again (records.wit).
            self.report.out_of_memory_answers += 1;
            let model = &mut self.handles.readers[i].model;
            (model.pending, model.failed) = before;
            for &byte in data.iter().rev() {
                model.stream.push_front(byte);
            }
            let (want_buffered, want_end) = (model.pending.len() as u32, model.finish_answer());
            let buffered = self.call("record-reader.buffered", |s, m| {
                m.memkit_core_records().record_reader().call_buffered(s, h)
            })?;
            let end = self.call("record-reader.finish", |s, m| {
                m.memkit_core_records().record_reader().call_finish(s, h)
            })?;
            ensure!(
                (buffered, &end) == (want_buffered, &want_end),
                "feed answered {} but changed the reader: {buffered} bytes buffered (before: {want_buffered}), finish answers {end:?} (before: {want_end:?})",
                clip(format!("{got:?}"))
            );
            return Ok(true);
        }
        for (frame, record) in got.unwrap_or_default().into_iter().zip(records) {
            let want = (&record.header[..], &record.payload[..], record.checksum());
            ensure!(
                (&frame.header[..], &frame.payload[..], frame.checksum) == want,
                "feed returned {}, the model says {}",
                clip(format!("{frame:?}")),
                clip(format!("{want:?}"))
            );
        }
        Ok(true)
    }

    fn reader_buffered(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.readers) else {
            return Ok(false);
        };
        let want = self.handles.readers[i].model.pending.len() as u32;
        self.begin(format!("record-reader.buffered() of #{i} (model: {want})"));
        let got = self.call("record-reader.buffered", |s, m| {
            m.memkit_core_records().record_reader().call_buffered(s, h)
        })?;
        ensure!(got == want, "buffered is {got}, the model says {want}");
        Ok(true)
    }

    fn reader_finish(&mut self) -> Step<bool> {
        let Some((i, h)) = pick(&mut self.rng, &self.handles.readers) else {
            return Ok(false);
        };
        let want = self.handles.readers[i].model.finish_answer();
        self.begin(format!("record-reader.finish() of #{i} (model: {want:?})"));
        let got = self.call("record-reader.finish", |s, m| {
            m.memkit_core_records().record_reader().call_finish(s, h)
        })?;
        ensure!(got == want, "finish is {got:?}, the model says {want:?}");
        Ok(true)
    }
}

/// binary-record and record-reader: each operation and the functions it drives, and
/// where their handles live.
pub(super) const INTERFACE: Interface = Interface {
    target: Target::Memkit,
    resources: &[
        Resource {
            name: "binary-record",
            live: |handles| &mut handles.records,
        },
        Resource {
            name: "record-reader",
            live: |handles| &mut handles.readers,
        },
    ],
    operations: &[
        Operation::new(&["binary-record.constructor"], Run::records_constructor, 2),
        Operation::new(&["binary-record.set-header"], Run::records_set_header, 3),
        Operation::new(&["binary-record.set-payload"], Run::records_set_payload, 3),
        Operation::new(&["binary-record.header"], Run::records_header, 2),
        Operation::new(&["binary-record.payload"], Run::records_payload, 2),
        Operation::new(&["binary-record.checksum"], Run::records_checksum, 2),
        Operation::new(&["binary-record.serialize"], Run::records_serialize, 2),
        Operation::new(&["binary-record.deserialize"], Run::records_deserialize, 5),
        Operation::new(&["record-reader.constructor"], Run::reader_constructor, 2),
        Operation::new(
            &["record-reader.feed", "record-reader.buffered", "record-reader.finish"],
            Run::reader_feed,
            10,
        ),
        Operation::new(&["record-reader.buffered"], Run::reader_buffered, 2),
        Operation::new(&["record-reader.finish"], Run::reader_finish, 2),
    ],
};
