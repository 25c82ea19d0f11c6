// A module Web Worker with its own memkit instance: the page sends it the float and upload
// work so that its main thread stays free. Messages carry ArrayBuffers by transfer (the
// floats come in and nothing is copied back but the results); a File is passed as is (a
// handle to the same bytes, not a copy) and read here as a stream.
import * as memkit from './memkit/memkit.js';
import { assemble } from './memkit/streams.js';
import { crc32c } from './memkit/crc32c.js';
import { floatJob } from './float-job.js';

const jobs = {
  floats({ input, rounds }) {
    return floatJob(memkit, input, rounds);
  },

  async upload({ file }, progress) {
    const crc = crc32c(new Uint8Array(await file.arrayBuffer()));
    progress({ crc });
    let pieces = 0;
    const buffer = await assemble(file.stream(), {
      totalSize: file.size,
      crc32c: crc,
      as: 'buffer',
      onProgress: (p) => {
        pieces++;
        progress(p);
      },
    });
    try {
      return { received: buffer.len(), pieces, crc };
    } finally {
      buffer[Symbol.dispose]();
    }
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
