//! `cargo xtask fuzz`: the cargo-fuzz targets in `fuzz/`, each for a bounded time.

use std::process::Command;

use crate::util::{run, workspace_root, Result};

/// The cargo-fuzz targets: one per file in `fuzz/fuzz_targets/`, named as the file.
fn fuzz_targets() -> Result<Vec<String>> {
    let mut targets = Vec::new();
    for entry in std::fs::read_dir(workspace_root().join("fuzz/fuzz_targets"))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            let stem = path.file_stem().expect("a file name").to_string_lossy();
            targets.push(stem.into_owned());
        }
    }
    targets.sort();
    Ok(targets)
}

/// The minor version of `rustc --version`'s output (`rustc 1.101.0-nightly (…)` → 101).
fn rustc_minor(version: &str) -> Option<u32> {
    version
        .split_whitespace()
        .nth(1)?
        .split('.')
        .nth(1)?
        .parse()
        .ok()
}

/// The minor version of the workspace's `rust-version` (`"1.99"` → 99).
fn workspace_rust_version() -> Result<u32> {
    let manifest = std::fs::read_to_string(workspace_root().join("Cargo.toml"))?;
    manifest
        .lines()
        .find_map(|line| line.trim().strip_prefix("rust-version = \""))
        .and_then(|rest| rest.trim_end_matches('"').split('.').nth(1)?.parse().ok())
        .ok_or_else(|| "no rust-version in the workspace's Cargo.toml".into())
}

/// Runs each fuzz target for `seconds` with cargo-fuzz (nightly, AddressSanitizer),
/// installing cargo-fuzz, and the nightly toolchain when it is missing or older than the
/// workspace's `rust-version`, and prints how many executions each ran.
pub fn fuzz(seconds: u32) -> Result {
    // The rustup proxy, not `$CARGO`: only the proxy understands `+nightly`.
    let rustup_cargo = || {
        let mut command = Command::new("cargo");
        command.current_dir(workspace_root());
        command
    };
    // A nightly older than the workspace's `rust-version` cannot build memkit: install (or
    // update to) the current one then.
    let nightly = Command::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned());
    let required = workspace_rust_version()?;
    if nightly.as_deref().and_then(rustc_minor) < Some(required) {
        run(Command::new("rustup").args([
            "toolchain",
            "install",
            "nightly",
            "--profile",
            "minimal",
            "--no-self-update",
        ]))?;
    }
    let has_cargo_fuzz = rustup_cargo()
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !has_cargo_fuzz {
        run(rustup_cargo().args(["install", "cargo-fuzz", "--locked"]))?;
    }
    for target in fuzz_targets()? {
        eprintln!("xtask: fuzzing {target} for {seconds} s …");
        let max_time = format!("-max_total_time={seconds}");
        let mut command = rustup_cargo();
        command.args(["+nightly", "fuzz", "run", &target, "--", &max_time]);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_as_their_minor_number() {
        assert_eq!(
            rustc_minor("rustc 1.97.0-nightly (abc 2026-01-01)"),
            Some(97)
        );
        assert_eq!(rustc_minor("rustc 1.101.0-nightly"), Some(101));
        assert_eq!(rustc_minor("garbage"), None);
        assert!(workspace_rust_version().unwrap() >= 99);
        // A missing nightly compares below any requirement.
        assert!(None < Some(workspace_rust_version().unwrap()));
    }

    #[test]
    fn every_target_file_is_a_bin_of_the_fuzz_crate() {
        let manifest = std::fs::read_to_string(workspace_root().join("fuzz/Cargo.toml")).unwrap();
        let targets = fuzz_targets().unwrap();
        assert!(targets.len() >= 3, "{targets:?}");
        for target in targets {
            let bin = format!("name = \"{target}\"\npath = \"fuzz_targets/{target}.rs\"");
            assert!(
                manifest.contains(&bin),
                "fuzz/Cargo.toml has no [[bin]] {target}"
            );
        }
    }
}
