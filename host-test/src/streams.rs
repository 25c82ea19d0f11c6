//! Hosts the `streams` interface of `memkit-async.wasm` (WASI 0.3 streams) in wasmtime: the
//! bindings of the `memkit-async` world with async exports, the host's ends of the streams (a
//! writer that feeds an [`Input`] from memory in pieces of a chosen size, readers of the
//! outputs that take everything, a little a poll, or stop early), and one call per function
//! ([`Streams`]) that runs it in the store's event loop until nothing is left to do.
//!
//! [`Streams`] speaks the `memkit` bindings' types (`crate::Error`, `records::Frame`, …), like
//! every other host in this crate: the async bindings generate their own copy of every type
//! (wasmtime's `bindgen!` has no `with` for exported interfaces), and the conversions between
//! the two are at the end of this file.
//!
//! Every call returns once the store's event loop is idle ([`idle`]): memkit's tasks have ended,
//! so the leak guard of the [`Host`] sees what they freed; the outcome has been written; the
//! input's writer and the output's reader are gone. (memkit's tasks run only while a
//! `run_concurrent` is pending, so a call that returned at the outcome would leave them
//! half-done.)

use std::cell::Cell;
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use wasmtime::component::{
    Destination, FutureConsumer, Lift, ResourceAny, Source, StreamConsumer, StreamProducer,
    StreamReader, StreamResult, VecBuffer,
};
use wasmtime::{AsContextMut, StoreContextMut};

use crate::exports::memkit::core::checksums::{Algorithm, ExpectedDigest};
use crate::exports::memkit::core::records::{ChecksumKind, DecodeError, Frame};
use crate::{Error, Host, HostStore, State};

/// The bindings of the `memkit-async` world, every export async (`call_*` take an
/// `&Accessor` and run inside `run_concurrent`, as an async-lifted export needs).
pub mod bindings {
    wasmtime::component::bindgen!({
        path: "../wit",
        world: "memkit-async",
        exports: { default: async | store },
    });
}

use bindings::exports::memkit::core as async_api;

// ---------------------------------------------------------------------------------------------
// Running the event loop on this thread.

thread_local! {
    /// Where an [`idle`] awaited on this thread stands.
    static IDLE: Cell<Idle> = const { Cell::new(Idle::NotAsked) };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Idle {
    NotAsked,
    /// An `idle()` is pending: the next poll that finds nothing to do resolves it.
    Waiting,
    /// `block_on` found nothing to do: the pending `idle()` resolves at its next poll.
    Reached,
}

/// Nothing could make progress and nothing waited for [`idle`]: memkit never answered.
#[derive(Debug)]
pub struct Deadlock;

impl std::fmt::Display for Deadlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "deadlock: the host waits for memkit, and the store's event loop has nothing left \
             to run",
        )
    }
}

impl std::error::Error for Deadlock {}

/// Runs `future` on this thread until it is ready.
///
/// Nothing here waits for anything outside this thread (the host's writers and readers answer
/// at once), so a poll that leaves `future` pending without waking it means that nothing can
/// make progress. Then an [`idle`] awaited inside it resolves; without one, the run ends with
/// [`Deadlock`] instead of hanging.
pub fn block_on<F: Future>(future: F) -> Result<F::Output, Deadlock> {
    struct Woken(AtomicBool);
    impl Wake for Woken {
        fn wake(self: Arc<Self>) {
            self.0.store(true, Ordering::Relaxed);
        }
    }
    let woken = Arc::new(Woken(AtomicBool::new(false)));
    let waker = Waker::from(woken.clone());
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        woken.0.store(false, Ordering::Relaxed);
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            IDLE.set(Idle::NotAsked);
            return Ok(output);
        }
        if woken.0.load(Ordering::Relaxed) {
            continue;
        }
        if IDLE.get() != Idle::Waiting {
            IDLE.set(Idle::NotAsked);
            return Err(Deadlock);
        }
        IDLE.set(Idle::Reached);
    }
}

