//! streams (the `memkit-async` world, WASI 0.3): `read-records`, `assemble`, `digest` and
//! `hash-through` over a `stream<u8>` that the host writes in pieces of a chosen size, run in
//! wasmtime's event loop (`run_concurrent`, see `host_test::streams`). Each answer is held to
//! memkit's core compiled natively (and `read-records` to the synchronous `record-reader` of
//! the same instance); every `Host` is a leak guard, so each test also shows that memkit's
//! tasks gave back what they held.

use host_test::exports::memkit::core::checksums::{Algorithm, ExpectedDigest};
use host_test::exports::memkit::core::records::{
    ChecksumKind, ChecksumMismatch, DecodeError, Frame, LengthMismatch,
};
use host_test::streams::{FramingError, Input, Reader, Streams};
use host_test::{Error, Host, MemoryInfo, Own, World, MIB};
use memkit::streams::READ_BYTES;

/// The piece sizes a host writes in: a byte at a time up to 1 MiB.
const PIECES: [usize; 6] = [1, 7, 4096, 65536, 100_000, MIB];

/// Every algorithm, with the native core's.
const ALGORITHMS: [(Algorithm, memkit::checksums::Algorithm); 5] = [
    (Algorithm::Crc32, memkit::checksums::Algorithm::Crc32),
    (Algorithm::Crc32c, memkit::checksums::Algorithm::Crc32c),
    (
        Algorithm::Crc64Nvme,
        memkit::checksums::Algorithm::Crc64Nvme,
    ),
    (Algorithm::Sha256, memkit::checksums::Algorithm::Sha256),
    (Algorithm::Md5, memkit::checksums::Algorithm::Md5),
];

/// A fresh `memkit-async` instance whose memory may not grow past `bytes`, and its `streams`.
fn host(bytes: usize) -> (Host, Streams) {
    let mut h = Host::of_world(World::MemkitAsync, bytes);
    let streams = Streams::of(&mut h);
    (h, streams)
}

/// How much a test streams for a piece size: a byte at a time takes a call into the event
/// loop a byte, so small pieces get a smaller input.
fn stream_len(piece: usize) -> usize {
    if piece < 4096 {
        256 * 1024 + 3
    } else {
        3 * MIB + 13
    }
}

fn random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut data = vec![0; len];
    rng.fill(&mut data);
    data
}

fn native_digest(algorithm: Algorithm, data: &[u8]) -> Vec<u8> {
    let (_, native) = ALGORITHMS
        .into_iter()
        .find(|(a, _)| *a == algorithm)
        .expect("every algorithm");
    memkit::checksums::digest(native, data)
}

/// One record in memkit's layout (the native core's `serialize`).
fn record(kind: ChecksumKind, payload: &[u8]) -> Vec<u8> {
    let mut record = memkit::records::BinaryRecord::new(kind.into());
    record
        .set_header(&payload.len().to_le_bytes().repeat(2))
        .expect("16 bytes");
    record.set_payload(payload).expect("room");
    record.serialize().expect("room")
}

/// Records of at least `len` bytes in all: payloads from empty to 200 KiB (over three of
/// memkit's reads), cut anywhere by the pieces. Also the offset where each record starts.
fn records(kind: ChecksumKind, len: usize) -> (Vec<u8>, Vec<usize>) {
    let mut stream = Vec::new();
    let mut starts = Vec::new();
    for i in 0.. {
        if stream.len() >= len {
            break;
        }
        let size = match i % 11 {
            0 => 0,
            5 => 200 * 1024,
            _ => (i * 997) % 5000,
        };
        starts.push(stream.len());
        stream.extend(record(kind, &random_bytes(size, i as u64)));
    }
    (stream, starts)
}

/// What the native core's record reader makes of `stream` in one piece.
fn native_frames(kind: ChecksumKind, stream: &[u8], max_payload: u32) -> Vec<Frame> {
    let mut reader = memkit::records::RecordReader::new(kind.into(), max_payload);
    let frames = reader.feed(stream).expect("good records");
    reader.finish().expect("whole records");
    frames.into_iter().map(Into::into).collect()
}

