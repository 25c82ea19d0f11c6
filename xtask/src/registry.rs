//! A local OCI registry, Debian's `docker-registry` (distribution 2.8) on 127.0.0.1 over plain
//! HTTP, with its configuration and storage in a temporary directory: memkit is published to
//! it, and the examples get memkit from it as a user would, with `wkg` and nothing else:
//! - each example with a `wkg.toml` fetches its WIT dependencies (`wkg fetch`, which
//!   checks them against its `wkg.lock`) into its `wit/deps`;
//! - the components are pulled by reference (`wkg oci pull`) for `cargo xtask compose`.
//!
//! The registry stops when its [`LocalRegistry`] is dropped, also when a step fails.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::build::{built, Component};
use crate::publish::{
    component_package, publish_built, publish_wit_package, push_component, reference,
    PackageMetadata, Registry, Wkg,
};
use crate::util::{ensure_wkg, run, target_dir, workspace_root, Result};

/// Debian's OCI registry (the `docker-registry` package).
const DOCKER_REGISTRY: &str = "/usr/bin/docker-registry";

/// Installs Debian's docker-registry when it is missing. The package's own service is not
/// started (nor needed): each run starts one with its own configuration.
fn ensure_docker_registry() -> Result {
    if Path::new(DOCKER_REGISTRY).exists() {
        return Ok(());
    }
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args([
            "install",
            "-y",
            "--no-install-recommends",
            "docker-registry",
        ])
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

/// The local registry's name in wkg's configuration, which the examples' `wkg.lock` record:
/// the same on every run, whatever port the registry listens on.
const REGISTRY_NAME: &str = "memkit-local";

/// A running registry and the wkg configuration that reaches it. Dropping it stops the
/// registry and removes its directory.
pub struct LocalRegistry {
    process: Child,
    dir: PathBuf,
    /// Named [`REGISTRY_NAME`], at `127.0.0.1:<port>`; its wkg has a configuration that maps
    /// the `memkit` namespace to it over HTTP, and a cache of its own, so that every fetch goes
    /// to the registry.
    pub registry: Registry,
}

impl LocalRegistry {
    /// Starts a registry on a free port of 127.0.0.1 and waits until it answers.
    pub fn start() -> Result<Self> {
        ensure_docker_registry()?;
        let dir = std::env::temp_dir().join(format!("memkit-registry-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let address = format!("127.0.0.1:{port}");
        let config = dir.join("registry.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {}\n\
                 http:\n  addr: {address}\n",
                dir.join("storage").display()
            ),
        )?;
        let log = std::fs::File::create(dir.join("registry.log"))?;
        eprintln!("xtask: $ {DOCKER_REGISTRY} serve {}", config.display());
        let process = Command::new(DOCKER_REGISTRY)
            .arg("serve")
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot start {DOCKER_REGISTRY}: {e}"))?;
        let wkg_config = dir.join("wkg-config.toml");
        std::fs::write(
            &wkg_config,
            format!(
                "[namespace_registries]\nmemkit = {{ registry = \"{REGISTRY_NAME}\", metadata = {{ \
                 preferredProtocol = \"oci\", oci = {{ registry = \"{address}\" }} }} }}\n\n\
                 [registry.\"{REGISTRY_NAME}\".oci]\nprotocol = \"http\"\n"
            ),
        )?;
        let mut registry = Self {
            process,
            registry: Registry {
                name: REGISTRY_NAME.to_string(),
                wkg: Wkg {
                    config: Some(wkg_config),
                    cache: Some(dir.join("wkg-cache")),
                    oci_insecure: Some(address.clone()),
                },
                address,
            },
            dir,
        };
        registry.wait_until_ready()?;
        Ok(registry)
    }

    /// Polls `GET /v2/` (the OCI distribution API's base) until it answers 200.
    fn wait_until_ready(&mut self) -> Result {
        let started = Instant::now();
        loop {
            if let Some(status) = self.process.try_wait()? {
                let log =
                    std::fs::read_to_string(self.dir.join("registry.log")).unwrap_or_default();
                return Err(format!("the registry exited ({status}): {log}").into());
            }
            if self.answers_base() {
                eprintln!("xtask: registry up on {}", self.registry.address);
                return Ok(());
            }
            if started.elapsed() > Duration::from_secs(20) {
                return Err(format!(
                    "the registry on {} did not answer in 20 s",
                    self.registry.address
                )
                .into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn answers_base(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(&self.registry.address) else {
            return false;
        };
        let request = format!(
            "GET /v2/ HTTP/1.0\r\nHost: {}\r\n\r\n",
            self.registry.address
        );
        let mut answer = String::new();
        stream.write_all(request.as_bytes()).is_ok()
            && stream.read_to_string(&mut answer).is_ok()
            && answer.starts_with("HTTP/1.0 200") | answer.starts_with("HTTP/1.1 200")
    }

    /// `wkg oci pull` of `reference` into `output`, over HTTP to this registry.
    pub fn pull(&self, reference: &str, output: &Path) -> Result {
        run(self
            .registry
            .wkg
            .command(&workspace_root())
            .args([
                "oci",
                "pull",
                "--insecure",
                &self.registry.address,
                reference,
                "--output",
            ])
            .arg(output))
    }
}

impl Drop for LocalRegistry {
    fn drop(&mut self) {
        // The registry is ours, started by `start`: stopped by its id.
        let _ = self.process.kill();
        let _ = self.process.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
        eprintln!("xtask: registry on {} stopped", self.registry.address);
    }
}

/// The examples that get memkit's WIT from a registry: those with a `wkg.toml`.
pub fn wit_consumers() -> Result<Vec<PathBuf>> {
    let mut examples = Vec::new();
    for entry in std::fs::read_dir(workspace_root().join("examples"))? {
        let path = entry?.path();
        if path.join("wkg.toml").is_file() {
            examples.push(path);
        }
    }
    examples.sort();
    Ok(examples)
}

/// Where [`publish_and_consume`] writes the pulled components, `<name>.wasm` as `cargo xtask
/// build` names them.
pub fn pulled_dir() -> PathBuf {
    target_dir().join("pulled")
}

/// Starts a registry, publishes the built memkit to it, then, as a consumer, fetches every
/// example's WIT dependencies and pulls every component into [`pulled_dir`]. Returns the
/// registry, still running, for more checks.
pub fn publish_and_consume() -> Result<LocalRegistry> {
    ensure_wkg()?;
    let local = LocalRegistry::start()?;
    let registry = &local.registry;
    publish_built(registry, &workspace_root())?;
    let started = Instant::now();
    for example in wit_consumers()? {
        // A consumer starts without them: what the example builds with is what was fetched.
        let deps = example.join("wit").join("deps");
        if deps.exists() {
            std::fs::remove_dir_all(&deps)?;
        }
        run(registry.wkg.command(&example).arg("fetch")).map_err(|error| {
            format!(
                "{error}: a digest that differs from wkg.lock's means wit/ changed since the lock \
                 was written; delete {}/wkg.lock and run `cargo xtask compose` to write it again",
                example.display()
            )
        })?;
    }
    let fetched = started.elapsed();
    let started = Instant::now();
    std::fs::create_dir_all(pulled_dir())?;
    for component in Component::ALL {
        let version = PackageMetadata::read(component)?.version;
        let output = component.path_in(&pulled_dir());
        local.pull(
            &reference(&registry.address, &component_package(component), &version),
            &output,
        )?;
        if std::fs::read(&output)? != std::fs::read(built(component))? {
            return Err(format!(
                "{}: the pulled component is not the one published",
                output.display()
            )
            .into());
        }
    }
    eprintln!(
        "xtask: from the registry: `wkg fetch` for {} examples {:.2} s, the pull of {} components {:.2} s",
        wit_consumers()?.len(),
        fetched.as_secs_f64(),
        Component::ALL.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(local)
}

/// What a registry must refuse and resolve: a second publish of the same version is refused,
/// and a newer version (a copy of `wit/` as `<major>.<minor>.<patch + 1>`, published to this
/// registry only) is what `wkg get` of the unversioned package resolves to.
pub fn check_versions(local: &LocalRegistry) -> Result {
    let registry = &local.registry;
    let wit = workspace_root().join("wit");
    let metadata = PackageMetadata::read(Component::Memkit)?;
    let version = metadata.version.clone();
    if publish_wit_package(registry, &wit, &metadata).is_ok() {
        return Err(format!("publishing memkit:core@{version} again was accepted").into());
    }
    for component in Component::ALL {
        if push_component(registry, component, &version).is_ok() {
            return Err(format!(
                "pushing {}@{version} again was accepted",
                component_package(component)
            )
            .into());
        }
    }
    eprintln!("xtask: the second publish of {version}, WIT package and components, was refused, as it must be");
    let newer = next_patch(&version)?;
    let newer_wit = target_dir().join("publish").join(format!("wit-{newer}"));
    if newer_wit.exists() {
        std::fs::remove_dir_all(&newer_wit)?;
    }
    std::fs::create_dir_all(&newer_wit)?;
    for entry in std::fs::read_dir(&wit)? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "wit") {
            let text = std::fs::read_to_string(&path)?.replace(
                &format!("package memkit:core@{version};"),
                &format!("package memkit:core@{newer};"),
            );
            std::fs::write(newer_wit.join(path.file_name().expect("a file")), text)?;
        }
    }
    let newer_metadata = PackageMetadata {
        version: newer.clone(),
        ..metadata
    };
    publish_wit_package(registry, &newer_wit, &newer_metadata)?;
    let got = newer_wit.join("got");
    std::fs::create_dir_all(&got)?;
    run(registry
        .wkg
        .command(&got)
        .args([
            "get",
            "--registry",
            &registry.name,
            "memkit:core",
            "--output",
        ])
        .arg(format!("{}/", got.display())))?;
    let names: Vec<String> = std::fs::read_dir(&got)?
        .map(|entry| Ok(entry?.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_>>()?;
    if names.len() != 1 || !names[0].contains(&format!("@{newer}")) {
        return Err(format!("`wkg get memkit:core` got {names:?}, not memkit:core@{newer}").into());
    }
    eprintln!(
        "xtask: `wkg get memkit:core` resolved the newer memkit:core@{newer}: {}",
        names[0]
    );
    Ok(())
}

/// `1.2.3` → `1.2.4`.
fn next_patch(version: &str) -> Result<String> {
    let (rest, patch) = version
        .rsplit_once('.')
        .ok_or_else(|| format!("version {version} has no patch number"))?;
    let patch: u64 = patch
        .parse()
        .map_err(|_| format!("version {version}: the patch is not a number"))?;
    Ok(format!("{rest}.{}", patch + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_patch() {
        assert_eq!(next_patch("0.4.0").unwrap(), "0.4.1");
        assert_eq!(next_patch("1.2.9").unwrap(), "1.2.10");
        assert!(next_patch("1").is_err());
        assert!(next_patch("1.2.x").is_err());
    }

    /// The examples that compose with memkit and build from WIT get it from the registry.
    #[test]
    fn the_examples_fetch_their_wit() {
        let names: Vec<String> = wit_consumers()
            .unwrap()
            .iter()
            .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["python-guest", "record-service"]);
    }
}
