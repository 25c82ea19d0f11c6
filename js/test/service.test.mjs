// The composed record-service (memkit plugged into examples/record-service) served by a real
// engine, `wasmtime serve` (wasmtime-cli 48.0.8, installed by `cargo xtask test`), on
// 127.0.0.1 at a free port; every kind of body, then the server is stopped.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { records } from 'memkit';

const component = fileURLToPath(new URL('../../target/composed/record-service.wasm', import.meta.url));
let server;
let base;

/** A port nothing listens on now. */
const freePort = () => new Promise((resolve, reject) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  }).on('error', reject);
});

before(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.env.WASMTIME ?? 'wasmtime', ['serve', '-Scli', '--addr', `127.0.0.1:${port}`, component], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  server.stderr.on('data', (chunk) => (log += chunk));
  // Ready when it answers; it compiles the component first. Bounded to 60 s.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`wasmtime serve exited: ${log}`);
    try {
      await fetch(`${base}/`);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`wasmtime serve did not answer in 60 s: ${log}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
});

after(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
});

/** CRC-32C records with the given payload sizes, serialized and concatenated. */
function stream(...sizes) {
  const frames = sizes.map((size, i) => {
    const record = new records.BinaryRecord('crc32c');
    record.setPayload(new Uint8Array(size).fill(i));
    const frame = record.serialize();
    record[Symbol.dispose]();
    return frame;
  });
  const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const frame of frames) {
    out.set(frame, at);
    at += frame.length;
  }
  return out;
}

async function post(body, { path = '/records?checksum=crc32c', method = 'POST', ...init } = {}) {
  const response = await fetch(`${base}${path}`, { method, body, ...init });
  return { status: response.status, json: await response.json() };
}

test('a valid stream: 200 with the count and the payload bytes', async () => {
  assert.deepEqual(await post(stream(3, 0, 1000)), { status: 200, json: { records: 3, payload_bytes: 1003 } });
});

test('an empty body is a valid, empty stream', async () => {
  assert.deepEqual(await post(new Uint8Array()), { status: 200, json: { records: 0, payload_bytes: 0 } });
});

test('a corrupted checksum: 400 with the typed error and its offset', async () => {
  const bad = stream(3, 4, 5);
  bad[27 + 20] ^= 0xff;
  const { status, json } = await post(bad);
  assert.equal(status, 400);
  assert.equal(json.error.tag, 'checksum-mismatch');
  assert.notEqual(json.error.expected, json.error.actual);
  assert.deepEqual([json.records, json.offset], [1, 27]);
});

test('a truncated stream: 400 where its last record starts', async () => {
  const whole = stream(3, 4, 5);
  const { status, json } = await post(whole.slice(0, whole.length - 2));
  assert.equal(status, 400);
  assert.equal(json.error.tag, 'length-mismatch');
  assert.deepEqual([json.records, json.offset], [2, 55]);
});

test('sum32 is chosen by the query; an unknown checksum is 400', async () => {
  const record = new records.BinaryRecord('sum32');
  record.setPayload(new Uint8Array([1, 2, 3]));
  const frame = record.serialize();
  record[Symbol.dispose]();
  assert.equal((await post(frame, { path: '/records?checksum=sum32' })).json.records, 1);
  assert.equal((await post(frame)).json.error.tag, 'checksum-mismatch');
  assert.equal((await post(frame, { path: '/records?checksum=md5' })).status, 400);
});

test('a body over 16 MiB: 413', async () => {
  const { status } = await post(new Uint8Array((16 << 20) + 1));
  assert.equal(status, 413);
});

test('a few MiB streamed in chunks are framed as they arrive', async () => {
  const sizes = Array.from({ length: 800 }, (_, i) => 4000 + (i % 7) * 100);
  const whole = stream(...sizes);
  const body = ReadableStream.from((function* () {
    for (let at = 0; at < whole.length; at += 65_537) yield whole.slice(at, at + 65_537);
  })());
  const { status, json } = await post(body, { duplex: 'half' });
  assert.equal(status, 200);
  assert.deepEqual(json, { records: 800, payload_bytes: sizes.reduce((a, b) => a + b, 0) });
  assert.ok(whole.length > 3 << 20);
});

test('another method is 405, another path 404', async () => {
  assert.equal((await fetch(`${base}/records`)).status, 405);
  assert.equal((await fetch(`${base}/elsewhere`, { method: 'POST' })).status, 404);
});
