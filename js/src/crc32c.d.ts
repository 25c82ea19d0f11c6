/** The CRC-32C (Castagnoli) of `bytes`, continuing from `previous` when given. */
export declare function crc32c(bytes: Uint8Array, previous?: number): number;
