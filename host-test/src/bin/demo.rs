//! `cargo xtask demo`: the origin article's demo sections, run against memkit.wasm in
//! wasmtime, with readable results and timings.

use std::time::{Duration, Instant};

use host_test::exports::memkit::core::floats::UnaryOp;
use host_test::exports::memkit::core::people::{Company, Person};
use host_test::exports::memkit::core::pools::Point3d;
use host_test::exports::memkit::core::records::ChecksumKind;
use host_test::{crc32c, Host, MemoryInfo, MIB};

type Result = wasmtime::Result<()>;

fn main() -> Result {
    let mut h = Host::new();
    println!("memkit demo — {}\n", host_test::component_path().display());
    memory_info(&mut h)?;
    byte_buffer(&mut h)?;
    float_buffer(&mut h)?;
    swap_case(&mut h)?;
    chunked_transfer(&mut h)?;
    out_of_order_upload(&mut h)?;
    binary_record(&mut h)?;
    record_stream(&mut h)?;
    complex_data(&mut h)?;
    memory_pool(&mut h)?;
    object_pool(&mut h)?;
    call_costs(&mut h)?;
    section("Memory after the demo");
    print_memory(&h.store.memory_info());
    Ok(())
}

fn section(title: &str) {
    println!("\n== {title} ==");
}

fn print_memory(info: &MemoryInfo) {
    println!(
        "pages {} ({} KiB) · used {} B in {} allocations · free {} KiB · peak {} KiB · \
         reserve {} KiB (drawn {} times)",
        info.pages,
        info.total_bytes / 1024,
        info.used_bytes,
        info.live_allocations,
        info.free_bytes / 1024,
        info.peak_used_bytes / 1024,
        info.reserve_bytes / 1024,
        info.reserve_draws
    );
}

/// Runs `f` `runs` times and returns the median duration of one run.
fn median(runs: usize, mut f: impl FnMut() -> Result) -> wasmtime::Result<Duration> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        f()?;
        times.push(start.elapsed());
    }
    times.sort();
    Ok(times[runs / 2])
}

fn memory_info(h: &mut Host) -> Result {
    section("Memory info");
    print_memory(&h.store.memory_info());
    Ok(())
}

fn byte_buffer(h: &mut Host) -> Result {
    section("Byte buffer: 1 MiB in and out");
    let api = h.api.clone();
    let bytes = api.memkit_core_bytes().byte_buffer();
    let data: Vec<u8> = (0..MIB).map(|i| (i % 251) as u8).collect();
    let b = bytes.call_from_list(&mut h.store, &data)?;
    println!(
        "from-list: len {} · capacity {}",
        bytes.call_len(&mut h.store, b)?,
        bytes.call_capacity(&mut h.store, b)?
    );
    bytes.call_fill(&mut h.store, b, 0, 16, 0xAB)??;
    let head = bytes.call_read(&mut h.store, b, 0, 20)??;
    println!("fill(0, 16, 0xAB) then read(0, 20): {head:02x?}");
    let round_trip = bytes.call_to_list(&mut h.store, b)??;
    println!(
        "to-list: {} bytes, tail equal to input: {}",
        round_trip.len(),
        round_trip[16..] == data[16..]
    );
    let error = bytes.call_read(&mut h.store, b, u32::MAX, 2)?.unwrap_err();
    println!("read(u32::MAX, 2) → {error:?} (no trap)");
    h.store.drop_resource(b);
    print_memory(&h.store.memory_info());
    Ok(())
}