/// What the instance's own synchronous `record-reader.feed` makes of `stream` in 64 KiB
/// pieces.
fn fed_frames(h: &mut Host, kind: ChecksumKind, stream: &[u8], max_payload: u32) -> Vec<Frame> {
    let reader = h.api.memkit_core_records().record_reader();
    let r = reader
        .call_constructor(&mut h.store, kind, max_payload)
        .unwrap()
        .owned(&h.store);
    let mut frames = Vec::new();
    for piece in stream.chunks(65536) {
        frames.extend(reader.call_feed(&mut h.store, *r, piece).unwrap().unwrap());
    }
    reader.call_finish(&mut h.store, *r).unwrap().unwrap();
    frames
}

fn used(info: &MemoryInfo) -> (u64, u64) {
    (info.used_bytes, info.live_allocations)
}

// --- pieces from a byte to 1 MiB -------------------------------------------------------------

#[test]
fn read_records_in_pieces_of_1_byte_to_1_mib_gives_the_frames_of_the_native_reader(
) -> wasmtime::Result<()> {
    let (mut h, streams) = host(usize::MAX);
    let max_payload = 256 * 1024;
    for (piece, kind) in PIECES.into_iter().zip(
        [ChecksumKind::Crc32c, ChecksumKind::Sum32]
            .into_iter()
            .cycle(),
    ) {
        let (stream, starts) = records(kind, stream_len(piece));
        let want = native_frames(kind, &stream, max_payload);
        assert_eq!(want.len(), starts.len());
        assert_eq!(fed_frames(&mut h, kind, &stream, max_payload), want);
        let got = streams.read_records(
            &mut h.store,
            &Input::new(stream.clone(), piece),
            kind,
            max_payload,
            Reader::ALL,
        )?;
        assert_eq!(got.outcome, Ok(want.len() as u64), "piece {piece}");
        assert!(got.output == want, "piece {piece}: the frames differ");
        assert_eq!(got.flow.read, stream.len() as u64);
        assert_eq!(
            got.flow.reads,
            stream.len().div_ceil(piece.min(READ_BYTES)) as u64
        );
    }
    Ok(())
}

#[test]
fn digest_in_pieces_of_1_byte_to_1_mib_is_the_native_digest() -> wasmtime::Result<()> {
    let (mut h, streams) = host(usize::MAX);
    for piece in PIECES {
        let data = random_bytes(stream_len(piece), piece as u64);
        for (algorithm, _) in ALGORITHMS {
            let got = streams.digest(&mut h.store, &Input::new(data.clone(), piece), algorithm)?;
            assert_eq!(
                got.outcome,
                Ok(native_digest(algorithm, &data)),
                "{algorithm:?}, piece {piece}"
            );
        }
    }
    Ok(())
}

#[test]
fn hash_through_in_pieces_of_1_byte_to_1_mib_forwards_the_bytes_and_their_native_digest(
) -> wasmtime::Result<()> {
    let (mut h, streams) = host(usize::MAX);
    for (piece, (algorithm, _)) in PIECES.into_iter().zip(ALGORITHMS.into_iter().cycle()) {
        let data = random_bytes(stream_len(piece), piece as u64);
        let got = streams.hash_through(
            &mut h.store,
            &Input::new(data.clone(), piece),
            algorithm,
            Reader::ALL,
        )?;
        assert_eq!(
            got.outcome,
            Ok(native_digest(algorithm, &data)),
            "piece {piece}"
        );
        assert!(got.output == data, "piece {piece}: the bytes differ");
    }
    Ok(())
}

#[test]
fn assemble_in_pieces_of_1_byte_to_1_mib_gives_the_bytes_and_checks_the_expected_digest(
) -> wasmtime::Result<()> {
    let (mut h, streams) = host(usize::MAX);
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    for (piece, (algorithm, _)) in PIECES.into_iter().zip(ALGORITHMS.into_iter().cycle()) {
        let data = random_bytes(stream_len(piece), piece as u64);
        let expected = ExpectedDigest {
            algorithm,
            digest: native_digest(algorithm, &data),
        };
        let input = Input::new(data.clone(), piece);
        let got = streams.assemble(&mut h.store, &input, data.len() as u32, Some(expected))?;
        let buffer = got.outcome.expect("assembled");
        assert!(
            bytes.call_take(&mut h.store, buffer)? == data,
            "piece {piece}"
        );
        let without = streams.assemble(&mut h.store, &input, data.len() as u32, None)?;
        let buffer = without.outcome.expect("assembled").owned(&h.store);
        assert_eq!(bytes.call_len(&mut h.store, *buffer)?, data.len() as u32);
    }
    Ok(())
}

