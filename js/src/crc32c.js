// CRC-32C (Castagnoli) in plain JS, table-driven, so an uploader can compute the value memkit
// verifies (`ChunkAssembler.create`, `assemble`). Incremental: crc32c(chunk, previous) continues.
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The CRC-32C of `bytes` (a Uint8Array), continuing from `previous` when given. */
export function crc32c(bytes, previous = 0) {
  let crc = ~previous >>> 0;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}
