//! memkit's digests compiled natively, timed in a process of their own.
//!
//! ```text
//! memkit-bench-native-digests ALGORITHM CALLS < data
//! ```
//!
//! Reads the data from stdin, digests it once (a warm-up), then `CALLS` more times, each timed,
//! and prints one line: `<digest in hex> <median nanoseconds a call> <sha2 backend>`.
//!
//! It exists for the one thing bench/wasmtime cannot do in its own process: time SHA-256 on
//! sha2's portable backend on a CPU with SHA-NI. sha2 picks SHA-NI at run time whenever the CPU
//! has it, and only a cfg set for the whole build turns that off, which would rebuild
//! wasmtime too; this crate depends on memkit alone, so bench/wasmtime builds it in its own
//! target directory with `--cfg sha2_256_backend="soft"` and runs it each round. The last
//! field says which backend the build selected (`soft`, or `detected` when the flag was off:
//! SHA-NI where the CPU has it), so that the harness can refuse a build without the flag.

use std::io::Read;
use std::time::Instant;

use memkit::checksums::{digest, Algorithm};

fn main() -> Result<(), String> {
    let usage = "usage: memkit-bench-native-digests ALGORITHM CALLS < data";
    let mut args = std::env::args().skip(1);
    let name = args.next().ok_or(usage)?;
    let algorithm = Algorithm::ALL
        .into_iter()
        .find(|a| a.name() == name)
        .ok_or_else(|| format!("unknown algorithm {name:?}\n{usage}"))?;
    let calls: usize = args
        .next()
        .and_then(|n| n.parse().ok())
        .filter(|&n| n > 0)
        .ok_or(usage)?;

    let mut data = Vec::new();
    std::io::stdin()
        .read_to_end(&mut data)
        .map_err(|e| format!("reading stdin: {e}"))?;

    let answer = digest(algorithm, &data);
    let mut per_call: Vec<u128> = (0..calls)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(digest(algorithm, std::hint::black_box(&data)));
            start.elapsed().as_nanos()
        })
        .collect();
    per_call.sort_unstable();
    let backend = if cfg!(sha2_256_backend = "soft") {
        "soft"
    } else {
        "detected"
    };
    let hex: String = answer.iter().map(|b| format!("{b:02x}")).collect();
    println!("{hex} {} {backend}", per_call[calls / 2]);
    Ok(())
}
