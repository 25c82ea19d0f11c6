//! `cargo xtask publish --registry <host:port>`: memkit on an OCI registry, with `wkg publish`:
//! - the WIT packages `memkit:core@<version>` (both worlds, every interface) and
//!   `memkit:article@<version>`, which component authors get with `wkg fetch`;
//! - the components, `memkit:memkit@<version>`, `memkit:memkit-async@<version>` and
//!   `memkit:memkit-article@<version>`, which hosts and compositions get by reference
//!   (`<registry>/memkit/memkit:<version>`).
//!
//! Each carries the metadata that `wkg publish` turns into OCI annotations (description,
//! licenses, source, version), read from its crate's Cargo.toml, and is refused before it is
//! pushed if it does not validate, or if the registry already holds its version.
//! wkg finds the registry's protocol and credentials in its own configuration (`--config`,
//! `$WKG_CONFIG_FILE`, or `~/.config/wasm-pkg/config.toml`).

use std::path::{Path, PathBuf};
use std::process::Command;

use wasm_metadata::AddMetadataField;

use crate::build::{build, built, Component};
use crate::util::{ensure_wkg, run, target_dir, workspace_root, Result};

/// What a published package says about itself: its crate's `[package]` and the workspace's
/// `[workspace.package]` in the root Cargo.toml.
#[derive(Debug, PartialEq)]
pub struct PackageMetadata {
    pub description: String,
    pub license: String,
    pub repository: String,
    pub version: String,
}

impl PackageMetadata {
    /// Reads the Cargo.toml of `component`'s crate, and the root one.
    pub fn read(component: Component) -> Result<Self> {
        let read =
            |dir: &str| std::fs::read_to_string(workspace_root().join(dir).join("Cargo.toml"));
        Self::parse(&read(component.package_dir())?, &read("")?)
    }

    /// The one-line string values `description` and `version` of `[package]` in `package_toml`,
    /// `license` and `repository` of `[workspace.package]` in `workspace_toml` (the crates' own
    /// say `.workspace = true`).
    pub fn parse(package_toml: &str, workspace_toml: &str) -> Result<Self> {
        let value = |table: &str, key: &str| -> Result<String> {
            let header = format!("[{table}]");
            let cargo_toml = if table == "package" {
                package_toml
            } else {
                workspace_toml
            };
            cargo_toml
                .lines()
                .map(str::trim)
                .skip_while(|line| *line != header)
                .skip(1)
                .take_while(|line| !line.starts_with('['))
                .find_map(|line| {
                    let (name, value) = line.split_once('=')?;
                    let value = value.trim();
                    (name.trim() == key && value.len() >= 2 && value.starts_with('"'))
                        .then(|| value.trim_matches('"').to_string())
                })
                .ok_or_else(|| format!("Cargo.toml: no `{key} = \"…\"` in {header}").into())
        };
        Ok(Self {
            description: value("package", "description")?,
            license: value("workspace.package", "license")?,
            repository: value("workspace.package", "repository")?,
            version: value("package", "version")?,
        })
    }

    /// Adds the metadata (and `name` in the name section) to a component or an encoded WIT
    /// package.
    pub fn add_to(&self, name: &str, wasm: &[u8]) -> Result<Vec<u8>> {
        let mut add = wasm_metadata::AddMetadata::default();
        add.name = AddMetadataField::Set(name.to_string());
        add.description =
            AddMetadataField::Set(wasm_metadata::Description::new(self.description.clone()));
        add.licenses = AddMetadataField::Set(wasm_metadata::Licenses::new(&self.license)?);
        add.source = AddMetadataField::Set(wasm_metadata::Source::new(&self.repository)?);
        add.version = AddMetadataField::Set(wasm_metadata::Version::new(self.version.clone()));
        Ok(add.to_wasm(wasm)?)
    }
}

/// How `wkg` runs: with the user's own configuration and cache, or (for the tests' local
/// registry) with a configuration and cache of their own.
#[derive(Default)]
pub struct Wkg {
    pub config: Option<PathBuf>,
    pub cache: Option<PathBuf>,
    /// The registry `wkg oci` speaks plain HTTP to (`$WKG_OCI_INSECURE`).
    pub oci_insecure: Option<String>,
}