#[test]
fn assemble_refuses_a_digest_that_differs_and_a_stream_past_its_size() -> wasmtime::Result<()> {
    let (mut h, streams) = host(usize::MAX);
    let data = random_bytes(100_000, 1);
    let input = Input::new(data.clone(), 4096);
    let mut digest = native_digest(Algorithm::Sha256, &data);
    digest[0] ^= 1;
    let wrong = ExpectedDigest {
        algorithm: Algorithm::Sha256,
        digest,
    };
    let got = streams.assemble(&mut h.store, &input, 100_000, Some(wrong))?;
    assert!(
        matches!(&got.outcome, Err(Error::Invalid(text)) if text.starts_with("sha256 mismatch: expected 0x")),
        "{:?}",
        got.outcome
    );
    let short = ExpectedDigest {
        algorithm: Algorithm::Crc32c,
        digest: vec![0; 3],
    };
    let got = streams.assemble(&mut h.store, &input, 100_000, Some(short))?;
    assert!(
        matches!(got.outcome, Err(Error::Invalid(_))),
        "{:?}",
        got.outcome
    );
    let got = streams.assemble(&mut h.store, &input, 99_999, None)?;
    assert!(
        matches!(got.outcome, Err(Error::OutOfBounds(_))),
        "{:?}",
        got.outcome
    );
    let got = streams.assemble(&mut h.store, &input, (1 << 30) + 1, None)?;
    assert!(
        matches!(got.outcome, Err(Error::TooLarge(_))),
        "{:?}",
        got.outcome
    );
    Ok(())
}

// --- a slow reader -----------------------------------------------------------------------------

/// 64 MiB through `hash-through` to a reader that takes 1000 bytes a poll: memkit reads the
/// next piece only when the reader has taken the last one (at most one read buffer in flight),
/// and its memory stays where it was.
#[test]
fn a_slow_reader_of_hash_through_holds_the_input_back_and_memory_stays_bounded(
) -> wasmtime::Result<()> {
    let (mut h, streams) = host(usize::MAX);
    let data = random_bytes(64 * MIB, 64);
    let before = h.store.memory_info();
    let got = streams.hash_through(
        &mut h.store,
        &Input::new(data.clone(), MIB),
        Algorithm::Crc32c,
        Reader::slow(1000).counting(),
    )?;
    let after = h.store.memory_info();
    assert_eq!(got.outcome, Ok(native_digest(Algorithm::Crc32c, &data)));
    assert_eq!(
        (got.flow.read, got.flow.taken),
        (64 * MIB as u64, 64 * MIB as u64)
    );
    assert!(
        got.flow.most_ahead <= READ_BYTES as u64,
        "memkit read {} bytes ahead of the reader",
        got.flow.most_ahead
    );
    let held = after.peak_used_bytes - before.used_bytes;
    eprintln!(
        "64 MiB through hash-through, reader at 1000 bytes a poll: at most {} bytes read ahead \
         of it; memkit's heap at most {held} bytes over its {} before; linear memory {} -> {} \
         pages",
        got.flow.most_ahead, before.used_bytes, before.pages, after.pages
    );
    assert!(held <= 2 * READ_BYTES as u64, "memkit held {held} bytes");
    assert_eq!(after.pages, before.pages, "linear memory grew");
    assert_eq!(used(&after), used(&before));
    Ok(())
}

