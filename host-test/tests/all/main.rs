//! Host tests: memkit.wasm and memkit-article.wasm in wasmtime, one module per WIT interface. Every `Host` is a leak
//! guard (see `host_test::Host`), so each test also proves it gave back what it allocated.

mod article_pressure;
mod bytes;
mod checksums;
mod chunks;
mod composed;
mod floats;
mod lowering;
mod memory;
mod people;
mod points;
mod pools;
mod pressure;
mod readme;
mod records;
mod stateful;
mod streams;
mod tenants;
mod text;
