//! `cargo xtask demo`: the origin article's demo sections, run against memkit.wasm and
//! memkit-article.wasm side by side in wasmtime, with readable results: memory, buffers,
//! chunked transfer and records from memkit; floats, swap-case, JSON and points from the
//! article's component. It measures nothing: timings are the benchmark harness's
//! (`cargo xtask bench`, BENCHMARKS.md).

use host_test::article::floats::UnaryOp;
use host_test::article::people::{Company, Person};
use host_test::article::points::Point3d;
use host_test::exports::memkit::core::records::ChecksumKind;
use host_test::memkit_components::Component;
use host_test::{crc32c, path_of, Host, MemoryInfo, Own, MIB};

type Result = wasmtime::Result<()>;

fn main() -> Result {
    let mut h = Host::new();
    println!(
        "memkit demo — {} and {}",
        host_test::component_path().display(),
        path_of(Component::Article).display()
    );
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
    section("Memory after the demo: memkit's, then the article's component's");
    print_memory(&h.store.memory_info());
    print_article_memory(&h.store.article_memory_info());
    println!("\nTimings: `cargo xtask bench` (BENCHMARKS.md)");
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

fn print_article_memory(info: &host_test::article::MemoryInfo) {
    print_memory(&MemoryInfo {
        pages: info.pages,
        total_bytes: info.total_bytes,
        used_bytes: info.used_bytes,
        free_bytes: info.free_bytes,
        peak_used_bytes: info.peak_used_bytes,
        live_allocations: info.live_allocations,
        reserve_bytes: info.reserve_bytes,
        reserve_draws: info.reserve_draws,
    });
}

fn memory_info(h: &mut Host) -> Result {
    section("Memory info: memkit's, then the article's component's");
    print_memory(&h.store.memory_info());
    print_article_memory(&h.store.article_memory_info());
    Ok(())
}

fn byte_buffer(h: &mut Host) -> Result {
    section("Byte buffer: 1 MiB in and out");
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let data: Vec<u8> = (0..MIB).map(|i| (i % 251) as u8).collect();
    // A plain handle, not an Owned one: `take` consumes it at the end of the section.
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
        "to-list: {} bytes (a copy), tail equal to input: {}",
        round_trip.len(),
        round_trip[16..] == data[16..]
    );
    let error = bytes.call_read(&mut h.store, b, u32::MAX, 2)?.unwrap_err();
    println!("read(u32::MAX, 2) → {error:?} (no trap)");
    print_memory(&h.store.memory_info());
    let before = h.store.memory_info();
    let taken = bytes.call_take(&mut h.store, b)?;
    let after = h.store.memory_info();
    println!(
        "take: {} MiB moved out, handle consumed · equal to to-list: {} · component used bytes \
         {} → {}",
        taken.len() / MIB,
        taken == round_trip,
        before.used_bytes,
        after.used_bytes
    );
    Ok(())
}

fn float_buffer(h: &mut Host) -> Result {
    section("Float buffer: 1 M floats, process and sum");
    let floats = h.article.memkit_article_floats().float_buffer();
    let input: Vec<f32> = (0..1_000_000).map(|i| (i as f32) * 1e-3).collect();
    let f = floats.call_from_list(&mut h.store, &input)?.owned(&h.store);
    println!("input first values {:?}", &input[..4]);
    floats.call_process(&mut h.store, *f)?;
    let first = floats.call_read(&mut h.store, *f, 0, 4)??;
    println!("process (tan∘cos∘sin) of 1 M floats → first values {first:?}");
    let sum = floats.call_sum(&mut h.store, *f)?;
    let stats = floats.call_stats(&mut h.store, *f)?.expect("non-empty");
    println!(
        "len {} · sum {sum:.6} · min {:.6} · max {:.6} · mean {:.6}",
        stats.len, stats.min, stats.max, stats.mean
    );
    floats.call_apply(&mut h.store, *f, UnaryOp::Square)?;
    println!(
        "dot(self, self) after square: {:.3}",
        floats.call_dot(&mut h.store, *f, *f)??
    );
    Ok(())
}