/// 16 MiB of 4 KiB records to a reader that takes one frame a poll.
#[test]
fn a_slow_reader_of_frames_holds_the_input_back_and_memory_stays_bounded() -> wasmtime::Result<()> {
    let (mut h, streams) = host(usize::MAX);
    let payload = random_bytes(4096 - 24, 4);
    let stream = record(ChecksumKind::Crc32c, &payload).repeat(4096);
    let before = h.store.memory_info();
    let got = streams.read_records(
        &mut h.store,
        &Input::new(stream, MIB),
        ChecksumKind::Crc32c,
        4096,
        Reader::slow(1).counting(),
    )?;
    let after = h.store.memory_info();
    assert_eq!(got.outcome, Ok(4096));
    assert_eq!(got.flow.taken, 4096);
    let held = after.peak_used_bytes - before.used_bytes;
    eprintln!(
        "16 MiB of 4 KiB records, reader at a frame a poll: memkit's heap at most {held} bytes \
         over its {} before; linear memory {} -> {} pages",
        before.used_bytes, before.pages, after.pages
    );
    // A piece's records (16 of 4 KiB) wait in the output, and their copies for lowering.
    assert!(held <= 4 * READ_BYTES as u64, "memkit held {held} bytes");
    assert_eq!(used(&after), used(&before));
    Ok(())
}

// --- the writer dropped early ----------------------------------------------------------------

#[test]
fn the_writer_dropped_mid_record_is_a_framing_error_at_the_record() -> wasmtime::Result<()> {
    let (mut h, streams) = host(usize::MAX);
    let (stream, starts) = records(ChecksumKind::Crc32c, 400_000);
    let cut_record = 7;
    let at = starts[cut_record];
    let declared = u32::from_le_bytes(stream[at + 16..at + 20].try_into().unwrap());
    assert!(declared > 10);
    for (cut, error) in [
        (at + 10, DecodeError::TooShort(10)),
        (
            at + 24 + 5,
            DecodeError::LengthMismatch(LengthMismatch {
                declared,
                available: 5,
            }),
        ),
    ] {
        for piece in [1, 4096, MIB] {
            let input = Input::new(stream.clone(), piece).ending_at(cut);
            let got = streams.read_records(
                &mut h.store,
                &input,
                ChecksumKind::Crc32c,
                u32::MAX,
                Reader::ALL,
            )?;
            assert_eq!(got.output.len(), cut_record, "the frames before it");
            assert_eq!(
                got.outcome,
                Err(FramingError {
                    offset: at as u64,
                    error
                }),
                "piece {piece}"
            );
        }
    }
    Ok(())
}

#[test]
fn the_writer_dropped_early_leaves_assemble_incomplete() -> wasmtime::Result<()> {
    let (mut h, streams) = host(usize::MAX);
    let data = random_bytes(300_000, 2);
    let input = Input::new(data, 65536).ending_at(123_456);
    let got = streams.assemble(&mut h.store, &input, 300_000, None)?;
    assert_eq!(
        got.outcome.map(drop),
        Err(Error::Invalid(
            "incomplete: 123456 of 300000 bytes received, first gap at offset 123456 \
             (176544 bytes)"
                .into()
        ))
    );
    Ok(())
}

/// A writer that stops early looks like the end (streams.wit): `digest` gives the digest of
/// what came.
#[test]
fn the_writer_dropped_early_ends_the_digest_there() -> wasmtime::Result<()> {
    let (mut h, streams) = host(usize::MAX);
    let data = random_bytes(300_000, 3);
    let input = Input::new(data.clone(), 4096).ending_at(123_456);
    let got = streams.digest(&mut h.store, &input, Algorithm::Sha256)?;
    assert_eq!(
        got.outcome,
        Ok(native_digest(Algorithm::Sha256, &data[..123_456]))
    );
    Ok(())
}

// --- the reader of the output dropped early ----------------------------------------------------

#[test]
fn the_reader_of_frames_dropped_mid_stream_stops_memkit_with_the_count_delivered(
) -> wasmtime::Result<()> {
    let (mut h, streams) = host(usize::MAX);
    let (stream, starts) = records(ChecksumKind::Crc32c, 3 * MIB);
    let before = h.store.memory_info();
    for delivered in [1, 20, 21] {
        let got = streams.read_records(
            &mut h.store,
            &Input::new(stream.clone(), 65536),
            ChecksumKind::Crc32c,
            u32::MAX,
            Reader::dropping_after(delivered),
        )?;
        assert_eq!(got.outcome, Ok(delivered));
        assert_eq!(got.output.len() as u64, delivered);
        // memkit stopped reading at the piece that completed the last frame it could deliver.
        let stopped_by = starts[delivered as usize + 1] + READ_BYTES;
        assert!(
            got.flow.read <= stopped_by as u64,
            "memkit read {} of {} bytes",
            got.flow.read,
            stream.len()
        );
        assert_eq!(
            used(&h.store.memory_info()),
            used(&before),
            "memkit holds what it read"
        );
    }
    Ok(())
}

