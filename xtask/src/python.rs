//! The examples' Python tools in a virtualenv, `target/venv`, with the pins of
//! `examples/requirements.txt`: created and filled when missing or when the pins changed.

use std::path::PathBuf;
use std::process::Command;

use crate::util::{run, target_dir, workspace_root, Result};

/// The virtualenv's directory.
pub fn venv() -> PathBuf {
    target_dir().join("venv")
}

/// A program of the virtualenv (`python`, `pytest`, `componentize-py`).
pub fn tool(name: &str) -> PathBuf {
    venv().join("bin").join(name)
}

/// Makes sure the virtualenv exists and holds exactly the pinned packages.
pub fn ensure_venv() -> Result {
    let requirements = workspace_root().join("examples/requirements.txt");
    let wanted = std::fs::read_to_string(&requirements)?;
    // A copy of the requirements the virtualenv was last filled with: equal means up to date.
    let stamp = venv().join("memkit-requirements.txt");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(());
    }
    if !tool("python").exists() {
        run(Command::new("python3").arg("-m").arg("venv").arg(venv()))?;
    }
    run(Command::new(tool("python"))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(&requirements))?;
    std::fs::write(&stamp, wanted)?;
    Ok(())
}
