//! Stream throughput (issue 19): a large input streamed into `streams.read-records`,
//! `assemble`, `digest` and `hash-through` of `memkit-async.wasm` (one call, the host writing
//! 64 KiB pieces into memkit's read buffer), against the same work fed through the
//! synchronous API in 64 KiB pieces (`record-reader.feed`, `chunk-assembler.append`,
//! `hasher.update`: a call per piece): to `memkit.wasm` with concurrency support off, as a
//! host that does not use streams runs it, and to `memkit-async.wasm` itself, which tells the
//! stream's own cost from the component's and the engine's.

use std::hint::black_box;
use std::rc::Rc;

use host_test::exports::memkit::core::checksums::Algorithm;
use host_test::exports::memkit::core::records::ChecksumKind;
use host_test::streams::{Input, Reader, Streams};
use host_test::{Host, World, MIB};
use memkit::records::BinaryRecord;

use crate::measure::{format_stat, verdict, Series, Timer};

/// The pieces of every way: the host's writes into the stream, and the calls of the feed
/// paths.
const PIECE: usize = 64 * 1024;
/// The payload of each record of the `read-records` input.
const PAYLOAD: usize = 4096 - 24;

/// The inputs, shared by every job.
struct Inputs {
    /// The bytes, and the same bytes as an input stream.
    data: Vec<u8>,
    input: Input,
    /// Records of `PAYLOAD` bytes with CRC-32C checksums, as many as fit in the data's size.
    records: Vec<u8>,
    records_input: Input,
    record_count: u64,
}

impl Inputs {
    fn new(len: usize) -> Self {
        let data: Vec<u8> = (0..len).map(|i| (i * 131 + i / 7919) as u8).collect();
        let mut record = BinaryRecord::new(memkit::records::ChecksumKind::Crc32c);
        record.set_header(&[7; 16]).expect("16 bytes");
        // A record of each `PAYLOAD + 24` bytes of the data: the same size in all.
        let (whole, _) = data.as_chunks::<{ PAYLOAD + 24 }>();
        let records: Vec<u8> = whole
            .iter()
            .flat_map(|chunk| {
                record.set_payload(&chunk[..PAYLOAD]).expect("room");
                record.serialize().expect("room")
            })
            .collect();
        let record_count = (records.len() / (PAYLOAD + 24)) as u64;
        Self {
            input: Input::new(data.clone(), PIECE),
            data,
            records_input: Input::new(records.clone(), PIECE),
            records,
            record_count,
        }
    }
}

/// The instances of one job: each job has its own, so that the heap one job leaves behind
/// does not shape another's allocations.
struct Fx {
    inputs: Rc<Inputs>,
    /// `memkit-async.wasm`, concurrency support on: the stream.
    stream_host: Host,
    streams: Streams,
    /// `memkit.wasm`, concurrency support off: the feed path.
    feed_host: Host,
    /// `memkit-async.wasm`, concurrency support on: the feed path.
    async_feed_host: Host,
}

/// The feed path's instance of `memkit.wasm` (`false`) or of `memkit-async.wasm` (`true`).
type OnAsync = bool;

impl Fx {
    fn new(inputs: &Rc<Inputs>) -> Self {
        let mut stream_host = Host::of_world(World::MemkitAsync, usize::MAX);
        let streams = Streams::of(&mut stream_host);
        Self {
            inputs: inputs.clone(),
            stream_host,
            streams,
            feed_host: Host::new(),
            async_feed_host: Host::of_world(World::MemkitAsync, usize::MAX),
        }
    }

    fn feed_host(&mut self, on_async: OnAsync) -> &mut Host {
        if on_async {
            &mut self.async_feed_host
        } else {
            &mut self.feed_host
        }
    }

    // Each job once, streamed (s_) and fed in pieces (f_); what they return is compared by
    // `verify`.

    /// The number of frames and the bytes of their payloads.
    fn s_read_records(&mut self) -> (u64, u64) {
        let got = self
            .streams
            .read_records(
                &mut self.stream_host.store,
                &self.inputs.records_input,
                ChecksumKind::Crc32c,
                PAYLOAD as u32,
                Reader::ALL.counting(),
            )
            .unwrap();
        (got.outcome.unwrap(), got.flow.taken * PAYLOAD as u64)
    }

    fn f_read_records(&mut self, on_async: OnAsync) -> (u64, u64) {
        let inputs = self.inputs.clone();
        let h = self.feed_host(on_async);
        let reader = h.api.memkit_core_records().record_reader();
        let r = reader
            .call_constructor(&mut h.store, ChecksumKind::Crc32c, PAYLOAD as u32)
            .unwrap();
        let (mut frames, mut payload) = (0, 0);
        for piece in inputs.records.chunks(PIECE) {
            for frame in reader.call_feed(&mut h.store, r, piece).unwrap().unwrap() {
                frames += 1;
                payload += frame.payload.len() as u64;
            }
        }
        reader.call_finish(&mut h.store, r).unwrap().unwrap();
        h.store.drop_resource(r);
        (frames, payload)
    }

