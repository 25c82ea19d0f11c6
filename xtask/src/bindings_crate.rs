//! memkit-bindings is publishable: `cargo package` packs it with memkit's WIT (its `wit/` is
//! a link to the repository's `wit/`, which cargo follows and packs as files) and builds the
//! packed crate on its own, as crates.io would get it. Checked by a unit test, so a WIT file
//! left out of the package, or a package that does not build outside the workspace, fails.

use std::process::Output;

use crate::util::{cargo, workspace_root};

/// `cargo package -p memkit-bindings <args>`, with the lock's crates (no newer ones) and a
/// working tree that may hold uncommitted changes.
fn package(args: &[&str]) -> Output {
    let output = cargo()
        .args([
            "package",
            "--package",
            "memkit-bindings",
            "--allow-dirty",
            "--locked",
        ])
        .args(args)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo package {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
fn memkit_bindings_packs_every_wit_file_of_memkit() {
    let listed = String::from_utf8(package(&["--list"]).stdout).expect("UTF-8 paths");
    let listed: Vec<&str> = listed.lines().collect();
    let mut wit_files = 0;
    for entry in std::fs::read_dir(workspace_root().join("wit")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        let packed = format!("wit/{name}");
        assert!(listed.contains(&packed.as_str()), "{packed} is not packed");
        wit_files += 1;
    }
    assert!(wit_files >= 9, "only {wit_files} files in wit/");
}

#[test]
fn memkit_bindings_package_builds_on_its_own() {
    package(&[]);
}
