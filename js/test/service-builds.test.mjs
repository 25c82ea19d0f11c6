// The two builds of the composed record-service under `wasmtime serve`: the wasi:http 0.3 one
// (target/composed/record-service.wasm, which service.test.mjs checks answer by answer) and the
// wasi:http 0.2 one (record-service-p2.wasm). Both give the CRC-32C of a checked body in an
// `x-amz-checksum-crc32c` header, checked against the AWS SDK's CRC-32C; and the 0.2 build
// answers every kind of request as the 0.3 one does.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { recordLayout } from 'memkit/record-layout';
import { postRecords, recordsOfSizes as stream } from './helpers.mjs';
import { references } from './references.mjs';
import { serveComponent } from '../scripts/wasmtime-serve.mjs';

const composed = (name) => fileURLToPath(new URL(`../../target/composed/${name}.wasm`, import.meta.url));
const builds = { 'wasi:http 0.3': composed('record-service'), 'wasi:http 0.2': composed('record-service-p2') };
const served = {};

before(async () => {
  await Promise.all(Object.entries(builds).map(async ([name, component]) => {
    served[name] = await serveComponent(component);
  }));
});

after(async () => Promise.all(Object.values(served).map((server) => server.stop())));


/** What a client sees of the answer of `build` to `body`. */
const post = (build, body, options) => postRecords(served[build].url, body, options);

/** The header's form: base64 of the big-endian CRC-32C. */
const header = (body) => Buffer.from(references.crc32c(body)).toString('base64');

for (const build of Object.keys(builds)) {
  test(`${build}: a checked body's CRC-32C comes in x-amz-checksum-crc32c`, async () => {
    for (const body of [new Uint8Array(), stream(3, 0, 1000), stream(...Array(40).fill(100_000))]) {
      const answer = await post(build, body);
      assert.equal(answer.status, 200);
      assert.equal(answer.crc32c, header(body), `${body.length} bytes`);
    }
  });

  test(`${build}: a body streamed in chunks is hashed whole`, async () => {
    const whole = stream(...Array.from({ length: 300 }, (_, i) => 9000 + i));
    const body = ReadableStream.from((function* () {
      for (let at = 0; at < whole.length; at += 50_021) yield whole.slice(at, at + 50_021);
    })());
    const answer = await post(build, body, { duplex: 'half' });
    assert.equal(answer.status, 200);
    assert.equal(answer.crc32c, header(whole));
  });

  test(`${build}: a refused body has no checksum header`, async () => {
    const bad = stream(3, 4, 5);
    bad[recordLayout.overheadBytes + 3 + recordLayout.payloadOffset] ^= 0xff;
    const whole = stream(3, 4);
    for (const body of [bad, whole.slice(0, whole.length - 1)]) {
      const answer = await post(build, body);
      assert.equal(answer.status, 400);
      assert.equal(answer.crc32c, null);
    }
  });

  test(`${build}: a body over 16 MiB without a declared length is 413`, async () => {
    const { status, json } = await chunkedOver16MiB(build);
    assert.equal(status, 413);
    assert.match(json.error, /over 16777216 bytes/);
  });
}

/**
 * Posts 17 MiB of valid records in chunks (no content-length) and resolves with the answer;
 * the server may answer and close before the client has written it all.
 */
function chunkedOver16MiB(build) {
  const whole = stream(...Array(17).fill((1 << 20) - recordLayout.overheadBytes));
  return new Promise((resolve, reject) => {
    const request = http.request(`${served[build].url}/records`, { method: 'POST' }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode, json: JSON.parse(text) });
      });
    });
    request.on('error', (error) => ['ECONNRESET', 'EPIPE'].includes(error.code) || reject(error));
    for (let at = 0; at < whole.length; at += 1 << 20) request.write(whole.subarray(at, at + (1 << 20)));
    request.end();
  });
}

test('the 0.2 build answers every kind of request as the 0.3 one does', async () => {
  const bad = stream(3, 4, 5);
  bad[recordLayout.overheadBytes + 3 + recordLayout.payloadOffset] ^= 0xff;
  const whole = stream(3, 4, 5);
  const requests = [
    [stream(3, 0, 1000)],
    [new Uint8Array()],
    [bad],
    [whole.slice(0, whole.length - 2)],
    [whole.slice(0, 10)],
    [stream(2 << 20)],
    [stream(3), { path: '/records?checksum=sum32' }],
    [stream(3), { path: '/records?checksum=md5' }],
    [undefined, { method: 'GET' }],
    [stream(3), { path: '/elsewhere' }],
  ];
  for (const [body, init] of requests) {
    const [p3, p2] = await Promise.all(Object.keys(builds).map((build) => post(build, body, init)));
    assert.deepEqual(p2, p3, JSON.stringify(init ?? {}));
  }
});