fn float_buffer(h: &mut Host) -> Result {
    section("Float buffer: 1 M floats, process and sum");
    let api = h.api.clone();
    let floats = api.memkit_core_floats().float_buffer();
    let input: Vec<f32> = (0..1_000_000).map(|i| (i as f32) * 1e-3).collect();
    let f = floats.call_from_list(&mut h.store, &input)?;
    let start = Instant::now();
    floats.call_process(&mut h.store, f)?;
    let process_time = start.elapsed();
    let sum = floats.call_sum(&mut h.store, f)?;
    let stats = floats.call_stats(&mut h.store, f)?.expect("non-empty");
    let first = floats.call_read(&mut h.store, f, 0, 4)??;
    println!(
        "process (tan∘cos∘sin) of 1 M floats: {:.2} ms",
        process_time.as_secs_f64() * 1e3
    );
    println!("first values {first:?}");
    println!(
        "sum {sum:.6} · min {:.6} · max {:.6} · mean {:.6}",
        stats.min, stats.max, stats.mean
    );
    floats.call_apply(&mut h.store, f, UnaryOp::Square)?;
    println!(
        "dot(self, self) after square: {:.3}",
        floats.call_dot(&mut h.store, f, f)??
    );
    h.store.drop_resource(f);
    Ok(())
}

fn swap_case(h: &mut Host) -> Result {
    section("Swap case");
    let text = h.api.memkit_core_text();
    let sample = "Hello, WebAssembly! Grüße — 你好";
    println!(
        "{sample:?} → {:?}",
        text.call_swap_case(&mut h.store, sample)?
    );
    let megabyte = "The Quick Brown Fox. ".repeat(50_000);
    let took = median(11, || {
        text.call_swap_case(&mut h.store, &megabyte).map(drop)
    })?;
    println!(
        "1 MB string: {:.0} µs per call (in, swap, out)",
        took.as_secs_f64() * 1e6
    );
    Ok(())
}

fn chunked_transfer(h: &mut Host) -> Result {
    section("Chunked transfer (the article's DataChunk: in order)");
    let api = h.api.clone();
    let chunks = api.memkit_core_chunks().chunk_assembler();
    let empty = chunks.call_constructor(&mut h.store, 0)?;
    println!(
        "an empty transfer: progress {} (the article's gives NaN)",
        chunks.call_progress(&mut h.store, empty)?
    );
    h.store.drop_resource(empty);
    let a = chunks.call_constructor(&mut h.store, 10_000)?;
    for _ in 0..4 {
        chunks.call_append(&mut h.store, a, &[0x42; 2500])??;
        println!(
            "appended 2500 bytes → progress {:.0} %",
            chunks.call_progress(&mut h.store, a)? * 100.0
        );
    }
    let overflow = chunks.call_append(&mut h.store, a, b"one too many")?;
    println!("one more append → {overflow:?}");
    let buffer = chunks.call_finish(&mut h.store, a)??;
    println!(
        "finish → a byte-buffer of {} bytes, handed over without a copy",
        api.memkit_core_bytes()
            .byte_buffer()
            .call_len(&mut h.store, buffer)?
    );
    h.store.drop_resource(buffer);
    h.store.drop_resource(a);
    Ok(())
}

