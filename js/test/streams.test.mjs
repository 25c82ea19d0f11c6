// The Web Streams adapters (memkit/streams) over ReadableStream.from(...).
import test from 'node:test';
import assert from 'node:assert/strict';
import { records, memory } from 'memkit';
import { concat, serializedRecords } from './helpers.mjs';
import { assemble, recordStream } from 'memkit/streams';
import { recordLayout } from 'memkit/record-layout';

/** CRC-32C records with the given payloads, each header filled with its payload's length. */
const stream = (...payloads) => serializedRecords(payloads, { header: (_, payload) => new Uint8Array(recordLayout.headerBytes).fill(payload.length) });

/** `bytes` cut into pieces of `size`. */
const pieces = (bytes, size) => Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.slice(i * size, (i + 1) * size));

async function collect(readable) {
  const out = [];
  for await (const item of readable) out.push(item);
  return out;
}

test('recordStream frames records cut at any boundary', async () => {
  const before = memory.info().usedBytes;
  const payloads = [new Uint8Array([1, 2, 3]), new Uint8Array(0), new Uint8Array(5000).fill(9)];
  const bytes = stream(...payloads);
  for (const size of [1, 7, recordLayout.overheadBytes, 4096, bytes.length]) {
    const frames = await collect(ReadableStream.from(pieces(bytes, size)).pipeThrough(recordStream()));
    assert.deepEqual(frames.map((f) => f.payload), payloads, `pieces of ${size}`);
    assert.deepEqual(frames[0].header, new Uint8Array(recordLayout.headerBytes).fill(3));
    assert.equal(typeof frames[0].checksum, 'number');
  }
  assert.equal(memory.info().usedBytes, before, 'every reader and record was released');
});

test('recordStream errors the stream with the typed error of a bad or partial record', async () => {
  const before = memory.info().usedBytes;
  const bytes = stream(new Uint8Array([1, 2, 3]), new Uint8Array([4, 5, 6]));
  bytes[recordLayout.overheadBytes + 3 + recordLayout.payloadOffset] ^= 0xff; // the second record's payload
  await assert.rejects(collect(ReadableStream.from(pieces(bytes, 10)).pipeThrough(recordStream())), (error) => {
    assert.equal(error.payload.tag, 'checksum-mismatch');
    assert.match(error.message, /^checksum-mismatch: stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}$/);
    return true;
  });
  const whole = stream(new Uint8Array([1, 2, 3]));
  const partial = whole.slice(0, recordLayout.payloadOffset);
  await assert.rejects(collect(ReadableStream.from([partial]).pipeThrough(recordStream())), (error) => {
    assert.equal(error.payload.tag, 'too-short');
    return true;
  });
  assert.equal(memory.info().usedBytes, before);
});

test('assemble reads a stream to the end with progress and checks the CRC-32C', async () => {
  const before = memory.info().usedBytes;
  const data = new Uint8Array(1_000_003).map((_, i) => (i * 31) & 0xff);
  const record = new records.BinaryRecord('crc32c');
  record.setPayload(data);
  const crc32c = record.checksum(); // CRC-32C of a zero header ++ data: assemble that instead
  record[Symbol.dispose]();
  const framed = concat([new Uint8Array(recordLayout.headerBytes), data]);
  const seen = [];
  const bytes = await assemble(ReadableStream.from(pieces(framed, 65536)), {
    totalSize: framed.length,
    crc32c,
    onProgress: (p) => seen.push(p),
  });
  assert.deepEqual(bytes, framed);
  assert.equal(seen.length, Math.ceil(framed.length / 65536));
  assert.deepEqual(seen.at(-1), { received: framed.length, totalSize: framed.length, progress: 1 });
  assert.ok(seen.every((p, i) => i === 0 || p.received > seen[i - 1].received));
  await assert.rejects(assemble(ReadableStream.from(pieces(framed, 65536)), { totalSize: framed.length, crc32c: crc32c ^ 1 }), (error) => {
    assert.equal(error.payload.tag, 'invalid');
    assert.match(error.message, /crc32c mismatch/);
    return true;
  });
  assert.equal(memory.info().usedBytes, before);
});

test('assemble refuses a stream longer or shorter than announced', async () => {
  const before = memory.info().usedBytes;
  await assert.rejects(assemble(ReadableStream.from([new Uint8Array(10)]), { totalSize: 8 }), (error) => error.payload.tag === 'out-of-bounds');
  await assert.rejects(assemble(ReadableStream.from([new Uint8Array(6)]), { totalSize: 8 }), (error) => /incomplete/.test(error.message));
  assert.equal(memory.info().usedBytes, before);
});

test('assemble honours back-pressure and an AbortSignal', async () => {
  const before = memory.info().usedBytes;
  let pulled = 0;
  const controller = new AbortController();
  const source = new ReadableStream({
    pull(c) {
      pulled++;
      c.enqueue(new Uint8Array(1024));
      if (pulled === 5) controller.abort(new Error('stop'));
    },
  }, { highWaterMark: 0 });
  await assert.rejects(assemble(source, { totalSize: 1 << 20, signal: controller.signal }), /stop/);
  // Pulled only as fast as it was stored: no read ahead past the abort.
  assert.ok(pulled <= 6, `pulled ${pulled}`);
  assert.equal(memory.info().usedBytes, before);
});

test('assemble can hand over the buffer without copying the bytes out', async () => {
  const buffer = await assemble(ReadableStream.from([new Uint8Array([1, 2]), new Uint8Array([3])]), { totalSize: 3, as: 'buffer' });
  assert.equal(buffer.len(), 3);
  assert.deepEqual(buffer.read(0, 3), new Uint8Array([1, 2, 3]));
  buffer[Symbol.dispose]();
});
