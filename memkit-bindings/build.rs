//! Derives the bindings from wit/: a world that imports every interface memkit's world
//! exports (nothing here names one, so an interface added to wit/world.wit is bound without
//! an edit), and the `generate!` macro for consumers, which needs wit/'s absolute path.

use std::fmt::Write as _;
use std::path::PathBuf;

use wit_parser::{Resolve, WorldKey};

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let wit = manifest_dir.join("wit");
    // `async` adds `streams`, which only the `memkit-async` world exports.
    let world_name = if std::env::var_os("CARGO_FEATURE_ASYNC").is_some() {
        "memkit-async"
    } else {
        "memkit"
    };

    let mut resolve = Resolve::default();
    let (package, sources) = resolve.push_dir(&wit).expect("memkit's WIT in wit/ parses");
    for path in sources.paths() {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    let world = resolve
        .select_world(&[package], Some(world_name))
        .expect("wit/ defines memkit's worlds");
    let interfaces: Vec<String> = resolve.worlds[world]
        .exports
        .keys()
        .filter_map(|key| match key {
            WorldKey::Interface(id) => resolve.id_of(*id),
            WorldKey::Name(_) => None,
        })
        .collect();

    let mut world_wit = String::from("package memkit:bindings;\n\nworld imports {\n");
    for interface in &interfaces {
        writeln!(world_wit, "  import {interface};").unwrap();
    }
    world_wit.push_str("}\n");

    // The absolute path of wit/ goes into the macro, as wit-bindgen takes only a literal path
    // and a consumer's `generate!` runs in the consumer's directory.
    let wit_path = wit.to_str().expect("the crate's path is UTF-8");
    let bindings = format!(
        r#"wit_bindgen::generate!({{
    inline: {world_wit:?},
    path: "wit",
    generate_all,
}});

/// [`wit_bindgen::generate!`] for a world of your own that imports memkit, with memkit's WIT
/// found in this crate: your `wit/` holds only your own packages.
///
/// Takes wit-bindgen's options; your WIT is `path` (`"wit"` when left out) or `inline`, either
/// of which comes first when given. Your WIT `use`s and imports memkit's interfaces by name
/// and version (`memkit:core/records@0.4.0`). Name a world of `path` with its package
/// (`world: "my:component/my-world"`), as memkit's package is found too. Map each memkit
/// interface your world reaches to this crate's module with `with`
/// (`"memkit:core/records@0.4.0": memkit_bindings::memkit::core::records`), so that your
/// bindings use these types; wit-bindgen names any interface missing from, or needless in,
/// the map.
#[macro_export]
macro_rules! generate {{
    (@paths [$path:literal] $($option:tt)*) => {{
        $crate::wit_bindgen::generate!({{
            path: [{wit_path:?}, $path],
            runtime_path: "::memkit_bindings::wit_bindgen::rt",
            $($option)*
        }});
    }};
    ({{ inline: $inline:literal, $($option:tt)* }}) => {{
        $crate::wit_bindgen::generate!({{
            path: {wit_path:?},
            inline: $inline,
            runtime_path: "::memkit_bindings::wit_bindgen::rt",
            $($option)*
        }});
    }};
    ({{ path: $path:literal, $($option:tt)* }}) => {{
        $crate::generate!(@paths [$path] $($option)*);
    }};
    ({{ $($option:tt)* }}) => {{
        $crate::generate!(@paths ["wit"] $($option)*);
    }};
}}
"#
    );
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap()).join("bindings.rs");
    std::fs::write(out, bindings).unwrap();
}
