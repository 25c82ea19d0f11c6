//! The wasi:http 0.2 build of the service (the binary `record-service-p2`), for hosts without
//! component-model async: wasmtime serve built without it, and Spin and wasmCloud today. It
//! answers as the 0.3 service (`lib.rs`, which documents the answers): the body is read a
//! frame at a time, each piece fed to memkit's `record-reader` and to a CRC-32C `hasher`, one
//! call each per piece. Composed with the synchronous `memkit.wasm`.

#[cfg(all(target_arch = "wasm32", target_os = "wasi"))]
mod answer;
#[cfg(all(target_arch = "wasm32", target_os = "wasi"))]
mod service_p2;

/// memkit's interfaces, from `wit/deps`, which `wkg fetch` fills from a registry (`wkg.toml`).
#[cfg(all(target_arch = "wasm32", target_os = "wasi"))]
mod bindings {
    wit_bindgen::generate!({ path: "wit", world: "record-service-p2", generate_all });
}

/// `#[wstd::http_server]` makes this the export of `wasi:http/incoming-handler`.
#[cfg(all(target_arch = "wasm32", target_os = "wasi"))]
#[wstd::http_server]
async fn main(
    request: wstd::http::Request<wstd::http::body::Body>,
) -> Result<wstd::http::Response<wstd::http::body::Body>, wstd::http::Error> {
    service_p2::handle(request).await
}

#[cfg(not(all(target_arch = "wasm32", target_os = "wasi")))]
fn main() {
    eprintln!("record-service-p2 is a wasi:http component: `cargo xtask compose` builds it for wasm32-wasip2");
}
