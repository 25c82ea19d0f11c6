/**
 * The message of a memkit error value, the `payload` of a thrown `ComponentError` (a
 * `types.error`, `records.decode-error` or `people.json-error`): the WIT case, then its
 * values, the same text as the Rust core's `Display`, e.g.
 * `out-of-bounds: offset 4294967295, len 2, buffer size 1048576` or
 * `checksum-mismatch: stored 0x00000994, computed 0x000009b4`. A value of another shape (the
 * error of a component composed with memkit) reads as its fields.
 */
export declare function describeError(value: unknown): string;
