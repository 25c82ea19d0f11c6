//! Stream throughput (issue 19): a large input streamed into `streams.read-records`,
//! `assemble`, `digest` and `hash-through` of `memkit-async.wasm` (one call, the host writing
//! 64 KiB pieces into memkit's read buffer), against the same work fed through the
//! synchronous API in 64 KiB pieces (`record-reader.feed`, `chunk-assembler.append`,
//! `hasher.update`: a call per piece) of `memkit.wasm` with concurrency support off, as a host
//! that does not use streams runs it.

use std::hint::black_box;

use host_test::exports::memkit::core::checksums::Algorithm;
use host_test::exports::memkit::core::records::ChecksumKind;
use host_test::streams::{Input, Reader, Streams};
use host_test::{Host, World, MIB};
use memkit::records::BinaryRecord;

use crate::measure::{format_stat, verdict, Series, Timer};

/// The pieces of both ways: the host's writes into the stream, and the calls of the feed path.
const PIECE: usize = 64 * 1024;
/// The payload of each record of the `read-records` input.
const PAYLOAD: usize = 4096 - 24;

/// The component instances and the input.
struct Fx {
    /// `memkit-async.wasm`, concurrency support on.
    stream_host: Host,
    streams: Streams,
    /// `memkit.wasm`, concurrency support off.
    feed_host: Host,
    /// The bytes, and the same bytes as an input stream.
    data: Vec<u8>,
    input: Input,
    /// Records of `PAYLOAD` bytes with CRC-32C checksums, as many as fit in the data's size.
    records: Vec<u8>,
    records_input: Input,
    record_count: u64,
}

impl Fx {
    fn new(len: usize) -> Self {
        let mut stream_host = Host::of_world(World::MemkitAsync, usize::MAX);
        let streams = Streams::of(&mut stream_host);
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
            stream_host,
            streams,
            feed_host: Host::new(),
            input: Input::new(data.clone(), PIECE),
            data,
            records_input: Input::new(records.clone(), PIECE),
            records,
            record_count,
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
                &self.records_input,
                ChecksumKind::Crc32c,
                PAYLOAD as u32,
                Reader::ALL.counting(),
            )
            .unwrap();
        (got.outcome.unwrap(), got.flow.taken * PAYLOAD as u64)
    }

    fn f_read_records(&mut self) -> (u64, u64) {
        let reader = self.feed_host.api.memkit_core_records().record_reader();
        let store = &mut self.feed_host.store;
        let r = reader
            .call_constructor(&mut *store, ChecksumKind::Crc32c, PAYLOAD as u32)
            .unwrap();
        let (mut frames, mut payload) = (0, 0);
        for piece in self.records.chunks(PIECE) {
            for frame in reader.call_feed(&mut *store, r, piece).unwrap().unwrap() {
                frames += 1;
                payload += frame.payload.len() as u64;
            }
        }
        reader.call_finish(&mut *store, r).unwrap().unwrap();
        store.drop_resource(r);
        (frames, payload)
    }

    /// The assembled buffer's length (the buffer dropped).
    fn s_assemble(&mut self) -> u32 {
        let store = &mut self.stream_host.store;
        let got = self
            .streams
            .assemble(store, &self.input, self.data.len() as u32, None)
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

    fn f_assemble(&mut self) -> u32 {
        let chunks = self.feed_host.api.memkit_core_chunks().chunk_assembler();
        let bytes = self.feed_host.api.memkit_core_bytes().byte_buffer();
        let store = &mut self.feed_host.store;
        let a = chunks
            .call_create(&mut *store, self.data.len() as u32, None)
            .unwrap()
            .unwrap();
        for piece in self.data.chunks(PIECE) {
            chunks.call_append(&mut *store, a, piece).unwrap().unwrap();
        }
        let buffer = chunks.call_finish(&mut *store, a).unwrap().unwrap();
        let len = bytes.call_len(&mut *store, buffer).unwrap();
        store.drop_resource(buffer);
        store.drop_resource(a);
        len
    }

    fn s_digest(&mut self) -> Vec<u8> {
        let got = self
            .streams
            .digest(&mut self.stream_host.store, &self.input, Algorithm::Crc32c)
            .unwrap();
        got.outcome.unwrap()
    }

    fn f_digest(&mut self) -> Vec<u8> {
        let hasher = self.feed_host.api.memkit_core_checksums().hasher();
        let store = &mut self.feed_host.store;
        let h = hasher
            .call_constructor(&mut *store, Algorithm::Crc32c)
            .unwrap();
        for piece in self.data.chunks(PIECE) {
            hasher.call_update(&mut *store, h, piece).unwrap();
        }
        let digest = hasher.call_digest(&mut *store, h).unwrap();
        store.drop_resource(h);
        digest
    }

    /// The digest, and the bytes forwarded (counted, not kept).
    fn s_hash_through(&mut self) -> (Vec<u8>, u64) {
        let got = self
            .streams
            .hash_through(
                &mut self.stream_host.store,
                &self.input,
                Algorithm::Crc32c,
                Reader::ALL.counting(),
            )
            .unwrap();
        (got.outcome.unwrap(), got.flow.taken)
    }

    fn f_hash_through(&mut self) -> (Vec<u8>, u64) {
        (self.f_digest(), self.data.len() as u64)
    }

    /// Runs each job once each way and checks that both agree, and with the native core.
    fn verify(&mut self) {
        let check = |name: &str, same: bool| {
            assert!(same, "{name}: the stream and the feed path disagree");
            eprintln!("ok - streams {name}");
        };
        let want = (self.record_count, self.record_count * PAYLOAD as u64);
        let (s, f) = (self.s_read_records(), self.f_read_records());
        check("read-records", s == want && f == want && want.0 > 0);
        let (s, f) = (self.s_assemble(), self.f_assemble());
        check("assemble", s == f && s as usize == self.data.len());
        let crc = memkit::checksums::crc32c(&self.data).to_be_bytes().to_vec();
        let (s, f) = (self.s_digest(), self.f_digest());
        check("digest", s == crc && f == crc);
        let (s, f) = (self.s_hash_through(), self.f_hash_through());
        check("hash-through", s == f && s == (crc, self.data.len() as u64));
    }
}

