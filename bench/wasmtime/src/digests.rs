//! Digests: each algorithm of `checksums` over 16 MiB through the component in wasmtime against
//! the same core compiled natively.
//!
//! Two native paths, because sha2 picks its SHA-256 at run time: in this process,
//! `memkit::checksums::digest` runs on SHA-NI wherever the CPU has it; the target compares with
//! SHA-256 *without* it, which only a build of its own can give (`--cfg
//! sha2_256_backend="soft"` applies to a whole build, and this crate's includes wasmtime). So
//! this section builds `bench/native-digests` (memkit alone) with that cfg in
//! `target/sha2-soft` and runs it once a round. CRCs and MD5 run the same portable code in
//! both builds (the `crc` crate's tables, md-5's Rust), so they are timed in this process.

use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use host_test::exports::memkit::core::checksums::Algorithm as WitAlgorithm;
use host_test::{Host, HostStore, MIB};
use memkit::checksums::{digest, Algorithm};

use crate::measure::{verdict, Series, Stat, Timer};

/// The goal: the component within 1.3× of the same Rust compiled natively (without SHA-NI).
const TARGET: f64 = 1.3;

/// The component's algorithm for the core's: the WIT enum mirrors the core's, case for case.
fn wit(algorithm: Algorithm) -> WitAlgorithm {
    match algorithm {
        Algorithm::Crc32 => WitAlgorithm::Crc32,
        Algorithm::Crc32c => WitAlgorithm::Crc32c,
        Algorithm::Crc64Nvme => WitAlgorithm::Crc64Nvme,
        Algorithm::Sha256 => WitAlgorithm::Sha256,
        Algorithm::Md5 => WitAlgorithm::Md5,
    }
}

struct Row {
    algorithm: Algorithm,
    /// `checksums.digest` of the whole data: one call.
    component_digest: Series,
    /// A `hasher` fed the data in pieces, then `digest`.
    component_hasher: Series,
    /// `memkit::checksums::digest` in this process.
    native: Series,
    /// The same in the build without SHA-NI (SHA-256 only).
    native_soft: Option<Series>,
}

pub fn run(timer: &Timer, rounds: usize) -> wasmtime::Result<()> {
    // Under --smoke an odd length and odd pieces, so that the tails after the tables' 16-byte
    // strides and the hasher's piece boundaries are checked too.
    let (len, piece) = if timer.smoke {
        (64 * 1024 + 13, 1000)
    } else {
        (16 * MIB, MIB)
    };
    let data: Vec<u8> = (0..len).map(|i| (i * 31 + i / 4096) as u8).collect();
    let soft = build_without_sha_ni()?;

    let mut h = Host::new();
    let api = h.api.clone();
    let checksums = api.memkit_core_checksums();
    let hasher = checksums.hasher();
    let component_hasher = |store: &mut HostStore, algorithm: WitAlgorithm| {
        let hr = hasher.call_constructor(&mut *store, algorithm).unwrap();
        for part in data.chunks(piece) {
            hasher.call_update(&mut *store, hr, part).unwrap();
        }
        let out = hasher.call_digest(&mut *store, hr).unwrap();
        store.drop_resource(hr);
        out
    };

    let mut rows: Vec<Row> = Algorithm::ALL
        .into_iter()
        .map(|algorithm| Row {
            algorithm,
            component_digest: Series::default(),
            component_hasher: Series::default(),
            native: Series::default(),
            native_soft: (algorithm == Algorithm::Sha256).then(Series::default),
        })
        .collect();

    // The answers first: all ways must give the same digest.
    for row in &rows {
        let name = row.algorithm.name();
        let native = digest(row.algorithm, &data);
        let whole = checksums.call_digest(&mut h.store, wit(row.algorithm), &data)?;
        let pieces = component_hasher(&mut h.store, wit(row.algorithm));
        assert_eq!(
            whole, native,
            "{name}: the component's digest and native differ"
        );
        assert_eq!(
            pieces, native,
            "{name}: the component's hasher and native differ"
        );
        if row.native_soft.is_some() {
            let (soft_digest, _) = soft.run(row.algorithm, &data, 1)?;
            assert_eq!(
                soft_digest, native,
                "{name}: the build without SHA-NI differs"
            );
        }
        eprintln!("ok - digests {name}");
    }

    for round in 0..rounds {
        for (i, row) in rows.iter_mut().enumerate() {
            let algorithm = row.algorithm;
            let store = &mut h.store;
            let data = &data;
            // The three in-process ways, in an order that rotates from round to round.
            for k in 0..3 {
                match (k + round + i) % 3 {
                    0 => timer.measure(&mut row.component_digest, &mut |n| {
                        for _ in 0..n {
                            let out = checksums.call_digest(&mut *store, wit(algorithm), data);
                            black_box(out.unwrap());
                        }
                    }),
                    1 => timer.measure(&mut row.component_hasher, &mut |n| {
                        for _ in 0..n {
                            black_box(component_hasher(&mut *store, wit(algorithm)));
                        }
                    }),
                    _ => timer.measure(&mut row.native, &mut |n| {
                        for _ in 0..n {
                            black_box(digest(algorithm, black_box(data)));
                        }
                    }),
                }
            }
            if let Some(series) = &mut row.native_soft {
                series.record(soft.run(algorithm, data, soft_calls(timer))?.1);
            }
        }
        eprintln!("digests: round {}/{rounds}", round + 1);
    }
    drop(h); // the leak check

    print_table(timer, len, piece, &rows);
    Ok(())
}