/// Resolves once the store's event loop that it is awaited in (a `run_concurrent` driven by
/// [`block_on`]) has nothing left to run: every task of memkit's has ended or waits for the
/// host.
pub async fn idle() {
    std::future::poll_fn(|_| {
        if IDLE.get() == Idle::Reached {
            IDLE.set(Idle::NotAsked);
            Poll::Ready(())
        } else {
            IDLE.set(Idle::Waiting);
            Poll::Pending
        }
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// The host's ends of the streams.

/// An input stream as the host writes it: `data` in pieces of at most `piece` bytes (one a
/// read of memkit's), then its end (the writer dropped it).
#[derive(Clone)]
pub struct Input {
    data: Arc<[u8]>,
    piece: usize,
    end: usize,
}

impl Input {
    /// All of `data`, `piece` bytes at a time.
    ///
    /// # Panics
    /// When `piece` is 0.
    pub fn new(data: impl Into<Arc<[u8]>>, piece: usize) -> Self {
        assert!(piece > 0, "a piece is at least a byte");
        let data = data.into();
        let end = data.len();
        Self { data, piece, end }
    }

    /// The same data, with the writer dropping the stream after `end` bytes: a writer that
    /// stops early.
    pub fn ending_at(mut self, end: usize) -> Self {
        self.end = end.min(self.data.len());
        self
    }

    /// The bytes the writer writes.
    pub fn bytes(&self) -> &[u8] {
        &self.data[..self.end]
    }
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} bytes in pieces of {}", self.data.len(), self.piece)?;
        if self.end < self.data.len() {
            write!(f, ", the writer dropped after {}", self.end)?;
        }
        Ok(())
    }
}

/// What went through one call's streams.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Flow {
    /// Input bytes memkit read.
    pub read: u64,
    /// Reads of memkit's that got bytes (pieces).
    pub reads: u64,
    /// Output items (bytes or frames) the host's reader took.
    pub taken: u64,
    /// The most input bytes memkit had read beyond the output items taken, over its reads:
    /// for `hash-through`, whose output is its input, the bytes it held in flight.
    pub most_ahead: u64,
}

type Shared<T> = Arc<Mutex<T>>;

/// The host's writer of an [`Input`]: copies each piece straight into memkit's read buffer.
struct Writer {
    input: Input,
    at: usize,
    flow: Shared<Flow>,
}

impl<D> StreamProducer<D> for Writer {
    type Item = u8;
    type Buffer = VecBuffer<u8>;

    fn poll_produce<'a>(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        mut store: StoreContextMut<'a, D>,
        destination: Destination<'a, u8, VecBuffer<u8>>,
        _finish: bool,
    ) -> Poll<wasmtime::Result<StreamResult>> {
        let writer = self.get_mut();
        if writer.at >= writer.input.end {
            // The end of the stream: a normal end, never an `Err` (which traps the reader).
            return Poll::Ready(Ok(StreamResult::Dropped));
        }
        if destination.remaining(&mut store) == Some(0) {
            // A zero-length read asks whether bytes are ready: they always are.
            return Poll::Ready(Ok(StreamResult::Completed));
        }
        let piece = writer.input.piece.min(writer.input.end - writer.at);
        let mut direct = destination.as_direct(store, piece);
        let room = direct.remaining();
        let n = room.len().min(piece);
        room[..n].copy_from_slice(&writer.input.data[writer.at..writer.at + n]);
        direct.mark_written(n);
        writer.at += n;
        let mut flow = writer.flow.lock().unwrap();
        flow.read += n as u64;
        flow.reads += 1;
        flow.most_ahead = flow.most_ahead.max(flow.read.saturating_sub(flow.taken));
        Poll::Ready(Ok(StreamResult::Completed))
    }
}

/// How the host reads an output stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reader {
    /// The most items it takes a poll.
    per_poll: u64,
    /// Drops the stream once it has taken this many (`Some(0)`: closes it unread).
    stop_after: Option<u64>,
    /// Keeps what it takes (else only counts it).
    keep: bool,
}

impl Reader {
    /// Takes everything as it comes, and keeps it.
    pub const ALL: Reader = Reader {
        per_poll: u64::MAX,
        stop_after: None,
        keep: true,
    };

