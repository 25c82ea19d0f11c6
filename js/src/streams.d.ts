// Types of `memkit/streams` (streams.js).
import type { bytes, checksums, records } from './memkit.js';

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
  /** The digest the assembled bytes must have, of any algorithm (`ChunkAssembler.createChecked`). */
  expected?: checksums.ExpectedDigest;
  /** The CRC-32C the assembled bytes must have (`ChunkAssembler.create`); not with `expected`. */
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

export interface DigestProgress {
  /** Bytes hashed so far. */
  received: number;
}

export interface DigestOptions {
  /** Called after each piece is hashed. */
  onProgress?: (progress: DigestProgress) => void;
  /** Cancels the stream and rejects with its reason when aborted. */
  signal?: AbortSignal;
}

/**
 * Reads a stream to its end into a memkit hasher and resolves to the digest, big-endian (4
 * bytes for crc32 and crc32c, 8 for crc64-nvme, 32 for sha256, 16 for md5).
 */
export function digest(readable: ReadableStream<Uint8Array>, algorithm: checksums.Algorithm, options?: DigestOptions): Promise<Uint8Array>;

/** A pass-through stream that hashes what crosses it. */
export interface HashStream extends TransformStream<Uint8Array, Uint8Array> {
  /**
   * The digest of everything that crossed, big-endian, once the input has ended; rejects when
   * the stream is aborted, cancelled or errors.
   */
  readonly digest: Promise<Uint8Array>;
}

/** Forwards every piece unchanged and hashes it with a memkit hasher of `algorithm`. */
export function hashStream(algorithm: checksums.Algorithm): HashStream;