fn swap_case(h: &mut Host) -> Result {
    section("Swap case");
    let text = h.article.memkit_article_text();
    let sample = "Hello, WebAssembly! Grüße — 你好";
    println!(
        "{sample:?} → {:?}",
        text.call_swap_case(&mut h.store, sample)?
    );
    let megabyte = "The Quick Brown Fox. ".repeat(50_000);
    let swapped = text.call_swap_case(&mut h.store, &megabyte)?;
    println!(
        "a {} byte string → {} bytes back, starting {:?}; swapped twice gives the input: {}",
        megabyte.len(),
        swapped.len(),
        &swapped[..21],
        text.call_swap_case(&mut h.store, &swapped)? == megabyte
    );
    Ok(())
}

fn chunked_transfer(h: &mut Host) -> Result {
    section("Chunked transfer (the article's DataChunk: in order)");
    let chunks = h.api.memkit_core_chunks().chunk_assembler();
    let empty = chunks.call_constructor(&mut h.store, 0)?.owned(&h.store);
    println!(
        "an empty transfer: progress {} (the article's gives NaN)",
        chunks.call_progress(&mut h.store, *empty)?
    );
    let a = chunks
        .call_constructor(&mut h.store, 10_000)?
        .owned(&h.store);
    for _ in 0..4 {
        chunks.call_append(&mut h.store, *a, &[0x42; 2500])??;
        println!(
            "appended 2500 bytes → progress {:.0} %",
            chunks.call_progress(&mut h.store, *a)? * 100.0
        );
    }
    let overflow = chunks.call_append(&mut h.store, *a, b"one too many")?;
    println!("one more append → {overflow:?}");
    let buffer = chunks.call_finish(&mut h.store, *a)??.owned(&h.store);
    println!(
        "finish → a byte-buffer of {} bytes, handed over without a copy",
        h.api
            .memkit_core_bytes()
            .byte_buffer()
            .call_len(&mut h.store, *buffer)?
    );
    Ok(())
}

fn out_of_order_upload(h: &mut Host) -> Result {
    section("Out-of-order upload: 1 MiB in 64 KiB chunks, shuffled, one retry, CRC-32C checked");
    let chunks = h.api.memkit_core_chunks().chunk_assembler();
    let data: Vec<u8> = (0..MIB)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let crc = crc32c(&data);
    let a = chunks
        .call_create(&mut h.store, MIB as u32, Some(crc))??
        .owned(&h.store);
    const CHUNK: usize = 64 * 1024;
    // A fixed shuffle: chunk k goes out as number (k * 7) mod 16.
    let order: Vec<usize> = (0..16).map(|k| k * 7 % 16).collect();
    for (sent, &k) in order.iter().enumerate() {
        let offset = k * CHUNK;
        chunks.call_write_at(
            &mut h.store,
            *a,
            offset as u32,
            &data[offset..offset + CHUNK],
        )??;
        if sent % 4 == 3 {
            let gaps = chunks.call_missing(&mut h.store, *a)?;
            let mut shown: Vec<String> = gaps
                .iter()
                .take(3)
                .map(|g| format!("{}+{}", g.offset, g.len))
                .collect();
            if gaps.len() > 3 {
                shown.push("…".into());
            }
            println!(
                "sent {:2}/16 → progress {:5.1} % · {} gaps{}{}",
                sent + 1,
                chunks.call_progress(&mut h.store, *a)? * 100.0,
                gaps.len(),
                if gaps.is_empty() { "" } else { ": " },
                shown.join(", ")
            );
        }
    }
    chunks.call_write_at(&mut h.store, *a, 0, &data[..CHUNK])??;
    println!(
        "retry of chunk 0 (same bytes) → accepted, received still {}",
        chunks.call_received(&mut h.store, *a)?
    );
    let conflict = chunks.call_write_at(&mut h.store, *a, 0, &[0u8; 16])?;
    println!("overlap with different bytes → {conflict:?}");
    let buffer = chunks.call_finish(&mut h.store, *a)??.owned(&h.store);
    let len = h
        .api
        .memkit_core_bytes()
        .byte_buffer()
        .call_len(&mut h.store, *buffer)?;
    println!("finish: complete, CRC-32C {crc:#010x} verified → a byte-buffer of {len} bytes");
    Ok(())
}

