// The digest harness: memkit's `checksums` against hash-wasm (hand-tuned wasm), @aws-crypto (the
// AWS SDK's JavaScript CRCs) and Node's native `node:crypto` and `zlib.crc32`, over 16 MiB, in
// interleaved rounds; prints a markdown table of throughputs and ratios of the same run.
//   node digests.mjs [--rounds N] [--smoke]     (after cargo xtask js; cargo xtask bench runs it)
// Before any timing, every contestant's digest of the data must equal memkit's: a benchmark of a
// wrong answer is worthless. --smoke does only that, on 64 KiB plus a few bytes, once, and checks
// that memkit's live allocations are back where they were: seconds, no timing.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';
import { checksums, memory } from 'memkit';
import { createCRC32, createCRC64, createMD5, createSHA256 } from 'hash-wasm/dist/index.esm.js';
import { crc32 as awsCrc32 } from '@aws-crypto/crc32';
import { crc32c as awsCrc32c } from '@aws-crypto/crc32c';
import { measure, median } from './jobs.js';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const rounds = smoke ? 1 : Number(args[args.indexOf('--rounds') + 1]) || 7;

const MIB = 1 << 20;
// An odd length under --smoke, so that the tails after the contestants' 8- and 16-byte strides
// are checked too.
const size = smoke ? 64 * 1024 + 13 : 16 * MIB;
const data = new Uint8Array(size).map((_, i) => (i * 31 + (i >>> 12)) & 0xff);
// Pieces of 1000 bytes under --smoke: several of them, cut off the 16-byte strides.
const PIECE = smoke ? 1000 : MIB;

/** A 32-bit CRC as the number a library returns, turned into its big-endian bytes. */
const bigEndian32 = (crc) => {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, crc);
  return bytes;
};

/** A hash-wasm hasher as a one-call digest (its `create*` hashers are synchronous once made). */
const hashWasm = (hasher) => (input) => {
  hasher.init();
  hasher.update(input);
  return hasher.digest('binary');
};

/** The bit-reversed form of a CRC polynomial, which hash-wasm's CRCs take (reflected CRCs). */
const reflected32 = (poly) => Number.parseInt([...poly.toString(2).padStart(32, '0')].reverse().join(''), 2) >>> 0;
const reflected64 = (poly) => BigInt(`0b${[...poly.toString(2).padStart(64, '0')].reverse().join('')}`).toString(16).padStart(16, '0');

// The polynomials in their usual (unreflected) form, as the CRC catalogue gives them.
const CRC32C_POLY = 0x1edc6f41;
const CRC64_NVME_POLY = 0xad93d23594c93659n;

/** A package's name and installed version, as the table names it. */
const named = (name) => `${name} ${JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, import.meta.url))).version}`;

/** memkit's hasher, fed `PIECE`-sized pieces, as a stream would feed it. */
const memkitHasher = (algorithm) => (input) => {
  const hasher = new checksums.Hasher(algorithm);
  try {
    for (let at = 0; at < input.length; at += PIECE) hasher.update(input.subarray(at, at + PIECE));
    return hasher.digest();
  } finally {
    hasher[Symbol.dispose]();
  }
};

// Node has `zlib.crc32` from 20.15 and 22.2 on.
const zlibCrc32 = typeof zlib.crc32 === 'function' ? (input) => bigEndian32(zlib.crc32(input)) : undefined;
const nodeHash = (name) => (input) => createHash(name).update(input).digest();

/** Per algorithm: the WIT name, the PERFORMANCE.md target (memkit / hash-wasm, in throughput) and each contestant. */
const ALGORITHMS = [
  {
    algorithm: 'crc32', target: 1.5,
    'hash-wasm': hashWasm(await createCRC32()),
    aws: { label: named('@aws-crypto/crc32'), digest: (input) => bigEndian32(awsCrc32(input)) },
    native: zlibCrc32 && { label: 'zlib.crc32', digest: zlibCrc32 },
    missingNative: zlibCrc32 ? undefined : `no zlib.crc32 in Node ${process.version}`,
  },
  {
    algorithm: 'crc32c', target: 1.5,
    'hash-wasm': hashWasm(await createCRC32(reflected32(CRC32C_POLY))),
    aws: { label: named('@aws-crypto/crc32c'), digest: (input) => bigEndian32(awsCrc32c(input)) },
  },
  {
    algorithm: 'crc64-nvme', target: 1.5,
    'hash-wasm': hashWasm(await createCRC64(reflected64(CRC64_NVME_POLY))),
  },
  {
    algorithm: 'sha256', target: 1.0,
    'hash-wasm': hashWasm(await createSHA256()),
    native: { label: 'node:crypto', digest: nodeHash('sha256') },
  },
  {
    algorithm: 'md5', target: 1.0,
    'hash-wasm': hashWasm(await createMD5()),
    native: { label: 'node:crypto', digest: nodeHash('md5') },
  },
];