fn out_of_order_upload(h: &mut Host) -> Result {
    section("Out-of-order upload: 1 MiB in 64 KiB chunks, shuffled, one retry, CRC-32C checked");
    let api = h.api.clone();
    let chunks = api.memkit_core_chunks().chunk_assembler();
    let data: Vec<u8> = (0..MIB)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let crc = crc32c(&data);
    let a = chunks.call_create(&mut h.store, MIB as u32, Some(crc))??;
    const CHUNK: usize = 64 * 1024;
    // A fixed shuffle: chunk k goes out as number (k * 7) mod 16.
    let order: Vec<usize> = (0..16).map(|k| k * 7 % 16).collect();
    let start = Instant::now();
    for (sent, &k) in order.iter().enumerate() {
        let offset = k * CHUNK;
        chunks.call_write_at(
            &mut h.store,
            a,
            offset as u32,
            &data[offset..offset + CHUNK],
        )??;
        if sent % 4 == 3 {
            let gaps = chunks.call_missing(&mut h.store, a)?;
            let shown: Vec<String> = gaps
                .iter()
                .take(3)
                .map(|g| format!("{}+{}", g.offset, g.len))
                .collect();
            println!(
                "sent {:2}/16 → progress {:5.1} % · {} gaps: {}{}",
                sent + 1,
                chunks.call_progress(&mut h.store, a)? * 100.0,
                gaps.len(),
                shown.join(", "),
                if gaps.len() > 3 { ", …" } else { "" }
            );
        }
    }
    chunks.call_write_at(&mut h.store, a, 0, &data[..CHUNK])??;
    println!(
        "retry of chunk 0 (same bytes) → accepted, received still {}",
        chunks.call_received(&mut h.store, a)?
    );
    let conflict = chunks.call_write_at(&mut h.store, a, 0, &[0u8; 16])?;
    println!("overlap with different bytes → {conflict:?}");
    let buffer = chunks.call_finish(&mut h.store, a)??;
    println!(
        "finish: complete, CRC-32C {crc:#010x} verified, in {:.2} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    h.store.drop_resource(buffer);
    h.store.drop_resource(a);
    Ok(())
}

fn binary_record(h: &mut Host) -> Result {
    section("Binary record (header | u32 length | payload | checksum)");
    let api = h.api.clone();
    let record = api.memkit_core_records().binary_record();
    let r = record.call_constructor(&mut h.store, ChecksumKind::Sum32)?;
    record.call_set_header(&mut h.store, r, b"MEMKIT-RECORD-01")??;
    record.call_set_payload(&mut h.store, r, b"Hello, records!")??;
    let bytes = record.call_serialize(&mut h.store, r)??;
    println!("serialized {} bytes:", bytes.len());
    println!("  header   {:02x?}", &bytes[..16]);
    println!("  length   {:02x?}", &bytes[16..20]);
    println!(
        "  payload  {:?}",
        String::from_utf8_lossy(&bytes[20..bytes.len() - 4])
    );
    println!(
        "  checksum {:02x?} (sum32 = {})",
        &bytes[bytes.len() - 4..],
        record.call_checksum(&mut h.store, r)?
    );
    let back = record.call_deserialize(&mut h.store, &bytes, ChecksumKind::Sum32)??;
    println!(
        "deserialize → payload {:?}",
        String::from_utf8_lossy(&record.call_payload(&mut h.store, back)??)
    );
    h.store.drop_resource(back);
    let mut corrupt = bytes.clone();
    corrupt[25] ^= 0x20;
    println!(
        "one byte flipped → {:?}",
        record
            .call_deserialize(&mut h.store, &corrupt, ChecksumKind::Sum32)?
            .map(drop)
    );
    println!(
        "15-byte header → {:?}",
        record.call_set_header(&mut h.store, r, &[0; 15])?
    );
    let mut trap_input = vec![0u8; 24];
    trap_input[16..20].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    println!(
        "the article's trap input (24 bytes declaring 0xFFFFFFF0) → {:?}",
        record
            .call_deserialize(&mut h.store, &trap_input, ChecksumKind::Sum32)?
            .map(drop)
    );
    h.store.drop_resource(r);

    let payload = vec![0xA5; 64 * 1024];
    for kind in [ChecksumKind::Sum32, ChecksumKind::Crc32c] {
        let r = record.call_constructor(&mut h.store, kind)?;
        let took = median(51, || {
            record.call_set_payload(&mut h.store, r, &payload)??;
            let bytes = record.call_serialize(&mut h.store, r)??;
            let back = record.call_deserialize(&mut h.store, &bytes, kind)??;
            back.resource_drop(&mut h.store)
        })?;
        println!(
            "64 KiB record, set-payload + serialize + deserialize ({kind:?}): {:.0} µs ({:.2} GB/s of payload)",
            took.as_secs_f64() * 1e6,
            payload.len() as f64 / took.as_secs_f64() / 1e9
        );
        h.store.drop_resource(r);
    }
    Ok(())
}

fn record_stream(h: &mut Host) -> Result {
    section("Record stream read in odd-sized pieces");
    let api = h.api.clone();
    let record = api.memkit_core_records().binary_record();
    let reader = api.memkit_core_records().record_reader();
    let mut stream = Vec::new();
    for i in 0..100u32 {
        let r = record.call_constructor(&mut h.store, ChecksumKind::Crc32c)?;
        record.call_set_header(&mut h.store, r, &[i as u8; 16])??;
        record.call_set_payload(&mut h.store, r, &vec![i as u8; (i * 37 % 500) as usize])??;
        stream.extend(record.call_serialize(&mut h.store, r)??);
        h.store.drop_resource(r);
    }
    for piece in [1, 7, 333, 4096, MIB] {
        let rd = reader.call_constructor(&mut h.store, ChecksumKind::Crc32c, 1024)?;
        let (mut count, mut calls) = (0, 0);
        for chunk in stream.chunks(piece) {
            calls += 1;
            for r in reader.call_feed(&mut h.store, rd, chunk)?? {
                count += 1;
                h.store.drop_resource(r);
            }
        }
        println!(
            "{} bytes in pieces of {piece:>7} ({calls:>5} feeds) → {count} records, {} bytes left, finish {:?}",
            stream.len(),
            reader.call_buffered(&mut h.store, rd)?,
            reader.call_finish(&mut h.store, rd)?
        );
        h.store.drop_resource(rd);
    }
    let rd = reader.call_constructor(&mut h.store, ChecksumKind::Crc32c, 100)?;
    let before_refusal = reader.call_feed(&mut h.store, rd, &stream[..20 * 1024])??;
    println!(
        "a reader with max-payload 100, fed 20 KiB: {} records before the first larger one, then {:?} (refused before buffering it)",
        before_refusal.len(),
        reader.call_finish(&mut h.store, rd)?
    );
    for r in before_refusal {
        h.store.drop_resource(r);
    }
    h.store.drop_resource(rd);
    Ok(())
}

fn complex_data(h: &mut Host) -> Result {
    section("Complex data: Person and Company as JSON");
    let api = h.api.clone();
    let people = api.memkit_core_people();
    let ada = Person {
        name: "Ada Lovelace".into(),
        age: 36,
        email: "ada@example.com".into(),
    };
    let json = people.call_person_to_json(&mut h.store, &ada)??;
    println!("person → {json}");
    println!(
        "and back → {:?}",
        people.call_person_from_json(&mut h.store, &json)??
    );
    let broken = "{\"name\": \"Ada\", \"age\": 4294967296, \"email\": \"a@b\"}";
    println!(
        "{broken} → {:?}",
        people
            .call_person_from_json(&mut h.store, broken)?
            .unwrap_err()
    );
    let company = Company {
        name: "Analytical Engines Ltd".into(),
        founded_year: 1843,
        employees: (0..1000)
            .map(|i| Person {
                name: format!("Employee {i}"),
                age: 20 + i % 45,
                email: format!("e{i}@example.com"),
            })
            .collect(),
    };
    let mut json_len = 0;
    let took = median(21, || {
        let json = people.call_company_to_json(&mut h.store, &company)??;
        json_len = json.len();
        let back = people.call_company_from_json(&mut h.store, &json)??;
        assert_eq!(back.employees.len(), 1000);
        Ok(())
    })?;
    println!(
        "company of 1000 employees → {json_len} bytes of JSON and back: {:.2} ms per round trip (two calls)",
        took.as_secs_f64() * 1e3
    );
    Ok(())
}

fn memory_pool(h: &mut Host) -> Result {
    section("Memory pool: buffers reused by size class");
    let api = h.api.clone();
    let pool = api.memkit_core_pools().buffer_pool();
    let bytes = api.memkit_core_bytes().byte_buffer();
    let p = pool.call_constructor(&mut h.store)?;
    let took = median(5, || {
        for i in 0..1000u32 {
            let b = pool.call_acquire(&mut h.store, p, 100 + (i % 4) * 1000)??;
            bytes.call_append(&mut h.store, b, &[i as u8; 64])??;
            pool.call_release(&mut h.store, p, b)?;
        }
        Ok(())
    })?;
    let stats = pool.call_stats(&mut h.store, p)?;
    println!(
        "5 × 1000 acquire + append + release: {:.0} µs per 1000",
        took.as_secs_f64() * 1e6
    );
    println!("classes  {:?}", stats.classes);
    println!("waiting  {:?}", stats.free);
    println!(
        "hits {} · misses {} · released {} · discarded {} · retained {} bytes",
        stats.hits, stats.misses, stats.released, stats.discarded, stats.retained_bytes
    );
    h.store.drop_resource(p);
    Ok(())
}

fn object_pool(h: &mut Host) -> Result {
    section("Object pool: 1000 points, and path-length in one call");
    let api = h.api.clone();
    let pools = api.memkit_core_pools();
    let point = pools.point();
    let pool = pools.point_pool();
    let pp = pool.call_constructor(&mut h.store, 100)?;
    let coords: Vec<Point3d> = (0..1000)
        .map(|i| {
            let t = f64::from(i) * 0.01;
            Point3d {
                x: t.cos(),
                y: t.sin(),
                z: t,
            }
        })
        .collect();
    let start = Instant::now();
    let mut total = 0.0;
    let mut previous = pool.call_get(&mut h.store, pp, coords[0].x, coords[0].y, coords[0].z)?;
    for c in &coords[1..] {
        let next = pool.call_get(&mut h.store, pp, c.x, c.y, c.z)?;
        total += point.call_distance_to(&mut h.store, previous, next)?;
        pool.call_put(&mut h.store, pp, previous)?;
        previous = next;
    }
    pool.call_put(&mut h.store, pp, previous)?;
    let per_point = start.elapsed();
    println!(
        "the article's way (get, distance-to, put per point): {total:.6} in {:.0} µs, {} points waiting",
        per_point.as_secs_f64() * 1e6,
        pool.call_size(&mut h.store, pp)?
    );
    let batch = median(21, || {
        pools.call_path_length(&mut h.store, &coords).map(drop)
    })?;
    println!(
        "path-length of the same 1000 points: {:.6} in {:.1} µs (one call)",
        pools.call_path_length(&mut h.store, &coords)?,
        batch.as_secs_f64() * 1e6
    );
    h.store.drop_resource(pp);
    Ok(())
}

fn call_costs(h: &mut Host) -> Result {
    section("Boundary costs in wasmtime (rough; `cargo xtask bench` is the real harness)");
    let api = h.api.clone();
    let bytes = api.memkit_core_bytes().byte_buffer();
    let b = bytes.call_constructor(&mut h.store, 0)?;
    const CALLS: u32 = 100_000;
    let took = median(5, || {
        for _ in 0..CALLS {
            bytes.call_len(&mut h.store, b)?;
        }
        Ok(())
    })?;
    println!(
        "one method call (byte-buffer.len): {:.0} ns",
        took.as_secs_f64() * 1e9 / f64::from(CALLS)
    );
    h.store.drop_resource(b);
    let data = vec![0x5a; MIB];
    let took = median(21, || {
        let b = bytes.call_from_list(&mut h.store, &data)?;
        let out = bytes.call_to_list(&mut h.store, b)??;
        assert_eq!(out.len(), MIB);
        b.resource_drop(&mut h.store)
    })?;
    println!(
        "1 MiB in (from-list) and out (to-list): {:.0} µs ({:.1} GB/s each way)",
        took.as_secs_f64() * 1e6,
        2.0 * MIB as f64 / took.as_secs_f64() / 1e9
    );
    Ok(())
}