    /// The assembled buffer's length (the buffer dropped).
    fn s_assemble(&mut self) -> u32 {
        let store = &mut self.stream_host.store;
        let got = self
            .streams
            .assemble(
                store,
                &self.inputs.input,
                self.inputs.data.len() as u32,
                None,
            )
            .unwrap();
        let buffer = got.outcome.unwrap();
        let api = self.stream_host.api.clone();
        let len = api
            .memkit_core_bytes()
            .byte_buffer()
            .call_len(&mut *store, buffer)
            .unwrap();
        store.drop_resource(buffer);
        len
    }

    fn f_assemble(&mut self, on_async: OnAsync) -> u32 {
        let inputs = self.inputs.clone();
        let h = self.feed_host(on_async);
        let chunks = h.api.memkit_core_chunks().chunk_assembler();
        let bytes = h.api.memkit_core_bytes().byte_buffer();
        let a = chunks
            .call_create(&mut h.store, inputs.data.len() as u32, None)
            .unwrap()
            .unwrap();
        for piece in inputs.data.chunks(PIECE) {
            chunks.call_append(&mut h.store, a, piece).unwrap().unwrap();
        }
        let buffer = chunks.call_finish(&mut h.store, a).unwrap().unwrap();
        let len = bytes.call_len(&mut h.store, buffer).unwrap();
        h.store.drop_resource(buffer);
        h.store.drop_resource(a);
        len
    }

    fn s_digest(&mut self) -> Vec<u8> {
        let got = self
            .streams
            .digest(
                &mut self.stream_host.store,
                &self.inputs.input,
                Algorithm::Crc32c,
            )
            .unwrap();
        got.outcome.unwrap()
    }

    fn f_digest(&mut self, on_async: OnAsync) -> Vec<u8> {
        let inputs = self.inputs.clone();
        let h = self.feed_host(on_async);
        let hasher = h.api.memkit_core_checksums().hasher();
        let x = hasher
            .call_constructor(&mut h.store, Algorithm::Crc32c)
            .unwrap();
        for piece in inputs.data.chunks(PIECE) {
            hasher.call_update(&mut h.store, x, piece).unwrap();
        }
        let digest = hasher.call_digest(&mut h.store, x).unwrap();
        h.store.drop_resource(x);
        digest
    }

    /// The digest, and the bytes forwarded (counted, not kept).
    fn s_hash_through(&mut self) -> (Vec<u8>, u64) {
        let got = self
            .streams
            .hash_through(
                &mut self.stream_host.store,
                &self.inputs.input,
                Algorithm::Crc32c,
                Reader::ALL.counting(),
            )
            .unwrap();
        (got.outcome.unwrap(), got.flow.taken)
    }

    fn f_hash_through(&mut self, on_async: OnAsync) -> (Vec<u8>, u64) {
        (self.f_digest(on_async), self.inputs.data.len() as u64)
    }

    /// Runs each job once each way and checks that all agree, and with the native core.
    fn verify(&mut self) {
        let check = |name: &str, same: bool| {
            assert!(same, "{name}: the stream and the feed paths disagree");
            eprintln!("ok - streams {name}");
        };
        let data_len = self.inputs.data.len();
        let frames = self.inputs.record_count;
        let want = (frames, frames * PAYLOAD as u64);
        let got = [
            self.s_read_records(),
            self.f_read_records(false),
            self.f_read_records(true),
        ];
        check("read-records", got.iter().all(|&g| g == want) && frames > 0);
        let got = [
            self.s_assemble(),
            self.f_assemble(false),
            self.f_assemble(true),
        ];
        check("assemble", got.iter().all(|&g| g as usize == data_len));
        let crc = memkit::checksums::crc32c(&self.inputs.data)
            .to_be_bytes()
            .to_vec();
        let got = [self.s_digest(), self.f_digest(false), self.f_digest(true)];
        check("digest", got.iter().all(|g| *g == crc));
        let got = [
            self.s_hash_through(),
            self.f_hash_through(false),
            self.f_hash_through(true),
        ];
        let want = (crc, data_len as u64);
        check("hash-through", got.iter().all(|g| *g == want));
    }
}

/// One job: its name, the feed path's API, and each way's run of `n` jobs.
struct Job {
    name: &'static str,
    feed_api: &'static str,
    /// The stream, the feed path to `memkit.wasm`, the feed path to `memkit-async.wasm`.
    ways: [Runner; 3],
    /// Input bytes per job.
    bytes: fn(&Inputs) -> usize,
    /// Whether the stream should keep up with the feed path (the target).
    target: bool,
}

type Runner = Box<dyn FnMut(&mut Fx, u64)>;

