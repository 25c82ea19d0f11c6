//! A wasi:http 0.3 service that checks streams of binary records with memkit:
//! `POST /records?checksum=crc32c|sum32`. The handler passes the request body, a `stream<u8>`,
//! to memkit's `hash-through` (CRC-32C), and the stream that comes out of it to `read-records`:
//! memkit reads the body once, a large piece at a time, and the service has no read loop of its
//! own; it reads memkit's frames to count them. Built for `wasm32-wasip2` with the `wasip3`
//! crate, composed with `memkit-async.wasm` by `cargo xtask compose`, served by `wasmtime serve`
//! (WASI 0.3 is on by default there). `src/main.rs` is the same service on wasi:http 0.2.
//!
//! Answers (`src/answer.rs`), the same from both:
//! - 200 `{"records","payload_bytes"}` for a valid stream, with an `x-amz-checksum-crc32c`
//!   header: the base64 of the body's big-endian CRC-32C, as S3 answers an upload;
//! - 400 with `"error"` (memkit's decode error) and `"offset"` (where the bad or cut-off record
//!   starts) for a bad stream, or for an unknown `checksum`;
//! - 413 for a declared `content-length` over 16 MiB, before anything is read, and for a body
//!   without one once the records read pass 16 MiB (memkit stops reading it);
//! - 503 when memkit runs out of memory; 405 for another method on `/records`; 404 elsewhere.
//!
//! The checksum header is computed from the whole body, and a header must be known before the
//! response's head is sent: so the handler returns its response only once memkit's futures
//! (the framing outcome, the digest) have resolved, at the end of the body. The answer waits
//! for the whole body anyway: its status and counts depend on every record. (The response body,
//! a few bytes of JSON, is then written by a task of its own.)

#[cfg(all(target_arch = "wasm32", target_os = "wasi"))]
mod answer;
#[cfg(all(target_arch = "wasm32", target_os = "wasi"))]
mod service;

/// memkit's interfaces, from `wit/deps`, which `wkg fetch` fills from a registry (`wkg.toml`).
#[cfg(all(target_arch = "wasm32", target_os = "wasi"))]
mod bindings {
    wit_bindgen::generate!({ path: "wit", world: "record-service", generate_all });
}