/// One job: its name, each way's API, and each way's run of `n` jobs.
struct Job {
    name: &'static str,
    feed_api: &'static str,
    stream: Runner,
    feed: Runner,
    /// Input bytes per job.
    bytes: fn(&Fx) -> usize,
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
            stream: each(Fx::s_read_records),
            feed: each(Fx::f_read_records),
            bytes: |fx| fx.records.len(),
            target: true,
        },
        Job {
            name: "assemble",
            feed_api: "`chunk-assembler.append`",
            stream: each(Fx::s_assemble),
            feed: each(Fx::f_assemble),
            bytes: |fx| fx.data.len(),
            target: true,
        },
        Job {
            name: "digest (CRC-32C)",
            feed_api: "`hasher.update`",
            stream: each(Fx::s_digest),
            feed: each(Fx::f_digest),
            bytes: |fx| fx.data.len(),
            target: true,
        },
        Job {
            name: "(extra) hash-through (CRC-32C), the bytes forwarded too",
            feed_api: "`hasher.update` (forwards nothing)",
            stream: each(Fx::s_hash_through),
            feed: each(Fx::f_hash_through),
            bytes: |fx| fx.data.len(),
            target: false,
        },
    ]
}

pub fn run(timer: &Timer, rounds: usize) -> wasmtime::Result<()> {
    let len = if timer.smoke { 256 * 1024 } else { 64 * MIB };
    let mut fx = Fx::new(len);
    fx.verify();
    let mut jobs = jobs();
    let mut series: Vec<[Series; 2]> = jobs.iter().map(|_| Default::default()).collect();
    for round in 0..rounds {
        for (j, (job, series)) in jobs.iter_mut().zip(&mut series).enumerate() {
            let [s, f] = series;
            let mut sides = [(&mut job.stream, s), (&mut job.feed, f)];
            if (round + j) % 2 == 1 {
                sides.reverse();
            }
            for (runner, series) in sides {
                timer.measure(series, &mut |k| runner(&mut fx, k));
            }
        }
        eprintln!("streams: round {}/{rounds}", round + 1);
    }
    let bytes: Vec<usize> = jobs.iter().map(|job| (job.bytes)(&fx)).collect();
    drop(fx); // the leak checks

    println!("### Streams: one call over a `stream<u8>` vs a call per 64 KiB piece\n");
    let size = if len >= MIB {
        format!("{} MiB", len / MIB)
    } else {
        format!("{} KiB", len / 1024)
    };
    println!(
        "{size} streamed into `memkit-async.wasm` (concurrency support on; the host writes 64 \
         KiB pieces straight into memkit's read buffer, `host_test::streams`), against the same \
         bytes fed in 64 KiB pieces to `memkit.wasm` (concurrency support off). Throughput in \
         MB/s of input; target: the stream at least as fast as the feed path.\n"
    );
    if timer.smoke {
        println!("(--smoke: 256 KiB, one call each; the times mean nothing)\n");
    }
    println!("| job | stream | feed path | stream MB/s | feed MB/s | stream / feed | |");
    println!("|---|---|---|---|---|---|---|");
    for ((job, [s, f]), bytes) in jobs.iter().zip(&series).zip(bytes) {
        let (s, f) = (s.stat(), f.stat());
        let mbps = |ns: f64| bytes as f64 * 1e3 / ns;
        let ratio = f.median / s.median;
        println!(
            "| {} | {} | {} | {:.0} | {:.0} | {:.2} | {} |",
            job.name,
            format_stat(s),
            format_stat(f),
            mbps(s.median),
            mbps(f.median),
            ratio,
            if job.target {
                verdict(timer.smoke, ratio >= 1.0)
            } else {
                ""
            }
        );
    }
    println!();
    println!("Feed path APIs, a call per piece:");
    for job in &jobs {
        println!("- {}: {}", job.name, job.feed_api);
    }
    println!();
    Ok(())
}