    /// Takes at most `items` a poll: a slow reader.
    pub fn slow(items: u64) -> Self {
        assert!(items > 0, "a reader that takes nothing never ends");
        Reader {
            per_poll: items,
            ..Self::ALL
        }
    }

    /// Drops the stream once it has taken `items` (0: closes it without reading).
    pub fn dropping_after(items: u64) -> Self {
        Reader {
            stop_after: Some(items),
            ..Self::ALL
        }
    }

    /// The same reader, counting what it takes without keeping it (for large outputs).
    pub fn counting(self) -> Self {
        Reader {
            keep: false,
            ..self
        }
    }

    /// How many items it takes now, of `available`, having taken `taken`.
    fn room(&self, taken: u64, available: usize) -> usize {
        let left = self.stop_after.map_or(u64::MAX, |limit| limit - taken);
        left.min(self.per_poll).min(available as u64) as usize
    }

    /// Whether it drops the stream, having taken `taken`.
    fn done(&self, taken: u64) -> bool {
        self.stop_after == Some(taken)
    }

    /// Reads `output` with `consumer`, or closes it unread.
    fn attach<T, C>(
        &self,
        mut store: StoreContextMut<'_, State>,
        mut output: StreamReader<T>,
        consumer: C,
    ) -> wasmtime::Result<()>
    where
        T: 'static,
        C: StreamConsumer<State, Item = T>,
    {
        if self.done(0) {
            output.close(&mut store)
        } else {
            output.pipe(&mut store, consumer)
        }
    }
}

/// The host's reader of a `stream<u8>`: reads memkit's write buffer in place.
struct ByteReader {
    reader: Reader,
    bytes: Shared<Vec<u8>>,
    flow: Shared<Flow>,
}

impl<D> StreamConsumer<D> for ByteReader {
    type Item = u8;

    fn poll_consume(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        store: StoreContextMut<D>,
        source: Source<'_, u8>,
        _finish: bool,
    ) -> Poll<wasmtime::Result<StreamResult>> {
        let me = self.get_mut();
        let mut flow = me.flow.lock().unwrap();
        let mut direct = source.as_direct(store);
        let available = direct.remaining();
        let n = me.reader.room(flow.taken, available.len());
        if me.reader.keep {
            me.bytes.lock().unwrap().extend_from_slice(&available[..n]);
        }
        direct.mark_read(n);
        flow.taken += n as u64;
        Poll::Ready(Ok(if me.reader.done(flow.taken) {
            StreamResult::Dropped
        } else {
            StreamResult::Completed
        }))
    }
}

/// The host's reader of a `stream<T>` of values that must be lifted (frames): a whole write at
/// once when it takes all of it, else one item at a time (a `Vec` may have room for more than
/// was asked), so that it takes exactly what its [`Reader`] allows.
struct ItemReader<T> {
    reader: Reader,
    items: Shared<Vec<T>>,
    flow: Shared<Flow>,
}

impl<D, T: Lift + Send + Sync + 'static> StreamConsumer<D> for ItemReader<T> {
    type Item = T;

    fn poll_consume(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        mut store: StoreContextMut<D>,
        mut source: Source<'_, T>,
        _finish: bool,
    ) -> Poll<wasmtime::Result<StreamResult>> {
        let me = self.get_mut();
        let mut flow = me.flow.lock().unwrap();
        let available = source.remaining(&mut store);
        let n = me.reader.room(flow.taken, available);
        let mut taken = Vec::new();
        if n == available {
            // All of this write, lifted in one go: the source has no more than `n` to give.
            taken.reserve_exact(n);
            source.read(&mut store, &mut taken)?;
        } else {
            for _ in 0..n {
                let mut item = None;
                source.read(&mut store, &mut item)?;
                taken.extend(item);
            }
        }
        flow.taken += taken.len() as u64;
        if me.reader.keep {
            me.items.lock().unwrap().append(&mut taken);
        }
        Poll::Ready(Ok(if me.reader.done(flow.taken) {
            StreamResult::Dropped
        } else {
            StreamResult::Completed
        }))
    }
}

/// The host's reader of a `future<T>`: keeps the value.
struct Slot<T>(Shared<Option<T>>);