#[test]
fn the_reader_of_hash_through_dropped_mid_stream_stops_memkit_and_gives_invalid(
) -> wasmtime::Result<()> {
    let (mut h, streams) = host(usize::MAX);
    let data = random_bytes(3 * MIB, 5);
    let before = h.store.memory_info();
    let got = streams.hash_through(
        &mut h.store,
        &Input::new(data.clone(), 65536),
        Algorithm::Crc32c,
        Reader::dropping_after(200_000),
    )?;
    assert_eq!(
        got.outcome,
        Err(Error::Invalid(
            "hash-through: the reader of the output dropped it after 200000 bytes".into()
        ))
    );
    assert!(got.output == data[..200_000]);
    assert!(
        got.flow.read <= 200_000 + READ_BYTES as u64,
        "memkit read {}",
        got.flow.read
    );
    assert_eq!(
        used(&h.store.memory_info()),
        used(&before),
        "memkit holds what it read"
    );
    Ok(())
}

#[test]
fn an_output_closed_unread_stops_memkit() -> wasmtime::Result<()> {
    let (mut h, streams) = host(usize::MAX);
    let data = random_bytes(3 * MIB, 6);
    let (stream, _) = records(ChecksumKind::Sum32, 3 * MIB);
    let got = streams.hash_through(
        &mut h.store,
        &Input::new(data, 65536),
        Algorithm::Md5,
        Reader::dropping_after(0),
    )?;
    assert!(
        matches!(got.outcome, Err(Error::Invalid(_))),
        "{:?}",
        got.outcome
    );
    assert!(got.flow.read <= READ_BYTES as u64);
    let got = streams.read_records(
        &mut h.store,
        &Input::new(stream, 65536),
        ChecksumKind::Sum32,
        u32::MAX,
        Reader::dropping_after(0),
    )?;
    assert_eq!(got.outcome, Ok(0));
    assert!(got.flow.read <= 4 * READ_BYTES as u64);
    Ok(())
}

// --- a bad record mid-stream -------------------------------------------------------------------

#[test]
fn a_corrupt_record_mid_stream_gives_the_frames_before_it_then_checksum_mismatch_at_its_offset(
) -> wasmtime::Result<()> {
    let (mut h, streams) = host(usize::MAX);
    let (mut stream, starts) = records(ChecksumKind::Crc32c, 2 * MIB);
    let bad = 30;
    let at = starts[bad];
    let stored = u32::from_le_bytes(
        stream[starts[bad + 1] - 4..starts[bad + 1]]
            .try_into()
            .unwrap(),
    );
    stream[at + 3] ^= 0x40; // a header byte: the stored checksum no longer matches
    let actual = memkit::checksums::crc32c(
        &[&stream[at..at + 16], &stream[at + 20..starts[bad + 1] - 4]].concat(),
    );
    let want_frames = native_frames(ChecksumKind::Crc32c, &stream[..at], u32::MAX);
    for piece in [7, 65536, MIB] {
        let got = streams.read_records(
            &mut h.store,
            &Input::new(stream.clone(), piece),
            ChecksumKind::Crc32c,
            u32::MAX,
            Reader::ALL,
        )?;
        assert!(
            got.output == want_frames,
            "piece {piece}: the frames before it"
        );
        assert_eq!(
            got.outcome,
            Err(FramingError {
                offset: at as u64,
                error: DecodeError::ChecksumMismatch(ChecksumMismatch {
                    expected: stored,
                    actual
                })
            }),
            "piece {piece}"
        );
    }
    Ok(())
}