fn print_table(timer: &Timer, len: usize, piece: usize, rows: &[Row]) {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let version = |package| crate::memkit_dependency_version(manifest, package);
    let mbps = |stat: Stat| len as f64 * 1e3 / stat.median;
    let cell = |series: &Series| {
        let stat = series.stat();
        format!(
            "{:.0} ({:.0}–{:.0})",
            mbps(stat),
            len as f64 * 1e3 / stat.max,
            len as f64 * 1e3 / stat.min
        )
    };
    let sha_ni = sha_ni_detected();
    println!("### Digests: the component in wasmtime vs the same core compiled natively\n");
    println!(
        "{} of data, each algorithm of `checksums`. Each cell: throughput in MB/s (10⁶ \
         bytes/s) of the median round (slowest–fastest round). Component `digest`: \
         `checksums.digest` of the whole, one call (the host copies the data into linear \
         memory first, as the canonical ABI does); component `hasher`: a `hasher` fed pieces of \
         {} by `update`, then `digest`. Native: `memkit::checksums::digest` of the whole in \
         the memkit rlib (release profile, x86-64 baseline target features), in this process, \
         and for SHA-256 also in a build of its own with sha2's portable backend (`--cfg \
         sha2_256_backend=\"soft\"`, `bench/native-digests`: {} a round). The ratio is \
         component `digest` time / native time without SHA-NI; lower is better, target ≤ \
         {TARGET}.\n",
        size_label(len),
        size_label(piece),
        match soft_calls(timer) {
            1 => "one call".to_string(),
            n => format!("the median of {n} calls"),
        },
    );
    println!(
        "| algorithm | component `digest` | component `hasher` | native | native path | component / native | target | |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for row in rows {
        let component = row.component_digest.stat().median;
        let (native, path) = match &row.native_soft {
            Some(soft) => (
                soft,
                format!(
                    "sha2 {}, portable backend (its own build, no SHA-NI)",
                    version("sha2")
                ),
            ),
            None => (
                &row.native,
                match row.algorithm {
                    Algorithm::Md5 => format!("md-5 {}, portable Rust", version("md-5")),
                    _ => format!(
                        "crc {}, slice-by-16 tables (no CPU intrinsics)",
                        version("crc")
                    ),
                },
            ),
        };
        let ratio = component / native.stat().median;
        println!(
            "| {} | {} | {} | {} | {path} | {ratio:.2} | ≤ {TARGET} | {} |",
            row.algorithm.name(),
            cell(&row.component_digest),
            cell(&row.component_hasher),
            cell(native),
            verdict(timer.smoke, ratio <= TARGET),
        );
        if row.native_soft.is_some() {
            let path = if sha_ni {
                "SHA-NI, which sha2 detects at run time (this process)"
            } else {
                "portable backend: this CPU has no SHA-NI (this process)"
            };
            println!(
                "| {} | | | {} | {path} | {:.2} | | |",
                row.algorithm.name(),
                cell(&row.native),
                component / row.native.stat().median,
            );
        }
    }
    println!();
}

/// Calls a round of the build without SHA-NI, whose median is the round's figure.
fn soft_calls(timer: &Timer) -> usize {
    if timer.smoke {
        1
    } else {
        timer.samples
    }
}

fn size_label(bytes: usize) -> String {
    if bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Whether sha2 in this process runs on SHA-NI: its run-time check asks for `sha` and `sse4.1`.
fn sha_ni_detected() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("sha") && std::arch::is_x86_feature_detected!("sse4.1")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// The `bench/native-digests` binary built with sha2's portable SHA-256.
struct WithoutShaNi {
    binary: PathBuf,
}

/// Builds `bench/native-digests` with `--cfg sha2_256_backend="soft"` in `target/sha2-soft`
/// (a target directory of its own, so that the workspace's builds keep their flags): memkit
/// and its few dependencies, about a minute the first time, nothing after.
fn build_without_sha_ni() -> wasmtime::Result<WithoutShaNi> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()?;
    let target_dir = root.join("target/sha2-soft");
    // `cargo run` tells the harness which cargo runs it.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args([
            "build",
            "--release",
            "--package",
            "memkit-bench-native-digests",
            "--target-dir",
        ])
        .arg(&target_dir)
        .env("RUSTFLAGS", r#"--cfg sha2_256_backend="soft""#)
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .current_dir(&root);
    eprintln!("digests: $ {command:?}");
    let status = command.status()?;
    if !status.success() {
        wasmtime::bail!("building bench/native-digests without SHA-NI failed: {status}");
    }
    Ok(WithoutShaNi {
        binary: target_dir.join("release/memkit-bench-native-digests"),
    })
}

impl WithoutShaNi {
    /// Digests `data` `calls` times after a warm-up in the other build; returns the digest and
    /// the median nanoseconds a call. Fails if the build did not get the portable backend.
    fn run(
        &self,
        algorithm: Algorithm,
        data: &[u8],
        calls: usize,
    ) -> wasmtime::Result<(Vec<u8>, f64)> {
        let mut child = Command::new(&self.binary)
            .args([algorithm.name(), &calls.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        child.stdin.take().expect("a piped stdin").write_all(data)?;
        let out = child.wait_with_output()?;
        if !out.status.success() {
            wasmtime::bail!("{} failed: {}", self.binary.display(), out.status);
        }
        let line = String::from_utf8(out.stdout)?;
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [hex, ns, backend] = fields[..] else {
            wasmtime::bail!("unexpected output of bench/native-digests: {line:?}");
        };
        if backend != "soft" {
            wasmtime::bail!("bench/native-digests was built without sha2's portable backend");
        }
        let digest = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16))
            .collect::<Result<Vec<u8>, _>>()?;
        Ok((digest, ns.parse()?))
    }
}