impl Wkg {
    /// `wkg <args>` in `dir`, with this configuration and cache.
    pub fn command(&self, dir: &Path) -> Command {
        let mut command = Command::new("wkg");
        command.current_dir(dir);
        if let Some(config) = &self.config {
            command.env("WKG_CONFIG_FILE", config);
        }
        if let Some(cache) = &self.cache {
            command.env("WKG_CACHE_DIR", cache);
        }
        if let Some(registry) = &self.oci_insecure {
            command.env("WKG_OCI_INSECURE", registry);
        }
        command
    }
}

/// A registry to publish to and get from, and the wkg that reaches it.
pub struct Registry {
    /// Its name in wkg's configuration, what `wkg publish --registry` takes.
    pub name: String,
    /// Its OCI address, `host[:port]`, what references start with. The same as `name` unless
    /// wkg's configuration maps a name to an address.
    pub address: String,
    pub wkg: Wkg,
}

/// The package name a component is published under: `memkit:<name>`.
pub fn component_package(component: Component) -> String {
    format!("memkit:{}", component.name())
}

/// The WIT packages memkit publishes, by the component whose crate describes each.
pub const WIT_PACKAGES: [Component; 2] = [Component::Memkit, Component::Article];

/// Builds and validates the components, then publishes the WIT packages and the components.
pub fn publish(registry: &str) -> Result {
    ensure_wkg()?;
    build()?;
    let registry = Registry {
        name: registry.to_string(),
        address: registry.to_string(),
        wkg: Wkg::default(),
    };
    publish_built(&registry, &workspace_root())
}

/// Publishes the WIT packages read from `root` (the repository, or a copy of it) and the
/// components `cargo xtask build` wrote.
pub fn publish_built(registry: &Registry, root: &Path) -> Result {
    for package in WIT_PACKAGES {
        publish_wit_package(
            registry,
            &root.join(package.wit_dir()),
            &PackageMetadata::read(package)?,
        )?;
    }
    for component in Component::ALL {
        push_component(
            registry,
            component,
            &PackageMetadata::read(component)?.version,
        )?;
    }
    Ok(())
}

/// Encodes the WIT package in `wit_dir` with `metadata` and publishes it with `wkg publish`,
/// which refuses a version the registry already has.
pub fn publish_wit_package(
    registry: &Registry,
    wit_dir: &Path,
    metadata: &PackageMetadata,
) -> Result {
    let (name, wit_package) = encode_wit_package(wit_dir, metadata)?;
    let out = target_dir().join("publish");
    std::fs::create_dir_all(&out)?;
    let path = out.join(format!("{}.wasm", name.replace([':', '@'], "_")));
    std::fs::write(&path, &wit_package)?;
    run(registry
        .wkg
        .command(&workspace_root())
        .args(["publish", "--registry", &registry.name])
        .arg(&path))
}

/// The OCI reference of `package` (`memkit:memkit`) at `version` on `registry`, as wkg maps a
/// package name: `<registry>/memkit/memkit:<version>`.
pub fn reference(registry: &str, package: &str, version: &str) -> String {
    format!("{registry}/{}:{version}", package.replace(':', "/"))
}

/// Pushes `component` with `wkg oci push`, its metadata as the OCI annotations that
/// `wkg publish` would write. wkg 0.16.1's `publish` cannot publish a component under a name
/// of its own: it reads the name from the component's world (`root:component`, which has no
/// version) before it applies `--package` (fixed after 0.16.1, wasm-pkg-tools #250). A
/// registry overwrites a tag it already has, so the version is first looked for (a pull of
/// the reference) and refused when it is there, as `wkg publish` refuses it.
pub fn push_component(registry: &Registry, component: Component, version: &str) -> Result {
    let path = built(component);
    let bytes = std::fs::read(&path)?;
    validate(&bytes)?;
    let reference = reference(&registry.address, &component_package(component), version);
    let probe = target_dir().join(format!("{}-probe.wasm", component.name()));
    let probed = registry
        .wkg
        .command(&workspace_root())
        .args(["oci", "pull", &reference, "--output"])
        .arg(&probe)
        .output()
        .map_err(|e| format!("cannot run wkg: {e}"))?;
    let _ = std::fs::remove_file(&probe);
    if probed.status.success() {
        return Err(format!("{reference} is already published: refused").into());
    }
    let payload = wasm_metadata::Payload::from_binary(&bytes)?;
    let metadata = payload.metadata();
    let annotations = [
        (
            "description",
            metadata.description.as_ref().map(ToString::to_string),
        ),
        (
            "licenses",
            metadata.licenses.as_ref().map(ToString::to_string),
        ),
        ("source", metadata.source.as_ref().map(ToString::to_string)),
        (
            "version",
            metadata.version.as_ref().map(ToString::to_string),
        ),
    ];
    let mut command = registry.wkg.command(&workspace_root());
    command.args(["oci", "push", &reference]).arg(&path);
    for (key, value) in annotations {
        let value = value.ok_or_else(|| format!("{}: no {key} in its metadata", path.display()))?;
        command
            .arg("--annotation")
            .arg(format!("org.opencontainers.image.{key}={value}"));
    }
    run(&mut command)
}