fn binary_record(h: &mut Host) -> Result {
    section("Binary record (header | u32 length | payload | checksum)");
    let record = h.api.memkit_core_records().binary_record();
    let r = record
        .call_constructor(&mut h.store, ChecksumKind::Sum32)?
        .owned(&h.store);
    let header = b"MEMKIT-RECORD-01";
    let payload = b"Hello, records!";
    record.call_set_header(&mut h.store, *r, header)??;
    record.call_set_payload(&mut h.store, *r, payload)??;
    let bytes = record.call_serialize(&mut h.store, *r)??;
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
        record.call_checksum(&mut h.store, *r)?
    );
    let back = record
        .call_deserialize(&mut h.store, &bytes, ChecksumKind::Sum32)??
        .owned(&h.store);
    println!(
        "deserialize → payload {:?}",
        String::from_utf8_lossy(&record.call_payload(&mut h.store, *back)??)
    );
    let mut corrupt = bytes.clone();
    corrupt[25] ^= 0x20;
    println!(
        "one byte flipped → {:?}",
        record
            .call_deserialize(&mut h.store, &corrupt, ChecksumKind::Sum32)?
            .map(|r| drop(r.owned(&h.store)))
    );
    println!(
        "15-byte header → {:?}",
        record.call_set_header(&mut h.store, *r, &[0; 15])?
    );
    let mut trap_input = vec![0u8; 24];
    trap_input[16..20].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    println!(
        "the article's trap input (24 bytes declaring 0xFFFFFFF0) → {:?}",
        record
            .call_deserialize(&mut h.store, &trap_input, ChecksumKind::Sum32)?
            .map(|r| drop(r.owned(&h.store)))
    );

    let c = record
        .call_constructor(&mut h.store, ChecksumKind::Crc32c)?
        .owned(&h.store);
    record.call_set_header(&mut h.store, *c, header)??;
    record.call_set_payload(&mut h.store, *c, payload)??;
    println!(
        "the same record with CRC-32C: {:#010x} (the host's bitwise CRC-32C of header ++ \
         payload: {:#010x})",
        record.call_checksum(&mut h.store, *c)?,
        crc32c(&[&header[..], &payload[..]].concat())
    );
    Ok(())
}

fn record_stream(h: &mut Host) -> Result {
    section("Record stream read in odd-sized pieces");
    let record = h.api.memkit_core_records().binary_record();
    let reader = h.api.memkit_core_records().record_reader();
    let mut stream = Vec::new();
    for i in 0..100u32 {
        let r = record
            .call_constructor(&mut h.store, ChecksumKind::Crc32c)?
            .owned(&h.store);
        record.call_set_header(&mut h.store, *r, &[i as u8; 16])??;
        record.call_set_payload(&mut h.store, *r, &vec![i as u8; (i * 37 % 500) as usize])??;
        stream.extend(record.call_serialize(&mut h.store, *r)??);
    }
    for piece in [1, 7, 333, 4096, MIB] {
        let rd = reader
            .call_constructor(&mut h.store, ChecksumKind::Crc32c, 1024)?
            .owned(&h.store);
        let mut frames = Vec::new();
        let mut calls = 0;
        for chunk in stream.chunks(piece) {
            calls += 1;
            frames.extend(reader.call_feed(&mut h.store, *rd, chunk)??);
        }
        let checked = frames
            .iter()
            .all(|f| crc32c(&[&f.header[..], &f.payload[..]].concat()) == f.checksum);
        println!(
            "{} bytes in pieces of {piece:>7} ({calls:>5} feeds) → {} frames ({} payload bytes, \
             checksums match the host's: {checked}), {} bytes left, finish {:?}",
            stream.len(),
            frames.len(),
            frames.iter().map(|f| f.payload.len()).sum::<usize>(),
            reader.call_buffered(&mut h.store, *rd)?,
            reader.call_finish(&mut h.store, *rd)?
        );
        if piece == MIB {
            for (i, f) in frames.iter().enumerate().take(3) {
                println!(
                    "  frame {i}: header {:02x?}…, payload {} bytes, checksum {:#010x}",
                    &f.header[..4],
                    f.payload.len(),
                    f.checksum
                );
            }
        }
    }
    let rd = reader
        .call_constructor(&mut h.store, ChecksumKind::Crc32c, 100)?
        .owned(&h.store);
    let before_refusal = reader.call_feed(&mut h.store, *rd, &stream[..20 * 1024])??;
    println!(
        "a reader with max-payload 100, fed 20 KiB: {} frames before the first larger record, \
         then {:?} (refused before buffering it)",
        before_refusal.len(),
        reader.call_finish(&mut h.store, *rd)?
    );
    Ok(())
}