fn each<R>(mut job: impl FnMut(&mut Fx) -> R + 'static) -> Runner {
    Box::new(move |fx, n| {
        for _ in 0..n {
            black_box(job(fx));
        }
    })
}

fn jobs() -> Vec<Job> {
    vec![
        Job {
            name: "read-records (4 KiB records, CRC-32C)",
            feed_api: "`record-reader.feed`",
            ways: [
                each(Fx::s_read_records),
                each(|fx| fx.f_read_records(false)),
                each(|fx| fx.f_read_records(true)),
            ],
            bytes: |inputs| inputs.records.len(),
            target: true,
        },
        Job {
            name: "assemble",
            feed_api: "`chunk-assembler.append`",
            ways: [
                each(Fx::s_assemble),
                each(|fx| fx.f_assemble(false)),
                each(|fx| fx.f_assemble(true)),
            ],
            bytes: |inputs| inputs.data.len(),
            target: true,
        },
        Job {
            name: "digest (CRC-32C)",
            feed_api: "`hasher.update`",
            ways: [
                each(Fx::s_digest),
                each(|fx| fx.f_digest(false)),
                each(|fx| fx.f_digest(true)),
            ],
            bytes: |inputs| inputs.data.len(),
            target: true,
        },
        Job {
            name: "(extra) hash-through (CRC-32C), the bytes forwarded too",
            feed_api: "`hasher.update` (forwards nothing)",
            ways: [
                each(Fx::s_hash_through),
                each(|fx| fx.f_hash_through(false)),
                each(|fx| fx.f_hash_through(true)),
            ],
            bytes: |inputs| inputs.data.len(),
            target: false,
        },
    ]
}

pub fn run(timer: &Timer, rounds: usize) -> wasmtime::Result<()> {
    let len = if timer.smoke { 256 * 1024 } else { 64 * MIB };
    let inputs = Rc::new(Inputs::new(len));
    Fx::new(&inputs).verify();
    let mut jobs = jobs();
    let mut fixtures: Vec<Fx> = jobs.iter().map(|_| Fx::new(&inputs)).collect();
    let mut series: Vec<[Series; 3]> = jobs.iter().map(|_| Default::default()).collect();
    for round in 0..rounds {
        for (j, ((job, series), fx)) in jobs
            .iter_mut()
            .zip(&mut series)
            .zip(&mut fixtures)
            .enumerate()
        {
            // Rotate which way goes first, so none always runs on a warmer machine.
            let mut ways: Vec<_> = job.ways.iter_mut().zip(series.iter_mut()).collect();
            ways.rotate_left((round + j) % 3);
            for (runner, series) in ways {
                timer.measure(series, &mut |k| runner(fx, k));
            }
        }
        eprintln!("streams: round {}/{rounds}", round + 1);
    }
    let bytes: Vec<usize> = jobs.iter().map(|job| (job.bytes)(&inputs)).collect();
    drop(fixtures); // the leak checks

    println!("### Streams: one call over a `stream<u8>` vs a call per 64 KiB piece\n");
    let size = if len >= MIB {
        format!("{} MiB", len / MIB)
    } else {
        format!("{} KiB", len / 1024)
    };
    println!(
        "{size} streamed into `memkit-async.wasm` (concurrency support on; the host writes 64 \
         KiB pieces straight into memkit's read buffer, `host_test::streams`), against the same \
         bytes fed in 64 KiB pieces to `memkit.wasm` (concurrency support off, as a host \
         without streams runs it) and to `memkit-async.wasm`. Throughput in MB/s of input; \
         target: the stream at least as fast as the feed path to `memkit.wasm`.\n"
    );
    if timer.smoke {
        println!("(--smoke: 256 KiB, one call each; the times mean nothing)\n");
    }
    println!(
        "| job | stream | feed path, memkit.wasm | feed path, memkit-async.wasm | stream MB/s | \
         feed MB/s (memkit.wasm) | stream / feed | stream / feed on memkit-async | |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for ((job, [s, f, fa]), bytes) in jobs.iter().zip(&series).zip(bytes) {
        let (s, f, fa) = (s.stat(), f.stat(), fa.stat());
        let mbps = |ns: f64| bytes as f64 * 1e3 / ns;
        let ratio = f.median / s.median;
        println!(
            "| {} | {} | {} | {} | {:.0} | {:.0} | {:.2} | {:.2} | {} |",
            job.name,
            format_stat(s),
            format_stat(f),
            format_stat(fa),
            mbps(s.median),
            mbps(f.median),
            ratio,
            fa.median / s.median,
            if job.target {
                verdict(timer.smoke, ratio >= 1.0)
            } else {
                ""
            }
        );
    }
    println!();
    println!("Ratios are throughputs, stream over feed path. Feed path APIs, a call per piece:");
    for job in &jobs {
        println!("- {}: {}", job.name, job.feed_api);
    }
    println!();
    Ok(())
}