/// The WIT package in `wit_dir` encoded as a component (what `wkg wit build` writes), with the
/// metadata, validated and decoded again; returns its name (`memkit:core@0.4.0`) and bytes.
pub fn encode_wit_package(wit_dir: &Path, metadata: &PackageMetadata) -> Result<(String, Vec<u8>)> {
    let mut resolve = wit_parser::Resolve::default();
    let (package, _) = resolve.push_dir(wit_dir)?;
    let name = resolve.packages[package].name.to_string();
    let encoded = wit_component::encode(&resolve, package, false)?;
    let with_metadata = metadata.add_to(&resolve.packages[package].name.name, &encoded)?;
    validate(&with_metadata)?;
    match wit_component::decode(&with_metadata)? {
        wit_component::DecodedWasm::WitPackage(decoded, id)
            if decoded.packages[id].name.to_string() == name => {}
        _ => {
            return Err(format!("{name}: the encoded WIT package does not decode as itself").into())
        }
    }
    Ok((name, with_metadata))
}

/// Refuses a component or WIT package that does not validate.
fn validate(wasm: &[u8]) -> Result {
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all()).validate_all(wasm)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_comes_from_cargo_toml() {
        for component in [Component::Memkit, Component::Article] {
            let metadata = PackageMetadata::read(component).unwrap();
            let cargo_toml = std::fs::read_to_string(
                workspace_root()
                    .join(component.package_dir())
                    .join("Cargo.toml"),
            )
            .unwrap();
            assert!(cargo_toml.contains(&format!("version = \"{}\"", metadata.version)));
            assert!(cargo_toml.contains(&metadata.description), "{metadata:?}");
            assert_eq!(metadata.license, "MIT OR Apache-2.0");
            assert!(metadata.repository.starts_with("https://"), "{metadata:?}");
        }
        let package = "[package]\nversion = \"1.0.0\"\n";
        assert!(PackageMetadata::parse(package, "").is_err());
    }

    /// Each WIT package carries the metadata wkg reads, and its own name and version.
    #[test]
    fn the_wit_packages_carry_their_metadata() {
        for (component, package) in WIT_PACKAGES
            .into_iter()
            .zip(["memkit:core", "memkit:article"])
        {
            wit_package_carries_its_metadata(component, package);
        }
    }

    fn wit_package_carries_its_metadata(component: Component, package: &str) {
        let metadata = PackageMetadata::read(component).unwrap();
        let (name, wasm) =
            encode_wit_package(&workspace_root().join(component.wit_dir()), &metadata).unwrap();
        assert_eq!(name, format!("{package}@{}", metadata.version));
        let payload = wasm_metadata::Payload::from_binary(&wasm).unwrap();
        let read = payload.metadata();
        assert_eq!(
            read.description.as_ref().map(ToString::to_string),
            Some(metadata.description.clone())
        );
        assert_eq!(
            read.licenses.as_ref().map(ToString::to_string),
            Some(metadata.license.clone())
        );
        assert_eq!(
            read.source.as_ref().map(ToString::to_string),
            Some(metadata.repository.clone())
        );
        assert_eq!(
            read.version.as_ref().map(ToString::to_string),
            Some(metadata.version.clone())
        );
    }

    #[test]
    fn what_does_not_validate_is_refused() {
        assert!(validate(b"\0asm\x0d\0\x01\0\xff").is_err());
    }
}
