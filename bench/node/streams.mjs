// Feeding memkit's chunk assembler from a Web Stream (`assemble` of memkit/streams) against
// handing it whole arrays: 16 MiB, in 64 KiB pieces; medians of 15 interleaved rounds.
//   node streams.mjs        (after cargo xtask js)
import { chunks } from 'memkit';
import { assemble } from 'memkit/streams';

const SIZE = 16 << 20;
const PIECE = 64 << 10;
const data = new Uint8Array(SIZE).map((_, i) => i & 0xff);
const parts = Array.from({ length: SIZE / PIECE }, (_, i) => data.subarray(i * PIECE, (i + 1) * PIECE));

/** Assembles with `write` and copies the bytes out, as `assemble` does. */
function direct(write) {
  const assembler = chunks.ChunkAssembler.create(SIZE);
  write(assembler);
  const buffer = assembler.finish();
  const out = buffer.toList();
  buffer[Symbol.dispose]();
  assembler[Symbol.dispose]();
  return out;
}

const ways = {
  'one writeAt of the whole array': () => direct((a) => a.writeAt(0, data)),
  [`append of ${parts.length} pieces`]: () => direct((a) => parts.forEach((p) => a.append(p))),
  [`assemble(ReadableStream.from(${parts.length} pieces))`]: () => assemble(ReadableStream.from(parts), { totalSize: SIZE }),
};
const times = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
for (let round = 0; round < 15; round++) {
  for (const [name, way] of Object.entries(ways)) {
    const start = performance.now();
    await way();
    times[name].push(performance.now() - start);
  }
}
console.log(`16 MiB into a chunk-assembler and out, Node ${process.version} (median of 15)\n`);
console.log('| way | time | throughput |');
console.log('|---|---|---|');
for (const [name, list] of Object.entries(times)) {
  const median = list.sort((a, b) => a - b)[7];
  console.log(`| ${name} | ${median.toFixed(2)} ms | ${(SIZE / 2 ** 20 / (median / 1000)).toFixed(0)} MiB/s |`);
}