impl<D, T: Lift + Send + Sync + 'static> FutureConsumer<D> for Slot<T> {
    type Item = T;

    fn poll_consume(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        store: StoreContextMut<D>,
        mut source: Source<'_, T>,
        _finish: bool,
    ) -> Poll<wasmtime::Result<()>> {
        let mut value = None;
        source.read(store, &mut value)?;
        *self.0.lock().unwrap() = value;
        Poll::Ready(Ok(()))
    }
}

/// What a call returned, and what went through its streams.
#[derive(Debug)]
pub struct Streamed<T, O> {
    /// What the host's reader of the output kept (nothing for a call without an output
    /// stream, or a [`Reader::counting`] one).
    pub output: Vec<T>,
    /// The function's result, or the value of its future.
    pub outcome: O,
    /// What went through the streams.
    pub flow: Flow,
}

// ---------------------------------------------------------------------------------------------
// The calls.

/// WIT `streams.framing-error`, in the `memkit` bindings' types.
#[derive(Debug, Clone, PartialEq)]
pub struct FramingError {
    /// The stream offset of the first byte of the record that failed.
    pub offset: u64,
    /// Why.
    pub error: DecodeError,
}

/// The `streams` interface of one `memkit-async` instance. Each call writes `input` with the
/// host's writer, reads the output as `reader` says, and returns when the store's event loop is
/// idle (see the module's doc); a trap, or memkit leaving the host waiting, is the `Err`.
#[derive(Clone)]
pub struct Streams(async_api::streams::Guest);

impl Streams {
    /// The `streams` interface of `host`'s instance, which must be of
    /// [`World::MemkitAsync`](crate::World::MemkitAsync).
    ///
    /// wit-bindgen's `spawn_local` keeps its queue of new tasks (a `Vec` with room for four
    /// boxed futures: 32 bytes) from the first task spawned on, for good: an allocation of the
    /// async runtime's, made once, like the allocator's reserve. So that the leak check holds
    /// memkit to what is its own, this spawns one task (`hash-through` of an empty stream) and
    /// takes the host's baseline again; it panics if that kept more than the queue.
    pub fn of(host: &mut Host) -> Self {
        let world = bindings::MemkitAsync::new(&mut host.store, &host.instance)
            .expect("the instance is of the memkit-async world");
        let streams = Self(world.memkit_core_streams().clone());
        let before = host.store.memory_info();
        let empty = streams
            .hash_through(
                &mut host.store,
                &Input::new(Vec::new(), 1),
                Algorithm::Crc32c,
                Reader::ALL,
            )
            .expect("hash-through of an empty stream");
        assert_eq!(empty.outcome, Ok(vec![0; 4]), "the CRC-32C of nothing");
        let after = host.store.memory_info();
        assert!(
            after.live_allocations <= before.live_allocations + 1
                && after.used_bytes <= before.used_bytes + 64,
            "a first task kept more than wit-bindgen's queue: {before:?} -> {after:?}"
        );
        host.store.take_baseline();
        streams
    }

    /// `streams.read-records`: the frames the reader kept, and the future's value.
    pub fn read_records(
        &self,
        store: &mut HostStore,
        input: &Input,
        checksum: ChecksumKind,
        max_payload: u32,
        reader: Reader,
    ) -> wasmtime::Result<Streamed<Frame, Result<u64, FramingError>>> {
        let (input, flow) = writing(store, input)?;
        let frames = Shared::default();
        let outcome = Shared::default();
        let consumer = ItemReader {
            reader,
            items: frames.clone(),
            flow: flow.clone(),
        };
        let api = self.0.clone();
        store.run_concurrent(async |a| -> wasmtime::Result<()> {
            let (output, future) = api
                .call_read_records(a, input, checksum.into(), max_payload)
                .await?;
            a.with(|mut s| -> wasmtime::Result<()> {
                reader.attach(s.as_context_mut(), output, consumer)?;
                future.pipe(&mut s, Slot(outcome.clone()))
            })?;
            idle().await;
            Ok(())
        })??;
        let outcome = taken(&outcome, "read-records")?.map_err(Into::into);
        let frames = std::mem::take(&mut *frames.lock().unwrap());
        Ok(streamed(frames.into_iter().map(Into::into), outcome, &flow))
    }

