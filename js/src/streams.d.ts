// Types of `memkit/streams` (streams.js).
import type { bytes, records } from './memkit.js';

/** One record framed from a byte stream, copied out of memkit. */
export interface Frame {
  /** The 16 header bytes. */
  header: Uint8Array;
  payload: Uint8Array;
  /** The record's checksum (verified against its header and payload). */
  checksum: number;
}

export interface RecordStreamOptions {
  /** The records' checksum kind; `'crc32c'` by default. */
  checksum?: records.ChecksumKind;
  /** The largest payload accepted, in bytes; 16 MiB by default. */
  maxPayload?: number;
}

/** Frames a byte stream cut anywhere into records; errors with memkit's typed error. */
export function recordStream(options?: RecordStreamOptions): TransformStream<Uint8Array, Frame>;

export interface AssembleProgress {
  /** Bytes stored so far. */
  received: number;
  totalSize: number;
  /** `received / totalSize`, 0 to 1. */
  progress: number;
}

export interface AssembleOptions {
  /** The stream's exact length in bytes. */
  totalSize: number;
  /** The CRC-32C the assembled bytes must have. */
  crc32c?: number;
  /** Called after each piece is stored. */
  onProgress?: (progress: AssembleProgress) => void;
  /** Cancels the stream and rejects with its reason when aborted. */
  signal?: AbortSignal;
}

/** Reads a stream into memkit's chunk assembler and resolves to the bytes. */
export function assemble(readable: ReadableStream<Uint8Array>, options: AssembleOptions & { as?: 'bytes' }): Promise<Uint8Array>;
/** Reads a stream into memkit's chunk assembler and resolves to the buffer holding them. */
export function assemble(readable: ReadableStream<Uint8Array>, options: AssembleOptions & { as: 'buffer' }): Promise<bytes.ByteBuffer>;
