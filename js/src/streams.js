// Web Streams adapters over memkit: data in JS arrives as streams (`fetch` bodies,
// `File.stream()`, sockets); these feed it to memkit a piece at a time, with back-pressure,
// progress and cancellation, so no user writes the read loop again.
// Shipped as `memkit/streams` (copied next to the glue by `cargo xtask js`).
import { checksums, chunks, records } from './memkit.js';

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
 * The read loop of `assemble` and `digest`: reads `readable` to its end, one piece at a time
 * (the next only when the last is taken: back-pressure), into the memkit handle `open()`
 * makes, `write(handle, piece)` for each piece, and resolves to `close(handle)`. An aborted
 * `signal` cancels the stream and rejects with its reason. The stream is taken over: however
 * the call fails, it is cancelled (so a pipe feeding it, hashers and all, is released too);
 * the handle is released however the call ends.
 */
async function readInto(readable, signal, { open, write, close }) {
  const pieces = readable.getReader();
  let handle;
  const abort = () => pieces.cancel(signal.reason).catch(() => {});
  signal?.addEventListener('abort', abort, { once: true });
  try {
    signal?.throwIfAborted();
    handle = open();
    for (;;) {
      const { done, value } = await pieces.read();
      signal?.throwIfAborted();
      if (done) return close(handle);
      write(handle, value);
    }
  } catch (error) {
    await pieces.cancel(error).catch(() => {});
    throw error;
  } finally {
    signal?.removeEventListener('abort', abort);
    pieces.releaseLock();
    handle?.[Symbol.dispose]();
  }
}

/**
 * Reads `readable` to its end into a memkit `chunk-assembler` of `totalSize` bytes, one piece
 * at a time (the next piece is read only when the last is stored: back-pressure), verifying
 * the whole when a digest is given: `expected` (`{ algorithm, digest }`, any algorithm) or
 * `crc32c`, a CRC-32C as a number. Resolves to the bytes (`as: 'bytes'`, the default) or
 * to the memkit `ByteBuffer` holding them (`as: 'buffer'`, no copy out; dispose it).
 * `onProgress` is called after each piece with `{ received, totalSize, progress }`. An aborted
 * `signal` cancels the stream and rejects with its reason; a stream longer or shorter than
 * `totalSize`, or a digest that does not match, rejects with memkit's typed error. The stream
 * is taken over: however the call fails, it is cancelled (so a pipe feeding it, hashers and
 * all, is released too).
 */
export async function assemble(readable, { totalSize, crc32c, expected, onProgress, signal, as = 'bytes' } = {}) {
  return readInto(readable, signal, {
    open() {
      if (expected !== undefined && crc32c !== undefined) {
        throw new TypeError('assemble: give `expected` or `crc32c`, not both');
      }
      return expected === undefined
        ? chunks.ChunkAssembler.create(totalSize, crc32c)
        : chunks.ChunkAssembler.createChecked(totalSize, expected);
    },
    write(assembler, piece) {
      assembler.append(piece);
      onProgress?.({ received: assembler.received(), totalSize, progress: assembler.progress() });
    },
    close(assembler) {
      const buffer = assembler.finish();
      if (as === 'buffer') return buffer;
      try {
        return buffer.toList();
      } finally {
        buffer[Symbol.dispose]();
      }
    },
  });
}

/**
 * Reads `readable` to its end into a memkit hasher of `algorithm` (`'crc32'`, `'crc32c'`,
 * `'crc64-nvme'`, `'sha256'` or `'md5'`) and resolves to the digest: its big-endian bytes, a
 * `Uint8Array` (base64 of it, `toBase64` in `memkit/base64`, is what HTTP headers carry).
 * Reads one piece at a time, the next only when the last is hashed. `onProgress` is called
 * after each piece with `{ received }`, the bytes hashed so far. An aborted `signal` cancels
 * the stream and rejects with its reason; a stream that errors rejects with its error. As with
 * `assemble`, the stream is cancelled however the call fails, and the hasher is released
 * however it ends.
 */
export async function digest(readable, algorithm, { onProgress, signal } = {}) {
  let received = 0;
  return readInto(readable, signal, {
    open: () => new checksums.Hasher(algorithm),
    write(hasher, piece) {
      hasher.update(piece);
      received += piece.byteLength;
      onProgress?.({ received });
    },
    close: (hasher) => hasher.digest(),
  });
}

/**
 * A pass-through `TransformStream` that hashes what crosses it with a memkit hasher of
 * `algorithm`: every piece comes out unchanged (the same object), and the stream's `digest`
 * promise resolves to the digest of all of them (big-endian bytes, as `digest` gives) when the
 * input ends. Put it in a pipe to hash data on its way somewhere else, with no second read:
 * `file.stream().pipeThrough(sha256).pipeTo(upload)`. When the pipe is aborted or cancelled,
 * or a piece cannot be hashed, `digest` rejects with the reason; the hasher is released
 * however the stream ends. A `digest` nobody awaits does not count as an unhandled rejection:
 * the pipe reports the same failure.
 */
export function hashStream(algorithm) {
  let hasher = new checksums.Hasher(algorithm);
  let settle;
  const digest = new Promise((resolve, reject) => {
    settle = { resolve, reject };
  });
  digest.catch(() => {});
  const release = () => {
    hasher?.[Symbol.dispose]();
    hasher = undefined;
  };
  const fail = (reason) => {
    release();
    settle.reject(reason);
  };
  const stream = new TransformStream({
    transform(chunk, controller) {
      try {
        hasher.update(chunk);
      } catch (error) {
        fail(error);
        throw error;
      }
      controller.enqueue(chunk);
    },
    flush() {
      try {
        settle.resolve(hasher.digest());
      } catch (error) {
        settle.reject(error);
        throw error;
      } finally {
        release();
      }
    },
    cancel: fail,
  });
  return Object.assign(stream, { digest });
}