#[test]
fn a_length_over_max_payload_mid_stream_is_payload_too_large_at_its_offset() -> wasmtime::Result<()>
{
    let (mut h, streams) = host(usize::MAX);
    let (mut stream, starts) = records(ChecksumKind::Sum32, MIB);
    let at = starts[12];
    stream[at + 16..at + 20].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    let got = streams.read_records(
        &mut h.store,
        &Input::new(stream, 4096),
        ChecksumKind::Sum32,
        256 * 1024,
        Reader::ALL,
    )?;
    assert_eq!(got.output.len(), 12);
    assert_eq!(
        got.outcome,
        Err(FramingError {
            offset: at as u64,
            error: DecodeError::PayloadTooLarge(0xFFFF_FFF0)
        })
    );
    Ok(())
}

// --- memory squeezed -----------------------------------------------------------------------------

const CAP: usize = 16 * MIB;

/// With the heap full (the reserve intact), memkit cannot have its 64 KiB read buffer: every
/// function answers a typed `out-of-memory`, and works again once memory is back.
#[test]
fn with_memory_squeezed_every_function_answers_out_of_memory() -> wasmtime::Result<()> {
    let (mut h, streams) = host(CAP);
    let data = random_bytes(200_000, 7);
    let input = Input::new(data.clone(), 65536);
    let (stream, starts) = records(ChecksumKind::Crc32c, 200_000);
    let records_input = Input::new(stream, 65536);
    let squeezed = h.store.squeeze();
    let got = streams.digest(&mut h.store, &input, Algorithm::Crc32c)?;
    assert!(
        matches!(got.outcome, Err(Error::OutOfMemory(_))),
        "{:?}",
        got.outcome
    );
    let got = streams.hash_through(&mut h.store, &input, Algorithm::Crc32c, Reader::ALL)?;
    assert!(
        matches!(got.outcome, Err(Error::OutOfMemory(_))),
        "{:?}",
        got.outcome
    );
    let got = streams.assemble(&mut h.store, &input, 200_000, None)?;
    assert!(
        matches!(got.outcome, Err(Error::OutOfMemory(_))),
        "{:?}",
        got.outcome.map(drop)
    );
    let got = streams.read_records(
        &mut h.store,
        &records_input,
        ChecksumKind::Crc32c,
        u32::MAX,
        Reader::ALL,
    )?;
    assert_eq!(
        got.outcome,
        Err(FramingError {
            offset: 0,
            error: DecodeError::OutOfMemory(READ_BYTES as u32)
        })
    );
    h.store.release(squeezed);
    let got = streams.digest(&mut h.store, &input, Algorithm::Crc32c)?;
    assert_eq!(got.outcome, Ok(native_digest(Algorithm::Crc32c, &data)));
    let got = streams.read_records(
        &mut h.store,
        &records_input,
        ChecksumKind::Crc32c,
        u32::MAX,
        Reader::ALL,
    )?;
    assert_eq!(got.outcome, Ok(starts.len() as u64));
    Ok(())
}

/// A record of 32 MiB under a 16 MiB cap cannot be buffered: `out-of-memory` at its offset,
/// after the frames before it, and memkit frees what it had buffered of it.
#[test]
fn a_record_too_large_for_memory_is_out_of_memory_at_its_offset() -> wasmtime::Result<()> {
    let (mut h, streams) = host(CAP);
    let (small, starts) = records(ChecksumKind::Crc32c, 100_000);
    let huge = record(ChecksumKind::Crc32c, &random_bytes(32 * MIB, 8));
    let stream = [&small[..], &huge[..]].concat();
    let before = h.store.memory_info();
    let got = streams.read_records(
        &mut h.store,
        &Input::new(stream, MIB),
        ChecksumKind::Crc32c,
        u32::MAX,
        Reader::ALL,
    )?;
    assert_eq!(got.output.len(), starts.len());
    assert!(
        matches!(
            got.outcome,
            Err(FramingError { offset, error: DecodeError::OutOfMemory(_) }) if offset == small.len() as u64
        ),
        "{:?}",
        got.outcome
    );
    assert!(
        got.flow.read < 20 * MIB as u64,
        "memkit read on: {}",
        got.flow.read
    );
    assert_eq!(used(&h.store.memory_info()), used(&before));
    Ok(())
}
