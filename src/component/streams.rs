//! Glue of `wit/streams.wit` over `src/streams.rs` (the `memkit-async` world only): each
//! function reads its input stream into the core's read buffer, hands each piece to the
//! core, and writes what comes back; what a piece does and what the outcome is are the core's.
//! A function that returns a stream does that in a task of its own (`spawn_local`), so that it
//! returns the stream and the future at once; the task ends when the input ends, when the
//! reader of its output drops it, or at an error, then writes the outcome to the future and
//! drops everything it held.

use std::ops::ControlFlow;

use wit_bindgen::{FutureReader, StreamReader, StreamResult};

use super::exports::memkit::core::streams::{FramingError, Guest};
use super::exports::memkit::core::{bytes, checksums, records, types};
use super::records::{hand_over, room_for_frames};
use super::{wit_future, wit_stream, Memkit, Rep, Result};
use crate::alloc::room_for_handle;
use crate::bytes::ByteBuffer;
use crate::streams::{read_buffer, Assembly, RecordStream, StreamHasher};

/// Reads `input` into `buffer` until it ends, calling `each` with every piece; `each` breaks
/// to stop early. The buffer comes back for reuse, emptied.
async fn read_each<E>(
    input: &mut StreamReader<u8>,
    mut buffer: Vec<u8>,
    mut each: impl AsyncFnMut(Vec<u8>) -> ControlFlow<E, Vec<u8>>,
) -> ControlFlow<E> {
    loop {
        let (result, filled) = input.read(buffer).await;
        match result {
            StreamResult::Complete(_) => {}
            // The writer dropped the stream: its end. (Nothing here cancels a read.)
            StreamResult::Dropped | StreamResult::Cancelled => return ControlFlow::Continue(()),
        }
        let mut emptied = each(filled).await?;
        emptied.clear();
        buffer = emptied;
    }
}

impl Guest for Memkit {
    async fn read_records(
        mut input: StreamReader<u8>,
        checksum: records::ChecksumKind,
        max_payload: u32,
    ) -> (
        StreamReader<records::Frame>,
        FutureReader<std::result::Result<u64, FramingError>>,
    ) {
        let (mut frames_out, frames) = wit_stream::new::<records::Frame>();
        // The default is what the future's reader would get were the task dropped unfinished;
        // it always writes its outcome.
        let (outcome_in, outcome) = wit_future::new(|| Ok(0));
        wit_bindgen::spawn_local(async move {
            let mut records = RecordStream::new(checksum.into(), max_payload);
            let outcome = match read_buffer() {
                Err(_) => Err(RecordStream::read_buffer_refused()),
                Ok(buffer) => {
                    let read = read_each(&mut input, buffer, async |piece| {
                        let (batch, out) = match records.push_if(&piece, room_for_frames) {
                            Ok(admitted) => admitted,
                            Err(error) => return ControlFlow::Break(Err(error)),
                        };
                        if batch.is_empty() {
                            return ControlFlow::Continue(piece);
                        }
                        let undelivered = frames_out.write_all(hand_over(batch, out)).await;
                        if undelivered.is_empty() {
                            ControlFlow::Continue(piece)
                        } else {
                            // The reader of the frames dropped them: stop, with the count of
                            // frames delivered.
                            ControlFlow::Break(Ok(records.delivered(undelivered.len())))
                        }
                    })
                    .await;
                    match read {
                        ControlFlow::Continue(()) => records.finish(),
                        ControlFlow::Break(stopped) => stopped,
                    }
                }
            };
            drop(frames_out);
            drop(input);
            let _ = outcome_in.write(outcome.map_err(Into::into)).await;
        });
        (frames, outcome)
    }

    async fn assemble(
        mut input: StreamReader<u8>,
        total_size: u32,
        expected: Option<checksums::ExpectedDigest>,
    ) -> Result<bytes::ByteBuffer> {
        let mut assembly = Assembly::new(total_size, expected.map(Into::into))?;
        let read = read_each(&mut input, read_buffer()?, async |piece| {
            match assembly.piece(&piece) {
                Ok(()) => ControlFlow::Continue(piece),
                Err(error) => ControlFlow::Break(error),
            }
        })
        .await;
        if let ControlFlow::Break(error) = read {
            return Err(error.into());
        }
        let bytes = assembly.finish(room_for_handle::<Rep<ByteBuffer>>)?;
        Ok(super::bytes::handle(ByteBuffer::from_vec(bytes)))
    }

    async fn digest(
        mut input: StreamReader<u8>,
        algorithm: checksums::Algorithm,
    ) -> Result<Vec<u8>> {
        let mut hasher = StreamHasher::new(algorithm.into());
        let read: ControlFlow<()> = read_each(&mut input, read_buffer()?, async |piece| {
            hasher.piece(&piece);
            ControlFlow::Continue(piece)
        })
        .await;
        debug_assert!(read.is_continue());
        Ok(hasher.finish())
    }

    async fn hash_through(
        mut input: StreamReader<u8>,
        algorithm: checksums::Algorithm,
    ) -> (StreamReader<u8>, FutureReader<Result<Vec<u8>>>) {
        let (mut bytes_out, bytes) = wit_stream::new::<u8>();
        // Only were the task dropped before it wrote its outcome, which it always does.
        let (outcome_in, outcome) = wit_future::new(|| {
            Err(types::Error::Invalid(
                "hash-through: ended without an outcome".into(),
            ))
        });
        wit_bindgen::spawn_local(async move {
            let mut hasher = StreamHasher::new(algorithm.into());
            let outcome = match read_buffer() {
                Err(error) => Err(error.into()),
                Ok(buffer) => {
                    // The piece itself goes on to the output, and comes back to be refilled.
                    let read = read_each(&mut input, buffer, async |piece| {
                        hasher.piece(&piece);
                        let undelivered = bytes_out.write_all(piece).await;
                        if undelivered.is_empty() {
                            ControlFlow::Continue(undelivered)
                        } else {
                            ControlFlow::Break(hasher.output_dropped(undelivered.len()).into())
                        }
                    })
                    .await;
                    match read {
                        ControlFlow::Continue(()) => Ok(hasher.finish()),
                        ControlFlow::Break(error) => Err(error),
                    }
                }
            };
            drop(bytes_out);
            drop(input);
            let _ = outcome_in.write(outcome).await;
        });
        (bytes, outcome)
    }
}

impl From<crate::streams::FramingError> for FramingError {
    fn from(error: crate::streams::FramingError) -> Self {
        FramingError {
            offset: error.offset,
            error: error.error.into(),
        }
    }
}
