//! The components `cargo xtask build` writes, defined once for xtask (which builds them) and
//! host-test (which runs them): each one's WIT world, the crate and features it is built from,
//! its file in the target directory, and the environment variable that points a host at
//! another file of it.

use std::path::{Path, PathBuf};

/// A component memkit builds.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Component {
    /// World `memkit:core/memkit`, the data plane: synchronous, what jco transpiles and most
    /// hosts run. `memkit.wasm`.
    #[default]
    Memkit,
    /// World `memkit:core/memkit-async`: `memkit` and `streams` (WASI 0.3 streams), for hosts
    /// with component-model async. `memkit-async.wasm`, from the same crate with the
    /// `memkit-async` feature.
    MemkitAsync,
    /// World `memkit:article/article`, the tutorial article's examples. `memkit-article.wasm`.
    Article,
}

impl Component {
    /// Every component, in build order.
    pub const ALL: [Component; 3] = [
        Component::Memkit,
        Component::MemkitAsync,
        Component::Article,
    ];

    /// The component's name: its file is `<name>.wasm`, and its package in a registry is
    /// `memkit:<name>`.
    pub fn name(self) -> &'static str {
        match self {
            Component::Memkit => "memkit",
            Component::MemkitAsync => "memkit-async",
            Component::Article => "memkit-article",
        }
    }

    /// Its WIT world, fully qualified.
    pub fn world(self) -> &'static str {
        match self {
            Component::Memkit => "memkit:core/memkit",
            Component::MemkitAsync => "memkit:core/memkit-async",
            Component::Article => "memkit:article/article",
        }
    }

    /// The cargo package its core module is built from.
    pub fn package(self) -> &'static str {
        match self {
            Component::Memkit | Component::MemkitAsync => "memkit",
            Component::Article => "memkit-article",
        }
    }

    /// The directory of that package, relative to the workspace root (`""` is the root).
    pub fn package_dir(self) -> &'static str {
        match self {
            Component::Memkit | Component::MemkitAsync => "",
            Component::Article => "article",
        }
    }

    /// The directory of its WIT package, relative to the workspace root.
    pub fn wit_dir(self) -> &'static str {
        match self {
            Component::Memkit | Component::MemkitAsync => "wit",
            Component::Article => "article/wit",
        }
    }

    /// The cargo features it is built with.
    pub fn features(self) -> &'static [&'static str] {
        match self {
            Component::MemkitAsync => &["memkit-async"],
            Component::Memkit | Component::Article => &[],
        }
    }

    /// The name of the core module cargo writes for [`Component::package`] (`memkit.wasm`,
    /// `memkit_article.wasm`).
    pub fn module_file(self) -> String {
        format!("{}.wasm", self.package().replace('-', "_"))
    }

    /// Whether it uses component-model async (so a wasmtime host needs concurrency support).
    pub fn is_async(self) -> bool {
        self == Component::MemkitAsync
    }

    /// The environment variable that names another file of it for the hosts:
    /// `MEMKIT_WASM`, `MEMKIT_ASYNC_WASM`, `MEMKIT_ARTICLE_WASM`.
    pub fn env_var(self) -> String {
        format!("{}_WASM", self.name().to_uppercase().replace('-', "_"))
    }

    /// `<target>/<name>.wasm`, where `cargo xtask build` writes it.
    pub fn path_in(self, target: &Path) -> PathBuf {
        target.join(format!("{}.wasm", self.name()))
    }

    /// The file a host runs: [`Component::env_var`] when it is set, else
    /// [`Component::path_in`] `target`.
    pub fn path_for_host(self, target: &Path) -> PathBuf {
        std::env::var_os(self.env_var())
            .map(PathBuf::from)
            .unwrap_or_else(|| self.path_in(target))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_files_and_variables() {
        let names: Vec<_> = Component::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(names, ["memkit", "memkit-async", "memkit-article"]);
        assert_eq!(Component::Article.env_var(), "MEMKIT_ARTICLE_WASM");
        assert_eq!(Component::MemkitAsync.env_var(), "MEMKIT_ASYNC_WASM");
        assert_eq!(Component::Article.module_file(), "memkit_article.wasm");
        assert_eq!(
            Component::Memkit.path_in(Path::new("t")),
            Path::new("t/memkit.wasm")
        );
    }
}
