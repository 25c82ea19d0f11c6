// Base64 (RFC 4648, padded), the form in which HTTP headers carry a digest: S3's
// `x-amz-checksum-crc32c`, `-crc64nvme`, `-sha256`…, tus's `Upload-Checksum`, `Content-MD5`.
// Built on `btoa` and `atob`, which Node 16+ and every browser have; `Uint8Array`'s own
// `toBase64` is not in Node 20.

/** Base64 of `bytes` (a Uint8Array, such as a digest): `toBase64(digest)` is a header's value. */
export function toBase64(bytes) {
  // String.fromCharCode takes its bytes as arguments: a bounded number of them at a time.
  const step = 0x8000;
  let binary = '';
  for (let at = 0; at < bytes.length; at += step) {
    binary += String.fromCharCode(...bytes.subarray(at, at + step));
  }
  return btoa(binary);
}

/**
 * The bytes that base64 `text` encodes (a header's value back to its digest). Throws a
 * `DOMException` named `InvalidCharacterError` when `text` is not base64.
 */
export function fromBase64(text) {
  return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
}
