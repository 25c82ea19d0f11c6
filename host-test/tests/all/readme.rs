//! The README's Rust host snippet, run as written: from the `use` lines to the end (an xtask
//! test checks that the README's block is this file's).

use wasmtime::component::{Component, Linker};
use wasmtime::{Engine, Store};

// memkit's WIT: the repository's `wit/` (a host of its own: the `wit/deps` `wkg fetch` writes).
wasmtime::component::bindgen!({ path: "../wit", world: "memkit" });

#[test]
fn readme_rust_host() -> wasmtime::Result<()> {
    let engine = Engine::default();
    let component = Component::from_file(&engine, host_test::component_path())?;
    let mut store = Store::new(&engine, ());
    let memkit = Memkit::instantiate(&mut store, &component, &Linker::new(&engine))?;
    let bytes = memkit.memkit_core_bytes().byte_buffer();
    let buffer = bytes.call_from_list(&mut store, b"hello")?;
    bytes.call_append(&mut store, buffer, b" world")??;
    assert_eq!(bytes.call_read(&mut store, buffer, 6, 5)??, b"world");
    assert!(bytes.call_read(&mut store, buffer, u32::MAX, 2)?.is_err()); // out-of-bounds, no trap
    buffer.resource_drop(&mut store)?;
    Ok(())
}
