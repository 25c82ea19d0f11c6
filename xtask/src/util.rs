//! What the commands share: the error type, where things are, running a command, and
//! installing what rust-toolchain.toml lists and the tools that more than one command needs.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

pub type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The target of memkit's core module (and of the components made from a core module).
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The target of components that import WASI (the served example), linked by rustc itself.
pub const WASIP2_TARGET: &str = "wasm32-wasip2";

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

/// `text` with what lies between `<!-- MARKER -->` and `<!-- /MARKER -->` replaced by `body`:
/// how the tables that commands generate (`bench:node`, `build:figures`, …) live in the docs.
pub fn replace_between(text: &str, marker: &str, body: &str) -> Result<String> {
    let (start, end) = between(text, marker)?;
    Ok(format!(
        "{}\n{}\n{}",
        &text[..start],
        body.trim(),
        &text[end..]
    ))
}

/// What lies between `<!-- MARKER -->` and `<!-- /MARKER -->`, trimmed.
pub fn text_between<'a>(text: &'a str, marker: &str) -> Result<&'a str> {
    let (start, end) = between(text, marker)?;
    Ok(text[start..end].trim())
}

fn between(text: &str, marker: &str) -> Result<(usize, usize)> {
    let (open, close) = (format!("<!-- {marker} -->"), format!("<!-- /{marker} -->"));
    let start = text
        .find(&open)
        .ok_or_else(|| format!("no `{open}` marker"))?
        + open.len();
    let end = text[start..]
        .find(&close)
        .ok_or_else(|| format!("no `{close}` marker"))?
        + start;
    Ok((start, end))
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

/// What `rust-toolchain.toml` asks rustup for, beyond the channel: its `components` and
/// `targets` lists.
#[derive(Debug, PartialEq)]
pub struct ToolchainFile {
    pub components: Vec<String>,
    pub targets: Vec<String>,
}

impl ToolchainFile {
    /// Reads the string arrays `components = [...]` and `targets = [...]` of the file's
    /// `[toolchain]` table (one line each, as rustup's own examples write them).
    pub fn parse(text: &str) -> Result<Self> {
        let list = |key: &str| -> Result<Vec<String>> {
            let line = text
                .lines()
                .map(str::trim)
                .find(|line| {
                    line.strip_prefix(key)
                        .is_some_and(|rest| rest.trim_start().starts_with('='))
                })
                .ok_or_else(|| format!("rust-toolchain.toml has no `{key} = [...]` line"))?;
            let (_, value) = line.split_once('=').expect("found with `=`");
            let inner = value
                .trim()
                .strip_prefix('[')
                .and_then(|v| v.strip_suffix(']'))
                .ok_or_else(|| format!("rust-toolchain.toml: `{key}` is not a one-line list"))?;
            Ok(inner
                .split(',')
                .map(|item| item.trim().trim_matches('"').to_string())
                .filter(|item| !item.is_empty())
                .collect())
        };
        Ok(Self {
            components: list("components")?,
            targets: list("targets")?,
        })
    }
}

/// Adds every target and component that `rust-toolchain.toml` lists and the active toolchain
/// lacks. rustup installs them only when it installs the toolchain itself; a toolchain that
/// was already there (and rustup with `RUSTUP_AUTO_INSTALL=0`) keeps lacking them, and the
/// first step that uses one fails. So every `cargo xtask` command calls this before its first
/// step, and no step installs a target of its own.
pub fn ensure_toolchain_file() -> Result {
    let wanted = ToolchainFile::parse(&std::fs::read_to_string(
        workspace_root().join("rust-toolchain.toml"),
    )?)?;
    let installed = |kind: &str| -> Result<Vec<String>> {
        let out = Command::new("rustup")
            .args([kind, "list", "--installed"])
            .current_dir(workspace_root())
            .output()
            .map_err(|e| format!("cannot run rustup: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "`rustup {kind} list --installed` failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            )
            .into());
        }
        Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|line| line.trim().to_string())
            .collect())
    };
    for (kind, names) in [
        ("target", &wanted.targets),
        ("component", &wanted.components),
    ] {
        let have = installed(kind)?;
        // Components are listed with their host triple (`clippy-x86_64-unknown-linux-gnu`).
        let missing: Vec<&String> = names
            .iter()
            .filter(|name| {
                !have
                    .iter()
                    .any(|h| h == *name || h.starts_with(&format!("{name}-")))
            })
            .collect();
        if !missing.is_empty() {
            run(Command::new("rustup")
                .args([kind, "add"])
                .args(&missing)
                .current_dir(workspace_root()))?;
        }
    }
    Ok(())
}

