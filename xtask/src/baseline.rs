//! The benchmark's baseline: the origin article's wasm-bindgen module in `bench/baseline/`
//! (see its README), built with the default rustflags and bound with wasm-bindgen for the web
//! target into `target/baseline/pkg/`, which Node loads (`initSync({ module: bytes })`), and
//! copied to `web/baseline/`, where the demo page's benchmark panel loads it (`await init()`).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{cargo, copy_dir, run, target_dir, Result, WASM_TARGET};

/// The wasm-bindgen-cli that binds the baseline. It must equal the `wasm-bindgen = "=…"` pin in
/// `bench/baseline/Cargo.toml` exactly: the CLI refuses a module built with another version of
/// the crate. (0.2.130's locked dependencies do not all resolve on crates.io: webpki-roots
/// 1.0.11 is missing; 0.2.129's do.)
pub const WASM_BINDGEN_VERSION: &str = "0.2.129";

/// Installs wasm-bindgen-cli when needed, builds the baseline crate and binds it; returns the
/// directory of the bindings (`target/baseline/pkg`, with `memkit_baseline.js`), also copied
/// to `web/baseline` for the page.
pub fn build(root: &Path) -> Result<PathBuf> {
    ensure_wasm_bindgen_cli()?;
    let target = target_dir().join("baseline");
    // The repo's .cargo/config.toml gives wasm32 builds simd128 and an 8 KiB stack, for memkit.
    // The baseline gets the defaults the article built with: an empty CARGO_ENCODED_RUSTFLAGS
    // means "no flags" and wins over RUSTFLAGS and every config `rustflags` (checked with
    // `cargo build -v`: no simd128 on any rustc line).
    run(cargo()
        .current_dir(root)
        .env("CARGO_ENCODED_RUSTFLAGS", "")
        .args(["build", "--release", "--locked", "--target", WASM_TARGET])
        .arg("--manifest-path")
        .arg(root.join("bench").join("baseline").join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target))?;
    let module = target
        .join(WASM_TARGET)
        .join("release")
        .join("memkit_baseline.wasm");
    let pkg = target.join("pkg");
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--out-dir"])
        .arg(&pkg)
        .arg(&module))?;
    // The web target writes ES modules; this makes Node load them as such whatever its version.
    std::fs::write(pkg.join("package.json"), "{ \"type\": \"module\" }\n")?;
    let page_copy = root.join("web").join("baseline");
    if page_copy.exists() {
        std::fs::remove_dir_all(&page_copy)?;
    }
    copy_dir(&pkg, &page_copy)?;
    eprintln!(
        "xtask: baseline bindings in {} and {}",
        pkg.display(),
        page_copy.display()
    );
    Ok(pkg)
}

/// Runs `cargo install wasm-bindgen-cli` at [`WASM_BINDGEN_VERSION`] when the `wasm-bindgen`
/// on the PATH is missing or another version. It lands in cargo's bin directory, once.
fn ensure_wasm_bindgen_cli() -> Result {
    if installed_wasm_bindgen().as_deref() == Some(WASM_BINDGEN_VERSION) {
        return Ok(());
    }
    eprintln!(
        "xtask: installing wasm-bindgen-cli {WASM_BINDGEN_VERSION} for the baseline \
         (once; BENCHMARKS.md, \"First run\")"
    );
    run(cargo().args([
        "install",
        "--locked",
        "wasm-bindgen-cli",
        "--version",
        &format!("={WASM_BINDGEN_VERSION}"),
    ]))?;
    match installed_wasm_bindgen() {
        Some(version) if version == WASM_BINDGEN_VERSION => Ok(()),
        found => Err(format!(
            "installed wasm-bindgen-cli {WASM_BINDGEN_VERSION}, but `wasm-bindgen --version` \
             on the PATH says {found:?}: is cargo's bin directory first on the PATH?"
        )
        .into()),
    }
}

/// The version `wasm-bindgen --version` prints ("wasm-bindgen 0.2.129"), if it runs.
fn installed_wasm_bindgen() -> Option<String> {
    let out = Command::new("wasm-bindgen")
        .arg("--version")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let version = text.trim().strip_prefix("wasm-bindgen ")?;
    // Some builds append a commit hash: "0.2.129 (abc1234)".
    Some(version.split_whitespace().next()?.to_string())
}
