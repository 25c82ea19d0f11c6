//! What the commands share: the error type, where things are, running a command, and
//! installing the rustup targets and tools that more than one command needs.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

pub type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The target of memkit's core module (and of the components made from a core module).
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

pub fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// The npm package's directory.
pub fn js_dir() -> PathBuf {
    workspace_root().join("js")
}

/// The cargo that runs xtask (`$CARGO`), in the workspace root.
pub fn cargo() -> Command {
    let mut command = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(workspace_root());
    command
}

/// Runs `command`, echoing it first; fails when it does not exit successfully.
pub fn run(command: &mut Command) -> Result {
    let shown = format!(
        "{} {}",
        command.get_program().to_string_lossy(),
        command
            .get_args()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    );
    eprintln!("xtask: $ {shown}");
    let status = command
        .status()
        .map_err(|e| format!("cannot start `{shown}`: {e}"))?;
    if !status.success() {
        return Err(format!("`{shown}` failed ({status})").into());
    }
    Ok(())
}

/// Copies the directory `from` into `to` (created when missing), recursively.
pub fn copy_dir(from: &Path, to: &Path) -> Result {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// Installs the wasm target through rustup when it is missing (the pinned toolchain file
/// usually has done so already).
pub fn ensure_wasm_target() -> Result {
    ensure_target(WASM_TARGET)
}

/// Installs a rustup target when it is missing.
pub fn ensure_target(target: &str) -> Result {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .current_dir(workspace_root())
        .output()
        .map_err(|e| format!("cannot run rustup: {e}"))?;
    if !String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|t| t.trim() == target)
    {
        run(Command::new("rustup")
            .args(["target", "add", target])
            .current_dir(workspace_root()))?;
    }
    Ok(())
}

/// The wasmtime-cli that serves the composed record-service: the host tests' wasmtime.
const WASMTIME_CLI_VERSION: &str = "48.0.8";

/// Installs `wasmtime` (for `wasmtime serve`) with `cargo install --locked` when the one on
/// the PATH is missing or another version. The build takes about 10 minutes on 2 cores, once:
/// it lands in cargo's bin directory, outside the project, so later clones find it.
pub fn ensure_wasmtime_cli() -> Result {
    let installed = Command::new("wasmtime")
        .arg("--version")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).contains(WASMTIME_CLI_VERSION))
        .unwrap_or(false);
    if !installed {
        run(Command::new("cargo").args([
            "install",
            "--locked",
            &format!("wasmtime-cli@{WASMTIME_CLI_VERSION}"),
        ]))?;
    }
    Ok(())
}
