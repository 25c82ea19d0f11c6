// A binary record's layout, byte for byte the article's (WIT `records`):
// header | payload length (u32 LE) | payload | checksum (u32 LE), the checksum over
// header ++ payload. The same numbers as the Rust core's (src/records.rs; test/errors.test.mjs
// checks them against it).
const headerBytes = 16;
const lengthBytes = 4;
const checksumBytes = 4;

/** Sizes and offsets of a serialized record, in bytes. */
export const recordLayout = Object.freeze({
  /** The header: the record's first bytes. */
  headerBytes,
  /** The payload length field, right after the header. */
  lengthBytes,
  /** The checksum: the record's last bytes. */
  checksumBytes,
  /** Where the payload starts. */
  payloadOffset: headerBytes + lengthBytes,
  /** Header, length field and checksum: the size of a record with an empty payload. */
  overheadBytes: headerBytes + lengthBytes + checksumBytes,
});