    /// `streams.assemble`: the byte buffer (the caller owns the handle) or the error.
    pub fn assemble(
        &self,
        store: &mut HostStore,
        input: &Input,
        total_size: u32,
        expected: Option<ExpectedDigest>,
    ) -> wasmtime::Result<Streamed<(), Result<ResourceAny, Error>>> {
        let (input, flow) = writing(store, input)?;
        let api = self.0.clone();
        let expected = expected.map(Into::into);
        let outcome = store.run_concurrent(async |a| -> wasmtime::Result<_> {
            let outcome = api.call_assemble(a, input, total_size, expected).await?;
            idle().await;
            Ok(outcome)
        })??;
        Ok(streamed([], outcome.map_err(Into::into), &flow))
    }

    /// `streams.digest`: the digest or the error.
    pub fn digest(
        &self,
        store: &mut HostStore,
        input: &Input,
        algorithm: Algorithm,
    ) -> wasmtime::Result<Streamed<(), Result<Vec<u8>, Error>>> {
        let (input, flow) = writing(store, input)?;
        let api = self.0.clone();
        let outcome = store.run_concurrent(async |a| -> wasmtime::Result<_> {
            let outcome = api.call_digest(a, input, algorithm.into()).await?;
            idle().await;
            Ok(outcome)
        })??;
        Ok(streamed([], outcome.map_err(Into::into), &flow))
    }

    /// `streams.hash-through`: the bytes the reader kept, and the future's value.
    pub fn hash_through(
        &self,
        store: &mut HostStore,
        input: &Input,
        algorithm: Algorithm,
        reader: Reader,
    ) -> wasmtime::Result<Streamed<u8, Result<Vec<u8>, Error>>> {
        let (input, flow) = writing(store, input)?;
        let bytes = Shared::default();
        let outcome = Shared::default();
        let consumer = ByteReader {
            reader,
            bytes: bytes.clone(),
            flow: flow.clone(),
        };
        let api = self.0.clone();
        store.run_concurrent(async |a| -> wasmtime::Result<()> {
            let (output, future) = api.call_hash_through(a, input, algorithm.into()).await?;
            a.with(|mut s| -> wasmtime::Result<()> {
                reader.attach(s.as_context_mut(), output, consumer)?;
                future.pipe(&mut s, Slot(outcome.clone()))
            })?;
            idle().await;
            Ok(())
        })??;
        let outcome = taken(&outcome, "hash-through")?.map_err(Into::into);
        let bytes = std::mem::take(&mut *bytes.lock().unwrap());
        Ok(streamed(bytes, outcome, &flow))
    }
}

/// A stream of `input` for memkit to read, and the flow its writer counts.
fn writing(
    store: &mut HostStore,
    input: &Input,
) -> wasmtime::Result<(StreamReader<u8>, Shared<Flow>)> {
    let flow = Shared::default();
    let writer = Writer {
        input: input.clone(),
        at: 0,
        flow: Arc::clone(&flow),
    };
    Ok((StreamReader::new(store, writer)?, flow))
}

/// The value memkit wrote to a future, which it always does before its task ends.
fn taken<T>(slot: &Shared<Option<T>>, function: &str) -> wasmtime::Result<T> {
    slot.lock().unwrap().take().ok_or_else(|| {
        wasmtime::format_err!("{function}: memkit's task ended without writing the future")
    })
}

fn streamed<T, O>(
    output: impl IntoIterator<Item = T>,
    outcome: O,
    flow: &Shared<Flow>,
) -> Streamed<T, O> {
    Streamed {
        output: output.into_iter().collect(),
        outcome,
        flow: *flow.lock().unwrap(),
    }
}

// ---------------------------------------------------------------------------------------------
// The two bindings' copies of the same WIT types, and the native core's.

impl From<ChecksumKind> for async_api::records::ChecksumKind {
    fn from(kind: ChecksumKind) -> Self {
        match kind {
            ChecksumKind::Sum32 => Self::Sum32,
            ChecksumKind::Crc32c => Self::Crc32c,
        }
    }
}

