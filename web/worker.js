// A module Web Worker with its own memkit instance (and the article's, for the floats): the page sends it the float and upload
// work so that its main thread stays free. Messages carry ArrayBuffers by transfer (the
// floats come in and nothing is copied back but the results); a File is passed as is (a
// handle to the same bytes, not a copy) and read here as a stream.
import * as memkit from './memkit/memkit.js';
import * as article from './memkit-article/memkit-article.js';
import { assemble, hashStream } from './memkit/streams.js';
import { fromBase64, toBase64 } from './memkit/base64.js';
import { floatJob } from './float-job.js';

/** The digests an upload computes: S3's header for each, and memkit's algorithm. */
const UPLOAD_DIGESTS = [
  ['x-amz-checksum-crc32c', 'crc32c'],
  ['x-amz-checksum-crc64nvme', 'crc64-nvme'],
  ['x-amz-checksum-sha256', 'sha256'],
];

const jobs = {
  floats({ input, rounds }) {
    return floatJob(article, input, rounds);
  },

  /**
   * Reads `file` once: each piece crosses the hashers on its way into memkit's chunk
   * assembler, so the digests are those of the bytes assembled. `expected` (`{ algorithm,
   * base64 }`), a digest known before the read, is checked by the assembler itself.
   */
  async upload({ file, expected }, progress) {
    const started = performance.now();
    // Decoded before any hasher exists, so that a value that is not base64 leaves none behind.
    const expectedDigest = expected && { algorithm: expected.algorithm, digest: fromBase64(expected.base64) };
    const hashes = UPLOAD_DIGESTS.map(([header, algorithm]) => [header, hashStream(algorithm)]);
    const hashed = hashes.reduce((piped, [, hash]) => piped.pipeThrough(hash), file.stream());
    let pieces = 0;
    const buffer = await assemble(hashed, {
      totalSize: file.size,
      expected: expectedDigest,
      as: 'buffer',
      onProgress: (p) => {
        pieces++;
        progress(p);
      },
    });
    try {
      const digests = await Promise.all(hashes.map(async ([header, hash]) => [header, toBase64(await hash.digest)]));
      const took = performance.now() - started;
      return { received: buffer.len(), pieces, took, digests };
    } finally {
      buffer[Symbol.dispose]();
    }
  },

  /** This worker's allocations still live, memkit's and the article's: the page's check that
   * jobs release theirs. */
  liveAllocations() {
    return Number(memkit.memory.info().liveAllocations) + Number(article.memory.info().liveAllocations);
  },
};

self.onmessage = async ({ data: { id, job, ...args } }) => {
  const progress = (value) => self.postMessage({ id, progress: value });
  try {
    self.postMessage({ id, result: await jobs[job](args, progress) });
  } catch (error) {
    // memkit's typed value travels as data; the page describes it.
    self.postMessage({ id, error: { message: error.message, payload: error.payload } });
  }
};
self.postMessage({ ready: true });
