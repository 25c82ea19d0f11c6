//! A `wasi:http` 0.2 service that checks streams of binary records with memkit:
//! `POST /records?checksum=crc32c|sum32`. The request body is read a frame at a time and fed
//! to memkit's `record-reader` as it arrives; the answer is JSON. Built for `wasm32-wasip2`,
//! composed with memkit by `cargo xtask compose`, served by `wasmtime serve`.
//!
//! Answers: 200 `{"records","payload_bytes"}` for a valid stream; 400 with `"error"` (memkit's
//! decode error) and `"offset"` (where the bad or partial record starts) for a bad one, or for
//! an unknown `checksum`; 413 past [`MAX_BODY`]; 503 when memkit runs out of memory; 405 for
//! another method on `/records`; 404 elsewhere.

#[cfg(all(target_arch = "wasm32", target_os = "wasi"))]
mod service;

/// `#[wstd::http_server]` makes this the export of `wasi:http/incoming-handler`.
#[cfg(all(target_arch = "wasm32", target_os = "wasi"))]
#[wstd::http_server]
async fn main(
    request: wstd::http::Request<wstd::http::body::Body>,
) -> Result<wstd::http::Response<wstd::http::body::Body>, wstd::http::Error> {
    service::handle(request).await
}

#[cfg(not(all(target_arch = "wasm32", target_os = "wasi")))]
fn main() {
    eprintln!("record-service is a wasi:http component: `cargo xtask compose` builds it for wasm32-wasip2");
}
