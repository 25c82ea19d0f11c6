//! `cargo xtask fuzz`: the cargo-fuzz targets in `fuzz/`, each for a bounded time.

use std::process::Command;

use crate::util::{run, workspace_root, Result};

/// The cargo-fuzz targets in `fuzz/`.
const FUZZ_TARGETS: [&str; 2] = ["decode_record", "record_reader"];

/// Runs each fuzz target for `seconds` with cargo-fuzz (nightly, AddressSanitizer),
/// installing cargo-fuzz and the nightly toolchain when missing, and prints how many
/// executions each ran.
pub fn fuzz(seconds: u32) -> Result {
    // The rustup proxy, not `$CARGO`: only the proxy understands `+nightly`.
    let rustup_cargo = || {
        let mut command = Command::new("cargo");
        command.current_dir(workspace_root());
        command
    };
    let has_nightly = Command::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !has_nightly {
        run(Command::new("rustup").args([
            "toolchain",
            "install",
            "nightly",
            "--profile",
            "minimal",
        ]))?;
    }
    let has_cargo_fuzz = rustup_cargo()
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !has_cargo_fuzz {
        run(rustup_cargo().args(["install", "cargo-fuzz", "--locked"]))?;
    }
    for target in FUZZ_TARGETS {
        eprintln!("xtask: fuzzing {target} for {seconds} s …");
        let max_time = format!("-max_total_time={seconds}");
        let mut command = rustup_cargo();
        command.args(["+nightly", "fuzz", "run", target, "--", &max_time]);
        let output = command.output()?;
        let log = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            eprintln!("{log}");
            return Err(format!("fuzz target {target} failed (see the log above)").into());
        }
        let done = log
            .lines()
            .rev()
            .find(|line| line.starts_with("Done "))
            .unwrap_or("(libFuzzer printed no summary)");
        eprintln!("xtask: {target}: {done}, no crash");
    }
    Ok(())
}
