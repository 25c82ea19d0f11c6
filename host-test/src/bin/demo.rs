//! `cargo xtask demo`: the origin article's demo sections, run against memkit.wasm in
//! wasmtime, with readable results and timings.

use std::time::{Duration, Instant};

use host_test::exports::memkit::core::floats::UnaryOp;
use host_test::{Host, MemoryInfo, MIB};

type Result = wasmtime::Result<()>;

fn main() -> Result {
    let mut h = Host::new();
    println!("memkit demo — {}\n", host_test::component_path().display());
    memory_info(&mut h)?;
    byte_buffer(&mut h)?;
    float_buffer(&mut h)?;
    swap_case(&mut h)?;
    call_costs(&mut h)?;
    section("Memory after the demo");
    print_memory(&h.memory_info());
    Ok(())
}

fn section(title: &str) {
    println!("\n== {title} ==");
}

fn print_memory(info: &MemoryInfo) {
    println!(
        "pages {} ({} KiB) · used {} B in {} allocations · free {} KiB · peak {} KiB",
        info.pages,
        info.total_bytes / 1024,
        info.used_bytes,
        info.live_allocations,
        info.free_bytes / 1024,
        info.peak_used_bytes / 1024
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
    print_memory(&h.memory_info());
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
    let round_trip = bytes.call_to_list(&mut h.store, b)?;
    println!(
        "to-list: {} bytes, tail equal to input: {}",
        round_trip.len(),
        round_trip[16..] == data[16..]
    );
    let error = bytes.call_read(&mut h.store, b, u32::MAX, 2)?.unwrap_err();
    println!("read(u32::MAX, 2) → {error:?} (no trap)");
    h.drop_resource(b);
    print_memory(&h.memory_info());
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
    h.drop_resource(f);
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
    h.drop_resource(b);
    let data = vec![0x5a; MIB];
    let took = median(21, || {
        let b = bytes.call_from_list(&mut h.store, &data)?;
        let out = bytes.call_to_list(&mut h.store, b)?;
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