/** The contestants of one algorithm, as `{ key, digest(input) }`, memkit's first. */
function contestants(row) {
  return [
    { key: 'memkit digest', digest: (input) => checksums.digest(row.algorithm, input) },
    { key: 'memkit hasher', digest: memkitHasher(row.algorithm) },
    { key: 'hash-wasm', digest: row['hash-wasm'] },
    row.aws && { key: 'aws', digest: row.aws.digest },
    row.native && { key: 'native', digest: row.native.digest },
  ].filter(Boolean);
}

const hex = (bytes) => Buffer.from(bytes).toString('hex');
const liveBefore = memory.info().liveAllocations;
for (const row of ALGORITHMS) {
  const [reference, ...others] = contestants(row);
  const expected = hex(reference.digest(data));
  for (const { key, digest } of others) {
    assert.equal(hex(digest(data)), expected, `${row.algorithm}: ${key} and memkit's digest differ`);
  }
  console.error(`ok - ${row.algorithm}: ${others.map((c) => c.key).join(', ')} agree with memkit's digest (${expected})`);
}
assert.equal(memory.info().liveAllocations, liveBefore, 'the digests left memkit allocations live');
if (smoke) {
  console.log(`ok - every contestant agrees with memkit on ${size} bytes, and memkit holds nothing afterwards`);
  process.exit(0);
}

// Each cell is the median over rounds of a measurement's median of 5 timed calls (one call
// takes milliseconds at 16 MiB, so a batch is one call); the contestants' order rotates.
const times = ALGORITHMS.map(() => ({}));
for (let round = 0; round < rounds; round++) {
  for (const [a, row] of ALGORITHMS.entries()) {
    const present = contestants(row);
    for (let k = 0; k < present.length; k++) {
      const { key, digest } = present[(k + round + a) % present.length];
      (times[a][key] ??= []).push(measure(() => digest(data), { samples: 5, sampleMs: 15 }));
    }
  }
  console.error(`round ${round + 1}/${rounds} done`);
}

/** Throughput in MB/s (10⁶ bytes a second) of a call that takes `ms`. */
const mbps = (ms) => size / 1e3 / ms;
const cell = (list) => {
  if (!list) return '—';
  const [slow, fast] = [Math.max(...list), Math.min(...list)];
  return `${mbps(median(list)).toFixed(0)} (${mbps(slow).toFixed(0)}–${mbps(fast).toFixed(0)})`;
};

console.log(`Node ${process.version}, ${size / MIB} MiB of data, ${rounds} interleaved rounds. Each cell: throughput in MB/s (10⁶ bytes/s) of the median round (slowest–fastest round); a round's figure is the median of 5 calls.`);
console.log(`memkit \`digest\` is \`checksums.digest(algorithm, data)\`, one call with the whole 16 MiB (one copy into the component); memkit \`hasher\` is a \`checksums.Hasher\` fed ${size / PIECE} pieces of 1 MiB, then \`digest()\`. hash-wasm is its synchronous \`create*\` hasher fed the whole array (CRC-32C and CRC-64/NVME through \`createCRC32\` and \`createCRC64\` with their polynomials). Node native: \`zlib.crc32\`, \`crypto.createHash\`.`);
console.log(`Ratio: memkit's throughput / hash-wasm's, medians of the same run; higher is better. The target and its verdict are for memkit \`digest\`.\n`);
console.log(`| algorithm | memkit \`digest\` | memkit \`hasher\` | ${named('hash-wasm')} | @aws-crypto (plain JS) | Node native | \`digest\` / hash-wasm | \`hasher\` / hash-wasm | target | |`);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const [a, row] of ALGORITHMS.entries()) {
  const t = times[a];
  const ratio = (key) => median(t['hash-wasm']) / median(t[key]);
  const peer = (entry, key) => (entry ? `${cell(t[key])} (${entry.label})` : '—');
  const native = row.native ? peer(row.native, 'native') : row.missingNative ?? '—';
  const verdict = ratio('memkit digest') >= row.target ? 'met' : 'missed';
  console.log(`| ${row.algorithm} | ${cell(t['memkit digest'])} | ${cell(t['memkit hasher'])} | ${cell(t['hash-wasm'])} | ${peer(row.aws, 'aws')} | ${native} | ${ratio('memkit digest').toFixed(2)} | ${ratio('memkit hasher').toFixed(2)} | ≥ ${row.target} | ${verdict} |`);
}
