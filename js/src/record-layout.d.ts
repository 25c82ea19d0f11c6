/** Sizes and offsets of a serialized record (WIT `records`), in bytes. */
export declare const recordLayout: Readonly<{
  /** The header: the record's first bytes (16). */
  headerBytes: number;
  /** The u32 little-endian payload length field, right after the header (4). */
  lengthBytes: number;
  /** The u32 little-endian checksum: the record's last bytes (4). */
  checksumBytes: number;
  /** Where the payload starts (20). */
  payloadOffset: number;
  /** Header, length field and checksum: the size of a record with an empty payload (24). */
  overheadBytes: number;
}>;
