// Digests computed by code nobody here wrote, for memkit's to be compared with: node:crypto
// (OpenSSL) for SHA-256 and MD5, zlib (Node's `zlib.crc32`) for CRC-32, the AWS SDK's JS CRC-32C
// (@aws-crypto/crc32c) and hash-wasm's CRC-64 with NVME's polynomial. Each gives big-endian
// bytes, the form memkit's `checksums` gives.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';
import { crc32c as awsCrc32c } from '@aws-crypto/crc32c';
import { createCRC64 } from 'hash-wasm/dist/index.esm.js';

/** A u32 as its 4 big-endian bytes. */
const bigEndian32 = (value) => {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
};

// hash-wasm takes a CRC-64's polynomial reflected, in hex (its default is CRC-64/XZ's
// c96c5795d7870f42, ECMA-182 reflected). CRC-64/NVME is polynomial ad93d23594c93659,
// reflected in and out (the CRC catalogue's entry), so hash-wasm's form is 9a6c9329ac4bc9b5.
const crc64Nvme = await createCRC64('9a6c9329ac4bc9b5');

/** The reference digest of each memkit algorithm, keyed by its JS name. */
export const references = {
  crc32: (data) => bigEndian32(zlib.crc32(data)),
  crc32c: (data) => bigEndian32(awsCrc32c(data)),
  'crc64-nvme': (data) => crc64Nvme.init().update(data).digest('binary'),
  sha256: (data) => new Uint8Array(createHash('sha256').update(data).digest()),
  md5: (data) => new Uint8Array(createHash('md5').update(data).digest()),
};

/**
 * The algorithms memkit's `checksums.algorithm` has, read from the types jco wrote for it
 * (`export type Algorithm = 'crc32' | …`), so that a new case without a reference fails a test.
 */
export function memkitAlgorithms() {
  const types = readFileSync(new URL('../dist/interfaces/memkit-core-checksums.d.ts', import.meta.url), 'utf8');
  const union = /export type Algorithm = ([^;]+);/.exec(types);
  assert.ok(union, 'the Algorithm type in the checksums interface');
  return [...union[1].matchAll(/'([^']+)'/g)].map(([, name]) => name);
}

/** A seeded generator (mulberry32): the same seed gives the same data and cuts again. */
export function seededRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return {
    /** An integer in [0, limit). */
    below: (limit) => Math.floor(next() * limit),
    /** `length` random bytes. */
    bytes: (length) => {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) out[i] = next() * 256;
      return out;
    },
    /** `data` cut at random places into pieces of 0 to `largest` bytes (empty ones included). */
    pieces: (data, largest) => {
      const out = [];
      for (let at = 0; at < data.length;) {
        const size = Math.floor(next() * (largest + 1));
        out.push(data.subarray(at, at + size));
        at += size;
      }
      return out;
    },
  };
}

/** The seed of this run: `MEMKIT_SEED` when set (to replay a failure), else a fresh one. */
export const seed = Number(process.env.MEMKIT_SEED ?? Math.floor(Math.random() * 2 ** 32));