impl From<Algorithm> for async_api::checksums::Algorithm {
    fn from(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::Crc32 => Self::Crc32,
            Algorithm::Crc32c => Self::Crc32c,
            Algorithm::Crc64Nvme => Self::Crc64Nvme,
            Algorithm::Sha256 => Self::Sha256,
            Algorithm::Md5 => Self::Md5,
        }
    }
}

impl From<ExpectedDigest> for async_api::checksums::ExpectedDigest {
    fn from(expected: ExpectedDigest) -> Self {
        Self {
            algorithm: expected.algorithm.into(),
            digest: expected.digest,
        }
    }
}

impl From<async_api::types::Error> for Error {
    fn from(error: async_api::types::Error) -> Self {
        use crate::{LimitExceeded, OutOfBounds};
        use async_api::types::Error as E;
        match error {
            E::OutOfBounds(e) => Error::OutOfBounds(OutOfBounds {
                offset: e.offset,
                len: e.len,
                size: e.size,
            }),
            E::TooLarge(e) => Error::TooLarge(LimitExceeded {
                requested: e.requested,
                limit: e.limit,
            }),
            E::OutOfMemory(n) => Error::OutOfMemory(n),
            E::Invalid(text) => Error::Invalid(text),
        }
    }
}

impl From<async_api::records::DecodeError> for DecodeError {
    fn from(error: async_api::records::DecodeError) -> Self {
        use crate::exports::memkit::core::records::{ChecksumMismatch, LengthMismatch};
        use async_api::records::DecodeError as E;
        match error {
            E::TooShort(n) => DecodeError::TooShort(n),
            E::LengthMismatch(e) => DecodeError::LengthMismatch(LengthMismatch {
                declared: e.declared,
                available: e.available,
            }),
            E::ChecksumMismatch(e) => DecodeError::ChecksumMismatch(ChecksumMismatch {
                expected: e.expected,
                actual: e.actual,
            }),
            E::TrailingBytes(n) => DecodeError::TrailingBytes(n),
            E::PayloadTooLarge(n) => DecodeError::PayloadTooLarge(n),
            E::OutOfMemory(n) => DecodeError::OutOfMemory(n),
        }
    }
}

impl From<async_api::streams::FramingError> for FramingError {
    fn from(error: async_api::streams::FramingError) -> Self {
        FramingError {
            offset: error.offset,
            error: error.error.into(),
        }
    }
}

impl From<async_api::records::Frame> for Frame {
    fn from(frame: async_api::records::Frame) -> Self {
        Frame {
            header: frame.header,
            payload: frame.payload,
            checksum: frame.checksum,
        }
    }
}

impl From<ChecksumKind> for memkit::records::ChecksumKind {
    fn from(kind: ChecksumKind) -> Self {
        match kind {
            ChecksumKind::Sum32 => Self::Sum32,
            ChecksumKind::Crc32c => Self::Crc32c,
        }
    }
}

impl From<memkit::records::Frame> for Frame {
    fn from(frame: memkit::records::Frame) -> Self {
        Frame {
            header: frame.header,
            payload: frame.payload,
            checksum: frame.checksum,
        }
    }
}

impl From<memkit::records::DecodeError> for DecodeError {
    fn from(error: memkit::records::DecodeError) -> Self {
        use crate::exports::memkit::core::records::{ChecksumMismatch, LengthMismatch};
        use memkit::records::DecodeError as E;
        match error {
            E::TooShort(n) => DecodeError::TooShort(n),
            E::LengthMismatch {
                declared,
                available,
            } => DecodeError::LengthMismatch(LengthMismatch {
                declared,
                available,
            }),
            E::ChecksumMismatch { expected, actual } => {
                DecodeError::ChecksumMismatch(ChecksumMismatch { expected, actual })
            }
            E::TrailingBytes(n) => DecodeError::TrailingBytes(n),
            E::PayloadTooLarge(n) => DecodeError::PayloadTooLarge(n),
            E::OutOfMemory(n) => DecodeError::OutOfMemory(n),
        }
    }
}

impl From<memkit::streams::FramingError> for FramingError {
    fn from(error: memkit::streams::FramingError) -> Self {
        FramingError {
            offset: error.offset,
            error: error.error.into(),
        }
    }
}
