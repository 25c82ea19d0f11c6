// The composed record-service (memkit plugged into examples/record-service) served by a real
// engine, `wasmtime serve` (wasmtime-cli 50.0.1, installed by `cargo xtask test`), on
// 127.0.0.1 at a free port; every kind of body, then the server is stopped.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { records } from 'memkit';
import { recordLayout } from 'memkit/record-layout';
import { postRecords, recordsOfSizes as stream } from './helpers.mjs';
import { serveComponent } from '../scripts/wasmtime-serve.mjs';

const component = fileURLToPath(new URL('../../target/composed/record-service.wasm', import.meta.url));
let served;
let base;

before(async () => {
  served = await serveComponent(component);
  base = served.url;
});

after(async () => served?.stop());

/** Where the record after ones with these payload sizes starts in a stream. */
const offsetAfter = (...sizes) => sizes.reduce((at, size) => at + recordLayout.overheadBytes + size, 0);

/** The status and the JSON of the answer to `body`. */
async function post(body, options) {
  const { status, json } = await postRecords(base, body, options);
  return { status, json };
}

test('a valid stream: 200 with the count and the payload bytes', async () => {
  assert.deepEqual(await post(stream(3, 0, 1000)), { status: 200, json: { records: 3, payload_bytes: 1003 } });
});

test('an empty body is a valid, empty stream', async () => {
  assert.deepEqual(await post(new Uint8Array()), { status: 200, json: { records: 0, payload_bytes: 0 } });
});

test('a corrupted checksum: 400 with the typed error and its offset', async () => {
  const bad = stream(3, 4, 5);
  bad[offsetAfter(3) + recordLayout.payloadOffset] ^= 0xff;
  const { status, json } = await post(bad);
  assert.equal(status, 400);
  assert.equal(json.error.tag, 'checksum-mismatch');
  assert.notEqual(json.error.expected, json.error.actual);
  assert.deepEqual([json.records, json.offset], [1, offsetAfter(3)]);
});

test('a truncated stream: 400 where its last record starts', async () => {
  const whole = stream(3, 4, 5);
  const { status, json } = await post(whole.slice(0, whole.length - 2));
  assert.equal(status, 400);
  assert.equal(json.error.tag, 'length-mismatch');
  assert.deepEqual([json.records, json.offset], [2, offsetAfter(3, 4)]);
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

/**
 * Sends headers and the first `send` bytes of a body, then waits for the answer without
 * finishing the body: the service must refuse it without reading it all. (A client that
 * kept writing would race the server closing the connection.)
 */
function refusedEarly(headers, send) {
  return new Promise((resolve, reject) => {
    const request = http.request(`${base}/records`, { method: 'POST', headers }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode, json: JSON.parse(text) });
      });
    });
    // The server may close its side once it has answered: the rest of the body is refused.
    request.on('error', (error) => ['ECONNRESET', 'EPIPE'].includes(error.code) || reject(error));
    for (let at = 0; at < send; at += 1 << 20) request.write(new Uint8Array(Math.min(1 << 20, send - at)));
  });
}

test('a body declared over 16 MiB: 413 before it is read', async () => {
  const { status, json } = await refusedEarly({ 'content-length': String((16 << 20) + 1) }, 1024);
  assert.equal(status, 413);
  assert.match(json.error, /over 16777216 bytes/);
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