/// The wasmtime-cli that serves the composed record-service. 50.0.1 is the newest wasmtime-cli
/// on crates.io (checked 2026-12-07): wasmtime's 50.0.2 and 50.0.3 patch releases published
/// only the crates they changed, and 51.0.0 published the runtime's crates but not the CLI (nor
/// wasmtime-wasi). The host tests' wasmtime is 50.0.2: host-test/Cargo.toml says why. The CLI pins
/// `wasmtime-environ =50.0.1`, which holds its wasmtime at 50.0.1 whatever cargo resolves, so
/// it is installed `--locked`.
const WASMTIME_CLI_VERSION: &str = "50.0.1";

/// The wasmtime-cli features `wasmtime serve` needs, and nothing else: `run` (serve reuses its
/// WASI setup), `serve`, `cranelift` to compile, `component-model-async` for wasi:http 0.3,
/// and the pooling allocator that serve uses by default. The default set (wasi-nn, the
/// explorer, wast, winch, pulley, gc, the debugger…) takes far longer to build
/// (BENCHMARKS.md, "First run", gives both).
const WASMTIME_CLI_FEATURES: &str =
    "run,serve,cranelift,component-model-async,pooling-allocator,parallel-compilation";

/// Whether `tool --version` runs and names `version` as its second word (`wasmtime 50.0.1`,
/// `wkg 0.16.1`): a tool cargo installed, found on the PATH.
fn has_version(tool: &str, version: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|out| {
            String::from_utf8_lossy(&out.stdout)
                .split_whitespace()
                .nth(1)
                == Some(version)
        })
}

/// Installs `wasmtime` (for `wasmtime serve`) with `cargo install --locked` when the one on the PATH is
/// missing or another version. It lands in cargo's bin directory, outside the project, so
/// later clones find it.
pub fn ensure_wasmtime_cli() -> Result {
    if !has_version("wasmtime", WASMTIME_CLI_VERSION) {
        eprintln!(
            "xtask: installing wasmtime-cli {WASMTIME_CLI_VERSION} for `wasmtime serve` \
             (once; BENCHMARKS.md, \"First run\", gives how long it takes)"
        );
        run(cargo().args([
            "install",
            "--locked",
            &format!("wasmtime-cli@{WASMTIME_CLI_VERSION}"),
            "--no-default-features",
            "--features",
            WASMTIME_CLI_FEATURES,
        ]))?;
    }
    Ok(())
}

/// The wkg (wasm-pkg-tools) that publishes memkit and fetches its WIT for the examples.
const WKG_VERSION: &str = "0.16.1";

/// Installs `wkg` with `cargo install --locked` when the one on the PATH is missing or another
/// version (once; BENCHMARKS.md, "First run"), into cargo's bin directory like wasmtime-cli.
pub fn ensure_wkg() -> Result {
    if !has_version("wkg", WKG_VERSION) {
        eprintln!("xtask: installing wkg {WKG_VERSION} (once; BENCHMARKS.md, \"First run\")");
        run(cargo().args(["install", "--locked", &format!("wkg@{WKG_VERSION}")]))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_only_between_its_markers() {
        let text = "a\n<!-- bench:x -->\nold\n<!-- /bench:x -->\nb\n";
        assert_eq!(
            replace_between(text, "bench:x", "new\n").unwrap(),
            "a\n<!-- bench:x -->\nnew\n<!-- /bench:x -->\nb\n"
        );
        assert_eq!(text_between(text, "bench:x").unwrap(), "old");
        assert!(replace_between(text, "bench:y", "new").is_err());
    }

    #[test]
    fn the_toolchain_file_lists_both_wasm_targets() {
        let text = std::fs::read_to_string(workspace_root().join("rust-toolchain.toml")).unwrap();
        let file = ToolchainFile::parse(&text).unwrap();
        assert!(file.targets.iter().any(|t| t == WASM_TARGET), "{file:?}");
        assert!(
            file.targets.iter().any(|t| t == "wasm32-wasip2"),
            "{file:?}"
        );
        assert_eq!(file.components, ["rustfmt", "clippy"]);
    }

    #[test]
    fn toolchain_file_lists_parse_and_refuse() {
        let file = ToolchainFile::parse(
            "[toolchain]\nchannel = \"1.99.1\"\ncomponents = []\ntargets = [ \"a\", \"b\" ]\n",
        )
        .unwrap();
        assert_eq!(file.targets, ["a", "b"]);
        assert!(file.components.is_empty());
        assert!(ToolchainFile::parse("[toolchain]\ntargets = [\"a\"]\n").is_err());
        assert!(ToolchainFile::parse("components = []\ntargets = \"a\"\n").is_err());
    }
}
