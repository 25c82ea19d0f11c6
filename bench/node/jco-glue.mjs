// Measures what jco's generated glue costs per call, for choosing the jco version:
//   node jco-glue.mjs <dist-dir>
// prints the median of a resource method call (byte-buffer.len) and of a 1 MiB round trip
// (ByteBuffer.fromList + toList), each over several runs in this one process.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = resolve(process.argv[2] ?? new URL('../../js/dist', import.meta.url).pathname);
const { bytes } = await import(pathToFileURL(resolve(dist, 'memkit.js')).href);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

function timeRuns(runs, body) {
  const times = [];
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    body();
    times.push(Number(process.hrtime.bigint() - start));
  }
  return median(times);
}

const buffer = new bytes.ByteBuffer(0);
const CALLS = 200_000;
timeRuns(3, () => { for (let i = 0; i < CALLS; i++) buffer.len(); }); // warm up the JIT
const callNs = timeRuns(9, () => { for (let i = 0; i < CALLS; i++) buffer.len(); }) / CALLS;

const MIB = 1 << 20;
const data = new Uint8Array(MIB).map((_, i) => i % 251);
const roundTrip = () => {
  const b = bytes.ByteBuffer.fromList(data);
  const out = b.toList();
  if (out.length !== MIB || out[1000] !== data[1000]) throw new Error('round trip lost bytes');
  b[Symbol.dispose]();
};
timeRuns(10, roundTrip);
const mibUs = timeRuns(51, roundTrip) / 1000;

console.log(JSON.stringify({ dist, methodCallNs: +callNs.toFixed(1), mibRoundTripUs: +mibUs.toFixed(1) }));
