// The Web Streams adapters (memkit/streams) over ReadableStream.from(...).
import test from 'node:test';
import assert from 'node:assert/strict';
import { records, memory } from 'memkit';
import { concat, serializedRecords } from './helpers.mjs';
import { assemble, digest, hashStream, recordStream } from 'memkit/streams';
import { recordLayout } from 'memkit/record-layout';
import { memkitAlgorithms, references, seed, seededRandom } from './references.mjs';

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

// ── digest and hashStream, against digests computed by code nobody here wrote ──────────────
const algorithms = memkitAlgorithms();
const random = seededRandom(seed);
const replay = `MEMKIT_SEED=${seed}`;
const hex = (bytes) => Buffer.from(bytes).toString('hex');

/** Runs async `body` and asserts that memkit's live allocations are back where they started. */
async function withoutLiveAllocations(body) {
  const before = memory.info().liveAllocations;
  await body();
  assert.equal(memory.info().liveAllocations, before, 'a memkit allocation outlived the test');
}

/**
 * An endless source of 1 KiB pieces read only on demand, whose `log` records how many were
 * pulled and the reason it was cancelled with; `onPull(n)` runs at the nth pull.
 */
function endlessSource(onPull = () => {}) {
  const log = { pulled: 0, cancelled: undefined };
  const readable = new ReadableStream({
    pull(controller) {
      log.pulled++;
      controller.enqueue(random.bytes(1024));
      onPull(log.pulled);
    },
    cancel(reason) {
      log.cancelled = reason;
    },
  }, { highWaterMark: 0 });
  return { readable, log };
}

test('digest reads a stream of random pieces to the reference digest, with progress', () => withoutLiveAllocations(async () => {
  for (const algorithm of algorithms) {
    const data = random.bytes(random.below(600_000));
    const cut = random.pieces(data, 100_000);
    const seen = [];
    const result = await digest(ReadableStream.from(cut), algorithm, { onProgress: ({ received }) => seen.push(received) });
    assert.equal(hex(result), hex(references[algorithm](data)), `${algorithm} of ${data.length} bytes in ${cut.length} pieces (${replay})`);
    assert.equal(seen.length, cut.length, 'one progress call a piece');
    assert.ok(seen.every((received, i) => received === (seen[i - 1] ?? 0) + cut[i].length));
    assert.equal(seen.at(-1) ?? 0, data.length);
  }
}));

test('hashStream forwards every piece unchanged and its digest resolves to the reference at the end', () => withoutLiveAllocations(async () => {
  for (const algorithm of algorithms) {
    const data = random.bytes(random.below(600_000));
    const cut = random.pieces(data, 100_000);
    const hash = hashStream(algorithm);
    const out = await collect(ReadableStream.from(cut).pipeThrough(hash));
    assert.equal(out.length, cut.length);
    assert.ok(out.every((piece, i) => piece === cut[i]), 'the same pieces, not copies');
    assert.equal(hex(await hash.digest), hex(references[algorithm](data)), `${algorithm} of ${data.length} bytes (${replay})`);
  }
}));

test('hashStreams in one pipe into assemble: the data read once, assembled, every digest', () => withoutLiveAllocations(async () => {
  const data = random.bytes(1_000_000 + random.below(100_000));
  let pulls = 0;
  const cut = random.pieces(data, 65_536);
  const source = ReadableStream.from((function* () {
    for (const piece of cut) {
      pulls++;
      yield piece;
    }
  })());
  const hashes = algorithms.map((algorithm) => [algorithm, hashStream(algorithm)]);
  const piped = hashes.reduce((stream, [, hash]) => stream.pipeThrough(hash), source);
  assert.deepEqual(await assemble(piped, { totalSize: data.length }), data);
  assert.equal(pulls, cut.length, 'each piece read once');
  for (const [algorithm, hash] of hashes) {
    assert.equal(hex(await hash.digest), hex(references[algorithm](data)), `${algorithm} (${replay})`);
  }
}));

