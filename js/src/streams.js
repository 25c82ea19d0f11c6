// Web Streams adapters over memkit: data in JS arrives as streams (`fetch` bodies,
// `File.stream()`, sockets); these feed it to memkit a piece at a time, with back-pressure,
// progress and cancellation, so no user writes the read loop again.
// Shipped as `memkit/streams` (copied next to the glue by `cargo xtask js`).
import { chunks, records } from './memkit.js';

/**
 * A `TransformStream` from bytes, cut anywhere, to the records they hold, framed by memkit's
 * `record-reader`: each record comes out as `{ header, payload, checksum }` (values; no
 * handle to dispose). A bad record, or a partial one when the input ends, errors the stream with
 * memkit's typed error (`error.payload`, for example `{ tag: 'checksum-mismatch', … }`).
 */
export function recordStream({ checksum = 'crc32c', maxPayload = 16 << 20 } = {}) {
  let reader = new records.RecordReader(checksum, maxPayload);
  const release = () => {
    reader?.[Symbol.dispose]();
    reader = undefined;
  };
  return new TransformStream({
    transform(chunk, controller) {
      try {
        // memkit returns the records as values: { header, payload, checksum }, no handles.
        for (const frame of reader.feed(chunk)) controller.enqueue(frame);
      } catch (error) {
        release();
        throw error;
      }
    },
    flush() {
      try {
        reader.finish();
      } finally {
        release();
      }
    },
    cancel: release,
  });
}

/**
 * Reads `readable` to its end into a memkit `chunk-assembler` of `totalSize` bytes, one piece
 * at a time (the next piece is read only when the last is stored: back-pressure), verifying
 * `crc32c` when given. Resolves to the bytes (`as: 'bytes'`, the default) or to the memkit
 * `ByteBuffer` holding them (`as: 'buffer'`, no copy out; dispose it). `onProgress` is called
 * after each piece with `{ received, totalSize, progress }`. An aborted `signal` cancels the
 * stream and rejects with its reason; a stream longer or shorter than `totalSize`, or a CRC
 * that does not match, rejects with memkit's typed error.
 */
export async function assemble(readable, { totalSize, crc32c, onProgress, signal, as = 'bytes' } = {}) {
  signal?.throwIfAborted();
  const assembler = chunks.ChunkAssembler.create(totalSize, crc32c);
  const pieces = readable.getReader();
  const abort = () => pieces.cancel(signal.reason).catch(() => {});
  signal?.addEventListener('abort', abort, { once: true });
  try {
    for (;;) {
      const { done, value } = await pieces.read();
      signal?.throwIfAborted();
      if (done) break;
      assembler.append(value);
      onProgress?.({ received: assembler.received(), totalSize, progress: assembler.progress() });
    }
    const buffer = assembler.finish();
    if (as === 'buffer') return buffer;
    try {
      return buffer.toList();
    } finally {
      buffer[Symbol.dispose]();
    }
  } catch (error) {
    await pieces.cancel(error).catch(() => {});
    throw error;
  } finally {
    signal?.removeEventListener('abort', abort);
    pieces.releaseLock();
    assembler[Symbol.dispose]();
  }
}
