//! The README's first command as a newcomer runs it: `cargo xtask demo` in a copy of the
//! repository that holds only what a clone holds (the files git tracks, and new ones it does
//! not ignore), so nothing fetched, generated or built is there. The copy builds into the
//! same target directory, so that wasmtime and the other dependencies are not compiled again;
//! and because it rebuilds `target/memkit.wasm`, it also shows that the component does not
//! depend on where the repository lies. Cargo gives a workspace crate the same artifact names
//! in the copy as here (its hash is of the path within the workspace), so what the copy built
//! of the crates that name their own directory (`env!("CARGO_MANIFEST_DIR")`: xtask,
//! host-test) is cleaned afterwards, and built again from here when next needed.

use std::path::Path;
use std::process::Command;

use crate::util::{cargo, run, target_dir, workspace_root, Result};

/// Copies the repository to a directory outside it, runs `cargo xtask demo` there, and fails
/// if the demo fails or if the component it builds differs from `component` (built here).
pub fn demo(component: &Path) -> Result {
    let built_here = std::fs::read(component)?;
    // Outside the workspace: cargo reads every `.cargo/config.toml` above the current
    // directory, and the repository's own would be read twice.
    let copy = std::env::temp_dir().join(format!("memkit-fresh-copy-{}", std::process::id()));
    let result = copy_clone_files(&copy).and_then(|()| {
        run(cargo()
            .args(["xtask", "demo"])
            .current_dir(&copy)
            .env("CARGO_TARGET_DIR", target_dir()))
    });
    std::fs::remove_dir_all(&copy).ok();
    run(cargo().args(["clean", "--package", "xtask"]))?;
    run(cargo().args(["clean", "--release", "--package", "host-test"]))?;
    result?;
    if std::fs::read(component)? != built_here {
        return Err(format!(
            "the copy in {} built a different {}: the component depends on where the \
             repository lies",
            copy.display(),
            component.display()
        )
        .into());
    }
    Ok(())
}

/// Copies what a clone of the repository holds (tracked files, and untracked ones that git
/// does not ignore, so that uncommitted work is tested too) into `to`, symlinks as symlinks.
fn copy_clone_files(to: &Path) -> Result {
    let root = workspace_root();
    let output = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(&root)
        .output()
        .map_err(|e| format!("cannot run git ls-files: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "git ls-files failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let listed = String::from_utf8(output.stdout)?;
    let mut copied = 0;
    for relative in listed.split('\0').filter(|path| !path.is_empty()) {
        let (from, into) = (root.join(relative), to.join(relative));
        // A tracked file deleted in the work tree is not part of what is tested.
        let Ok(metadata) = std::fs::symlink_metadata(&from) else {
            continue;
        };
        std::fs::create_dir_all(into.parent().expect("a file's path has a parent"))?;
        if metadata.file_type().is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&from)?, &into)?;
        } else {
            std::fs::copy(&from, &into)?;
        }
        copied += 1;
    }
    eprintln!(
        "xtask: copied {copied} files of the repository into {}",
        to.display()
    );
    Ok(())
}