test('assemble checks the whole against an expected digest of any algorithm', () => withoutLiveAllocations(async () => {
  const data = random.bytes(300_000);
  for (const algorithm of algorithms) {
    const expected = { algorithm, digest: references[algorithm](data) };
    const stream = () => ReadableStream.from(random.pieces(data, 65_536));
    assert.deepEqual(await assemble(stream(), { totalSize: data.length, expected }), data);
    const wrong = { algorithm, digest: expected.digest.map((byte, i) => (i === 0 ? byte ^ 1 : byte)) };
    await assert.rejects(assemble(stream(), { totalSize: data.length, expected: wrong }), (error) => {
      assert.equal(error.payload.tag, 'invalid');
      assert.equal(error.message, `invalid: ${algorithm} mismatch: expected 0x${hex(wrong.digest)}, computed 0x${hex(expected.digest)}`);
      return true;
    });
  }
  await assert.rejects(assemble(ReadableStream.from([data]), { totalSize: data.length, crc32c: 0, expected: { algorithm: 'crc32c', digest: new Uint8Array(4) } }), TypeError);
}));

test('digest aborted mid-stream rejects with the reason, cancels the source and releases the hasher', () => withoutLiveAllocations(async () => {
  for (const algorithm of algorithms) {
    const controller = new AbortController();
    const reason = new Error('stop');
    const { readable, log } = endlessSource((pulled) => pulled === 5 && controller.abort(reason));
    await assert.rejects(digest(readable, algorithm, { signal: controller.signal }), (error) => error === reason);
    assert.equal(log.cancelled, reason);
    assert.ok(log.pulled <= 6, `no read ahead past the abort: pulled ${log.pulled}`);
  }
  // Already aborted: the stream is cancelled without a read.
  const { readable, log } = endlessSource();
  await assert.rejects(digest(readable, 'sha256', { signal: AbortSignal.abort(new Error('before')) }), /before/);
  assert.match(String(log.cancelled), /before/);
}));

test('digest of a stream that errors rejects with its error and releases the hasher', () => withoutLiveAllocations(async () => {
  const broken = new ReadableStream({
    start(controller) {
      controller.enqueue(new Uint8Array(1000));
      controller.error(new Error('connection reset'));
    },
  });
  await assert.rejects(digest(broken, 'crc64-nvme'), /connection reset/);
}));

test('a hashStream aborted mid-pipe, cancelled downstream or fed an error rejects its digest and releases its hasher', () => withoutLiveAllocations(async () => {
  // Aborted: pipeTo's signal aborts the pipe.
  const controller = new AbortController();
  const reason = new Error('user cancelled');
  const aborted = endlessSource((pulled) => pulled === 4 && controller.abort(reason));
  const hash = hashStream('sha256');
  await assert.rejects(aborted.readable.pipeThrough(hash).pipeTo(new WritableStream(), { signal: controller.signal }), (error) => error === reason);
  await assert.rejects(hash.digest, (error) => error === reason);
  assert.equal(aborted.log.cancelled, reason);
  // Cancelled by the reader after the stream.
  const cancelled = endlessSource();
  const dropped = hashStream('crc32c');
  const reader = cancelled.readable.pipeThrough(dropped).getReader();
  await reader.read();
  await reader.cancel('enough');
  await assert.rejects(dropped.digest, (error) => error === 'enough');
  // The source fails: the error reaches both the reader and the digest.
  const failing = hashStream('md5');
  const broken = new ReadableStream({
    start(c) {
      c.enqueue(new Uint8Array(10));
      c.error(new Error('disk gone'));
    },
  });
  await assert.rejects(collect(broken.pipeThrough(failing)), /disk gone/);
  await assert.rejects(failing.digest, /disk gone/);
  // assemble fails before it reads (an aborted signal): the pipe feeding it is cancelled, so
  // its hashers are released too.
  const before = hashStream('crc32');
  const fed = endlessSource();
  await assert.rejects(assemble(fed.readable.pipeThrough(before), { totalSize: 10, signal: AbortSignal.abort(new Error('gone')) }), /gone/);
  await assert.rejects(before.digest, /gone/);
}));