fn complex_data(h: &mut Host) -> Result {
    section("Complex data: Person and Company as JSON");
    let people = h.article.memkit_article_people();
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
    let json = people.call_company_to_json(&mut h.store, &company)??;
    let back = people.call_company_from_json(&mut h.store, &json)??;
    println!(
        "company of {} employees → {} bytes of JSON, starting {}…",
        company.employees.len(),
        json.len(),
        &json[..json.find("},").map_or(json.len(), |end| end + 1)]
    );
    println!(
        "and back: {} employees, equal to the original: {}",
        back.employees.len(),
        back == company
    );
    Ok(())
}

fn memory_pool(h: &mut Host) -> Result {
    section("Memory pool: buffers reused by size class");
    let pool = h.api.memkit_core_pools().buffer_pool();
    let bytes = h.api.memkit_core_bytes().byte_buffer();
    let p = pool.call_constructor(&mut h.store)?.owned(&h.store);
    for i in 0..1000u32 {
        // Plain handles: release consumes them.
        let b = pool.call_acquire(&mut h.store, *p, 100 + (i % 4) * 1000)??;
        bytes.call_append(&mut h.store, b, &[i as u8; 64])??;
        pool.call_release(&mut h.store, *p, b)?;
    }
    let stats = pool.call_stats(&mut h.store, *p)?;
    println!("1000 × acquire (100, 1100, 2100 or 3100 bytes) + append 64 bytes + release:");
    println!("classes  {:?}", stats.classes);
    println!("waiting  {:?}", stats.free);
    println!(
        "hits {} · misses {} · released {} · discarded {} · retained {} bytes",
        stats.hits, stats.misses, stats.released, stats.discarded, stats.retained_bytes
    );
    Ok(())
}

fn object_pool(h: &mut Host) -> Result {
    section("Object pool: 1000 points, and path-length in one call");
    let points = h.article.memkit_article_points();
    let point = points.point();
    let pool = points.point_pool();
    let pp = pool.call_constructor(&mut h.store, 100)?.owned(&h.store);
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
    // Plain handles: put consumes them.
    let (mut total, mut calls) = (0.0, 1);
    let mut previous = pool.call_get(&mut h.store, *pp, coords[0].x, coords[0].y, coords[0].z)?;
    for c in &coords[1..] {
        let next = pool.call_get(&mut h.store, *pp, c.x, c.y, c.z)?;
        total += point.call_distance_to(&mut h.store, previous, next)?;
        pool.call_put(&mut h.store, *pp, previous)?;
        calls += 3;
        previous = next;
    }
    pool.call_put(&mut h.store, *pp, previous)?;
    calls += 1;
    println!(
        "the article's way (get, distance-to, put per point; {calls} calls): {total:.6}, {} \
         points waiting",
        pool.call_size(&mut h.store, *pp)?
    );
    let path = points.call_path_length(&mut h.store, &coords)?;
    println!("path-length of the same 1000 points (one call, a list of records): {path:.6}");
    let xyz: Vec<f64> = coords.iter().flat_map(|c| [c.x, c.y, c.z]).collect();
    let path_xyz = points.call_path_length_xyz(&mut h.store, &xyz)??;
    println!(
        "path-length-xyz of the same points (one call, {} interleaved f64): {path_xyz:.6}, \
         bit for bit equal: {}",
        xyz.len(),
        path_xyz.to_bits() == path.to_bits()
    );
    println!(
        "path-length-xyz of 4 coordinates → {:?}",
        points.call_path_length_xyz(&mut h.store, &xyz[..4])?
    );
    Ok(())
}
