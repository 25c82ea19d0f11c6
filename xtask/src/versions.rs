//! memkit's version is its WIT package's (`package memkit:core@<version>;` in
//! `wit/world.wit`): the article's WIT package, the crates, memkit-bindings, the npm package
//! and every `memkit:core…@<version>` or `memkit:article…@<version>` that a tracked file names
//! (the examples' worlds, the benchmarks' export names, README) follow it.
//! Checked by a unit test, so a bump cannot leave one behind.

use std::path::Path;
use std::process::Command;

/// The version in `package memkit:core@<version>;`.
fn wit_version(world: &str) -> &str {
    let after = world
        .split_once("package memkit:core@")
        .expect("wit/world.wit declares package memkit:core")
        .1;
    &after[..after.find(';').expect("the package line ends with ;")]
}

/// Every version named after `memkit:core@`, `memkit:core/<interface>@` or the same of
/// `memkit:article` in `text` (a prefix with no version after it, as code that matches export
/// names has, is not one).
fn named_versions(text: &str) -> Vec<&str> {
    let mut versions = Vec::new();
    let named = text
        .match_indices("memkit:core")
        .chain(text.match_indices("memkit:article"));
    for (at, package) in named {
        let rest = &text[at + package.len()..];
        let rest = match rest.strip_prefix('/') {
            Some(path) => path.trim_start_matches(|c: char| c.is_ascii_lowercase() || c == '-'),
            None => rest,
        };
        if let Some(version) = rest.strip_prefix('@') {
            let end = version
                .find(|c: char| !c.is_ascii_digit() && c != '.')
                .unwrap_or(version.len());
            let version = version[..end].trim_end_matches('.');
            if !version.is_empty() {
                versions.push(version);
            }
        }
    }
    versions
}

/// The value of the first `"version": "…"` in `json` at or after `from`.
fn json_version<'a>(json: &'a str, from: &str) -> &'a str {
    let start = json
        .find(from)
        .unwrap_or_else(|| panic!("{from} not found"));
    let after = json[start..]
        .split_once("\"version\": \"")
        .expect("a version")
        .1;
    &after[..after.find('"').expect("a closing quote")]
}

/// The tracked files of the repository.
fn tracked_files(root: &Path) -> Vec<String> {
    let out = Command::new("git")
        .arg("ls-files")
        .current_dir(root)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git ls-files failed");
    String::from_utf8(out.stdout)
        .expect("UTF-8 paths")
        .lines()
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_found_where_they_are_named() {
        // Spelled in pieces: this file's text is scanned too.
        let core = "memkit:core";
        assert_eq!(
            wit_version(&format!("/// doc\npackage {core}@1.2.3;\n")),
            "1.2.3"
        );
        let text = format!("import {core}/records@1.2.3; `{core}@4.5.6`. \"{core}/types@\"");
        assert_eq!(named_versions(&text), ["1.2.3", "4.5.6"]);
        assert_eq!(
            json_version(
                "{\"a\": {\"version\": \"1\"}, \"b\": {\"version\": \"2\"}}",
                "\"b\""
            ),
            "2"
        );
    }

    #[test]
    fn every_version_follows_the_wit_package() {
        let root = crate::util::workspace_root();
        let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap();
        let world = read("wit/world.wit");
        let version = wit_version(&world);
        let article = read("article/wit/world.wit");
        assert!(
            article.contains(&format!("package memkit:article@{version};")),
            "article/wit/world.wit"
        );
        for manifest in [
            "Cargo.toml",
            "memkit-bindings/Cargo.toml",
            "article/Cargo.toml",
            "memkit-alloc/Cargo.toml",
            "memkit-components/Cargo.toml",
        ] {
            let crate_version = read(manifest)
                .split_once("[package]")
                .and_then(|(_, package)| package.split_once("version = \""))
                .and_then(|(_, rest)| rest.split_once('"'))
                .map(|(version, _)| version.to_string());
            assert_eq!(crate_version.as_deref(), Some(version), "{manifest}");
        }
        let package = read("js/package.json");
        assert_eq!(json_version(&package, "{"), version, "js/package.json");
        let lock = read("js/package-lock.json");
        assert_eq!(json_version(&lock, "{"), version, "js/package-lock.json");
        assert_eq!(
            json_version(&lock, "\"packages\""),
            version,
            "js/package-lock.json"
        );
        let bench_lock = read("bench/node/package-lock.json");
        assert_eq!(
            json_version(&bench_lock, "\"../../js\""),
            version,
            "bench/node/package-lock.json"
        );
        let mut named = 0;
        for path in tracked_files(&root) {
            let Ok(text) = std::fs::read_to_string(root.join(&path)) else {
                continue; // not text
            };
            for found in named_versions(&text) {
                assert_eq!(
                    found, version,
                    "{path} names version {found} of a memkit package"
                );
                named += 1;
            }
        }
        assert!(named >= 10, "only {named} mentions of memkit:core@ found");
    }
}
