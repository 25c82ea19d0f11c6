// Types of `memkit/base64` (base64.js).

/** Base64 (RFC 4648, padded) of `bytes`: a digest as HTTP headers carry it. */
export declare function toBase64(bytes: Uint8Array): string;

/** The bytes that base64 `text` encodes; throws a `DOMException` when it is not base64. */
export declare function fromBase64(text: string): Uint8Array;
